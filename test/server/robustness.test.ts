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
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
	InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
	HoverRequest, CompletionRequest, CodeActionRequest, CancellationTokenSource, ErrorCodes, LSPErrorCodes, ResponseError, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { domain } from '../support/fixture';
import { spawnServer, withTimeout, type ServerProcess } from '../support/lspServer';

const BAD = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);
const GOOD = domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'/>`);

interface Session extends ServerProcess {
	waitFor(uri: string, version: number): Promise<PublishDiagnosticsParams>;
}

async function startServer(initialize: { workspaceFolder?: string; settings?: Record<string, unknown>; preload?: string } = {}): Promise<Session> {
	const server = spawnServer({ preload: initialize.preload });
	const folders = initialize.workspaceFolder ? [{ uri: pathToFileURL(initialize.workspaceFolder).href, name: 'workspace' }] : null;
	await server.connection.sendRequest(InitializeRequest.type, {
		processId: process.pid, rootUri: folders ? folders[0].uri : null, capabilities: {}, workspaceFolders: folders,
		initializationOptions: initialize.settings ? { settings: initialize.settings } : undefined,
	});
	await server.connection.sendNotification(InitializedNotification.type, {});
	return { ...server, waitFor: (uri, version) => server.diagnosticsOfVersion(uri, version) };
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
	assert.equal(session.child.exitCode, null, `the server exited; its stderr:\n${session.stderr()}`);
}

async function stopServer(session: Session): Promise<void> {
	assert.equal(await session.stop(), 0);
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

test('a workspace and settings full of unreadable, huge and garbage files degrade quietly to defaults', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-hostile-'));
	try {
		const workspace = path.join(dir, 'workspace');
		fs.mkdirSync(workspace);
		fs.writeFileSync(path.join(workspace, 'garbage.xml'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
		fs.writeFileSync(path.join(workspace, 'truncated.xml'), BAD.slice(0, 90));
		// Sparse files: huge to the size check, free on disk.
		fs.closeSync(fs.openSync(path.join(workspace, 'huge.xml'), 'w'));
		fs.truncateSync(path.join(workspace, 'huge.xml'), 200 * 1024 * 1024);
		fs.symlinkSync(path.join(workspace, 'no-such-file.xml'), path.join(workspace, 'dangling.xml'));
		fs.symlinkSync(workspace, path.join(workspace, 'loop'));
		assert.equal(cp.spawnSync('mkfifo', [path.join(workspace, 'fifo.xml')]).status, 0, 'mkfifo failed (install coreutils)');
		fs.writeFileSync(path.join(workspace, 'other-guest.xml'), GOOD.replace('<name>guest</name>', '<name>other</name>'));
		const selinux = path.join(dir, 'selinux');
		fs.mkdirSync(path.join(selinux, 'targeted', 'contexts'), { recursive: true });
		fs.writeFileSync(path.join(selinux, 'config'), 'SELINUXTYPE=targeted\n\u0000\u00ff garbage = = =\n');
		fs.writeFileSync(path.join(selinux, 'targeted', 'contexts', 'virtual_domain_context'), Buffer.from([0xff, 0xfe, 0, 1, 2, 3]));
		fs.closeSync(fs.openSync(path.join(selinux, 'targeted', 'seinfo.txt'), 'w'));
		fs.truncateSync(path.join(selinux, 'targeted', 'seinfo.txt'), 100 * 1024 * 1024);
		const session = await startServer({
			workspaceFolder: workspace,
			settings: { selinuxRoot: selinux, extraDomainDirs: [path.join(dir, 'missing'), path.join(workspace, 'garbage.xml'), workspace, 42, null], libvirtVersion: 'garbage', rules: 'nonsense' },
		});
		try {
			const uri = pathToFileURL(path.join(workspace, 'open.xml')).href;
			await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
			const published = await session.waitFor(uri, 1);
			assert.ok(published.diagnostics.some((d) => d.code === 'dynamic-relabel-no'), JSON.stringify(published.diagnostics.map((d) => d.code)));
			await assertAlive(session);
		} finally {
			await stopServer(session);
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

/**
 * Loaded into the server before it starts: every way Node has to write a file, open a connection
 * or run a program reports itself on stderr. Running `virsh --version` is the one allowed program.
 */
const GUARD = `
const fs = require('fs'), net = require('net'), dgram = require('dgram'), http = require('http'), https = require('https'), cp = require('child_process');
const report = (what) => process.stderr.write('FORBIDDEN ' + what + '\\n');
const writes = ['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'mkdir', 'mkdirSync', 'mkdtemp', 'mkdtempSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'unlink', 'unlinkSync', 'rename', 'renameSync', 'copyFile', 'copyFileSync', 'truncate', 'truncateSync', 'chmod', 'chmodSync', 'symlink', 'symlinkSync', 'link', 'linkSync', 'utimes', 'utimesSync'];
for (const name of writes) { const original = fs[name]; fs[name] = function (...args) { report('fs.' + name + ' ' + String(args[0])); return original.apply(this, args); }; }
for (const name of ['open', 'openSync']) { const original = fs[name]; fs[name] = function (file, flags, ...rest) { if (flags !== undefined && !/^r$|^rs?$/.test(String(flags)) && typeof flags !== 'number') report('fs.' + name + ' ' + String(file) + ' ' + String(flags)); if (typeof flags === 'number' && (flags & 3) !== 0) report('fs.' + name + ' ' + String(file) + ' flags ' + flags); return original.call(this, file, flags, ...rest); }; }
const connect = net.Socket.prototype.connect; net.Socket.prototype.connect = function (...args) { report('net connect ' + JSON.stringify(args[0])); return connect.apply(this, args); };
for (const module of [http, https]) { for (const name of ['request', 'get']) { const original = module[name]; module[name] = function (...args) { report('http ' + name); return original.apply(this, args); }; } }
const send = dgram.Socket.prototype.send; dgram.Socket.prototype.send = function (...args) { report('udp send'); return send.apply(this, args); };
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
	const original = cp[name];
	cp[name] = function (file, args, ...rest) {
		if (name === 'execFile' && file === 'virsh' && JSON.stringify(args) === '["--version"]') process.stderr.write('ALLOWED virsh --version\\n');
		else report('child_process.' + name + ' ' + String(file) + ' ' + JSON.stringify(args));
		return original.call(this, file, args, ...rest);
	};
}
`;

test('the server writes no file, opens no connection, and runs nothing but virsh --version', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-sandbox-'));
	try {
		const guard = path.join(dir, 'guard.js');
		fs.writeFileSync(guard, GUARD);
		const workspace = path.join(dir, 'workspace');
		fs.mkdirSync(workspace);
		fs.writeFileSync(path.join(workspace, 'a.xml'), BAD);
		fs.writeFileSync(path.join(workspace, 'b.xml'), GOOD.replace('<name>guest</name>', '<name>b</name>'));
		const session = await startServer({ workspaceFolder: workspace, preload: guard, settings: { libvirtVersion: 'auto', extraDomainDirs: [workspace] } });
		try {
			const uri = pathToFileURL(path.join(workspace, 'a.xml')).href;
			await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
			const published = await session.waitFor(uri, 1);
			const textDocument = { uri };
			const position = { line: 8, character: 50 };
			await session.connection.sendRequest(HoverRequest.type, { textDocument, position });
			await session.connection.sendRequest(CompletionRequest.type, { textDocument, position });
			await session.connection.sendRequest(CodeActionRequest.type, { textDocument, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } }, context: { diagnostics: published.diagnostics } });
			await session.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: GOOD }] });
			await session.waitFor(uri, 2);
			await session.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument });
			await assertAlive(session);
		} finally {
			await stopServer(session);
		}
		assert.doesNotMatch(session.stderr(), /FORBIDDEN/, session.stderr());
		// The guard must really be loaded, or the check above proves nothing: 'auto' asks virsh once.
		assert.match(session.stderr(), /ALLOWED virsh --version/, `the guard did not see the virsh --version call; stderr:\n${session.stderr()}`);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
