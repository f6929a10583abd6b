/**
 * What the server sends depends on what the client declared: a client that declares nothing gets
 * plain text and no snippets, and every client gets one publishDiagnostics per document version
 * unless settings change what it says (eglot answers `initialized` with a configuration change,
 * which used to publish the same version twice).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
	CompletionRequest, ConfigurationRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification,
	HoverRequest, InitializedNotification, InitializeRequest, MarkupKind, type CompletionList, type ConfigurationParams, type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { domain } from '../support/fixture';
import { spawnServer } from '../support/lspServer';

const URI = 'file:///nonexistent/clients/guest.xml';
const BAD = domain("  <seclabel type='dynamic' relabel='no' />");
const SECLABEL_LINE = BAD.split('\n').findIndex((line) => line.includes('<seclabel'));

test('a client that declares no formats gets a plain-text hover and completions without snippet syntax', async () => {
	const server = spawnServer({ inheritStderr: true });
	try {
		await server.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
		await server.connection.sendNotification(InitializedNotification.type, {});
		await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'xml', version: 1, text: BAD } });
		await server.diagnosticsOfVersion(URI, 1);
		const hover = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: SECLABEL_LINE, character: 5 } });
		const contents = hover!.contents as MarkupContent;
		assert.equal(contents.kind, MarkupKind.PlainText);
		assert.doesNotMatch(contents.value, /\*\*|`/);
		const character = BAD.split('\n')[SECLABEL_LINE].indexOf('/>');
		const list = await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: URI }, position: { line: SECLABEL_LINE, character } }) as CompletionList;
		const model = list.items.find((item) => item.label === 'model');
		assert.ok(model, JSON.stringify(list.items.map((item) => item.label)));
		assert.equal(model.insertTextFormat, undefined);
		assert.match((model.textEdit as { newText: string }).newText, /^model='selinux'$/);
		assert.equal(typeof model.documentation, 'string');
	} finally {
		await server.stop();
	}
});

test('one publication per version: a configuration change that changes nothing publishes nothing, one that does republishes', async () => {
	const server = spawnServer({ inheritStderr: true });
	let settings: Record<string, unknown> = {};
	const configurationRequests: ((params: ConfigurationParams) => void)[] = [];
	server.connection.onRequest(ConfigurationRequest.type, (params) => {
		for (const waiter of configurationRequests.splice(0)) waiter(params);
		return params.items.map(() => settings);
	});
	/** Resolves when the server asks for this document's settings (it re-reads them to validate). */
	const nextDocumentConfiguration = () => new Promise<void>((resolve) => {
		const wait = (params: ConfigurationParams) => params.items.some((entry) => entry.scopeUri === URI) ? resolve() : configurationRequests.push(wait);
		configurationRequests.push(wait);
	});
	try {
		await server.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } }, workspaceFolders: null });
		await server.connection.sendNotification(InitializedNotification.type, {});
		await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'xml', version: 1, text: BAD } });
		const first = await server.diagnosticsOfVersion(URI, 1);
		assert.deepEqual(first.diagnostics.map((diagnostic) => diagnostic.code), ['dynamic-relabel-no']);

		// The same settings again (what eglot sends after `initialized`): validation runs, nothing is sent.
		const asked = nextDocumentConfiguration();
		await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
		await asked;
		// A hover waits for the same settings as that validation, after it: its answer comes after any publication.
		await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: { line: SECLABEL_LINE, character: 5 } });
		assert.deepEqual(server.published.filter((params) => params.uri === URI).map((params) => params.version), [1]);

		// Settings that change the result: the same version again, with the new result.
		settings = { rules: { 'dynamic-relabel-no': 'off' } };
		await server.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
		const changed = await server.nextDiagnostics(URI, (params) => params.version === 1 && params.diagnostics.length === 0);
		assert.deepEqual(changed.diagnostics, []);

		await server.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: BAD.replace("relabel='no'", "relabel='yes'") }] });
		await server.diagnosticsOfVersion(URI, 2);
		const publications = server.published.filter((params) => params.uri === URI).map((params) => `${params.version}:${params.diagnostics.length}`);
		assert.deepEqual(publications, ['1:1', '1:0', '2:0']);
	} finally {
		await server.stop();
	}
});
