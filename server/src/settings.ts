/**
 * The `libvirtSeclabel.*` settings as clients send them, and their translation into the service's
 * LanguageSettings. Settings are per resource; nothing here is global.
 */
import type { DriverName, HostSecurityModel, LanguageSettings, RuleSetting } from './service/types';
import { SEVERITY_NAMES } from './service/types';
import { parseVersion } from './service/version';

export const SETTINGS_SECTION = 'libvirtSeclabel';

export interface ClientSettings {
	libvirtVersion?: string;
	hostSecurityModel?: string;
	driver?: string;
	rules?: Record<string, string>;
	selinuxRoot?: string;
	extraDomainDirs?: string[];
	index?: { maxFiles?: number; maxDomains?: number };
	/** A libvirt connection URI whose guests join the index (hotplugServer.ts); empty is off. */
	connect?: string;
	/** Read the SELinux and remember-owner attributes of local images (hotplugServer.ts). */
	readImageLabels?: boolean;
}

/** Settings after reading; `libvirtVersion` may still be `auto` for the caller to resolve. */
export interface ReadSettings extends LanguageSettings {
	libvirtVersion?: string;
	/** `libvirtSeclabel.selinuxRoot`: where the caller reads the host's SELinux policy (absolute paths only). */
	selinuxRoot?: string;
	/** `libvirtSeclabel.readImageLabels`: true only when the user turned it on. */
	readImageLabels?: boolean;
}

/**
 * `libvirtSeclabel.extraDomainDirs`: directories outside the workspace whose domain XML is indexed
 * too (such as /etc/libvirt/qemu). Only absolute paths are kept: a relative one has no base here.
 */
export function readExtraDomainDirs(client: ClientSettings | undefined | null): string[] {
	const dirs = client && typeof client === 'object' && Array.isArray(client.extraDomainDirs) ? client.extraDomainDirs : [];
	return [...new Set(dirs.filter((dir): dir is string => typeof dir === 'string' && dir.startsWith('/')).map((dir) => dir.replace(/\/+$/, '') || '/'))];
}

/** Bounds on the workspace index: XML files looked at per scan, and domains kept from disk. */
export interface IndexLimits {
	readonly maxFiles: number;
	readonly maxDomains: number;
}

export const DEFAULT_INDEX_LIMITS: IndexLimits = { maxFiles: 50_000, maxDomains: 5_000 };

/** `libvirtSeclabel.index.maxFiles` / `.maxDomains`: positive integers, else the defaults. */
export function readIndexLimits(client: ClientSettings | undefined | null): IndexLimits {
	const index = client && typeof client === 'object' && client.index && typeof client.index === 'object' ? client.index : {};
	const positive = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback);
	return { maxFiles: positive(index.maxFiles, DEFAULT_INDEX_LIMITS.maxFiles), maxDomains: positive(index.maxDomains, DEFAULT_INDEX_LIMITS.maxDomains) };
}

export function readSettings(client: ClientSettings | undefined | null): ReadSettings {
	const settings: ReadSettings = {};
	if (!client || typeof client !== 'object') {
		return settings;
	}
	const version = typeof client.libvirtVersion === 'string' ? client.libvirtVersion.trim() : '';
	if (version === 'auto') {
		settings.libvirtVersion = 'auto';
	} else if (version && parseVersion(version)) {
		settings.libvirtVersion = version;
	}
	if (client.hostSecurityModel === 'selinux' || client.hostSecurityModel === 'apparmor' || client.hostSecurityModel === 'none') {
		settings.hostSecurityModel = client.hostSecurityModel as HostSecurityModel;
	}
	if (client.driver === 'qemu' || client.driver === 'test') {
		settings.driver = client.driver as DriverName;
	}
	if (typeof client.selinuxRoot === 'string' && client.selinuxRoot.startsWith('/')) {
		settings.selinuxRoot = client.selinuxRoot;
	}
	if (client.readImageLabels === true) {
		settings.readImageLabels = true;
	}
	if (client.rules && typeof client.rules === 'object') {
		const rules: Record<string, RuleSetting> = {};
		for (const [id, value] of Object.entries(client.rules)) {
			if (value === 'off' || (SEVERITY_NAMES as readonly string[]).includes(value)) {
				rules[id] = value as RuleSetting;
			}
		}
		settings.rules = rules;
	}
	return settings;
}
