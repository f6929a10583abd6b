/**
 * Keeps the workspace index in step with the editor and the disk: a background scan of the
 * workspace folders and `libvirtSeclabel.extraDomainDirs` at start (with a progress notification),
 * open documents as they are edited (their text wins over the file), and watched-file events for
 * the rest. Every change names the other open documents whose cross-guest findings it may have
 * changed, and only those are validated again.
 */
import { fileURLToPath, pathToFileURL } from 'url';
import {
	DidChangeWatchedFilesNotification, FileChangeType,
	type Connection, type DidChangeWatchedFilesParams, type FileSystemWatcher, type InitializeParams, type TextDocuments,
	type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SeclabelDocument } from './service/parser/seclabelModel';
import { parseSeclabelText } from './service/seclabelLanguageService';
import { WorkspaceIndex } from './service/workspace/workspaceIndex';
import { listXmlFiles, readDomainText } from './node/workspaceScanner';

export interface WorkspaceIndexerHooks {
	/** The parse of an open document (the server's cache). */
	parse(document: TextDocument): SeclabelDocument;
	/** Validates an open document again; documents that are not open are ignored. */
	revalidate(uri: string): void;
	/** `libvirtSeclabel.extraDomainDirs`, read when a scan starts. */
	extraDomainDirs(): Promise<string[]>;
	/** How a scan goes, for the status display (server/src/status.ts): started, files done of total, ended. */
	indexing?(event: { phase: 'start' } | { phase: 'files'; done: number; total: number } | { phase: 'end'; files?: number }): void;
}

function toPath(uri: string): string | undefined {
	try {
		return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
	} catch {
		return undefined;
	}
}

export class WorkspaceIndexer {
	readonly index = new WorkspaceIndex();
	private folders: string[] = [];
	private extraDirs: string[] = [];
	/** Files the last scan indexed from disk, so that a new scan can drop those that went away. */
	private scanned = new Set<string>();
	private supportsProgress = false;
	private supportsWatcherRegistration = false;
	private supportsRelativePatterns = false;
	private scanning: Promise<void> | undefined;
	private rescanRequested = false;

	constructor(private readonly connection: Connection, private readonly documents: TextDocuments<TextDocument>, private readonly hooks: WorkspaceIndexerHooks) {}

	/** Reads the workspace folders and what the client can do from `initialize`. */
	initialize(params: InitializeParams): void {
		const folders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
		this.folders = folders.map(toPath).filter((folder): folder is string => folder !== undefined);
		this.supportsProgress = !!params.capabilities.window?.workDoneProgress;
		const watched = params.capabilities.workspace?.didChangeWatchedFiles;
		this.supportsWatcherRegistration = !!watched?.dynamicRegistration;
		this.supportsRelativePatterns = !!watched?.relativePatternSupport;
	}

	/** After `initialized`: starts the first scan and asks the client to watch the XML files. */
	async start(): Promise<void> {
		this.extraDirs = await this.hooks.extraDomainDirs();
		await this.registerWatchers();
		await this.scan();
	}

	/** Settings changed: a different set of extra directories means a new scan. */
	async settingsChanged(): Promise<void> {
		const extraDirs = await this.hooks.extraDomainDirs();
		if (JSON.stringify(extraDirs) === JSON.stringify(this.extraDirs)) {
			return;
		}
		this.extraDirs = extraDirs;
		await this.registerWatchers();
		await this.scan();
	}

	/** Workspace folders added or removed: the next scan covers the new set and drops what left it. */
	async foldersChanged(event: WorkspaceFoldersChangeEvent): Promise<void> {
		const removed = new Set(event.removed.map((folder) => toPath(folder.uri)));
		const added = event.added.map((folder) => toPath(folder.uri)).filter((folder): folder is string => folder !== undefined);
		this.folders = [...this.folders.filter((folder) => !removed.has(folder)), ...added];
		await this.scan();
	}

	private async registerWatchers(): Promise<void> {
		if (!this.supportsWatcherRegistration) {
			return;
		}
		const watchers: FileSystemWatcher[] = [{ globPattern: '**/*.xml' }];
		if (this.supportsRelativePatterns) {
			for (const dir of this.extraDirs) {
				watchers.push({ globPattern: { baseUri: pathToFileURL(dir).href, pattern: '**/*.xml' } });
			}
		}
		try {
			await this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
		} catch (error) {
			this.connection.console.warn(`Could not register file watchers: ${String(error)}`);
		}
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
			} while (this.rescanRequested);
		})().finally(() => {
			this.scanning = undefined;
		});
		return this.scanning;
	}

	/** Resolves when the current scan (if any) has finished: for tests and for callers that need a full index. */
	whenIdle(): Promise<void> {
		return this.scanning ?? Promise.resolve();
	}

	private async scanOnce(): Promise<void> {
		const roots = [...this.folders, ...this.extraDirs];
		if (roots.length === 0) {
			this.hooks.indexing?.({ phase: 'end', files: 0 });
			return;
		}
		this.hooks.indexing?.({ phase: 'start' });
		let listed: number | undefined;
		const progress = this.supportsProgress ? await this.connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
		progress?.begin('Indexing libvirt domain XML', 0, 'Looking for *.xml files', false);
		try {
			const files = await listXmlFiles(roots);
			listed = files.length;
			const found = new Set<string>();
			const affected = new Set<string>();
			for (let i = 0; i < files.length; i++) {
				const uri = pathToFileURL(files[i]).href;
				found.add(uri);
				if (i % 50 === 0) {
					progress?.report(Math.floor((i / files.length) * 100), `${i} of ${files.length} files`);
					this.hooks.indexing?.({ phase: 'files', done: i, total: files.length });
				}
				const text = await readDomainText(files[i]);
				// An open document's text is what the user sees; the file may be older.
				if (this.documents.get(uri)) {
					continue;
				}
				const changed = text === undefined ? this.index.remove(uri) : this.index.update(uri, parseSeclabelText(text));
				changed.forEach((other) => affected.add(other));
			}
			for (const uri of this.scanned) {
				if (!found.has(uri) && !this.documents.get(uri)) {
					this.index.remove(uri).forEach((other) => affected.add(other));
				}
			}
			this.scanned = found;
			// Every open document may have gained partners in the first scan; afterwards only the affected ones.
			for (const document of this.documents.all()) {
				this.hooks.revalidate(document.uri);
			}
		} finally {
			progress?.done();
			this.hooks.indexing?.({ phase: 'end', files: listed });
		}
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
		const text = file && this.isInRoots(file) ? await readDomainText(file) : undefined;
		if (this.documents.get(uri)) {
			return; // Reopened meanwhile.
		}
		const affected = text === undefined ? this.index.remove(uri) : this.index.update(uri, parseSeclabelText(text));
		affected.forEach((other) => this.hooks.revalidate(other));
	}

	/** Files created, changed or deleted outside the editor (or renamed: a delete and a create). */
	async watchedFilesChanged(params: DidChangeWatchedFilesParams): Promise<void> {
		for (const change of params.changes) {
			if (this.documents.get(change.uri)) {
				continue;
			}
			const file = toPath(change.uri);
			let affected: ReadonlySet<string>;
			if (change.type === FileChangeType.Deleted || !file) {
				// A deleted directory is reported once, for the directory: its files go with it.
				const gone = [...this.index.uris()].filter((uri) => uri === change.uri || uri.startsWith(`${change.uri}/`));
				const collected = new Set<string>();
				for (const uri of gone) {
					this.index.remove(uri).forEach((other) => collected.add(other));
					this.scanned.delete(uri);
				}
				affected = collected;
			} else {
				const text = await readDomainText(file);
				if (this.documents.get(change.uri)) {
					continue;
				}
				affected = text === undefined ? this.index.remove(change.uri) : this.index.update(change.uri, parseSeclabelText(text));
				if (text !== undefined) {
					this.scanned.add(change.uri);
				}
			}
			affected.forEach((other) => this.hooks.revalidate(other));
		}
	}

	private isInRoots(file: string): boolean {
		return [...this.folders, ...this.extraDirs].some((root) => file === root || file.startsWith(root.endsWith('/') ? root : `${root}/`));
	}
}
