/**
 * The status notification (`libvirtSeclabel/status`, server/src/status.ts) and the server's log
 * lines, through the protocol with the bundled server: only a client that declares the
 * experimental capability gets the notification; it says which libvirt version's rules apply to a
 * document and where the version came from, whether the host policy was read, and how the
 * workspace index went; every client gets the log lines (window/logMessage).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
	DidChangeWatchedFilesNotification, DidOpenTextDocumentNotification, FileChangeType, InitializedNotification, InitializeRequest, LogMessageNotification, NotificationType,
} from 'vscode-languageserver-protocol/node';
import { VM1, VM2 } from '../workspace/guests';
import { ROOT, spawnServer, withTimeout, type ServerProcess } from '../support/lspServer';
import { documentStatus, describeDocumentStatus, rulesVersionFor, type StatusParams } from '../../server/src/status';
import { KNOWN_VERSIONS, NEWEST_VERSION } from '../../server/src/service/version';

const Status = new NotificationType<StatusParams>('libvirtSeclabel/status');
const FEDORA_POLICY = path.join(ROOT, 'test', 'fixtures', 'selinux', 'fedora');

interface Session extends ServerProcess {
	readonly statuses: StatusParams[];
	readonly logs: string[];
	/** The first status (already received or still to come) that satisfies `accept`. */
	status(accept: (params: StatusParams) => boolean, what: string): Promise<StatusParams>;
}

async function start(folder: string, settings: Record<string, unknown>, experimental?: Record<string, unknown>): Promise<Session> {
	const server = spawnServer();
	const statuses: StatusParams[] = [];
	const logs: string[] = [];
	const waiters: { accept: (params: StatusParams) => boolean; resolve: (params: StatusParams) => void }[] = [];
	server.connection.onNotification(Status, (params) => {
		statuses.push(params);
		for (const waiter of [...waiters]) {
			if (waiter.accept(params)) {
				waiters.splice(waiters.indexOf(waiter), 1);
				waiter.resolve(params);
			}
		}
	});
	server.connection.onNotification(LogMessageNotification.method, (params: { message: string }) => { logs.push(params.message); });
	const folderUri = pathToFileURL(folder).href;
	await server.connection.sendRequest(InitializeRequest.type, {
		processId: process.pid,
		rootUri: folderUri,
		workspaceFolders: [{ uri: folderUri, name: 'workspace' }],
		capabilities: { workspace: { workspaceFolders: true }, ...(experimental ? { experimental } : {}) },
		initializationOptions: { settings },
	});
	await server.connection.sendNotification(InitializedNotification.type, {});
	return {
		...server, statuses, logs,
		status(accept, what) {
			const already = statuses.find(accept);
			return already ? Promise.resolve(already) : withTimeout(new Promise((resolve) => waiters.push({ accept, resolve })), 15_000, `no status ${what}; got ${JSON.stringify(statuses)}`);
		},
	};
}

function workspace(): { folder: string; vm1: string } {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-status-'));
	fs.writeFileSync(path.join(folder, 'vm1.xml'), VM1);
	fs.writeFileSync(path.join(folder, 'vm2.xml'), VM2);
	fs.writeFileSync(path.join(folder, 'network.xml'), '<network><name>default</name></network>\n');
	return { folder, vm1: path.join(folder, 'vm1.xml') };
}

async function open(session: Session, file: string): Promise<string> {
	const uri = pathToFileURL(file).href;
	await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text: fs.readFileSync(file, 'utf8') } });
	await session.diagnosticsOfVersion(uri, 1);
	return uri;
}

test('a client that asks for the status gets the version from the setting, the host policy read and the index state', async () => {
	const { folder, vm1 } = workspace();
	const session = await start(folder, { libvirtVersion: '9.5.0', selinuxRoot: FEDORA_POLICY }, { libvirtSeclabelStatus: true });
	try {
		const indexed = await session.status((params) => params.index.state === 'indexed', 'with the index done');
		assert.equal(indexed.index.guests, 2, 'two domains; network.xml is not one');
		assert.ok(session.statuses.some((params) => params.index.state === 'indexing'), 'the scan was announced');
		const uri = await open(session, vm1);
		const { document } = await session.status((params) => params.document?.uri === uri, `for ${uri}`);
		assert.ok(document);
		assert.equal(document.libvirtVersion, '9.5.0');
		assert.equal(document.versionSource, 'setting');
		assert.equal(document.rulesVersion, '9.0.0', 'a version between known ones gets the rules of the nearest known one below it');
		assert.deepEqual(document.policy, { source: 'host', root: FEDORA_POLICY, name: 'targeted', dir: path.join(FEDORA_POLICY, 'targeted') });
		assert.equal(session.statuses.filter((params) => params.document?.uri === uri).length, 1, 'one status per change, not one per validation');
		assert.ok(session.logs.some((line) => /^Indexed 2 guests from 3 XML files/.test(line)), session.logs.join('\n'));
		// A guest created on disk (a watched-file event) counts at once.
		const vm3 = path.join(folder, 'vm3.xml');
		fs.writeFileSync(vm3, VM2.replace(/<name>[^<]*<\/name>/, '<name>vm3</name>'));
		await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(vm3).href, type: FileChangeType.Created }] });
		await session.status((params) => params.index.state === 'indexed' && params.index.guests === 3, 'with the new guest counted');
		assert.ok(session.logs.some((line) => line === describeDocumentStatus(document)), session.logs.join('\n'));
	} finally {
		await session.stop();
		fs.rmSync(folder, { recursive: true, force: true });
	}
});

test('without a version setting the default applies; without a readable policy the built-in catalogue', async () => {
	const { folder, vm1 } = workspace();
	const missing = path.join(folder, 'no-such-selinux');
	const session = await start(folder, { selinuxRoot: missing }, { libvirtSeclabelStatus: true });
	try {
		const uri = await open(session, vm1);
		const { document } = await session.status((params) => params.document?.uri === uri, `for ${uri}`);
		assert.equal(document?.libvirtVersion, NEWEST_VERSION);
		assert.equal(document?.versionSource, 'default');
		assert.equal(document?.rulesVersion, NEWEST_VERSION);
		assert.deepEqual(document?.policy, { source: 'built-in', root: missing });
	} finally {
		await session.stop();
		fs.rmSync(folder, { recursive: true, force: true });
	}
});

test('an index cut short by libvirtSeclabel.index.maxDomains says so', async () => {
	const { folder } = workspace();
	const session = await start(folder, { index: { maxDomains: 1 } }, { libvirtSeclabelStatus: true });
	try {
		const indexed = await session.status((params) => params.index.state === 'indexed', 'with the index done');
		assert.deepEqual(indexed.index, { state: 'indexed', guests: 1, capped: true });
		assert.ok(session.logs.some((line) => /^Indexed 1 guest .* It stopped at a limit/.test(line)), session.logs.join('\n'));
	} finally {
		await session.stop();
		fs.rmSync(folder, { recursive: true, force: true });
	}
});

test('auto takes the version virsh --version prints', async () => {
	const virsh = spawnSync('virsh', ['--version'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
	assert.equal(virsh.status, 0, `virsh is not available: install Debian's libvirt-clients (apt-get install libvirt-clients)`);
	const { folder, vm1 } = workspace();
	const session = await start(folder, { libvirtVersion: 'auto' }, { libvirtSeclabelStatus: true });
	try {
		const uri = await open(session, vm1);
		const { document } = await session.status((params) => params.document?.uri === uri, `for ${uri}`);
		assert.equal(document?.versionSource, 'auto');
		assert.equal(document?.libvirtVersion, virsh.stdout.trim());
		assert.equal(document?.autoFailed, undefined);
	} finally {
		await session.stop();
		fs.rmSync(folder, { recursive: true, force: true });
	}
});

test('a client that does not ask for the status gets no such notification, but the log lines', async () => {
	const { folder, vm1 } = workspace();
	const session = await start(folder, {});
	try {
		await open(session, vm1);
		for (const deadline = Date.now() + 15_000; !session.logs.some((line) => line.startsWith('Indexed ')); await new Promise((resolve) => setTimeout(resolve, 20))) {
			assert.ok(Date.now() < deadline, `no index log line; logs: ${session.logs.join('\n')}`);
		}
		assert.deepEqual(session.statuses, []);
		assert.ok(session.logs.some((line) => line.startsWith(`Settings for ${pathToFileURL(vm1).href}: libvirt ${NEWEST_VERSION} (the default)`)), session.logs.join('\n'));
	} finally {
		await session.stop();
		fs.rmSync(folder, { recursive: true, force: true });
	}
});

test('documentStatus: auto without an answer from virsh falls back to the default, and says so', () => {
	const status = documentStatus('file:///vm.xml', 'auto', undefined, undefined, '/etc/selinux', undefined);
	assert.equal(status.versionSource, 'default');
	assert.equal(status.autoFailed, true);
	assert.equal(status.libvirtVersion, NEWEST_VERSION);
	assert.match(describeDocumentStatus(status), /auto was set, but virsh --version gave no version/);
	assert.equal(rulesVersionFor('1.0.0'), KNOWN_VERSIONS[0], 'older than every known version: the oldest rules');
	assert.equal(rulesVersionFor(NEWEST_VERSION), NEWEST_VERSION);
	assert.equal(rulesVersionFor('99.0.0'), NEWEST_VERSION);
});
