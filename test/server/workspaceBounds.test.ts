/**
 * What the server reads, and how much: special files as real files on this machine (a FIFO,
 * /proc/kmsg, /dev/zero, a symbolic link loop, a link to `/`, links out of the workspace, a file
 * deleted mid-scan), watched-file events for paths outside the workspace (/etc/shadow), the index
 * caps, the system temporary directory as a workspace folder, and the file watchers registered.
 * A preload reports every file the server opens, so "not read" is observed, not assumed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { fileDisk, guestXml, IMAGES, VM1, VM2 } from '../workspace/guests';
import { spawnRaw, type RawServer } from '../support/rawLspClient';
import { ROOT } from '../support/lspServer';
import { readRegularFileSync, UnreadableFileError } from '../../server/src/node/readDocument';
import { listXmlFiles, readDomainFile, readDomainFileSync } from '../../server/src/node/workspaceScanner';

/** Loaded into the server: every path it opens or reads, on stderr. */
const OPEN_GUARD = `
const fs = require('fs');
const report = (file) => process.stderr.write('OPENED ' + String(file) + '\\n');
for (const name of ['open', 'openSync', 'readFile', 'readFileSync', 'createReadStream']) {
	const original = fs[name];
	fs[name] = function (file, ...rest) { report(file); return original.call(this, file, ...rest); };
}
for (const name of ['open', 'readFile']) {
	const original = fs.promises[name];
	fs.promises[name] = function (file, ...rest) { report(file); return original.call(this, file, ...rest); };
}
`;

function tempDir(prefix: string): string {
	return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

function withGuard(dir: string): string {
	const guard = path.join(dir, 'open-guard.js');
	fs.writeFileSync(guard, OPEN_GUARD);
	return guard;
}

function opened(server: RawServer): string[] {
	return [...server.stderr().matchAll(/^OPENED (.*)$/gm)].map((match) => match[1]);
}

interface StartOptions {
	folders: string[];
	settings?: Record<string, unknown>;
	capabilities?: Record<string, unknown>;
	preload?: string;
	answerRequests?: boolean;
}

const FULL_CAPABILITIES = { window: { workDoneProgress: true }, workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } };

async function start(options: StartOptions): Promise<RawServer> {
	const server = spawnRaw({ preload: options.preload, answerRequests: options.answerRequests });
	const folders = options.folders.map((folder) => ({ uri: pathToFileURL(folder).href, name: path.basename(folder) }));
	const response = await server.request('initialize', {
		processId: process.pid, rootUri: folders[0]?.uri ?? null, workspaceFolders: folders, capabilities: options.capabilities ?? FULL_CAPABILITIES,
		initializationOptions: { settings: options.settings ?? {} },
	});
	assert.equal(response.error, undefined);
	server.notify('initialized', {});
	return server;
}

/** Resolves when a work-done progress has ended (the first index is complete). */
function indexed(server: RawServer): Promise<unknown> {
	return server.next('$/progress', (params) => (params as { value?: { kind?: string } }).value?.kind === 'end', 30_000);
}

function logText(server: RawServer): string {
	return server.received.filter((m) => m.method === 'window/logMessage' || m.method === 'window/showMessage').map((m) => (m.params as { message: string }).message).join('\n');
}

type Diagnostic = { code: string; relatedInformation?: { location: { uri: string } }[] };

async function diagnosticsOf(server: RawServer, uri: string, text: string, accept: (diagnostics: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
	const published = server.next('textDocument/publishDiagnostics', (params) => {
		const p = params as { uri: string; diagnostics: Diagnostic[] };
		return p.uri === uri && accept(p.diagnostics);
	}, 30_000);
	server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'xml', version: 1, text } });
	return ((await published) as { diagnostics: Diagnostic[] }).diagnostics;
}

const relatedUris = (diagnostics: Diagnostic[], code: string) => diagnostics.filter((d) => d.code === code).flatMap((d) => d.relatedInformation?.map((info) => info.location.uri) ?? []);

async function stop(server: RawServer): Promise<void> {
	const response = await server.request('shutdown');
	assert.equal(response.error, undefined);
	server.notify('exit');
	assert.equal(await server.exited(), 0);
}

test('a workspace with a FIFO, /proc/kmsg, /dev/zero, link loops, a link to / and links out is indexed to the end without opening any of them', async () => {
	const dir = tempDir('seclabel-special-');
	const ws = path.join(dir, 'ws');
	fs.mkdirSync(ws);
	fs.writeFileSync(path.join(ws, 'vm1.xml'), VM1);
	fs.writeFileSync(path.join(ws, 'vm2.xml'), VM2);
	// A guest outside the workspace that also writes vm1's image: only reachable through a link out.
	fs.writeFileSync(path.join(dir, 'outside.xml'), guestXml('outside', { disks: [fileDisk(`${IMAGES}/vm1.img`)] }));
	cp.execFileSync('mkfifo', [path.join(ws, 'fifo.xml')]);
	fs.symlinkSync('/proc/kmsg', path.join(ws, 'kmsg.xml'));
	fs.symlinkSync('/dev/zero', path.join(ws, 'zero.xml'));
	fs.symlinkSync('loop.xml', path.join(ws, 'loop.xml'));
	fs.symlinkSync(ws, path.join(ws, 'again'));
	fs.symlinkSync('/', path.join(ws, 'root'));
	fs.symlinkSync('/etc/shadow', path.join(ws, 'shadow.xml'));
	fs.symlinkSync(path.join(dir, 'outside.xml'), path.join(ws, 'outside.xml'));
	const server = await start({ folders: [ws], preload: withGuard(dir) });
	try {
		await indexed(server);
		const vm1 = pathToFileURL(path.join(ws, 'vm1.xml')).href;
		const diagnostics = await diagnosticsOf(server, vm1, VM1, (list) => list.some((d) => d.code === 'shared-image-not-shareable'));
		assert.deepEqual(relatedUris(diagnostics, 'shared-image-not-shareable'), [pathToFileURL(path.join(ws, 'vm2.xml')).href], 'only vm2 shares the image: the link out must not be followed');
		// Watched-file events for paths outside the workspace, and for the special files in it, read nothing.
		server.notify('workspace/didChangeWatchedFiles', {
			changes: [
				{ uri: 'file:///etc/shadow', type: 2 }, { uri: 'file:///proc/kmsg', type: 1 }, { uri: pathToFileURL(path.join(dir, 'outside.xml')).href, type: 1 },
				...['kmsg.xml', 'fifo.xml', 'zero.xml', 'shadow.xml', 'outside.xml', 'loop.xml'].map((name) => ({ uri: pathToFileURL(path.join(ws, name)).href, type: 2 })),
			],
		});
		await server.next('window/logMessage', (params) => (params as { message: string }).message.includes('Ignored watched-file events'));
		const ping = await server.request('textDocument/hover', { textDocument: { uri: vm1 }, position: { line: 0, character: 1 } });
		assert.equal(ping.error, undefined);
		const log = logText(server);
		for (const name of ['kmsg.xml', 'fifo.xml', 'zero.xml', 'loop.xml', 'root', 'shadow.xml', 'outside.xml']) {
			assert.ok(log.includes(path.join(ws, name)), `the log should say that ${name} was skipped:\n${log}`);
		}
		// The FIFO is inside the workspace: its event is looked at, and refused before it is opened (see the guard below).
		for (const name of ['kmsg.xml', 'zero.xml', 'shadow.xml', 'outside.xml', 'loop.xml']) {
			assert.ok(/Ignored watched-file events.*/.exec(log)?.[0].includes(path.join(ws, name)), `the watched-file event for ${name} should be ignored:\n${log}`);
		}
		await stop(server);
		const reads = opened(server);
		assert.ok(reads.some((file) => file.endsWith('vm2.xml')), `the guard saw no read of vm2.xml, so it proves nothing: ${reads.join(', ')}`);
		const forbidden = reads.filter((file) => file === '/proc/kmsg' || file === '/dev/zero' || file === '/etc/shadow' || file.startsWith(path.join(ws, 'root'))
			|| ['kmsg.xml', 'fifo.xml', 'zero.xml', 'loop.xml', 'shadow.xml', 'outside.xml'].some((name) => file === path.join(ws, name)) || file === path.join(dir, 'outside.xml'));
		assert.deepEqual(forbidden, []);
	} finally {
		server.kill();
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the shared reader refuses what is not a regular file, and the CLI says so in one line and exits 2', async () => {
	const dir = tempDir('seclabel-reader-');
	try {
		const fifo = path.join(dir, 'fifo.xml');
		cp.execFileSync('mkfifo', [fifo]);
		fs.symlinkSync('loop.xml', path.join(dir, 'loop.xml'));
		const refusals: [string, RegExp][] = [[fifo, /FIFO/], ['/dev/zero', /character device/], ['/proc/kmsg', /kernel interface/], ['/sys/kernel/notes', /kernel interface/], [path.join(dir, 'loop.xml'), /symbolic links/], [dir, /directory/]];
		for (const [file, reason] of refusals) {
			assert.throws(() => readRegularFileSync(file), (error: unknown) => error instanceof UnreadableFileError && reason.test(error.message), file);
		}
		for (const [file, reason] of refusals.slice(0, 3)) {
			const result = cp.spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), file], { encoding: 'utf8', timeout: 20_000 });
			assert.equal(result.status, 2, `${file}: ${result.stderr}`);
			assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
			assert.match(result.stderr, reason);
		}
		// A file deleted between the listing and the read is skipped with its reason, not thrown.
		fs.writeFileSync(path.join(dir, 'gone.xml'), VM1);
		const listed = await listXmlFiles([dir], { confine: true });
		assert.deepEqual(listed.map((file) => path.basename(file)), ['gone.xml']);
		fs.rmSync(path.join(dir, 'gone.xml'));
		for (const gone of [await readDomainFile(listed[0]), readDomainFileSync(listed[0])]) {
			assert.equal(gone.text, undefined);
			assert.match(gone.refused ?? '', /no such file/);
		}
		// Size bounds: the head of a file is enough to skip other XML.
		const big = path.join(dir, 'big.xml');
		fs.writeFileSync(big, `<network>${' '.repeat(10 * 1024 * 1024)}</network>`);
		assert.deepEqual(await readDomainFile(big), {});
		assert.deepEqual(readDomainFileSync(big), {});
		// A domain behind a prolog longer than the first look is still found.
		const late = path.join(dir, 'late.xml');
		fs.writeFileSync(late, `<?xml version='1.0'?>\n<!-- ${'x'.repeat(6000)} -->\n${VM1}`);
		assert.equal(readDomainFileSync(late).text?.includes('<name>vm1</name>'), true);
		assert.equal(readRegularFileSync(big, { headBytes: 100 }).length, 100);
		assert.throws(() => readRegularFileSync(big, { maxBytes: 1024 }), /larger than/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the index stops at libvirtSeclabel.index.maxFiles and .maxDomains, says so once, and stays bounded', async () => {
	const dir = tempDir('seclabel-caps-');
	try {
		const ws = path.join(dir, 'ws');
		fs.mkdirSync(path.join(ws, 'other'), { recursive: true });
		for (let i = 0; i < 120; i++) {
			fs.writeFileSync(path.join(ws, `g${String(i).padStart(3, '0')}.xml`), guestXml(`g${i}`, { disks: [fileDisk(`${IMAGES}/shared.img`)] }));
			fs.writeFileSync(path.join(ws, 'other', `net${i}.xml`), `<network><name>n${i}</name></network>\n`);
		}
		for (const [settings, bound, name] of [[{ index: { maxFiles: 40 } }, 40, 'libvirtSeclabel.index.maxFiles'], [{ index: { maxDomains: 10 } }, 10, 'libvirtSeclabel.index.maxDomains']] as const) {
			const server = await start({ folders: [ws], settings });
			try {
				await indexed(server);
				const warning = await server.next('window/showMessage', (params) => (params as { message: string }).message.includes(name));
				assert.equal((warning as { type: number }).type, 2, 'a warning');
				const uri = pathToFileURL(path.join(ws, 'g119.xml')).href;
				const diagnostics = await diagnosticsOf(server, uri, guestXml('g119', { disks: [fileDisk(`${IMAGES}/shared.img`)] }), (list) => list.some((d) => d.code === 'shared-image-not-shareable'));
				const partners = new Set(relatedUris(diagnostics, 'shared-image-not-shareable'));
				assert.ok(partners.size > 0 && partners.size <= bound, `${partners.size} partners with a bound of ${bound}`);
				const messages = server.received.filter((m) => m.method === 'window/showMessage' && (m.params as { message: string }).message.includes(name));
				assert.equal(messages.length, 1, 'one message');
				await stop(server);
			} finally {
				server.kill();
			}
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the system temporary directory as a workspace folder is not indexed: only the open file\'s own directory is, and watched', async () => {
	const tmp = fs.realpathSync(os.tmpdir());
	const dir = tempDir('seclabel-wholesale-');
	try {
		fs.mkdirSync(path.join(dir, 'deeper'));
		fs.writeFileSync(path.join(dir, 'vm2.xml'), VM2);
		fs.writeFileSync(path.join(dir, 'deeper', 'vm3.xml'), guestXml('vm3', { disks: [fileDisk(`${IMAGES}/vm1.img`)] }));
		const guard = path.join(os.tmpdir(), `${path.basename(dir)}-guard.js`);
		fs.writeFileSync(guard, OPEN_GUARD);
		const server = await start({ folders: [tmp], preload: guard });
		try {
			const notice = await server.next('window/showMessage', (params) => (params as { message: string }).message.includes('not indexed as a whole'));
			assert.match((notice as { message: string }).message, new RegExp(tmp.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')));
			const vm1 = pathToFileURL(path.join(dir, 'vm1.xml')).href;
			const diagnostics = await diagnosticsOf(server, vm1, VM1, (list) => list.some((d) => d.code === 'shared-image-not-shareable'));
			assert.deepEqual(relatedUris(diagnostics, 'shared-image-not-shareable'), [pathToFileURL(path.join(dir, 'vm2.xml')).href], 'the open file\'s directory only, not its subdirectories');
			const registration = await server.next('client/registerCapability', (params) => JSON.stringify(params).includes(pathToFileURL(dir).href));
			const watchers = (registration as { registrations: { registerOptions: { watchers: unknown[] } }[] }).registrations[0].registerOptions.watchers;
			assert.deepEqual(watchers, [{ globPattern: { baseUri: pathToFileURL(dir).href, pattern: '*.xml' } }]);
			await stop(server);
			// The server's own files (a clone may live in the temporary directory too) are not the workspace's.
			const strays = opened(server).filter((file) => file.startsWith(`${tmp}/`) && !file.startsWith(`${dir}/`) && file !== guard && !file.startsWith(`${ROOT}/`));
			assert.deepEqual(strays, [], 'nothing else in the temporary directory is read');
		} finally {
			server.kill();
			fs.rmSync(guard, { force: true });
		}
		// A client without relative patterns (eglot 1.9) would walk all of the folder to honour any
		// watcher, so none is registered there; the directory is still indexed.
		const plain = await start({ folders: [tmp], capabilities: { window: { workDoneProgress: true }, workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } } });
		try {
			const vm1 = pathToFileURL(path.join(dir, 'vm1.xml')).href;
			const diagnostics = await diagnosticsOf(plain, vm1, VM1, (list) => list.some((d) => d.code === 'shared-image-not-shareable'));
			assert.deepEqual(relatedUris(diagnostics, 'shared-image-not-shareable'), [pathToFileURL(path.join(dir, 'vm2.xml')).href]);
			await plain.request('textDocument/hover', { textDocument: { uri: vm1 }, position: { line: 0, character: 0 } });
			assert.deepEqual(plain.received.filter((m) => m.method === 'client/registerCapability'), [], 'no watcher for a client that would walk /tmp');
			assert.match(logText(plain), /Not watching/);
			await stop(plain);
		} finally {
			plain.kill();
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('file watchers: relative patterns under the indexed roots, absolute globs without relativePatternSupport, none without dynamic registration', async () => {
	const dir = tempDir('seclabel-watch-');
	try {
		const ws = path.join(dir, 'ws');
		const extra = path.join(dir, 'extra');
		fs.mkdirSync(ws);
		fs.mkdirSync(extra);
		fs.writeFileSync(path.join(ws, 'vm1.xml'), VM1);
		const cases: [Record<string, unknown>, unknown[] | undefined][] = [
			[FULL_CAPABILITIES, [{ globPattern: { baseUri: pathToFileURL(ws).href, pattern: '**/*.xml' } }, { globPattern: { baseUri: pathToFileURL(extra).href, pattern: '**/*.xml' } }]],
			[{ window: { workDoneProgress: true }, workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } }, [{ globPattern: `${ws}/**/*.xml` }, { globPattern: `${extra}/**/*.xml` }]],
			[{ window: { workDoneProgress: true }, workspace: { didChangeWatchedFiles: { dynamicRegistration: false } } }, undefined],
		];
		for (const [capabilities, expected] of cases) {
			const server = await start({ folders: [ws], settings: { extraDomainDirs: [extra] }, capabilities });
			try {
				await indexed(server);
				await server.request('textDocument/hover', { textDocument: { uri: 'file:///none.xml' }, position: { line: 0, character: 0 } });
				const registrations = server.received.filter((m) => m.method === 'client/registerCapability');
				if (expected === undefined) {
					assert.deepEqual(registrations, [], 'a client without dynamic registration is never asked to register');
				} else {
					assert.equal(registrations.length, 1);
					assert.deepEqual((registrations[0].params as { registrations: { registerOptions: { watchers: unknown[] } }[] }).registrations[0].registerOptions.watchers, expected);
				}
				await stop(server);
			} finally {
				server.kill();
			}
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('a client that never answers the progress and registration requests still gets its guests indexed', async () => {
	const dir = tempDir('seclabel-silent-');
	try {
		fs.writeFileSync(path.join(dir, 'vm2.xml'), VM2);
		const server = await start({ folders: [dir], answerRequests: false });
		try {
			const vm1 = pathToFileURL(path.join(dir, 'vm1.xml')).href;
			const diagnostics = await diagnosticsOf(server, vm1, VM1, (list) => list.some((d) => d.code === 'shared-image-not-shareable'));
			assert.deepEqual(relatedUris(diagnostics, 'shared-image-not-shareable'), [pathToFileURL(path.join(dir, 'vm2.xml')).href]);
			assert.ok(server.received.some((m) => m.method === 'window/workDoneProgress/create'), 'the server asked for progress and got no answer');
			await stop(server);
		} finally {
			server.kill();
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
