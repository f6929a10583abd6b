/**
 * The protocol abuse suite: the server bin over raw stdio, sent what no protocol library would.
 * Every notification and request the server handles, with its params missing, `null`, of the
 * wrong type and out of range; requests before `initialize` and after `shutdown`; damaged framing;
 * `exit` with work in flight and stdin closing. After each, the server must still answer a hover
 * and publish diagnostics, and it must never die of an unhandled error.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { domain } from '../support/fixture';
import { spawnRaw, frame, type RawServer } from '../support/rawLspClient';

const BAD = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);
const SERVER_NOT_INITIALIZED = -32002;
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

async function initialized(server: RawServer, capabilities: unknown = {}): Promise<void> {
	const response = await server.request('initialize', { processId: process.pid, rootUri: null, capabilities, workspaceFolders: null });
	assert.equal(response.error, undefined, JSON.stringify(response.error));
	server.notify('initialized', {});
}

let opened = 0;
/** A fresh document is opened, gets its diagnostics, and a hover on it is answered. */
async function assertServes(server: RawServer): Promise<void> {
	const uri = `file:///abuse/alive-${++opened}.xml`;
	const diagnostics = server.next('textDocument/publishDiagnostics', (params) => (params as { uri: string }).uri === uri);
	server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
	const published = await diagnostics as { diagnostics: { code: string }[] };
	assert.deepEqual(published.diagnostics.map((d) => d.code), ['dynamic-relabel-no']);
	const at = BAD.indexOf('relabel');
	const line = BAD.slice(0, at).split('\n').length - 1;
	const hover = await server.request('textDocument/hover', { textDocument: { uri }, position: { line, character: at - BAD.lastIndexOf('\n', at - 1) - 1 + 2 } });
	assert.ok(hover.result && JSON.stringify(hover.result).includes('relabel'), `hover after the abuse: ${JSON.stringify(hover)}`);
	assert.equal(server.child.exitCode, null, `the server exited; stderr:\n${server.stderr()}`);
}

function assertNoCrashLog(server: RawServer): void {
	assert.doesNotMatch(server.stderr(), /unhandled rejection|uncaught exception|TypeError|is not iterable/i, server.stderr());
}

async function shutdownAndExit(server: RawServer): Promise<void> {
	const response = await server.request('shutdown');
	assert.equal(response.error, undefined);
	server.notify('exit');
	assert.equal(await server.exited(), 0);
}

test('before initialize a request gets ServerNotInitialized and a notification is dropped; initialize is accepted once', async () => {
	const server = spawnRaw();
	try {
		const early = await server.request('textDocument/hover', { textDocument: { uri: 'file:///abuse/early.xml' }, position: { line: 0, character: 0 } });
		assert.equal(early.error?.code, SERVER_NOT_INITIALIZED, JSON.stringify(early));
		const unknown = await server.request('libvirtSeclabel/noSuchMethod', {});
		assert.equal(unknown.error?.code, SERVER_NOT_INITIALIZED, 'also for methods without a handler');
		// A document opened before initialize was dropped: after initialize it is not open.
		server.notify('textDocument/didOpen', { textDocument: { uri: 'file:///abuse/early.xml', languageId: 'xml', version: 1, text: BAD } });
		await initialized(server);
		const second = await server.request('initialize', { processId: null, rootUri: null, capabilities: {} });
		assert.equal(second.error?.code, INVALID_REQUEST, `a second initialize: ${JSON.stringify(second)}`);
		const hover = await server.request('textDocument/hover', { textDocument: { uri: 'file:///abuse/early.xml' }, position: { line: 3, character: 5 } });
		assert.equal(hover.result, null, 'the didOpen sent before initialize must have been dropped');
		assert.match(server.stderr(), /before initialize/);
		await assertServes(server);
		await shutdownAndExit(server);
	} finally {
		server.kill();
	}
});

test('after shutdown requests get InvalidRequest, nothing is published, and exit ends the process with 0', async () => {
	const server = spawnRaw();
	try {
		await initialized(server);
		await assertServes(server);
		// Work in flight at shutdown: a change whose diagnostics would come after it.
		const uri = 'file:///abuse/after-shutdown.xml';
		server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
		const shutdown = await server.request('shutdown');
		assert.equal(shutdown.error, undefined);
		assert.equal(shutdown.result, null);
		const hover = await server.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
		assert.equal(hover.error?.code, INVALID_REQUEST, JSON.stringify(hover));
		const again = await server.request('shutdown');
		assert.equal(again.error?.code, INVALID_REQUEST);
		const later = 'file:///abuse/opened-after-shutdown.xml';
		server.notify('textDocument/didOpen', { textDocument: { uri: later, languageId: 'xml', version: 1, text: BAD } });
		await new Promise((resolve) => setTimeout(resolve, 300));
		const published = server.received.filter((m) => m.method === 'textDocument/publishDiagnostics').map((m) => (m.params as { uri: string }).uri);
		assert.ok(!published.includes(later), `diagnostics were published after shutdown: ${published.join(', ')}`);
		server.notify('exit');
		assert.equal(await server.exited(), 0);
	} finally {
		server.kill();
	}
});

test('exit without shutdown ends with 1, and stdin closing ends the server even with work in flight', async () => {
	const noShutdown = spawnRaw();
	try {
		await initialized(noShutdown);
		noShutdown.notify('exit');
		assert.equal(await noShutdown.exited(), 1);
	} finally {
		noShutdown.kill();
	}
	const closed = spawnRaw();
	try {
		await initialized(closed);
		// A large document is still being validated when the input ends.
		const disks = Array.from({ length: 3000 }, (_, i) => `    <disk type='file' device='disk'><source file='/var/lib/libvirt/images/d${i}.img'/><target dev='vd${i}' bus='virtio'/></disk>`).join('\n');
		closed.notify('textDocument/didOpen', { textDocument: { uri: 'file:///abuse/large.xml', languageId: 'xml', version: 1, text: domain(disks) } });
		closed.child.stdin!.end();
		assert.equal(await closed.exited(), 1);
	} finally {
		closed.kill();
	}
	const flight = spawnRaw();
	try {
		await initialized(flight);
		const disks = Array.from({ length: 3000 }, (_, i) => `    <disk type='file' device='disk'><source file='/var/lib/libvirt/images/d${i}.img'/><target dev='vd${i}' bus='virtio'/></disk>`).join('\n');
		flight.notify('textDocument/didOpen', { textDocument: { uri: 'file:///abuse/large.xml', languageId: 'xml', version: 1, text: domain(disks) } });
		for (let version = 2; version < 50; version++) {
			flight.notify('textDocument/didChange', { textDocument: { uri: 'file:///abuse/large.xml', version }, contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: ' ' }] });
		}
		flight.write(Buffer.concat([frame({ jsonrpc: '2.0', id: 'bye', method: 'shutdown' }), frame({ jsonrpc: '2.0', method: 'exit' })]));
		assert.equal(await flight.exited(), 0);
	} finally {
		flight.kill();
	}
});

/** Params no client should send, for every method the server handles. */
const GARBAGE: unknown[] = [undefined, null, {}, 42, 'text', [], [null], true];
const POSITIONS: unknown[] = [null, 'x', {}, { line: 'a', character: 0 }, { line: 0.5, character: 1.5 }, { line: -3, character: -1 }, { line: 1e9, character: 1e9 }, { line: Number.MAX_SAFE_INTEGER, character: 0 }, { line: 2, character: 7.25 }];

test('every request the server handles answers any params with a result or InvalidParams, and fractional positions are answered', async () => {
	const server = spawnRaw();
	try {
		await initialized(server);
		const uri = 'file:///abuse/requests.xml';
		server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
		const textDocuments: unknown[] = [undefined, null, 42, {}, { uri: 42 }, { uri }, { uri: 'not a uri' }];
		for (const method of ['textDocument/hover', 'textDocument/completion']) {
			for (const params of GARBAGE) {
				const response = await server.request(method, params);
				assert.ok(response.error === undefined ? true : response.error.code === INVALID_PARAMS, `${method} ${JSON.stringify(params)}: ${JSON.stringify(response)}`);
			}
			for (const textDocument of textDocuments) {
				for (const position of POSITIONS) {
					const response = await server.request(method, { textDocument, position });
					assert.ok(response.error === undefined || response.error.code === INVALID_PARAMS, `${method} ${JSON.stringify({ textDocument, position })}: ${JSON.stringify(response)}`);
				}
			}
			// A fractional position inside the document is an answer, not an error (it is read as its integer part).
			const fractional = await server.request(method, { textDocument: { uri }, position: { line: 2.5, character: 10.5 } });
			assert.equal(fractional.error, undefined, `${method} at a fractional position: ${JSON.stringify(fractional)}`);
		}
		const ranges: unknown[] = [null, 'x', {}, { start: null, end: null }, { start: { line: 0.5, character: 0 }, end: { line: -1, character: 2.5 } }, { start: { line: 1e9, character: 0 }, end: { line: 0, character: 0 } }];
		const contexts: unknown[] = [undefined, null, 'x', {}, { diagnostics: null }, { diagnostics: [null, 42, { range: null, message: 1 }] }, { diagnostics: [], only: 'quickfix' }, { diagnostics: [], only: [42] }];
		for (const params of GARBAGE) {
			const response = await server.request('textDocument/codeAction', params);
			assert.ok(response.error === undefined || response.error.code === INVALID_PARAMS, JSON.stringify(response));
		}
		for (const textDocument of textDocuments) {
			for (const range of ranges) {
				for (const context of contexts) {
					const response = await server.request('textDocument/codeAction', { textDocument, range, context });
					assert.ok(response.error === undefined || response.error.code === INVALID_PARAMS, `codeAction ${JSON.stringify({ textDocument, range, context })}: ${JSON.stringify(response)}`);
				}
			}
		}
		const fixAll = await server.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0.5, character: 0 } }, context: { diagnostics: [null], only: ['source.fixAll'] } });
		assert.equal(fixAll.error, undefined, JSON.stringify(fixAll));
		// Requests with broken envelopes.
		server.send({ jsonrpc: '2.0', id: { nested: true }, method: 'textDocument/hover', params: {} });
		server.send({ jsonrpc: '2.0', id: 99_001, method: 42 });
		server.send([{ jsonrpc: '2.0', id: 99_002, method: 'shutdown' }]);
		server.send('a string');
		server.send(null);
		await assertServes(server);
		assertNoCrashLog(server);
		await shutdownAndExit(server);
	} finally {
		server.kill();
	}
});

test('every notification the server handles survives any params, and only bad entries of a list are dropped', async () => {
	const server = spawnRaw();
	try {
		await initialized(server, { workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } });
		const uri = 'file:///abuse/notifications.xml';
		server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
		const variants: Record<string, unknown[]> = {
			'textDocument/didOpen': [...GARBAGE, { textDocument: null }, { textDocument: { uri: 42, languageId: 'xml', version: 1, text: BAD } }, { textDocument: { uri: 'file:///abuse/x.xml', version: 1.5, text: BAD } },
				{ textDocument: { uri: 'file:///abuse/x.xml', version: 1, text: 42 } }, { textDocument: { uri: 'file:///abuse/x.xml', version: 1 } }],
			'textDocument/didChange': [...GARBAGE, { textDocument: { uri, version: 2 } }, { textDocument: { uri, version: 2 }, contentChanges: null }, { textDocument: { uri, version: 2 }, contentChanges: [null] },
				{ textDocument: { uri, version: 2 }, contentChanges: [{ text: 42 }] }, { textDocument: { uri, version: 2 }, contentChanges: [{ range: 'x', text: '' }] },
				{ textDocument: { uri, version: 'two' }, contentChanges: [{ text: '' }] }, { textDocument: { uri: 'file:///abuse/never-opened.xml', version: 2 }, contentChanges: [{ text: BAD }] },
				{ textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0.5, character: -4 }, end: { line: 1e9, character: 1e9 } }, text: '' }] }],
			'textDocument/didClose': [...GARBAGE, { textDocument: null }, { textDocument: { uri: 42 } }, { textDocument: { uri: 'file:///abuse/never-opened.xml' } }],
			'textDocument/didSave': [...GARBAGE, { textDocument: { uri: 42 } }, { textDocument: { uri }, text: 42 }],
			'textDocument/willSave': [...GARBAGE, { textDocument: { uri }, reason: 'x' }],
			'workspace/didChangeWatchedFiles': [...GARBAGE, { changes: null }, { changes: 'x' }, { changes: [null] }, { changes: [{ uri: 42, type: 1 }] }, { changes: [{ uri: 'file:///abuse/w.xml', type: 7 }] },
				{ changes: [null, { uri: 'file:///abuse/w.xml', type: 3 }, 'x', { uri: 'not a uri', type: 1 }, { uri: 'file:///etc/shadow', type: 2 }] }],
			'workspace/didChangeWorkspaceFolders': [...GARBAGE, { event: null }, { event: {} }, { event: { added: null, removed: null } }, { event: { added: [null, 42, { uri: 42 }], removed: 'x' } },
				{ event: { added: [{ uri: 'not a uri', name: 1 }], removed: [{ uri: 'file:///nowhere' }] } }],
			'workspace/didChangeConfiguration': [...GARBAGE, { settings: null }, { settings: 42 }, { settings: { libvirtSeclabel: null } }, { settings: { libvirtSeclabel: { rules: 42, extraDomainDirs: 'x', index: { maxFiles: -1 } } } }],
			'initialized': GARBAGE,
			'$/setTrace': [...GARBAGE, { value: 42 }, { value: 'loud' }],
			'$/cancelRequest': [...GARBAGE, { id: null }, { id: {} }, { id: 123_456 }],
			'window/workDoneProgress/cancel': [...GARBAGE, { token: null }, { token: 'unknown' }],
		};
		for (const [method, list] of Object.entries(variants)) {
			for (const params of list) {
				server.notify(method, params);
			}
			// Each method's abuse is followed by a request, so a crash is caught at the method that caused it.
			const ping = await server.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
			assert.equal(ping.error, undefined, `after ${method}: ${JSON.stringify(ping)}; stderr:\n${server.stderr().slice(-2000)}`);
		}
		assert.match(server.stderr(), /Dropped workspace\/didChangeWatchedFiles with invalid params/);
		await assertServes(server);
		assertNoCrashLog(server);
		await shutdownAndExit(server);
	} finally {
		server.kill();
	}
});

/** Times one damaged input followed by a valid request, until the request is answered. */
async function timeToRecover(server: RawServer, damage: Buffer): Promise<number> {
	const started = performance.now();
	server.write(damage);
	const response = await server.request('textDocument/hover', { textDocument: { uri: 'file:///abuse/none.xml' }, position: { line: 0, character: 0 } }, 60_000);
	assert.equal(response.error, undefined, JSON.stringify(response));
	return performance.now() - started;
}

test('damaged framing is logged and survived: the server resynchronises at the next Content-Length header', async () => {
	const server = spawnRaw();
	try {
		await initialized(server);
		const damages: [string, Buffer][] = [
			['a header line without a colon', Buffer.from('Content-Length: 2\r\nnonsense\r\n\r\n{}')],
			['a Content-Length that is not a number', Buffer.from('Content-Length: twelve\r\n\r\n{"jsonrpc":"2.0"}')],
			['no Content-Length', Buffer.from('Content-Type: application/json\r\n\r\n{}')],
			['a body that is not JSON', Buffer.from('Content-Length: 5\r\n\r\n{{{{{')],
			['garbage between messages', Buffer.from('\u0000\u00ff random bytes \r\n without any header at all')],
			['a header with no terminator, then a new line', Buffer.concat([Buffer.from('Content-Length: 1'), Buffer.alloc(100_000, 'X'), Buffer.from('\n')])],
			['a Content-Length larger than the message, swallowing the next one', Buffer.from('Content-Length: 4000\r\n\r\n{"jsonrpc":"2.0","method":"initialized"')],
		];
		for (const [what, damage] of damages) {
			await timeToRecover(server, damage).catch((error: Error) => assert.fail(`${what}: ${error.message}`));
		}
		assert.match(server.stderr(), /damaged LSP framing/);
		await assertServes(server);
		assertNoCrashLog(server);
		await shutdownAndExit(server);
	} finally {
		server.kill();
	}
});

test('a header without a terminator costs linear time: 32 MB take less than 8 times as long as 8 MB (a quadratic scan: 16)', async () => {
	const server = spawnRaw();
	try {
		await initialized(server);
		const long = (bytes: number) => Buffer.concat([Buffer.from('Content-Length: 10'), Buffer.alloc(bytes, 'a'), Buffer.from('\r\n')]);
		// A warm-up, so that the first measurement does not pay for compiling the reader.
		await timeToRecover(server, long(1_000_000));
		const small = Math.min(await timeToRecover(server, long(8_000_000)), await timeToRecover(server, long(8_000_000)));
		const large = await timeToRecover(server, long(32_000_000));
		assert.ok(large < 8 * Math.max(small, 20), `8 MB took ${small.toFixed(0)} ms, 32 MB ${large.toFixed(0)} ms`);
		await assertServes(server);
		await shutdownAndExit(server);
	} finally {
		server.kill();
	}
});

test('an exception thrown or a promise rejected anywhere in the server is logged, never fatal', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-throw-'));
	const preload = path.join(dir, 'throw.js');
	// Loaded before the server: once it runs, a timer throws and a promise rejects with nobody to catch them.
	fs.writeFileSync(preload, "setTimeout(() => { throw new Error('planted exception'); }, 300); setTimeout(() => { Promise.reject(new Error('planted rejection')); }, 300);\n");
	const server = spawnRaw({ preload });
	try {
		await initialized(server);
		await new Promise((resolve) => setTimeout(resolve, 600));
		await assertServes(server);
		assert.match(server.stderr(), /uncaught exception: Error: planted exception/);
		assert.match(server.stderr(), /unhandled rejection: Error: planted rejection/);
		await shutdownAndExit(server);
	} finally {
		server.kill();
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('initialize with garbage capabilities, folders and options initializes, and the server serves', async () => {
	const variants: unknown[] = [
		{},
		{ processId: 'x', rootUri: 42, capabilities: null, workspaceFolders: 'x', initializationOptions: 42, trace: 'loud' },
		{ processId: null, rootUri: 'not a uri', capabilities: { window: 42, workspace: 'x', textDocument: null }, workspaceFolders: [null, 42, { uri: 42 }, { uri: 'file:///nowhere', name: 1 }], initializationOptions: { settings: 'x' } },
		{ processId: null, rootUri: null, capabilities: { workspace: { didChangeWatchedFiles: 'x', configuration: 'yes', workspaceFolders: 1 }, window: { workDoneProgress: {} } }, initializationOptions: { settings: { extraDomainDirs: [42, null, '/nowhere'], index: 'x', rules: [] } } },
	];
	for (const params of variants) {
		const server = spawnRaw();
		try {
			const response = await server.request('initialize', params);
			assert.equal(response.error, undefined, `initialize ${JSON.stringify(params)}: ${JSON.stringify(response.error)}`);
			server.notify('initialized', {});
			await assertServes(server);
			assertNoCrashLog(server);
			await shutdownAndExit(server);
		} finally {
			server.kill();
		}
	}
	const badParams = spawnRaw();
	try {
		for (const params of [null, 42, 'x', [1]]) {
			const response = await badParams.request('initialize', params);
			assert.equal(response.error?.code, INVALID_PARAMS, `initialize ${JSON.stringify(params)}: ${JSON.stringify(response)}`);
		}
		await initialized(badParams);
		await assertServes(badParams);
		await shutdownAndExit(badParams);
	} finally {
		badParams.kill();
	}
});

test('garbage answers to the server\'s own requests (configuration, progress, registration) are survived', async () => {
	const answers: ((method: string) => { result: unknown } | { error: { code: number; message: string } })[] = [
		() => ({ result: 42 }),
		() => ({ result: null }),
		() => ({ result: 'x' }),
		(method) => (method === 'workspace/configuration' ? { result: [42, null, 'x', [1], { libvirtSeclabel: 7 }] } : { result: {} }),
		() => ({ error: { code: -32603, message: 'the client failed' } }),
	];
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-answers-'));
	try {
		fs.writeFileSync(path.join(dir, 'other.xml'), BAD.replace('<name>guest</name>', '<name>other</name>'));
		for (const answer of answers) {
			const server = spawnRaw({ answer });
			try {
				const folder = { uri: `file://${dir}`, name: 'ws' };
				const response = await server.request('initialize', {
					processId: process.pid, rootUri: folder.uri, workspaceFolders: [folder],
					capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
				});
				assert.equal(response.error, undefined);
				server.notify('initialized', {});
				server.notify('workspace/didChangeConfiguration', { settings: null });
				await assertServes(server);
				assertNoCrashLog(server);
				await shutdownAndExit(server);
			} finally {
				server.kill();
			}
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
