/**
 * The language server as an editor sees it: the bundled bin is started over stdio and spoken to
 * with a real LSP protocol client, so that the transport, the document sync and the diagnostics
 * push are tested together, not only the service behind them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import {
	InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { domain } from '../support/fixture';
import { ROOT, spawnServer, type ServerProcess } from '../support/lspServer';

interface Session extends ServerProcess {
	/** Resolves with the next diagnostics published for `uri` that satisfy `accept`. */
	diagnosticsFor(uri: string, accept?: (params: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
}

async function startServer(): Promise<Session> {
	const server = spawnServer();
	await server.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
	await server.connection.sendNotification(InitializedNotification.type, {});
	return { ...server, diagnosticsFor: (uri, accept) => server.nextDiagnostics(uri, accept) };
}

function stopServer(session: Session): Promise<number | null> {
	return session.stop();
}

function textOf(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
	const lines = text.split('\n');
	const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((sum, line) => sum + line.length + 1, 0) + p.character;
	return text.slice(offset(range.start), offset(range.end));
}

const BAD = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);

test('the server bin publishes diagnostics over stdio, clears them when the document is fixed, and exits cleanly', async () => {
	const session = await startServer();
	try {
		const uri = 'file:///protocol/guest.xml';
		const opened = session.diagnosticsFor(uri);
		await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
		const first = await opened;
		assert.equal(first.version, 1);
		assert.deepEqual(first.diagnostics.map((d) => ({ code: d.code, text: textOf(BAD, d.range), stage: (d.data as { stage: string }).stage, source: d.source })),
			[{ code: 'dynamic-relabel-no', text: "relabel='no'", stage: 'define', source: 'libvirt-seclabel' }]);
		const [diagnostic] = first.diagnostics;
		if (fs.existsSync(path.join(ROOT, 'docs', 'rules.md'))) {
			assert.ok(diagnostic.codeDescription?.href.endsWith('#dynamic-relabel-no'), `codeDescription ${JSON.stringify(diagnostic.codeDescription)} should link to the rule`);
			assert.ok(diagnostic.codeDescription!.href.startsWith('file://'));
		} else {
			assert.equal(diagnostic.codeDescription, undefined, 'without docs/rules.md there is nothing to link to');
		}

		// An incremental edit that replaces just the value: the server must apply the range correctly.
		const valueAt = BAD.indexOf("relabel='no'") + "relabel='".length;
		const line = BAD.slice(0, valueAt).split('\n').length - 1;
		const character = valueAt - (BAD.lastIndexOf('\n', valueAt - 1) + 1);
		const fixed = session.diagnosticsFor(uri, (p) => p.version === 2);
		await session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
			textDocument: { uri, version: 2 },
			contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 2 } }, text: 'yes' }],
		});
		assert.deepEqual((await fixed).diagnostics, [], 'the fixed document has no diagnostics');

		// A full-text change back to the broken document brings the diagnostic back.
		const broken = session.diagnosticsFor(uri, (p) => p.version === 3);
		await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 3 }, contentChanges: [{ text: BAD }] });
		assert.deepEqual((await broken).diagnostics.map((d) => d.code), ['dynamic-relabel-no']);
	} finally {
		assert.equal(await stopServer(session), 0, 'exit after shutdown means exit code 0');
	}
});

test('XML that is not a libvirt domain gets empty diagnostics, and so does an empty new file', async () => {
	const session = await startServer();
	try {
		const network = 'file:///protocol/network.xml';
		const networkDiagnostics = session.diagnosticsFor(network);
		await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: {
			uri: network, languageId: 'xml', version: 1,
			text: `<network>\n  <name>default</name>\n  <seclabel type='dynamic' relabel='no'/>\n</network>\n`,
		} });
		assert.deepEqual((await networkDiagnostics).diagnostics, []);
		const empty = 'file:///protocol/untitled.xml';
		const emptyDiagnostics = session.diagnosticsFor(empty);
		await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: empty, languageId: 'xml', version: 1, text: '' } });
		assert.deepEqual((await emptyDiagnostics).diagnostics, []);
	} finally {
		assert.equal(await stopServer(session), 0);
	}
});
