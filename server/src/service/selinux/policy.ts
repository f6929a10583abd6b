/**
 * Facts about the host's SELinux policy that checks, completions and hovers use. The node side
 * (server/src/node/policyReader.ts) reads them from /etc/selinux; the service never touches files.
 */
export interface PolicyInfo {
	/** Where the facts came from, for hovers: a directory, or `built-in`. */
	readonly source: string;
	/** SELINUXTYPE, e.g. `targeted`. */
	readonly policyName?: string;
	/** `virtual_domain_context` line 1 (KVM) and line 2 (TCG). */
	readonly domainContext?: string;
	readonly tcgDomainContext?: string;
	/** `virtual_image_context` line 1 (images) and line 2 (read-only content). */
	readonly imageContext?: string;
	readonly contentContext?: string;
	/** Names the policy defines, when they could be read. */
	readonly users?: readonly string[];
	readonly roles?: readonly string[];
	readonly types?: readonly string[];
	/** mcstrans translations: canonical raw range → translation. */
	readonly translations?: Readonly<Record<string, string>>;
}
