/**
 * Keeps the workspace index in step with the editor and the disk: a background scan of the
 * workspace folders and `libvirtSeclabel.extraDomainDirs` at start (with a progress notification),
 * open documents as they are edited (their text wins over the file), and watched-file events for
 * the rest. Every change names the other open documents whose cross-guest findings it may have
 * changed, and only those are validated again.
 *
 * A workspace must never swamp the server, and the server must never read what it was not given:
 * - only files under the roots are read, after resolving symbolic links (a watched-file event for
 *   /etc/shadow, or a link to `/`, is skipped and logged);
 * - a workspace folder that is the system temporary directory, a home directory or `/` (what
 *   Neovim and Emacs pick for the file `virsh edit` writes to /tmp) is not indexed wholesale: only
 *   the directories of the files opened there are, and a message says so;
 * - a scan looks at `libvirtSeclabel.index.maxFiles` files at most and keeps
 *   `libvirtSeclabel.index.maxDomains` domains at most, saying once when a bound is hit;
 * - file watchers are registered only for the indexed roots, as relative patterns when the client
 *   supports them (a `**\/*.xml` glob made eglot walk all of /tmp).
 */
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';
import { fileURLToPath, pathToFileURL } from 'url';
import {
	DidChangeWatchedFilesNotification, FileChangeType, MessageType, ShowMessageNotification,
	type Connection, type DidChangeWatchedFilesParams, type Disposable, type FileSystemWatcher, type InitializeParams, type TextDocuments,
	type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SeclabelDocument } from './service/parser/seclabelModel';
import { parseSeclabelText } from './service/seclabelLanguageService';
import { WorkspaceIndex, type UpdateOptions } from './service/workspace/workspaceIndex';
import { isInside, listXmlFiles, readDomainFile, readDomainFileSync } from './node/workspaceScanner';
import { DEFAULT_INDEX_LIMITS, type IndexLimits } from './settings';

export interface IndexSettings extends IndexLimits {
	readonly extraDomainDirs: string[];
}

const NO_AFFECTED: UpdateOptions = { affected: false };

export interface WorkspaceIndexerHooks {
	/** The parse of an open document (the server's cache). */
	parse(document: TextDocument): SeclabelDocument;
	/** Validates an open document again; documents that are not open are ignored. */
	revalidate(uri: string): void;
	/** `libvirtSeclabel.extraDomainDirs` and `libvirtSeclabel.index.*`, read when a scan starts. */
	indexSettings(): Promise<IndexSettings>;
	/** How a scan goes, for the status display (server/src/status.ts): started, files done of total, ended (capped: a limit cut it short). */
	indexing?(event: { phase: 'start' } | { phase: 'files'; done: number; total: number } | { phase: 'end'; files?: number; capped?: boolean }): void;
}

function toPath(uri: unknown): string | undefined {
	try {
		return typeof uri === 'string' && uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
	} catch {
		return undefined;
	}
}

/** The longest the scan reads before it lets requests and edits in. */
const SLICE_MS = 8;

/** How many skipped entries one log line names; the rest are counted. */
const SKIPPED_LOGGED = 20;

/** Directories never indexed wholesale when they are a workspace folder: they hold anything but a fleet. */
function wholesaleDirectories(): Set<string> {
	const candidates = ['/', '/tmp', '/var/tmp', '/home', os.tmpdir(), os.homedir(), process.env.HOME ?? ''];
	const result = new Set<string>();
	for (const candidate of candidates) {
		if (!candidate.startsWith('/')) continue;
		result.add(path.resolve(candidate));
		try {
			result.add(fs.realpathSync(candidate));
		} catch {
			// A candidate that does not exist cannot be a workspace folder either.
		}
	}
	return result;
}

function describeWholesale(dir: string): string {
	if (dir === '/') return 'the root directory';
	if (dir === os.homedir() || dir === process.env.HOME) return 'a home directory';
	if (dir === '/home') return 'the directory of home directories';
	return 'the system temporary directory';
}

async function realpathOrUndefined(file: string): Promise<string | undefined> {
	try {
		return await fs.promises.realpath(file);
	} catch {
		return undefined;
	}
}

/**
 * A client request that is not answered in time must not stall the index: a client that never
 * answers `window/workDoneProgress/create` or `client/registerCapability` still gets its guests indexed.
 */
const CLIENT_ANSWER_MS = 5000;

function within<T>(promise: Promise<T>, fallback: T): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<T>((resolve) => {
		timer = setTimeout(() => resolve(fallback), CLIENT_ANSWER_MS);
	});
	return Promise.race([promise.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

/** Glob metacharacters in a directory name would change what an absolute glob pattern matches. */
const GLOB_SPECIAL = /[*?[\]{}!]/;

export class WorkspaceIndexer {
	readonly index = new WorkspaceIndex();
	private folders: string[] = [];
	private extraDirs: string[] = [];
	private limits: IndexLimits = DEFAULT_INDEX_LIMITS;
	/** Real paths indexed recursively: folders that are not wholesale, and the extra directories. */
	private deepRoots: string[] = [];
	/** Real paths of directories indexed without their subdirectories: those of files opened inside a wholesale folder. */
	private readonly shallowDirs = new Set<string>();
	/** Files the last scan indexed from disk, so that a new scan can drop those that went away. */
	private scanned = new Set<string>();
	private supportsProgress = false;
	private supportsWatcherRegistration = false;
	private supportsRelativePatterns = false;
	private scanning: Promise<void> | undefined;
	private rescanRequested = false;
	private stopped = false;
	private readonly wholesale = wholesaleDirectories();
	private readonly notified = new Set<string>();
	private watcherKey = '';
	private watcherRegistration: Disposable | undefined;

	constructor(private readonly connection: Connection, private readonly documents: TextDocuments<TextDocument>, private readonly hooks: WorkspaceIndexerHooks) {
		documents.onDidOpen((event) => {
			void this.documentOpened(event.document.uri).catch((error) => this.logError('Indexing the directory of an opened file', error));
		});
	}

	/** Reads the workspace folders and what the client can do from `initialize`. */
	initialize(params: InitializeParams): void {
		const given = Array.isArray(params.workspaceFolders) ? params.workspaceFolders.map((folder) => folder?.uri) : params.rootUri ? [params.rootUri] : [];
		this.folders = given.map(toPath).filter((folder): folder is string => folder !== undefined);
		this.supportsProgress = !!params.capabilities?.window?.workDoneProgress;
		const watched = params.capabilities?.workspace?.didChangeWatchedFiles;
		this.supportsWatcherRegistration = !!watched?.dynamicRegistration;
		this.supportsRelativePatterns = !!watched?.relativePatternSupport;
	}

	/** After `initialized`: starts the first scan, then asks the client to watch what it indexed. */
	async start(): Promise<void> {
		this.readSettings(await within(this.hooks.indexSettings(), this.currentSettings()));
		await this.scan();
		// Documents a client opened before `initialized` (which it should not) get their directories too.
		for (const document of this.documents.all()) {
			await this.documentOpened(document.uri);
		}
	}

	/** After `shutdown`: no more scans, reads or registrations. */
	stop(): void {
		this.stopped = true;
	}

	/** Settings changed: different extra directories or bounds mean a new scan. */
	async settingsChanged(): Promise<void> {
		const settings = await within(this.hooks.indexSettings(), this.currentSettings());
		if (JSON.stringify(settings.extraDomainDirs) === JSON.stringify(this.extraDirs) && settings.maxFiles === this.limits.maxFiles && settings.maxDomains === this.limits.maxDomains) {
			return;
		}
		this.readSettings(settings);
		await this.scan();
	}

	private currentSettings(): IndexSettings {
		return { extraDomainDirs: this.extraDirs, ...this.limits };
	}

	private readSettings(settings: IndexSettings): void {
		this.extraDirs = settings.extraDomainDirs;
		this.limits = { maxFiles: settings.maxFiles, maxDomains: settings.maxDomains };
	}

	/** Workspace folders added or removed: the next scan covers the new set and drops what left it. */
	async foldersChanged(event: WorkspaceFoldersChangeEvent): Promise<void> {
		const list = (value: unknown) => (Array.isArray(value) ? value : []).map((folder) => toPath(folder?.uri)).filter((folder): folder is string => folder !== undefined);
		const removed = new Set(list(event?.removed));
		this.folders = [...this.folders.filter((folder) => !removed.has(folder)), ...list(event?.added)];
		await this.scan();
	}

	/** Scans every root; a scan asked for while one runs is run once more when it ends. */
	scan(): Promise<void> {
		if (this.scanning) {
			this.rescanRequested = true;
			return this.scanning;
		}
		this.scanning = (async () => {
			do {
				this.rescanRequested = false;
				await this.scanOnce();
			} while (this.rescanRequested && !this.stopped);
		})().finally(() => {
			this.scanning = undefined;
		});
		return this.scanning;
	}

	/** Resolves when the current scan (if any) has finished: for tests and for callers that need a full index. */
	whenIdle(): Promise<void> {
		return this.scanning ?? Promise.resolve();
	}

	/** Splits the roots into those indexed recursively and the wholesale folders (told once each). */
	private async resolveRoots(): Promise<void> {
		const deep: string[] = [];
		for (const folder of this.folders) {
			const real = await realpathOrUndefined(folder);
			if (real === undefined) continue;
			if (this.wholesale.has(real) || this.wholesale.has(path.resolve(folder))) {
				this.notifyOnce(`wholesale:${real}`, 'info', `libvirt Security Labels: the workspace folder ${folder} is ${describeWholesale(real)}, so it is not indexed as a whole; `
					+ 'only the directories of the files you open there are (without their subdirectories). To compare guests across a directory, open that directory as the workspace or add it to libvirtSeclabel.extraDomainDirs.');
				continue;
			}
			deep.push(real);
		}
		for (const dir of this.extraDirs) {
			const real = await realpathOrUndefined(dir);
			if (real !== undefined) deep.push(real);
		}
		// A root inside another is listed by the outer one.
		this.deepRoots = [...new Set(deep)].filter((root, _, all) => !all.some((other) => other !== root && isInside(root, other)));
	}

	private async scanOnce(): Promise<void> {
		if (this.stopped) {
			return;
		}
		await this.resolveRoots();
		const shallow = [...this.shallowDirs].filter((dir) => !this.deepRoots.some((root) => isInside(dir, root)));
		if (this.deepRoots.length === 0 && shallow.length === 0 && this.scanned.size === 0) {
			await this.registerWatchers();
			this.hooks.indexing?.({ phase: 'end', files: 0 });
			return;
		}
		this.hooks.indexing?.({ phase: 'start' });
		let listed: number | undefined;
		let capped = false;
		const progress = this.supportsProgress ? await within(this.connection.window.createWorkDoneProgress(), undefined) : undefined;
		progress?.begin('Indexing libvirt domain XML', 0, 'Looking for *.xml files', false);
		try {
			const skipped: string[] = [];
			const onSkipped = (file: string, reason: string) => {
				skipped.push(`${file}: ${reason}`);
			};
			const truncated = { value: false };
			const files = await listXmlFiles(this.deepRoots, { limit: this.limits.maxFiles, confine: true, onSkipped, truncated });
			if (files.length < this.limits.maxFiles && shallow.length > 0) {
				files.push(...await listXmlFiles(shallow, { limit: this.limits.maxFiles - files.length, confine: true, shallow: true, onSkipped, truncated }));
			}
			listed = files.length;
			const found = new Set<string>();
			const affected = new Set<string>();
			let domains = 0;
			let domainsCut = false;
			const fileSystems = new Map<number, string | undefined>();
			let sliceStarted = performance.now();
			for (let i = 0; i < files.length && !this.stopped; i++) {
				// Reads are synchronous (cheap) in slices of a few milliseconds; between slices the
				// server answers what came in, so the file the user opened is checked first.
				if (performance.now() - sliceStarted > SLICE_MS) {
					await new Promise((resolve) => setImmediate(resolve));
					sliceStarted = performance.now();
				}
				const uri = pathToFileURL(files[i]).href;
				if (i % 500 === 0) {
					progress?.report(Math.floor((i / files.length) * 100), `${i} of ${files.length} files`);
					this.hooks.indexing?.({ phase: 'files', done: i, total: files.length });
				}
				// An open document's text is what the user sees; the file may be older.
				if (this.documents.get(uri)) {
					found.add(uri);
					continue;
				}
				if (domains >= this.limits.maxDomains) {
					domainsCut = true;
					break;
				}
				const file = readDomainFileSync(files[i], fileSystems);
				if (file.refused !== undefined) {
					onSkipped(files[i], file.refused);
				}
				if (this.documents.get(uri)) {
					found.add(uri);
					continue;
				}
				if (file.text === undefined) {
					this.index.remove(uri, NO_AFFECTED).forEach((other) => affected.add(other));
					continue;
				}
				found.add(uri);
				domains++;
				// Every open document is rechecked after the scan, so the affected ones need not be collected.
				this.index.update(uri, parseSeclabelText(file.text), '', NO_AFFECTED).forEach((other) => affected.add(other));
			}
			if (this.stopped) {
				return;
			}
			for (const uri of this.scanned) {
				if (!found.has(uri) && !this.documents.get(uri)) {
					this.index.remove(uri).forEach((other) => affected.add(other));
				}
			}
			this.scanned = found;
			if (skipped.length > 0) {
				const more = skipped.length > SKIPPED_LOGGED ? ` (and ${skipped.length - SKIPPED_LOGGED} more)` : '';
				this.connection.console.info(`Indexing skipped ${skipped.length} entries${more}:\n  ${skipped.slice(0, SKIPPED_LOGGED).join('\n  ')}`);
			}
			capped = truncated.value || domainsCut;
			if (truncated.value) {
				this.notifyOnce(`maxFiles:${this.limits.maxFiles}`, 'warning', `libvirt Security Labels: the workspace has more than ${this.limits.maxFiles} *.xml files; only the first ${this.limits.maxFiles} were looked at, `
					+ 'so the cross-guest checks may miss guests. Raise libvirtSeclabel.index.maxFiles to index more.');
			}
			if (domainsCut) {
				this.notifyOnce(`maxDomains:${this.limits.maxDomains}`, 'warning', `libvirt Security Labels: the workspace has more than ${this.limits.maxDomains} domain files; only ${this.limits.maxDomains} were indexed, `
					+ 'so the cross-guest checks may miss guests. Raise libvirtSeclabel.index.maxDomains to index more.');
			}
			await this.registerWatchers();
			// Every open document may have gained partners in the first scan; afterwards only the affected ones.
			for (const document of this.documents.all()) {
				this.hooks.revalidate(document.uri);
			}
		} finally {
			progress?.done();
			this.hooks.indexing?.({ phase: 'end', files: listed, capped });
		}
	}

	private notifyOnce(key: string, level: 'info' | 'warning', message: string): void {
		if (this.notified.has(key)) {
			return;
		}
		this.notified.add(key);
		this.connection.console.info(message);
		// A notification, not window/showMessageRequest: there is nothing to answer, and a client
		// must not be kept waiting on the user.
		void this.connection.sendNotification(ShowMessageNotification.type, { type: level === 'warning' ? MessageType.Warning : MessageType.Info, message }).catch(() => undefined);
	}

	/** The watchers for what was indexed, as relative patterns when the client reads them. */
	watchers(): FileSystemWatcher[] {
		const shallow = [...this.shallowDirs].filter((dir) => !this.deepRoots.some((root) => isInside(dir, root)));
		const watchers: FileSystemWatcher[] = [];
		if (!this.supportsRelativePatterns && shallow.length > 0) {
			// A client that cannot scope a watcher to a base directory finds what to watch by walking
			// its whole project (eglot 1.9 does), and the project here is /tmp or a home directory.
			this.connection.console.info(`Not watching ${shallow.join(', ')}: the client does not support relative patterns, and an absolute pattern would make it walk the whole workspace folder.`);
		}
		const watched = [...this.deepRoots.map((root) => [root, '**/*.xml'] as const), ...(this.supportsRelativePatterns ? shallow.map((dir) => [dir, '*.xml'] as const) : [])];
		for (const [dir, pattern] of watched) {
			if (this.supportsRelativePatterns) {
				watchers.push({ globPattern: { baseUri: pathToFileURL(dir).href, pattern } });
			} else if (!GLOB_SPECIAL.test(dir)) {
				watchers.push({ globPattern: `${dir === '/' ? '' : dir}/${pattern}` });
			} else {
				this.connection.console.info(`Not watching ${dir}: its name has glob characters and the client does not support relative patterns.`);
			}
		}
		return watchers;
	}

	private async registerWatchers(): Promise<void> {
		if (!this.supportsWatcherRegistration || this.stopped) {
			return;
		}
		const watchers = this.watchers();
		const key = JSON.stringify(watchers);
		if (key === this.watcherKey) {
			return;
		}
		this.watcherKey = key;
		const previous = this.watcherRegistration;
		this.watcherRegistration = undefined;
		try {
			previous?.dispose();
			if (watchers.length > 0) {
				this.watcherRegistration = await within(this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }), undefined);
			}
		} catch (error) {
			this.connection.console.warn(`Could not register file watchers: ${String(error)}`);
		}
	}

	/** A document opened inside a wholesale folder: its own directory (only) is indexed. */
	private async documentOpened(uri: string): Promise<void> {
		const file = toPath(uri);
		if (file === undefined || this.stopped) return;
		const dir = await realpathOrUndefined(path.dirname(file));
		if (dir === undefined || this.shallowDirs.has(dir) || this.deepRoots.some((root) => isInside(dir, root))) return;
		const folders = await Promise.all(this.folders.map(async (folder) => (await realpathOrUndefined(folder)) ?? folder));
		const underWholesale = folders.some((folder) => this.wholesale.has(folder) && isInside(dir, folder));
		if (!underWholesale) return;
		this.shallowDirs.add(dir);
		this.connection.console.info(`Indexing ${dir} (without subdirectories), the directory of ${file}.`);
		await this.scan();
	}

	/** Before an open document is validated: its current text goes into the index. */
	documentChanged(document: TextDocument): void {
		for (const other of this.index.update(document.uri, this.hooks.parse(document))) {
			this.hooks.revalidate(other);
		}
	}

	/** A closed document falls back to its file on disk, when the file is in a scanned tree. */
	async documentClosed(uri: string): Promise<void> {
		const file = toPath(uri);
		const allowed = file !== undefined && await this.mayRead(file);
		const text = allowed ? (await readDomainFile(file)).text : undefined;
		if (this.documents.get(uri)) {
			return; // Reopened meanwhile.
		}
		const affected = text === undefined ? this.index.remove(uri) : this.index.update(uri, parseSeclabelText(text));
		affected.forEach((other) => this.hooks.revalidate(other));
	}

	/**
	 * A file may be read when its real path is under a root indexed recursively, or directly in a
	 * directory indexed without subdirectories. The file itself must exist to be resolved.
	 */
	async mayRead(file: string): Promise<boolean> {
		const real = await realpathOrUndefined(file);
		if (real === undefined) {
			return false;
		}
		return this.deepRoots.some((root) => isInside(real, root)) || this.shallowDirs.has(path.dirname(real));
	}

	/** Files created, changed or deleted outside the editor (or renamed: a delete and a create). */
	async watchedFilesChanged(params: DidChangeWatchedFilesParams): Promise<void> {
		const changes = Array.isArray(params?.changes) ? params.changes : [];
		const outside: string[] = [];
		for (const change of changes) {
			if (this.stopped) return;
			if (!change || typeof change.uri !== 'string' || this.documents.get(change.uri)) {
				continue;
			}
			const file = toPath(change.uri);
			let affected: ReadonlySet<string>;
			if (change.type === FileChangeType.Deleted || !file) {
				// A deleted directory is reported once, for the directory: its files go with it. Nothing is read.
				const gone = [...this.index.uris()].filter((uri) => uri === change.uri || uri.startsWith(`${change.uri}/`));
				const collected = new Set<string>();
				for (const uri of gone) {
					this.index.remove(uri).forEach((other) => collected.add(other));
					this.scanned.delete(uri);
				}
				affected = collected;
			} else {
				if (!file.endsWith('.xml') || !await this.mayRead(file)) {
					outside.push(file);
					continue;
				}
				const { text, refused } = await readDomainFile(file);
				if (refused !== undefined) {
					this.connection.console.info(`Did not read ${file}: ${refused}.`);
				}
				if (this.documents.get(change.uri) || this.stopped) {
					continue;
				}
				affected = text === undefined ? this.index.remove(change.uri) : this.index.update(change.uri, parseSeclabelText(text));
				if (text !== undefined) {
					this.scanned.add(change.uri);
				}
			}
			affected.forEach((other) => this.hooks.revalidate(other));
		}
		if (outside.length > 0) {
			this.connection.console.info(`Ignored watched-file events for ${outside.length} path(s) outside the indexed directories (or not *.xml): ${outside.slice(0, SKIPPED_LOGGED).join(', ')}`);
		}
	}

	private logError(what: string, error: unknown): void {
		this.connection.console.error(`${what} failed: ${error instanceof Error ? error.stack : String(error)}`);
	}
}
