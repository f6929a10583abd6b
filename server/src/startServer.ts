/**
 * The LSP adapter: documents, settings and a parse cache around the language service. Handlers are
 * a few lines each; everything that knows about labels lives in ./service.
 */
import {
	CodeActionKind, LSPErrorCodes, ResponseError, TextDocumentSyncKind, TextDocuments,
	type CancellationToken, type Connection, type InitializeResult, type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getSeclabelLanguageService } from './service/seclabelLanguageService';
import type { SeclabelDocument } from './service/parser/seclabelModel';
import { FIX_ALL_KIND } from './service/features/codeActions';
import type { LanguageSettings } from './service/types';
import { readExtraDomainDirs, readIndexLimits, readSettings, SETTINGS_SECTION, type ClientSettings } from './settings';
import { WorkspaceIndexer } from './workspaceIndexer';
import { DiagnosticsPublisher } from './diagnosticsPublisher';
import type { ServerRuntime } from './node/runtime';
import { DEFAULT_SELINUX_ROOT, policyForRoot } from './node/policyReader';
import { readParseLimits, sameLimits } from './limitsSettings';
import { forgetFindings } from './service/features/incrementalFindings';
import { DEFAULT_PARSE_LIMITS } from './service/parser/xmlParser';
import { documentStatus, StatusReporter } from './status';
import { HotplugSupport, REFRESH_HOST_COMMAND } from './hotplugServer';

export function startServer(connection: Connection, runtime: ServerRuntime): void {
	// Replaced in onInitialize by one shaped for what the client declared (snippets, markdown).
	let service = getSeclabelLanguageService();
	const documents = new TextDocuments(TextDocument);
	const parsed = new Map<string, { version: number; doc: SeclabelDocument }>();
	const settingsByUri = new Map<string, Promise<LanguageSettings>>();
	const publisher = new DiagnosticsPublisher();
	let canPullConfiguration = false;
	let initializationSettings: ClientSettings | undefined;
	let detectedVersion: Promise<string | undefined> | undefined;
	let supportsWorkspaceFolders = false;
	// libvirtSeclabel.limits.*: window-wide bounds on a parse; a change drops the cached parses.
	let parseLimits = DEFAULT_PARSE_LIMITS;
	function useLimits(client: unknown): void {
		const limits = readParseLimits(client);
		if (!sameLimits(limits, parseLimits)) {
			parseLimits = limits;
			parsed.clear();
		}
	}
	// What the server works with (version, policy, index), for the client's status display and the log.
	const status = new StatusReporter(connection, () => indexer.index.size);
	// The other guests of the workspace, for the cross-guest rules: open documents and files on disk.
	const indexer = new WorkspaceIndexer(connection, documents, {
		parse,
		revalidate: (uri) => scheduleValidation(uri),
		indexing: (event) => event.phase === 'start' ? status.indexStarted() : event.phase === 'files' ? status.indexProgress(event.done, event.total) : status.indexFinished(event.files, event.capped),
		async indexSettings() {
			let client = initializationSettings;
			if (canPullConfiguration) {
				try {
					client = await connection.workspace.getConfiguration({ section: SETTINGS_SECTION });
				} catch {
					client = initializationSettings;
				}
			}
			return { extraDomainDirs: readExtraDomainDirs(client), ...readIndexLimits(client) };
		},
	});

	// libvirtSeclabel.connect, readImageLabels and attach-to fragments (all off unless asked for).
	const hotplug = new HotplugSupport(connection, { index: indexer.index, documents, revalidate: (uri) => scheduleValidation(uri) });
	async function readConnectSetting(): Promise<void> {
		let client: ClientSettings | undefined = initializationSettings;
		if (canPullConfiguration) {
			client = await connection.workspace.getConfiguration({ section: SETTINGS_SECTION }).catch(() => initializationSettings);
		}
		hotplug.setConnect(client?.connect);
	}

	function parse(document: TextDocument): SeclabelDocument {
		const cached = parsed.get(document.uri);
		if (cached && cached.version === document.version) {
			return cached.doc;
		}
		// An older version of the same document is handed over: only the edited element is parsed
		// again, and the old version's tree becomes the new one (its users re-check the version after
		// every await, so none reads it again).
		const doc = service.parseDocument(document, parseLimits, cached && cached.version < document.version ? cached.doc : undefined);
		parsed.set(document.uri, { version: document.version, doc });
		return doc;
	}

	async function settingsFor(uri: string): Promise<LanguageSettings> {
		let settings = settingsByUri.get(uri);
		if (!settings) {
			settings = (async () => {
				let client: ClientSettings | undefined = initializationSettings;
				if (canPullConfiguration) {
					try {
						client = await connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION });
					} catch {
						client = initializationSettings;
					}
				}
				useLimits(client);
				const resolved = readSettings(client);
				const requestedVersion = resolved.libvirtVersion;
				resolved.policy = policyForRoot(resolved.selinuxRoot ?? DEFAULT_SELINUX_ROOT);
				resolved.workspace = indexer.index;
				resolved.documentUri = uri;
				// Every document the server checks is open in the editor: its findings are kept for the next edit.
				resolved.editing = true;
				if (resolved.libvirtVersion === 'auto') {
					detectedVersion ??= runtime.detectLibvirtVersion();
					resolved.libvirtVersion = await detectedVersion;
					resolved.libvirtVersionSource = resolved.libvirtVersion ? 'auto' : 'auto-unavailable';
				}
				status.documentSettings(documentStatus(uri, requestedVersion, resolved.libvirtVersion, resolved.policy, resolved.selinuxRoot ?? DEFAULT_SELINUX_ROOT, resolved.hostSecurityModel));
				return resolved;
			})();
			settingsByUri.set(uri, settings);
		}
		return settings;
	}

	// Validation runs once per burst of changes: a flood of didChange notifications read in one go
	// is validated once, for the newest version, and a result is published only if it is still
	// the newest when it is ready. vscode-jsonrpc dispatches one message per event-loop turn, so a
	// single deferred turn would validate between every two changes; instead validation waits for
	// a turn in which no change arrived, which costs a lone edit two turns (microseconds).
	const pending = new Set<string>();
	let scheduled = false;
	let changeCount = 0;
	function scheduleValidation(uri: string): void {
		pending.add(uri);
		changeCount++;
		if (!scheduled) {
			scheduled = true;
			validateWhenQuiet(-1);
		}
	}
	function validateWhenQuiet(changesSeen: number): void {
		setImmediate(() => {
			if (changeCount !== changesSeen) {
				validateWhenQuiet(changeCount);
				return;
			}
			scheduled = false;
			const uris = [...pending];
			pending.clear();
			for (const next of uris) {
				void validate(next);
			}
		});
	}

	// The newest validation of each document: an older one still waiting (on the settings of before a
	// configuration change, or on reading the images' labels) must not publish over a newer result
	// of the same version.
	const validationRuns = new Map<string, number>();
	async function validate(uri: string): Promise<void> {
		const document = documents.get(uri);
		if (!document) {
			return;
		}
		const version = document.version;
		const run = (validationRuns.get(uri) ?? 0) + 1;
		validationRuns.set(uri, run);
		const superseded = () => documents.get(uri)?.version !== version || validationRuns.get(uri) !== run;
		// Everything is inside the try: validation runs detached (`void validate(…)`), and a rejected
		// promise nobody awaits would end the process.
		try {
			const settings = await settingsFor(uri);
			const current = documents.get(uri);
			if (!current || superseded()) {
				return;
			}
			// The parse first, then a pause: a hover or completion that arrived meanwhile is answered
			// from the cached parse before the index and the rules run, instead of waiting for them
			// (issue #12).
			const doc = parse(current);
			await yieldToRequests();
			if (superseded()) {
				return;
			}
			indexer.documentChanged(current);
			status.indexChanged();
			hotplug.documentChanged(uri);
			const checked = await hotplug.prepare(current, doc, settings, !!(settings as { readImageLabels?: boolean }).readImageLabels);
			if (superseded()) {
				return;
			}
			const diagnostics = service.doValidation(current, doc, checked, { rulesDocumentationUri: runtime.rulesDocumentationUri });
			if (publisher.claim(uri, version, diagnostics)) {
				await connection.sendDiagnostics({ uri, version, diagnostics });
			}
		} catch (error) {
			connection.console.error(`Validation of ${uri} failed: ${error instanceof Error ? error.stack : String(error)}`);
		}
	}

	connection.onInitialize((params): InitializeResult => {
		service = getSeclabelLanguageService({ clientCapabilities: params.capabilities ?? {} });
		canPullConfiguration = !!params.capabilities.workspace?.configuration;
		initializationSettings = params.initializationOptions?.settings ?? params.initializationOptions;
		useLimits(initializationSettings);
		indexer.initialize(params);
		status.initialize(params);
		supportsWorkspaceFolders = !!params.capabilities.workspace?.workspaceFolders;
		return {
			capabilities: {
				textDocumentSync: TextDocumentSyncKind.Incremental,
				hoverProvider: true,
				completionProvider: { triggerCharacters: ["'", '"', ':', ',', '.', '<', ' '] },
				codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
				executeCommandProvider: { commands: [REFRESH_HOST_COMMAND] },
				// Folder changes re-scan the workspace index of guests.
				workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
			},
			serverInfo: { name: 'libvirt-seclabel-language-server', version: require('../../package.json').version },
		};
	});

	connection.onInitialized(() => {
		if (supportsWorkspaceFolders) {
			connection.workspace.onDidChangeWorkspaceFolders((event) => {
				void indexer.foldersChanged(event).catch((error) => connection.console.error(`Indexing the new workspace folders failed: ${error instanceof Error ? error.stack : String(error)}`));
			});
		}
		void indexer.start().catch((error) => connection.console.error(`Indexing the workspace failed: ${error instanceof Error ? error.stack : String(error)}`));
		void readConnectSetting();
	});
	connection.onExecuteCommand(async (params) => {
		if (params.command === REFRESH_HOST_COMMAND) {
			await hotplug.refresh();
		}
		return null;
	});

	connection.onDidChangeWatchedFiles((params) => {
		void indexer.watchedFilesChanged(params).then(() => status.indexChanged(), (error) => connection.console.error(`Reading changed files failed: ${error instanceof Error ? error.stack : String(error)}`));
	});
	connection.onShutdown(() => indexer.stop());

	connection.onDidChangeConfiguration((change) => {
		settingsByUri.clear();
		if (!canPullConfiguration && change.settings) {
			initializationSettings = change.settings[SETTINGS_SECTION] ?? initializationSettings;
		}
		void indexer.settingsChanged().catch((error) => connection.console.error(`Indexing after a settings change failed: ${error instanceof Error ? error.stack : String(error)}`));
		void readConnectSetting();
		for (const document of documents.all()) {
			scheduleValidation(document.uri);
		}
	});

	documents.onDidChangeContent((change) => scheduleValidation(change.document.uri));
	documents.onDidClose((event) => {
		parsed.delete(event.document.uri);
		forgetFindings(event.document.uri);
		settingsByUri.delete(event.document.uri);
		status.documentClosed(event.document.uri);
		publisher.forget(event.document.uri);
		void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
		void indexer.documentClosed(event.document.uri).catch((error) => connection.console.error(`Indexing a closed file failed: ${error instanceof Error ? error.stack : String(error)}`));
	});

	/**
	 * Answers a request about an open document. A cancelled request gets RequestCancelled; a
	 * document that is not open, malformed parameters or a failure in the service get the empty
	 * answer (failures are logged), so that one bad request never costs the client its server.
	 */
	async function answer<T>(params: { textDocument?: { uri?: unknown } } | null | undefined, token: CancellationToken, empty: T,
		compute: (document: TextDocument, settings: LanguageSettings) => T): Promise<T | ResponseError<void>> {
		const cancelled = () => new ResponseError<void>(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
		if (token.isCancellationRequested) {
			return cancelled();
		}
		const uri = params?.textDocument?.uri;
		const document = typeof uri === 'string' ? documents.get(uri) : undefined;
		if (!document) {
			return empty;
		}
		try {
			const settings = await settingsFor(document.uri);
			return token.isCancellationRequested ? cancelled() : compute(document, settings);
		} catch (error) {
			connection.console.error(`A request about ${document.uri} failed: ${error instanceof Error ? error.stack : String(error)}`);
			return empty;
		}
	}

	connection.onHover(async (params, token) => {
		// Hover shows the image's label on disk: the same preparation as validation.
		const uri = params?.textDocument?.uri;
		const document = typeof uri === 'string' ? documents.get(uri) : undefined;
		const prepared = document ? await settingsFor(document.uri).then((settings) => hotplug.prepare(document, parse(document), settings, !!(settings as { readImageLabels?: boolean }).readImageLabels)).catch(() => undefined) : undefined;
		return answer(params, token, null,
			(current, settings) => service.doHover(current, clampPosition(current, params.position), parse(current), prepared ?? settings));
	});
	connection.onCompletion((params, token) => answer(params, token, null,
		(document, settings) => service.doComplete(document, clampPosition(document, params.position), parse(document), settings)));
	connection.onCodeAction((params, token) => answer(params, token, [],
		(document, settings) => service.doCodeActions(document, orderedRange(document, params.range), params.context, parse(document), settings)));

	documents.listen(connection);
	connection.listen();
}

/**
 * Lets the requests that came in while this turn ran be answered first. vscode-jsonrpc reads the
 * socket in the poll phase and dispatches what it read with setImmediate, behind any setImmediate
 * queued before the read: one turn lets it read, the second lets it dispatch.
 */
function yieldToRequests(): Promise<void> {
	return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Positions past the end of a line or the document are clamped, as the LSP asks servers to. */
function clampPosition(document: TextDocument, position: { line: number; character: number }): { line: number; character: number } {
	return document.positionAt(document.offsetAt(position));
}

/** A range with its ends clamped to the document and in order, whatever the client sent. */
function orderedRange(document: TextDocument, range: Range): Range {
	const start = document.offsetAt(range.start);
	const end = document.offsetAt(range.end);
	return { start: document.positionAt(Math.min(start, end)), end: document.positionAt(Math.max(start, end)) };
}
