/**
 * The built-in SELinux catalogue: the users, roles and virtualization types of the Fedora/RHEL
 * targeted policy, the reference policy and container-selinux, their default contexts and mcstrans
 * translations (shared/reference/selinux-semantics.md §1.6, §3). Checks, completion and hover use
 * it when the host's policy cannot be read; `effectiveCatalogue` lays what the host's files say
 * over it.
 */
import { canonicalLevel, parseLevelRange } from './context';
import type { PolicyInfo } from './policy';

/** Which policy sources define a name: F = Fedora/RHEL, R = refpolicy, C = container-selinux. */
export type PolicySource = 'fedora' | 'refpolicy' | 'container-selinux';

export interface SelinuxUserInfo {
	readonly name: string;
	readonly roles: readonly string[];
	/** The user's MCS range on Fedora targeted. */
	readonly range: string;
	readonly doc: string;
}

export interface SelinuxRoleInfo {
	readonly name: string;
	/** `object` for object_r (files and devices), `process` for roles of running processes. */
	readonly kind: 'process' | 'object';
	readonly doc: string;
}

export interface SelinuxTypeInfo {
	readonly name: string;
	/** `process` types label running processes (`<label>`, `<baselabel>`), `file` types label images and devices. */
	readonly kind: 'process' | 'file';
	readonly doc: string;
	readonly policies: readonly PolicySource[];
	/** True for types that are meant as a guest's label (or image label), as opposed to the daemons' own. */
	readonly guest: boolean;
}

export const SELINUX_USERS: readonly SelinuxUserInfo[] = [
	{ name: 'system_u', roles: ['system_r', 'unconfined_r'], range: 's0-s0:c0.c1023', doc: 'The user of system processes and files; libvirt\'s daemon runs as system_u, so generated guest labels use it.' },
	{ name: 'unconfined_u', roles: ['unconfined_r', 'system_r'], range: 's0-s0:c0.c1023', doc: 'The user of unconfined login sessions (Fedora default for interactive users).' },
	{ name: 'staff_u', roles: ['staff_r', 'system_r', 'sysadm_r', 'unconfined_r'], range: 's0-s0:c0.c1023', doc: 'Administrators who switch to sysadm_r.' },
	{ name: 'sysadm_u', roles: ['sysadm_r'], range: 's0-s0:c0.c1023', doc: 'System administrators.' },
	{ name: 'root', roles: ['unconfined_r', 'sysadm_r', 'staff_r', 'system_r'], range: 's0-s0:c0.c1023', doc: 'The SELinux user of root logins.' },
	{ name: 'user_u', roles: ['user_r'], range: 's0', doc: 'Confined unprivileged users; range s0 only, so its processes cannot carry categories.' },
	{ name: 'guest_u', roles: ['guest_r'], range: 's0', doc: 'Guest logins without network; range s0 only.' },
	{ name: 'xguest_u', roles: ['xguest_r'], range: 's0', doc: 'Kiosk X logins; range s0 only.' },
];

export const SELINUX_ROLES: readonly SelinuxRoleInfo[] = [
	{ name: 'object_r', kind: 'object', doc: 'The built-in role of every file and device label: use it in <imagelabel> and device <label>.' },
	{ name: 'system_r', kind: 'process', doc: 'The role of system processes, and of QEMU guests (role system_r types svirt_t): use it in a domain <label>.' },
	{ name: 'unconfined_r', kind: 'process', doc: 'The role of unconfined processes; guests of the session daemon may run with it.' },
	{ name: 'staff_r', kind: 'process', doc: 'The role of staff logins.' },
	{ name: 'sysadm_r', kind: 'process', doc: 'The role of administrators.' },
	{ name: 'user_r', kind: 'process', doc: 'The role of confined users.' },
	{ name: 'guest_r', kind: 'process', doc: 'The role of guest logins.' },
	{ name: 'xguest_r', kind: 'process', doc: 'The role of kiosk X logins.' },
];

export const SELINUX_TYPES: readonly SelinuxTypeInfo[] = [
	{ name: 'svirt_t', kind: 'process', guest: true, policies: ['fedora', 'refpolicy'], doc: 'A confined QEMU/KVM guest; the default type of dynamic labels (virtual_domain_context line 1). MCS-constrained: it may only use files its categories dominate.' },
	{ name: 'svirt_tcg_t', kind: 'process', guest: true, policies: ['fedora'], doc: 'A confined guest for QEMU TCG (<domain type=\'qemu\'>), allowed execmem and execstack (virtual_domain_context line 2). Fedora only.' },
	{ name: 'svirt_prot_exec_t', kind: 'process', guest: true, policies: ['refpolicy'], doc: 'The reference policy\'s guest domain with execmem and execstack.' },
	{ name: 'container_t', kind: 'process', guest: true, policies: ['fedora', 'refpolicy', 'container-selinux'], doc: 'An LXC or container process (lxc_contexts `process`).' },
	{ name: 'svirt_qemu_net_t', kind: 'process', guest: true, policies: ['fedora'], doc: 'A libvirt-sandbox QEMU domain with network access.' },
	{ name: 'svirt_kvm_net_t', kind: 'process', guest: true, policies: ['fedora'], doc: 'A libvirt-sandbox KVM domain with network access.' },
	{ name: 'container_kvm_t', kind: 'process', guest: true, policies: ['container-selinux', 'refpolicy'], doc: 'A Kata/KVM container.' },
	{ name: 'container_init_t', kind: 'process', guest: true, policies: ['container-selinux', 'refpolicy'], doc: 'A container running systemd.' },
	{ name: 'container_engine_t', kind: 'process', guest: true, policies: ['container-selinux'], doc: 'A container engine nested in a container.' },
	{ name: 'spc_t', kind: 'process', guest: true, policies: ['container-selinux', 'refpolicy'], doc: 'A super-privileged (unconfined) container.' },
	{ name: 'unconfined_t', kind: 'process', guest: true, policies: ['fedora', 'refpolicy'], doc: 'An unconfined process. libvirt can start a guest with it only when the boolean virt_transition_userdomain is on; the guest is then not confined.' },
	{ name: 'virtd_t', kind: 'process', guest: false, policies: ['fedora', 'refpolicy'], doc: 'The libvirtd daemon itself, not a guest label.' },
	{ name: 'virtqemud_t', kind: 'process', guest: false, policies: ['fedora'], doc: 'The modular virtqemud daemon itself, not a guest label.' },
	{ name: 'virtd_lxc_t', kind: 'process', guest: false, policies: ['fedora', 'refpolicy'], doc: 'The libvirt_lxc helper itself, not a guest label.' },
	{ name: 'svirt_image_t', kind: 'file', guest: true, policies: ['fedora', 'refpolicy'], doc: 'Images and devices in use by a running guest: with the guest\'s MCS pair they are private to it, at plain s0 shared by all guests (virtual_image_context line 1).' },
	{ name: 'virt_image_t', kind: 'file', guest: true, policies: ['fedora', 'refpolicy'], doc: 'Images at rest in /var/lib/libvirt/images; libvirt restores disks to it when the guest stops.' },
	{ name: 'virt_content_t', kind: 'file', guest: true, policies: ['fedora', 'refpolicy'], doc: 'Read-only content every guest may read: ISOs, kernels, backing files, <readonly/> disks (virtual_image_context line 2).' },
	{ name: 'svirt_home_t', kind: 'file', guest: true, policies: ['fedora', 'refpolicy'], doc: 'Guest files under a user\'s home (~/.local/share/libvirt/images).' },
	{ name: 'virt_home_t', kind: 'file', guest: false, policies: ['fedora', 'refpolicy'], doc: 'Per-user libvirt directories (~/.config/libvirt, ~/VirtualMachines).' },
	{ name: 'svirt_tmp_t', kind: 'file', guest: true, policies: ['fedora', 'refpolicy'], doc: 'A guest\'s temporary files.' },
	{ name: 'svirt_tmpfs_t', kind: 'file', guest: true, policies: ['fedora', 'refpolicy'], doc: 'A guest\'s tmpfs and shared memory.' },
	{ name: 'svirt_devpts_t', kind: 'file', guest: true, policies: ['fedora', 'refpolicy'], doc: 'A guest\'s pseudo-terminals.' },
	{ name: 'svirt_tcg_devpts_t', kind: 'file', guest: true, policies: ['fedora'], doc: 'A TCG guest\'s pseudo-terminals.' },
	{ name: 'svirt_socket_t', kind: 'file', guest: true, policies: ['fedora'], doc: 'Sockets of guest domains.' },
	{ name: 'virt_var_lib_t', kind: 'file', guest: false, policies: ['fedora', 'refpolicy'], doc: '/var/lib/libvirt; lxc_contexts `content`.' },
	{ name: 'qemu_var_run_t', kind: 'file', guest: false, policies: ['fedora'], doc: 'Guest runtime directories (/run/libvirt/qemu), labelled s0-s0:c0.c1023.' },
	{ name: 'svirt_runtime_t', kind: 'file', guest: false, policies: ['refpolicy'], doc: 'The reference policy\'s guest runtime directories.' },
	{ name: 'virt_cache_t', kind: 'file', guest: false, policies: ['fedora', 'refpolicy'], doc: '/var/cache/libvirt.' },
	{ name: 'virt_log_t', kind: 'file', guest: false, policies: ['fedora', 'refpolicy'], doc: '/var/log/libvirt.' },
	{ name: 'virt_etc_t', kind: 'file', guest: false, policies: ['fedora', 'refpolicy'], doc: '/etc/libvirt.' },
	{ name: 'virt_etc_rw_t', kind: 'file', guest: false, policies: ['fedora', 'refpolicy'], doc: 'Writable configuration under /etc/libvirt.' },
	{ name: 'virt_var_run_t', kind: 'file', guest: false, policies: ['fedora', 'refpolicy'], doc: '/run/libvirt.' },
	{ name: 'virt_lock_t', kind: 'file', guest: false, policies: ['fedora', 'refpolicy'], doc: 'libvirt lock files.' },
	{ name: 'virt_tmp_t', kind: 'file', guest: false, policies: ['fedora', 'refpolicy'], doc: 'libvirt temporary files.' },
	{ name: 'container_file_t', kind: 'file', guest: true, policies: ['fedora', 'refpolicy', 'container-selinux'], doc: 'Container files (lxc_contexts `file`).' },
	{ name: 'container_ro_file_t', kind: 'file', guest: true, policies: ['fedora', 'refpolicy', 'container-selinux'], doc: 'Read-only container content (lxc_contexts `ro_file`).' },
];

/** Type aliases: valid in contexts, and the kernel prints the primary name. */
export const TYPE_ALIASES: Readonly<Record<string, string>> = {
	qemu_t: 'svirt_t',
	svirt_lxc_net_t: 'container_t',
	svirt_sandbox_file_t: 'container_file_t',
	svirt_lxc_file_t: 'container_file_t',
	svirt_var_run_t: 'qemu_var_run_t',
	svirt_cache_t: 'virt_cache_t',
};

/** Names that documentation prints but no current policy defines, with what was meant. */
export const NONEXISTENT_TYPES: Readonly<Record<string, { readonly replacement: string; readonly why: string }>> = {
	svirt_content_t: {
		replacement: 'virt_content_t',
		why: 'svirt_content_t is printed by older libvirt and RHEL documentation and the virtual_image_context man page, but neither the Fedora/RHEL nor the reference policy defines it; read-only content is virt_content_t.',
	},
};

/** Attributes group types in policy source; the kernel refuses them in a context. */
export const TYPE_ATTRIBUTES: readonly string[] = ['virt_domain', 'svirt_file_type', 'virt_image_type', 'virt_file_type', 'mcs_constrained_type', 'domain', 'file_type'];

/** The SELinux booleans that decide what a guest label may do. */
export const VIRT_BOOLEANS: Readonly<Record<string, string>> = {
	virt_transition_userdomain: 'Allows libvirt to start guests in a user domain such as unconfined_t (off by default).',
	virt_use_execmem: 'Allows every guest domain executable memory, which TCG guests need where svirt_tcg_t is missing (off by default).',
	virt_use_nfs: 'Allows guests to use images on NFS (off by default).',
	virt_use_samba: 'Allows guests to use images on CIFS (off by default).',
	virt_use_comm: 'Allows guests to use serial and parallel ports (off by default).',
	virt_use_usb: 'Allows guests to use USB devices (on by default on Fedora).',
};

export interface DefaultContexts {
	readonly domainContext: string;
	readonly tcgDomainContext?: string;
	readonly imageContext: string;
	readonly contentContext: string;
}

/** What contexts/virtual_domain_context and virtual_image_context hold on each policy's MCS build. */
export const DEFAULT_CONTEXTS: Readonly<Record<'fedora' | 'refpolicy', DefaultContexts>> = {
	fedora: {
		domainContext: 'system_u:system_r:svirt_t:s0',
		tcgDomainContext: 'system_u:system_r:svirt_tcg_t:s0',
		imageContext: 'system_u:object_r:svirt_image_t:s0',
		contentContext: 'system_u:object_r:virt_content_t:s0',
	},
	refpolicy: {
		domainContext: 'system_u:system_r:svirt_t:s0',
		imageContext: 'system_u:object_r:svirt_image_t:s0',
		contentContext: 'system_u:object_r:virt_content_t:s0',
	},
};

/** Fedora targeted's setrans.conf. */
export const DEFAULT_TRANSLATIONS: Readonly<Record<string, string>> = {
	's0': 'SystemLow',
	's0-s0:c0.c1023': 'SystemLow-SystemHigh',
	's0:c0.c1023': 'SystemHigh',
};

/** The category window libvirt draws dynamic pairs from unless the daemon runs with a narrower range. */
export const DEFAULT_CATEGORY_WINDOW = { low: 0, high: 1023 } as const;

/** The catalogue after the host's facts are laid over the built-in data. */
export interface SelinuxCatalogue {
	/** Where the facts came from: a policy directory, or `built-in`. */
	readonly source: string;
	readonly policyName?: string;
	/** True when the names come from the host's policy, so unknown names are real errors. */
	readonly hostNames: boolean;
	readonly users: ReadonlySet<string>;
	readonly roles: ReadonlySet<string>;
	/** Known type names (including aliases). */
	readonly types: ReadonlySet<string>;
	readonly defaults: DefaultContexts;
	readonly translations: Readonly<Record<string, string>>;
	typeInfo(name: string): SelinuxTypeInfo | undefined;
	/** The primary name of a type alias, or undefined. */
	aliasOf(name: string): string | undefined;
	/** The mcstrans translation of a range or level, after canonicalising it, or undefined. */
	translate(range: string): string | undefined;
}

const TYPE_BY_NAME = new Map(SELINUX_TYPES.map((type) => [type.name, type]));

/** The built-in catalogue with whatever the host's policy provides laid over it. */
export function effectiveCatalogue(policy?: PolicyInfo): SelinuxCatalogue {
	const hostNames = Boolean(policy?.types && policy.types.length > 0);
	const builtinTypes = [...SELINUX_TYPES.map((type) => type.name), ...Object.keys(TYPE_ALIASES)];
	// seinfo lists primary names only; an alias is known when its primary is.
	const hostTypes = new Set(policy?.types ?? []);
	const hostAliases = Object.entries(TYPE_ALIASES).filter(([, primary]) => hostTypes.has(primary)).map(([alias]) => alias);
	const types = new Set(hostNames ? [...hostTypes, ...hostAliases] : builtinTypes);
	const users = new Set(policy?.users && policy.users.length > 0 ? policy.users : SELINUX_USERS.map((user) => user.name));
	const roles = new Set(policy?.roles && policy.roles.length > 0 ? policy.roles : SELINUX_ROLES.map((role) => role.name));
	// A Fedora-like tree names the TCG type; a refpolicy one has a single domain line.
	const fallback = DEFAULT_CONTEXTS.fedora;
	const defaults: DefaultContexts = {
		domainContext: policy?.domainContext ?? fallback.domainContext,
		tcgDomainContext: policy?.domainContext ? policy.tcgDomainContext : fallback.tcgDomainContext,
		imageContext: policy?.imageContext ?? fallback.imageContext,
		contentContext: policy?.contentContext ?? fallback.contentContext,
	};
	const translations = policy?.translations && Object.keys(policy.translations).length > 0 ? policy.translations : DEFAULT_TRANSLATIONS;
	return {
		source: policy?.source ?? 'built-in',
		policyName: policy?.policyName,
		hostNames,
		users,
		roles,
		types,
		defaults,
		translations,
		typeInfo: (name) => TYPE_BY_NAME.get(TYPE_ALIASES[name] ?? name),
		aliasOf: (name) => TYPE_ALIASES[name],
		translate: (range) => translateRange(range, translations),
	};
}

/** mcstrans lookup: the exact canonical range, else each level on its own joined with `-`. */
export function translateRange(range: string, translations: Readonly<Record<string, string>>): string | undefined {
	const parsed = parseLevelRange(range);
	if (parsed.problems.length > 0 || !parsed.low || !parsed.high) {
		return undefined;
	}
	const low = canonicalLevel(parsed.low);
	const high = canonicalLevel(parsed.high);
	const whole = low === high ? low : `${low}-${high}`;
	if (translations[whole] !== undefined) {
		return translations[whole];
	}
	if (low === high) {
		return undefined;
	}
	const lowText = translations[low];
	const highText = translations[high];
	if (lowText === undefined && highText === undefined) {
		return undefined;
	}
	return `${lowText ?? low}-${highText ?? high}`;
}
