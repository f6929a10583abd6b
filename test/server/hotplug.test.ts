/**
 * Hot-plug through the protocol: the bundled server publishes diagnostics for an attach-device
 * fragment, checks it inside the guest its attach-to comment names, reads a live libvirt host
 * (libvirt's test driver through virsh) when `libvirtSeclabel.connect` is set, with its state sent
 * to the client and a refresh command, and shows an image's label on hover only with
 * `libvirtSeclabel.readImageLabels`.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
	InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, HoverRequest, ExecuteCommandRequest, type InitializeResult,
} from 'vscode-languageserver-protocol/node';
import { spawnServer, withTimeout, type ServerProcess } from '../support/lspServer';
import { image, requireVirsh, setXattr, tempDir, testHost } from '../hotplug/host';

async function start(folder: string, settings: Record<string, unknown>): Promise<{ server: ServerProcess; result: InitializeResult; states: { state: string; guests?: number }[] }> {
	const server = spawnServer();
	const states: { state: string; guests?: number }[] = [];
	server.connection.onNotification('libvirtSeclabel/hostState', (state: { state: string; guests?: number }) => { states.push(state); });
	const folderUri = pathToFileURL(folder).href;
	const result = await server.connection.sendRequest(InitializeRequest.type, {
		processId: process.pid, rootUri: folderUri, workspaceFolders: [{ uri: folderUri, name: 'ws' }],
		capabilities: { workspace: { workspaceFolders: true }, textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } } },
		initializationOptions: { settings },
	});
	await server.connection.sendNotification(InitializedNotification.type, {});
	return { server, result, states };
}

function open(server: ServerProcess, file: string): string {
	const uri = pathToFileURL(file).href;
	void server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text: fs.readFileSync(file, 'utf8') } });
	return uri;
}

const codesIn = (codes: string[]) => (params: { diagnostics: { code?: string | number }[] }) => codes.every((code) => params.diagnostics.some((d) => d.code === code));

test('a fragment gets diagnostics; with an attach-to comment it is checked inside that workspace guest', async () => {
	const dir = tempDir('seclabel-lsp-hotplug-');
	fs.writeFileSync(path.join(dir, 'vm2.xml'), "<domain type='kvm'>\n  <name>vm2</name>\n  <devices>\n  </devices>\n  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c122,c658</label>\n  </seclabel>\n</domain>\n");
	const plain = path.join(dir, 'attach.xml');
	fs.writeFileSync(plain, "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/new.img'>\n    <seclabel model='selinux' relabel='yes'/>\n  </source>\n  <target dev='vdb'/>\n</disk>\n");
	const directed = path.join(dir, 'attach-vm2.xml');
	fs.writeFileSync(directed, "<!-- libvirt-seclabel: attach-to vm2 -->\n<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/data.img'>\n    <seclabel model='selinux'><label>system_u:object_r:svirt_image_t:s0:c1,c2</label></seclabel>\n  </source>\n  <target dev='vdc'/>\n</disk>\n");
	const { server } = await start(dir, { libvirtVersion: '12.9.0' });
	try {
		const plainUri = open(server, plain);
		const first = await server.nextDiagnostics(plainUri, codesIn(['device-relabel-without-label']), 15_000);
		const diagnostic = first.diagnostics.find((d) => d.code === 'device-relabel-without-label')!;
		assert.equal(diagnostic.range.start.line, 2);
		const directedUri = open(server, directed);
		const inside = await server.nextDiagnostics(directedUri, codesIn(['selinux-mcs-mismatch']), 15_000);
		assert.match(String(inside.diagnostics.find((d) => d.code === 'selinux-mcs-mismatch')!.message), /s0:c122,c658/);
		// Editing the guest checks the fragment again: at the fragment's level the device fits.
		const guestUri = open(server, path.join(dir, 'vm2.xml'));
		const waiting = server.nextDiagnostics(directedUri, (params) => !params.diagnostics.some((d) => d.code === 'selinux-mcs-mismatch'), 15_000);
		void server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
			textDocument: { uri: guestUri, version: 2 },
			contentChanges: [{ text: fs.readFileSync(path.join(dir, 'vm2.xml'), 'utf8').replace('s0:c122,c658', 's0:c1,c2') }],
		});
		await waiting;
	} finally {
		await server.stop();
	}
});

test('libvirtSeclabel.connect: the host\'s running guests join the index, the state reaches the client, the refresh command reads again', async () => {
	requireVirsh();
	const dir = tempDir('seclabel-lsp-connect-');
	const vm1 = image(dir, 'vm1.img');
	const uri = testHost(dir, [{ name: 'vm1', disks: [vm1], level: 's0:c219,c564' }, { name: 'vm2', disks: [image(dir, 'vm2.img')], level: 's0:c122,c658' }]);
	const folder = path.join(dir, 'ws');
	fs.mkdirSync(folder);
	const fragment = path.join(folder, 'attach.xml');
	fs.writeFileSync(fragment, `<disk type='file' device='disk'>\n  <source file='${vm1}'/>\n  <target dev='vdb'/>\n</disk>\n`);
	const { server, result, states } = await start(folder, { connect: uri });
	try {
		assert.deepEqual(result.capabilities.executeCommandProvider?.commands, ['libvirtSeclabel.refreshHost']);
		const fragmentUri = open(server, fragment);
		const published = await server.nextDiagnostics(fragmentUri, codesIn(['shared-image-not-shareable']), 20_000);
		const shared = published.diagnostics.find((d) => d.code === 'shared-image-not-shareable')!;
		assert.match(String(shared.message), /'vm1' \(running as system_u:system_r:svirt_t:s0:c219,c564\)/);
		assert.ok(shared.relatedInformation?.some((related) => related.location.uri.startsWith('libvirt-host:')), JSON.stringify(shared.relatedInformation));
		await withTimeout((async () => { while (!states.some((state) => state.state === 'connected')) await new Promise((r) => setTimeout(r, 20)); })(), 10_000, 'no connected state');
		assert.equal(states.find((state) => state.state === 'connected')?.guests, 2);
		const before = states.length;
		await server.connection.sendRequest(ExecuteCommandRequest.type, { command: 'libvirtSeclabel.refreshHost', arguments: [] });
		assert.ok(states.slice(before).some((state) => state.state === 'connected'), 'a refresh reads the host again');
	} finally {
		await server.stop();
	}
});

test('libvirtSeclabel.readImageLabels: hover shows the image\'s label on disk only when turned on', async () => {
	const dir = tempDir('seclabel-lsp-labels-');
	const img = image(dir, 'vm1.img');
	setXattr(img, 'security.selinux', 'system_u:object_r:svirt_image_t:s0:c219,c564');
	const file = path.join(dir, 'vm1.xml');
	const text = `<domain type='kvm'>\n  <name>vm1</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='${img}'/>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n</domain>\n`;
	fs.writeFileSync(file, text);
	const position = { line: 4, character: text.split('\n')[4].indexOf(img) + 3 };
	for (const readImageLabels of [false, true]) {
		const { server } = await start(dir, { readImageLabels });
		try {
			const uri = open(server, file);
			await server.nextDiagnostics(uri, () => true, 15_000);
			const hover = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
			const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : '';
			assert.equal(value.includes('current label: `system_u:object_r:svirt_image_t:s0:c219,c564`'), readImageLabels, value);
		} finally {
			await server.stop();
		}
	}
});
