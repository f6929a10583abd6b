/**
 * The wire contract of the `libvirtSeclabel/status` notification, shared by the server that sends
 * it (status.ts) and the VS Code client that shows it (client/src/languageStatus.ts): types and
 * names only, so that the client bundle takes nothing else from the server.
 */
import type { VersionSource } from './service/version';

export type { VersionSource };

export interface DocumentStatus {
	readonly uri: string;
	/** The libvirt version the document is checked for. */
	readonly libvirtVersion: string;
	readonly versionSource: VersionSource;
	/** `auto` was asked for, but virsh did not answer with a version: the default applies. */
	readonly autoFailed?: boolean;
	/** The known version whose rules apply (the nearest known one at or below libvirtVersion). */
	readonly rulesVersion: string;
	/** The host's SELinux policy that was read, or the built-in catalogue. */
	readonly policy: { readonly source: 'host' | 'built-in'; readonly root: string; readonly name?: string; readonly dir?: string };
	readonly hostSecurityModel: string;
}

export interface IndexStatus {
	/** `idle` before the first scan, `indexing` while a scan runs, `indexed` after it. */
	readonly state: 'idle' | 'indexing' | 'indexed';
	/** Domain guests in the index (files on disk and open documents). */
	readonly guests: number;
	/** While indexing: XML files looked at so far, and how many there are (once they are listed). */
	readonly done?: number;
	readonly total?: number;
	/** The last scan stopped at libvirtSeclabel.index.maxFiles or maxDomains: guests may be missing. */
	readonly capped?: boolean;
}

export interface StatusParams {
	readonly index: IndexStatus;
	/** Present when the status of one document changed (its settings were resolved). */
	readonly document?: DocumentStatus;
}

/** The notification's method. */
export const STATUS_NOTIFICATION = 'libvirtSeclabel/status';

/** The experimental client capability that asks for the notification. */
export const STATUS_CAPABILITY = 'libvirtSeclabelStatus';
