/**
 * Public types of the language service. Positions are offsets everywhere inside the service;
 * LSP positions appear only in the feature functions that build LSP results.
 */
export type { Span } from './parser/xmlParser';
export type { SeclabelDocument } from './parser/seclabelModel';
export type { PolicyInfo } from './selinux/policy';

/**
 * When a mistake bites. These names are a contract (CLI JSON, settings, docs).
 * - define: libvirt refuses the XML at define/create/attach time (or when it reads live XML).
 * - start: libvirt accepts it, but the guest or a hot-plug fails at start, or SELinux denies the
 *   guest its own resources.
 * - ignored: libvirt accepts it but silently drops or ignores what was written.
 * - advice: works, but weakens isolation, is not canonical, or relies on a fragile default.
 */
export type Stage = 'define' | 'start' | 'ignored' | 'advice';
export const STAGES: readonly Stage[] = ['define', 'start', 'ignored', 'advice'];

export type SeverityName = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITY_NAMES: readonly SeverityName[] = ['error', 'warning', 'information', 'hint'];

/** A per-rule setting: a severity, or `off`. */
export type RuleSetting = SeverityName | 'off';

/** The hypervisor driver whose define-time checks apply. */
export type DriverName = 'qemu' | 'test';

/** The host's primary security driver: what a model-less seclabel becomes. */
export type HostSecurityModel = 'selinux' | 'apparmor' | 'none';

export interface LanguageSettings {
	/** The libvirt version whose rules apply, `X.Y.Z`; defaults to the newest the rules know. */
	libvirtVersion?: string;
	/**
	 * Where `libvirtVersion` came from, for hovers: the user's setting, `auto` (virsh answered, or
	 * did not), or nothing (the default target). Unset means the setting when a version is given.
	 */
	libvirtVersionSource?: 'setting' | 'auto' | 'auto-unavailable' | 'default';
	/**
	 * `qemu` (default): a real host, with the QEMU driver's define-time checks and a default
	 * security model. `test`: libvirt's test driver (`test:///default`), which has neither; the
	 * differential tests use it to compare with `virsh -c test:///default define`.
	 */
	driver?: DriverName;
	/** The host's primary security driver; `selinux` unless set. */
	hostSecurityModel?: HostSecurityModel;
	/** Per-rule severity overrides and off switches, keyed by rule id. */
	rules?: Record<string, RuleSetting>;
	/** The host's SELinux policy facts, when the caller could read them. */
	policy?: import('./selinux/policy').PolicyInfo;
	/**
	 * Report a diagnostic for input that is not a domain at all (no root element): set by the CLI
	 * for files the user named, never by the editor, where a new empty XML file is normal.
	 */
	reportNonDomain?: boolean;
	/** What the other guests of the workspace (or host) look like, for cross-guest rules and completion. */
	workspace?: WorkspaceContext;
	/** The checked document's URI (the CLI uses the path): how the cross-guest rules leave it out of the workspace. */
	documentUri?: string;
	/**
	 * The document is open in an editor, so edits will follow: its devices' findings are kept from
	 * its first check (incrementalFindings.ts), instead of from its second, which would run every
	 * device again on the first keystroke (4.5 s and the server's peak memory at 35 MB, measured).
	 */
	editing?: boolean;
	/**
	 * For an attach-device fragment: the guest it is attached to (its XML, live or inactive), so that
	 * the rules that need the guest (overrides of the domain label, MCS fit) run, as libvirt checks
	 * the device against that guest. Without it a fragment gets only the device-level rules.
	 */
	attachTarget?: AttachTarget;
	/** What the host's images carry on disk (read only when the user turned it on): see `imageLabels`. */
	imageLabels?: import('./workspace/imageLabels').ImageLabelLookup;
}

/** The guest an attach-device fragment is checked as part of. */
export interface AttachTarget {
	/** Where the guest's XML came from (a file, or `virsh -c URI dumpxml NAME`), for related locations. */
	readonly uri: string;
	readonly text: string;
	/**
	 * True when `text` is a running guest's live XML read from a host (`virsh dumpxml` without
	 * `--inactive`); otherwise the text says what it is (a `<domain id='N'>` alone is inactive XML).
	 */
	readonly live?: boolean;
}

/**
 * The view of other guests a single document is checked against. The workspace index
 * (server/src/service/workspace/) implements it; the service never reads files itself.
 */
export interface WorkspaceContext {
	/** Canonical MCS levels (e.g. `s0:c1,c2`) already used by guests other than this document's. */
	usedLevels(exceptUri?: string): ReadonlySet<string>;
	/** Changes whenever the index changes, so that findings cached for one document can tell they are stale. */
	readonly generation?: number;
	/** The other guests' images and levels, for the cross-guest rules; absent when only levels are known. */
	readonly guests?: import('./workspace/workspaceIndex').GuestLookup;
}

/**
 * What the editor declared it can show, the part of LSP's ClientCapabilities the service reads.
 * The LSP adapter passes the client's own object from `initialize`; callers without a client
 * (the CLI, tests) get {@link LATEST_CLIENT_CAPABILITIES}, what VS Code declares.
 */
export interface ClientCapabilities {
	readonly textDocument?: {
		readonly completion?: {
			readonly completionItem?: {
				/** `${1|a,b|}` placeholders and `$0`; without it insert text is plain and complete. */
				readonly snippetSupport?: boolean;
				/** Formats of `documentation`, preferred first; absent means plain text only. */
				readonly documentationFormat?: readonly string[];
				readonly preselectSupport?: boolean;
				readonly insertTextModeSupport?: { readonly valueSet?: readonly number[] };
			};
		};
		readonly hover?: {
			/** Formats of hover `contents`, preferred first; absent means plain text only. */
			readonly contentFormat?: readonly string[];
		};
		readonly publishDiagnostics?: {
			readonly relatedInformation?: boolean;
			readonly codeDescriptionSupport?: boolean;
		};
	};
}

/** A client that takes everything (as VS Code does): snippets, markdown, preselection, indented multi-line text. */
export const LATEST_CLIENT_CAPABILITIES: ClientCapabilities = {
	textDocument: {
		completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'], preselectSupport: true, insertTextModeSupport: { valueSet: [1, 2] } } },
		hover: { contentFormat: ['markdown', 'plaintext'] },
		publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
	},
};
