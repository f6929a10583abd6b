/**
 * The server bin under the inputs a real editor (or a buggy client) sends: documents that are not
 * open, positions past the end, backwards ranges, unknown methods, malformed parameters, floods of
 * changes and cancelled requests. It must answer each, publish only the newest diagnostics, and
 * stay alive throughout.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
	createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest, InitializedNotification,
	DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
	PublishDiagnosticsNotification, HoverRequest, CompletionRequest, CodeActionRequest, ShutdownRequest, ExitNotification,
	CancellationTokenSource, ErrorCodes, LSPErrorCodes, ResponseError, type PublishDiagnosticsParams, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { domain } from '../support/fixture';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');

const BAD = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);
const GOOD = domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'/>`);

interface Session {
	readonly connection: ProtocolConnection;
	readonly child: cp.ChildProcess;
	/** Every diagnostics notification, in arrival order. */
	readonly published: PublishDiagnosticsParams[];
	stderr: string;
	waitFor(uri: string, version: number): Promise<PublishDiagnosticsParams>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([promise, new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); })]).finally(() => clearTimeout(timer));
}

async function startServer(): Promise<Session> {
	assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run 'npm run build' (npm test builds it first)`);
	const child = cp.spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
	const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
	const published: PublishDiagnosticsParams[] = [];
	const waiters: { uri: string; version: number; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
	const session: Session = {
		connection, child, published, stderr: '',
		waitFor(uri, version) {
			const already = published.find((p) => p.uri === uri && p.version === version);
			return withTimeout(already ? Promise.resolve(already) : new Promise((resolve) => waiters.push({ uri, version, resolve })), 20_000, `no diagnostics for ${uri} version ${version}`);
		},
	};
	child.stderr!.on('data', (chunk) => { session.stderr += String(chunk); });
	connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
		published.push(params);
		for (const waiter of [...waiters]) {
			if (waiter.uri === params.uri && waiter.version === params.version) {
				waiters.splice(waiters.indexOf(waiter), 1);
				waiter.resolve(params);
			}
		}
	});
	connection.listen();
	await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
	await connection.sendNotification(InitializedNotification.type, {});
	return session;
}

/** The server answers a real request with a real result, and its process is still running. */
async function assertAlive(session: Session): Promise<void> {
	const uri = 'file:///robustness/alive.xml';
	await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
	const at = BAD.indexOf('relabel') + 2;
	const line = BAD.slice(0, at).split('\n').length - 1;
	const hover = await withTimeout(session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: at - BAD.lastIndexOf('\n', at - 1) - 1 } }), 10_000, 'hover did not answer');
	assert.ok(hover && JSON.stringify(hover.contents).includes('relabel'), `the server should still answer hovers, got ${JSON.stringify(hover)}`);
	await session.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
	assert.equal(session.child.exitCode, null, `the server exited; its stderr:\n${session.stderr}`);
}

async function stopServer(session: Session): Promise<void> {
	const exited = new Promise<number | null>((resolve) => session.child.once('exit', (code) => resolve(code)));
	await session.connection.sendRequest(ShutdownRequest.type);
	await session.connection.sendNotification(ExitNotification.type);
	assert.equal(await withTimeout(exited, 5000, 'the server did not exit'), 0);
	session.connection.dispose();
}

async function errorOf(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
	try {
		const result = await promise;
		assert.fail(`expected an error response, got ${JSON.stringify(result)}`);
	} catch (error) {
		assert.ok(error instanceof ResponseError, `expected a ResponseError, got ${String(error)}`);
		return error;
	}
}

test('requests for documents that are not open get empty answers', async () => {
	const session = await startServer();
	try {
		const textDocument = { uri: 'file:///robustness/never-opened.xml' };
		const position = { line: 0, character: 0 };
		assert.equal(await session.connection.sendRequest(HoverRequest.type, { textDocument, position }), null);
		const completion = await session.connection.sendRequest(CompletionRequest.type, { textDocument, position });
		assert.ok(completion === null || (Array.isArray(completion) ? completion.length === 0 : completion.items.length === 0), JSON.stringify(completion));
		assert.deepEqual(await session.connection.sendRequest(CodeActionRequest.type, { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } }), []);
		// Changing or closing a document that was never opened is a client bug the server survives.
		await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { ...textDocument, version: 2 }, contentChanges: [{ text: BAD }] });
		await session.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument });
		await assertAlive(session);
	} finally {
		await stopServer(session);
	}
});

test('positions past the end, negative positions and backwards ranges are answered, not failed', async () => {
	const session = await startServer();
	try {
		const uri = 'file:///robustness/positions.xml';
		await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
		const textDocument = { uri };
		for (const position of [{ line: 10_000, character: 10_000 }, { line: 2, character: 10_000 }, { line: -1, character: -5 }, { line: 0, character: 2 ** 31 }]) {
			await session.connection.sendRequest(HoverRequest.type, { textDocument, position });
			const completion = await session.connection.sendRequest(CompletionRequest.type, { textDocument, position });
			assert.ok(completion !== undefined);
		}
		const lines = BAD.split('\n').length;
		const backwards = { start: { line: lines, character: 0 }, end: { line: 0, character: 0 } };
		const actions = await session.connection.sendRequest(CodeActionRequest.type, { textDocument, range: backwards, context: { diagnostics: [] } });
		assert.ok(Array.isArray(actions), `code actions for a backwards range: ${JSON.stringify(actions)}`);
		const huge = { start: { line: 0, character: 0 }, end: { line: 1e9, character: 1e9 } };
		assert.ok(Array.isArray(await session.connection.sendRequest(CodeActionRequest.type, { textDocument, range: huge, context: { diagnostics: [] } })));
		await assertAlive(session);
	} finally {
		await stopServer(session);
	}
});

test('unknown methods get MethodNotFound, malformed parameters an answer, and the server lives on', async () => {
	const session = await startServer();
	try {
		const unknown = await errorOf(session.connection.sendRequest('libvirtSeclabel/noSuchMethod', { anything: 1 }));
		assert.equal(unknown.code, ErrorCodes.MethodNotFound);
		// Unknown notifications are dropped silently (the LSP says `$/` ones may be ignored).
		await session.connection.sendNotification('$/noSuchNotification', {});
		await session.connection.sendNotification('libvirtSeclabel/noSuchNotification', {});
		// Parameters a broken client might send: the request is answered (a default or an error), never dropped.
		for (const params of [{}, { textDocument: null, position: null }, { textDocument: { uri: 42 }, position: 'x' }]) {
			await session.connection.sendRequest(HoverRequest.type, params as never).catch((error: unknown) => assert.ok(error instanceof ResponseError));
			await session.connection.sendRequest(CompletionRequest.type, params as never).catch((error: unknown) => assert.ok(error instanceof ResponseError));
			await session.connection.sendRequest(CodeActionRequest.type, params as never).catch((error: unknown) => assert.ok(error instanceof ResponseError));
		}
		await assertAlive(session);
	} finally {
		await stopServer(session);
	}
});

test('a flood of 200 changes publishes the newest version last, never an older one after a newer one', async () => {
	const session = await startServer();
	try {
		const uri = 'file:///robustness/flood.xml';
		await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text: GOOD } });
		await session.waitFor(uri, 1);
		// Full-text changes alternating between a broken and a fixed document: the last one (201) is broken.
		for (let version = 2; version <= 201; version++) {
			void session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text: version % 2 === 1 ? BAD : GOOD }] });
		}
		const last = await session.waitFor(uri, 201);
		assert.deepEqual(last.diagnostics.map((d) => d.code), ['dynamic-relabel-no']);
		// Then 200 incremental one-character edits: appending spaces after the root element.
		const endLine = BAD.split('\n').length - 1;
		for (let version = 202; version <= 401; version++) {
			void session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
				textDocument: { uri, version }, contentChanges: [{ range: { start: { line: endLine, character: 0 }, end: { line: endLine, character: 0 } }, text: ' ' }],
			});
		}
		// The final state also repairs the document in the same change, so stale results would show.
		const repairAt = BAD.indexOf("relabel='no'") + "relabel='".length;
		const repairLine = BAD.slice(0, repairAt).split('\n').length - 1;
		const repairCharacter = repairAt - BAD.lastIndexOf('\n', repairAt - 1) - 1;
		await session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
			textDocument: { uri, version: 402 }, contentChanges: [{ range: { start: { line: repairLine, character: repairCharacter }, end: { line: repairLine, character: repairCharacter + 2 } }, text: 'yes' }],
		});
		assert.deepEqual((await session.waitFor(uri, 402)).diagnostics, []);
		// Give a stale validation, if any were still running, the time to (wrongly) publish.
		await new Promise((resolve) => setTimeout(resolve, 200));
		const versions = session.published.filter((p) => p.uri === uri).map((p) => p.version!);
		assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published versions must only increase: ${versions.join(', ')}`);
		assert.equal(new Set(versions).size, versions.length, `each version is published once: ${versions.join(', ')}`);
		assert.equal(versions[versions.length - 1], 402);
		// Debouncing: a burst read in one go is validated once, not once per change.
		assert.ok(versions.length <= 40, `401 changes in two bursts were validated ${versions.length} times: ${versions.join(', ')}`);
		await assertAlive(session);
	} finally {
		await stopServer(session);
	}
});

test('cancelled requests are answered with RequestCancelled and the server carries on', async () => {
	const session = await startServer();
	try {
		const uri = 'file:///robustness/cancel.xml';
		// A large document keeps the server busy validating, so the requests and their cancellations
		// below arrive together, before the requests are dispatched.
		const disks = Array.from({ length: 2000 }, (_, i) => `    <disk type='file' device='disk'><source file='/images/d${i}.img'><seclabel model='selinux' relabel='no'/></source><target dev='vd${i}' bus='virtio'/></disk>`).join('\n');
		const big = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`, disks);
		await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text: big } });
		const requests: Promise<unknown>[] = [];
		for (let i = 0; i < 20; i++) {
			const source = new CancellationTokenSource();
			requests.push(session.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 1, character: 3 } }, source.token));
			source.cancel();
		}
		const outcomes = await withTimeout(Promise.allSettled(requests), 20_000, 'cancelled requests were never answered');
		const cancelled = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof ResponseError && o.reason.code === LSPErrorCodes.RequestCancelled).length;
		const other = outcomes.filter((o) => o.status === 'rejected' && !(o.reason instanceof ResponseError && o.reason.code === LSPErrorCodes.RequestCancelled));
		assert.deepEqual(other, [], 'a cancelled request is answered with a result or RequestCancelled, nothing else');
		assert.ok(cancelled > 0, 'requests cancelled before they were dispatched must be answered with RequestCancelled');
		await session.waitFor(uri, 1);
		await assertAlive(session);
	} finally {
		await stopServer(session);
	}
});
