/**
 * The workspace index through the protocol: the bundled server is started over stdio with a
 * workspace folder and an extra domain directory of fixture files on disk, indexes them with
 * progress, and publishes cross-guest diagnostics whose relatedInformation points at the other
 * file; edits, watched-file events and closing a document (its file counts again) update the other
 * guests' diagnostics.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
	InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
	DidChangeWatchedFilesNotification, WorkDoneProgressCreateRequest, DidChangeWorkspaceFoldersNotification, WorkDoneProgress, RegistrationRequest,
	FileChangeType, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { fileDisk, guestXml, IMAGES, lineOf, VM1, VM2 } from '../workspace/guests';
import { spawnServer, withTimeout, type ServerProcess } from '../support/lspServer';

interface Session extends ServerProcess {
	readonly progress: string[];
	readonly registrations: string[];
	/** Resolves when the server ends its first work-done progress (the first index). */
	readonly indexed: Promise<void>;
	/** The next diagnostics published for `uri` that satisfy `accept`. */
	diagnosticsFor(uri: string, accept?: (params: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
}

async function startServer(folder: string, extraDomainDirs: string[]): Promise<Session> {
	const server = spawnServer();
	const { connection } = server;
	const progress: string[] = [];
	const registrations: string[] = [];
	let ended: () => void = () => undefined;
	const indexed = new Promise<void>((resolve) => { ended = resolve; });
	connection.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
		connection.onProgress(WorkDoneProgress.type, params.token, (value) => {
			progress.push(value.kind);
			if (value.kind === 'end') {
				ended();
			}
		});
	});
	connection.onRequest(RegistrationRequest.type, (params) => {
		registrations.push(...params.registrations.map((registration) => registration.method));
	});
	const folderUri = pathToFileURL(folder).href;
	await connection.sendRequest(InitializeRequest.type, {
		processId: process.pid,
		rootUri: folderUri,
		workspaceFolders: [{ uri: folderUri, name: path.basename(folder) }],
		capabilities: { window: { workDoneProgress: true }, workspace: { workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
		initializationOptions: { settings: { extraDomainDirs } },
	});
	await connection.sendNotification(InitializedNotification.type, {});
	return {
		...server, progress, registrations,
		indexed: withTimeout(indexed, 15_000, 'the server never ended its indexing progress'),
		diagnosticsFor: (uri, accept) => server.nextDiagnostics(uri, accept, 15_000),
	};
}

function stopServer(session: Session): Promise<number | null> {
	return session.stop();
}

const hasCode = (code: string) => (params: PublishDiagnosticsParams) => params.diagnostics.some((diagnostic) => diagnostic.code === code);
const lacksCode = (code: string) => (params: PublishDiagnosticsParams) => !hasCode(code)(params);

test('a workspace folder and an extra directory are indexed with progress; the open guest\'s diagnostic points at the other file, and edits clear it', async () => {
	const base = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-lsp-ws-'));
	const folder = path.join(base, 'workspace');
	const extra = path.join(base, 'etc-libvirt-qemu');
	fs.mkdirSync(folder);
	fs.mkdirSync(extra);
	fs.writeFileSync(path.join(folder, 'vm1.xml'), VM1);
	fs.writeFileSync(path.join(extra, 'vm2.xml'), VM2);
	fs.writeFileSync(path.join(folder, 'network.xml'), '<network><name>default</name></network>\n');
	const vm1 = pathToFileURL(path.join(folder, 'vm1.xml')).href;
	const vm2 = pathToFileURL(path.join(extra, 'vm2.xml')).href;
	const session = await startServer(folder, [extra]);
	try {
		// The file on disk is vm2's only source until it is opened.
		const reported = session.diagnosticsFor(vm1, hasCode('shared-image-not-shareable'));
		await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: vm1, languageId: 'xml', version: 1, text: VM1 } });
		const first = await reported;
		const shared = first.diagnostics.find((diagnostic) => diagnostic.code === 'shared-image-not-shareable')!;
		assert.equal(shared.range.start.line, lineOf(VM1, `${IMAGES}/vm1.img`));
		assert.deepEqual(shared.relatedInformation?.map((info) => ({ uri: info.location.uri, line: info.location.range.start.line })), [{ uri: vm2, line: lineOf(VM2, `${IMAGES}/vm1.img`) }]);
		await session.indexed;
		assert.deepEqual([session.progress[0], session.progress[session.progress.length - 1]], ['begin', 'end']);
		assert.ok(session.registrations.includes(DidChangeWatchedFilesNotification.method), 'the server registers a watcher for *.xml');

		// Opening vm2 and editing it to use its own copy clears vm1's diagnostic without touching vm1.
		await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: vm2, languageId: 'xml', version: 1, text: VM2 } });
		const cleared = session.diagnosticsFor(vm1, lacksCode('shared-image-not-shareable'));
		await session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
			textDocument: { uri: vm2, version: 2 },
			contentChanges: [{ text: VM2.replace(`${IMAGES}/vm1.img`, `${IMAGES}/vm2-data.img`) }],
		});
		assert.deepEqual((await cleared).diagnostics.filter((diagnostic) => diagnostic.relatedInformation?.some((info) => info.location.uri === vm2)), []);

		// A new file on disk that writes vm1's image, announced by a watched-file event, is a new partner; deleting it clears it.
		const vm3Path = path.join(folder, 'vm3.xml');
		const vm3 = pathToFileURL(vm3Path).href;
		fs.writeFileSync(vm3Path, guestXml('vm3', { disks: [fileDisk(`${IMAGES}/vm1.img`)] }));
		const created = session.diagnosticsFor(vm1, (params) => params.diagnostics.some((diagnostic) => diagnostic.relatedInformation?.some((info) => info.location.uri === vm3)));
		await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: vm3, type: FileChangeType.Created }] });
		await created;
		fs.rmSync(vm3Path);
		const deleted = session.diagnosticsFor(vm1, lacksCode('shared-image-not-shareable'));
		await session.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: vm3, type: FileChangeType.Deleted }] });
		await deleted;

		// Closing vm2 without saving: its file on disk, which still writes vm1's image, counts again.
		const reverted = session.diagnosticsFor(vm1, (params) => params.diagnostics.some((diagnostic) => diagnostic.code === 'shared-image-not-shareable'
			&& diagnostic.relatedInformation?.some((info) => info.location.uri === vm2)));
		await session.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: vm2 } });
		await reverted;
	} finally {
		assert.equal(await stopServer(session), 0);
		fs.rmSync(base, { recursive: true, force: true });
	}
});

test('adding a workspace folder indexes its guests, and removing it forgets them', async () => {
	const base = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-lsp-folders-'));
	const first = path.join(base, 'first');
	const second = path.join(base, 'second');
	fs.mkdirSync(first);
	fs.mkdirSync(second);
	fs.writeFileSync(path.join(first, 'vm1.xml'), VM1);
	fs.writeFileSync(path.join(second, 'vm2.xml'), VM2);
	const vm1 = pathToFileURL(path.join(first, 'vm1.xml')).href;
	const vm2 = pathToFileURL(path.join(second, 'vm2.xml')).href;
	const session = await startServer(first, []);
	try {
		await session.indexed;
		const alone = session.diagnosticsFor(vm1);
		await session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: vm1, languageId: 'xml', version: 1, text: VM1 } });
		assert.deepEqual((await alone).diagnostics.filter((diagnostic) => diagnostic.code === 'shared-image-not-shareable'), []);
		const added = session.diagnosticsFor(vm1, (params) => params.diagnostics.some((diagnostic) => diagnostic.relatedInformation?.some((info) => info.location.uri === vm2)));
		const secondFolder = { uri: pathToFileURL(second).href, name: 'second' };
		await session.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [secondFolder], removed: [] } });
		await added;
		const removed = session.diagnosticsFor(vm1, lacksCode('shared-image-not-shareable'));
		await session.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, { event: { added: [], removed: [secondFolder] } });
		await removed;
	} finally {
		assert.equal(await stopServer(session), 0);
		fs.rmSync(base, { recursive: true, force: true });
	}
});
