/**
 * `libvirtSeclabel.libvirtVersion: auto` through the bundled server over stdio: the server asks the
 * host's `virsh --version` (9.0.0, Debian 12's libvirt-clients) and a seclabel's hover says that
 * those are the rules in force and where the version came from; the diagnostics follow it (9.0.0
 * drops a device override with relabel='yes' and no label, 9.8.0 and later refuse it).
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DidOpenTextDocumentNotification, HoverRequest, InitializedNotification, InitializeRequest, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { domain, disk } from '../support/fixture';
import { spawnServer, type ServerProcess } from '../support/lspServer';
import { installedLibvirtVersion } from '../differential/oracle';

const URI = 'file:///version/guest.xml';
const TEXT = domain("  <seclabel type='dynamic' model='selinux'/>", disk("<seclabel model='selinux' relabel='yes'/>"));

let server: ServerProcess;
let diagnostics: Diagnostic[];

before(async () => {
	server = spawnServer({ inheritStderr: true });
	await server.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } } }, workspaceFolders: null, initializationOptions: { libvirtVersion: 'auto' } });
	await server.connection.sendNotification(InitializedNotification.type, {});
	await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: URI, languageId: 'xml', version: 1, text: TEXT } });
	diagnostics = (await server.diagnosticsOfVersion(URI, 1, 20_000)).diagnostics;
});

after(async () => {
	await server.stop();
});

test('with auto, the hover of a seclabel names the version virsh reported and says it came from virsh', async () => {
	const version = installedLibvirtVersion();
	const document = TextDocument.create(URI, 'xml', 1, TEXT);
	const hover = await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: URI }, position: document.positionAt(TEXT.lastIndexOf('<seclabel') + 3) });
	const markdown = (hover?.contents as { value: string } | undefined)?.value ?? '';
	assert.ok(markdown.includes(`*Rules of libvirt ${version}*, the local \`virsh --version\``), `the hover names libvirt ${version} from virsh: ${markdown}`);
});

test('with auto, the diagnostics are those of the installed version', () => {
	const version = installedLibvirtVersion();
	assert.equal(version, '9.0.0', 'this test expects Debian 12\'s libvirt-clients on the host (scripts/setup-test-deps.sh)');
	const relabel = diagnostics.filter((diagnostic) => diagnostic.code === 'device-relabel-without-label');
	assert.equal(relabel.length, 1);
	// 9.0.0 drops the override (a warning); the default target 12.9.0 would refuse it (an error).
	assert.equal(relabel[0].severity, 2, `9.0.0's stage is ignored: ${JSON.stringify(relabel[0])}`);
});
