/**
 * The LSP adapter: documents, settings and a parse cache around the language service. Handlers are
 * a few lines each; everything that knows about labels lives in ./service.
 */
import {
	CodeActionKind, TextDocumentSyncKind, TextDocuments, type Connection, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getSeclabelLanguageService } from './service/seclabelLanguageService';
import type { SeclabelDocument } from './service/parser/seclabelModel';
import { FIX_ALL_KIND } from './service/features/codeActions';
import type { LanguageSettings } from './service/types';
import { readSettings, SETTINGS_SECTION, type ClientSettings } from './settings';
import type { ServerRuntime } from './node/runtime';

export function startServer(connection: Connection, runtime: ServerRuntime): void {
	const service = getSeclabelLanguageService();
	const documents = new TextDocuments(TextDocument);
	const parsed = new Map<string, { version: number; doc: SeclabelDocument }>();
	const settingsByUri = new Map<string, Promise<LanguageSettings>>();
	let canPullConfiguration = false;
	let initializationSettings: ClientSettings | undefined;
	let detectedVersion: Promise<string | undefined> | undefined;

	function parse(document: TextDocument): SeclabelDocument {
		const cached = parsed.get(document.uri);
		if (cached && cached.version === document.version) {
			return cached.doc;
		}
		const doc = service.parseDocument(document);
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
				const resolved = readSettings(client);
				if (resolved.libvirtVersion === 'auto') {
					detectedVersion ??= runtime.detectLibvirtVersion();
					resolved.libvirtVersion = await detectedVersion;
				}
				return resolved;
			})();
			settingsByUri.set(uri, settings);
		}
		return settings;
	}

	// Validation runs once per burst of changes: a flood of didChange notifications read in one go
	// is validated once, for the newest version, and a result is published only if it is still
	// the newest when it is ready.
	const pending = new Set<string>();
	let scheduled = false;
	function scheduleValidation(uri: string): void {
		pending.add(uri);
		if (!scheduled) {
			scheduled = true;
			setImmediate(() => {
				scheduled = false;
				const uris = [...pending];
				pending.clear();
				for (const next of uris) {
					void validate(next);
				}
			});
		}
	}

	async function validate(uri: string): Promise<void> {
		const document = documents.get(uri);
		if (!document) {
			return;
		}
		const version = document.version;
		const settings = await settingsFor(uri);
		const current = documents.get(uri);
		if (!current || current.version !== version) {
			return;
		}
		try {
			const diagnostics = service.doValidation(current, parse(current), settings, { rulesDocumentationUri: runtime.rulesDocumentationUri });
			await connection.sendDiagnostics({ uri, version, diagnostics });
		} catch (error) {
			connection.console.error(`Validation of ${uri} failed: ${error instanceof Error ? error.stack : String(error)}`);
		}
	}

	connection.onInitialize((params): InitializeResult => {
		canPullConfiguration = !!params.capabilities.workspace?.configuration;
		initializationSettings = params.initializationOptions?.settings ?? params.initializationOptions;
		return {
			capabilities: {
				textDocumentSync: TextDocumentSyncKind.Incremental,
				hoverProvider: true,
				completionProvider: { triggerCharacters: ["'", '"', ':', ',', '.', '<', ' '] },
				codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
			},
			serverInfo: { name: 'libvirt-seclabel-language-server', version: require('../../package.json').version },
		};
	});

	connection.onDidChangeConfiguration((change) => {
		settingsByUri.clear();
		if (!canPullConfiguration && change.settings) {
			initializationSettings = change.settings[SETTINGS_SECTION] ?? initializationSettings;
		}
		for (const document of documents.all()) {
			scheduleValidation(document.uri);
		}
	});

	documents.onDidChangeContent((change) => scheduleValidation(change.document.uri));
	documents.onDidClose((event) => {
		parsed.delete(event.document.uri);
		settingsByUri.delete(event.document.uri);
		void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
	});

	connection.onHover(async (params) => {
		const document = documents.get(params.textDocument.uri);
		return document ? service.doHover(document, clampPosition(document, params.position), parse(document), await settingsFor(document.uri)) : null;
	});
	connection.onCompletion(async (params) => {
		const document = documents.get(params.textDocument.uri);
		return document ? service.doComplete(document, clampPosition(document, params.position), parse(document), await settingsFor(document.uri)) : null;
	});
	connection.onCodeAction(async (params) => {
		const document = documents.get(params.textDocument.uri);
		return document ? service.doCodeActions(document, params.range, params.context, parse(document), await settingsFor(document.uri)) : [];
	});

	documents.listen(connection);
	connection.listen();
}

/** Positions past the end of a line or the document are clamped, as the LSP asks servers to. */
function clampPosition(document: TextDocument, position: { line: number; character: number }): { line: number; character: number } {
	return document.positionAt(document.offsetAt(position));
}
