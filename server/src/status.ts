/**
 * What the server is working with, for an editor's status display and for its log: which libvirt
 * version's rules apply to a document and where that came from (the setting, `auto` through
 * `virsh --version`, or the default), whether the host's SELinux policy was read or the built-in
 * catalogue is used, and the state of the workspace index (indexing n of N files, N guests
 * indexed).
 *
 * The status goes out as the custom notification `libvirtSeclabel/status`, and only to a client
 * that asked for it with the experimental client capability `libvirtSeclabelStatus: true` (the
 * VS Code extension does; other clients would only log an unknown notification). The log lines
 * (window/logMessage at the Log level) go to every client: they are what an LSP client's server
 * log shows, and they say what the server did (settings applied, index started and finished).
 */
import { NotificationType, type Connection, type InitializeParams } from 'vscode-languageserver/node';
import type { PolicyInfo } from './service/selinux/policy';
import { compareVersions, KNOWN_VERSIONS, NEWEST_VERSION, parseVersion } from './service/version';
import { STATUS_CAPABILITY, STATUS_NOTIFICATION, type DocumentStatus, type IndexStatus, type StatusParams, type VersionSource } from './statusProtocol';

export { STATUS_CAPABILITY, STATUS_NOTIFICATION, type DocumentStatus, type IndexStatus, type StatusParams, type VersionSource } from './statusProtocol';

export const StatusNotification = new NotificationType<StatusParams>(STATUS_NOTIFICATION);

/** The known version whose rules a version gets: the nearest known one at or below it (the oldest known for older ones). */
export function rulesVersionFor(version: string): string {
	const parsed = parseVersion(version);
	if (!parsed) {
		return NEWEST_VERSION;
	}
	let best: string = KNOWN_VERSIONS[0];
	for (const known of KNOWN_VERSIONS) {
		if (compareVersions(parseVersion(known)!, parsed) <= 0) {
			best = known;
		}
	}
	return best;
}

/**
 * The status of a document's settings. `requested` is the setting as read (`X.Y.Z`, `auto` or
 * undefined), `resolved` the version after `auto` was asked (undefined: the default applies).
 */
export function documentStatus(uri: string, requested: string | undefined, resolved: string | undefined, policy: PolicyInfo | undefined,
	selinuxRoot: string, hostSecurityModel: string | undefined): DocumentStatus {
	const version = (resolved && parseVersion(resolved)?.text) || NEWEST_VERSION;
	const versionSource: VersionSource = requested === 'auto' ? (resolved ? 'auto' : 'default') : requested ? 'setting' : 'default';
	return {
		uri,
		libvirtVersion: version,
		versionSource,
		...(requested === 'auto' && !resolved ? { autoFailed: true } : {}),
		rulesVersion: rulesVersionFor(version),
		policy: policy && policy.source !== 'built-in'
			? { source: 'host', root: selinuxRoot, name: policy.policyName, dir: policy.source }
			: { source: 'built-in', root: selinuxRoot },
		hostSecurityModel: hostSecurityModel ?? 'selinux',
	};
}

/** One line for the log: what a document is checked with. */
export function describeDocumentStatus(status: DocumentStatus): string {
	const version = status.versionSource === 'setting'
		? `libvirt ${status.libvirtVersion} (libvirtSeclabel.libvirtVersion)`
		: status.versionSource === 'auto'
			? `libvirt ${status.libvirtVersion} (auto: virsh --version)`
			: status.autoFailed
				? `libvirt ${status.libvirtVersion} (the default: auto was set, but virsh --version gave no version)`
				: `libvirt ${status.libvirtVersion} (the default)`;
	const rules = status.rulesVersion === status.libvirtVersion ? '' : `, rules of ${status.rulesVersion}`;
	const policy = status.policy.source === 'host'
		? `SELinux policy ${status.policy.name ?? '?'} read from ${status.policy.dir}`
		: `the built-in SELinux catalogue (no policy readable under ${status.policy.root})`;
	return `Settings for ${status.uri}: ${version}${rules}; ${policy}; host security model ${status.hostSecurityModel}.`;
}

/** Progress reports closer together than this are merged into the next one. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Sends the status and writes the log lines. The adapter tells it when a document's settings were
 * resolved and how indexing goes; it sends the notification only to clients that asked for it, and
 * at most one document status per change of that document's status.
 */
export class StatusReporter {
	private enabled = false;
	private index: IndexStatus = { state: 'idle', guests: 0 };
	private readonly sent = new Map<string, string>();
	private lastProgress = 0;
	private indexStartedAt = 0;

	constructor(private readonly connection: Connection, private readonly guestCount: () => number, private readonly now: () => number = Date.now) {}

	initialize(params: InitializeParams): void {
		const experimental = params.capabilities?.experimental as Record<string, unknown> | undefined;
		this.enabled = !!experimental && typeof experimental === 'object' && experimental[STATUS_CAPABILITY] === true;
	}

	/** A document's settings were resolved; sends its status when it differs from the last one sent. */
	documentSettings(status: DocumentStatus): void {
		const key = JSON.stringify(status);
		if (this.sent.get(status.uri) === key) {
			return;
		}
		this.sent.set(status.uri, key);
		this.connection.console.log(describeDocumentStatus(status));
		this.send({ index: this.currentIndex(), document: status });
	}

	/** A document was closed: its next status is sent again when it is reopened. */
	documentClosed(uri: string): void {
		this.sent.delete(uri);
	}

	indexStarted(): void {
		this.indexStartedAt = this.now();
		this.lastProgress = 0;
		this.index = { state: 'indexing', guests: this.guestCount(), done: 0 };
		this.connection.console.log('Indexing the libvirt domain XML of the workspace folders and libvirtSeclabel.extraDomainDirs.');
		this.send({ index: this.index });
	}

	indexProgress(done: number, total: number): void {
		this.index = { state: 'indexing', guests: this.guestCount(), done, total };
		const now = this.now();
		if (now - this.lastProgress >= PROGRESS_INTERVAL_MS) {
			this.lastProgress = now;
			this.send({ index: this.index });
		}
	}

	indexFinished(files: number | undefined, capped = false): void {
		const guests = this.guestCount();
		this.index = capped ? { state: 'indexed', guests, capped } : { state: 'indexed', guests };
		const seen = files === undefined ? '' : ` from ${files} XML file${files === 1 ? '' : 's'}${files > guests ? ` (the others are not libvirt domains, or could not be read)` : ''}`;
		const cut = capped ? ' It stopped at a limit (libvirtSeclabel.index.maxFiles or maxDomains), so guests may be missing.' : '';
		this.connection.console.log(`Indexed ${guests} guest${guests === 1 ? '' : 's'}${seen} in ${this.now() - this.indexStartedAt} ms.${cut}`);
		this.send({ index: this.index });
	}

	/** The index changed outside a scan (a file event, an edited document): sends the new guest count. */
	indexChanged(): void {
		if (this.index.state === 'indexed' && this.guestCount() !== this.index.guests) {
			this.index = { ...this.index, guests: this.guestCount() };
			this.send({ index: this.index });
		}
	}

	private currentIndex(): IndexStatus {
		return { ...this.index, guests: this.guestCount() };
	}

	private send(params: StatusParams): void {
		if (this.enabled) {
			void this.connection.sendNotification(StatusNotification, params).catch(() => undefined);
		}
	}
}
