/**
 * The seed bug report and the SELinux Notebook's static example as a VS Code user meets them: an
 * attach-device fragment checked against the workspace's guests, the same fragment checked against
 * a live libvirt host (libvirt's test driver through virsh, `libvirtSeclabel.connect`), and a static
 * label whose image really carries the wrong `security.selinux` attribute
 * (`libvirtSeclabel.readImageLabels`). Each opt-in setting is shown to do nothing while off, and is
 * restored after the test.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { codeOf, EXTENSION_ID, fixtureUri, hoverText, nextDiagnosticsChange, openFixture, positionOf, revertAndCloseAll, waitForDiagnostics } from './helpers';

const SECTION = 'libvirtSeclabel';

/** What the server puts in Diagnostic.data. */
interface DiagnosticData {
	stage?: string;
	libvirtMessage?: string;
}

function dataOf(diagnostic: vscode.Diagnostic): DiagnosticData | undefined {
	return (diagnostic as vscode.Diagnostic & { data?: DiagnosticData }).data;
}

function withCode(code: string): (diagnostics: vscode.Diagnostic[]) => boolean {
	return (diagnostics) => diagnostics.some((diagnostic) => codeOf(diagnostic) === code);
}

function withoutCode(code: string): (diagnostics: vscode.Diagnostic[]) => boolean {
	return (diagnostics) => !withCode(code)(diagnostics);
}

function only(diagnostics: vscode.Diagnostic[], code: string): vscode.Diagnostic {
	const found = diagnostics.filter((diagnostic) => codeOf(diagnostic) === code);
	assert.equal(found.length, 1, `one ${code}; got ${JSON.stringify(diagnostics.map((d) => [codeOf(d), d.message]))}`);
	return found[0];
}

/** A command that must be installed, or the test fails saying what to install. */
function requireTool(command: string, args: string[], hint: string): void {
	const result = spawnSync(command, args, { encoding: 'utf8' });
	assert.ok(!result.error && result.status === 0, `${command} is not available (${result.error?.message ?? result.stderr}): ${hint}`);
}

/** The user settings changed by the running test, with the value each had before. */
const changed = new Map<string, unknown>();

/** Sets a user setting of the extension; the teardown puts the old value back. */
async function setSetting(key: string, value: unknown): Promise<void> {
	const configuration = vscode.workspace.getConfiguration(SECTION);
	if (!changed.has(key)) {
		changed.set(key, configuration.inspect(key)?.globalValue);
	}
	await configuration.update(key, value, vscode.ConfigurationTarget.Global);
	assert.deepEqual(vscode.workspace.getConfiguration(SECTION).get(key), value, `${SECTION}.${key} did not take the value`);
}

async function restoreSettings(): Promise<void> {
	const entries = [...changed];
	changed.clear();
	for (const [key, value] of entries) {
		await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
		assert.deepEqual(vscode.workspace.getConfiguration(SECTION).inspect(key)?.globalValue, value, `${SECTION}.${key} was not restored`);
	}
}

/** Opens a file and resolves with its first published diagnostics (listening before it opens). */
async function openAndFirstDiagnostics(uri: vscode.Uri, open: () => Thenable<unknown>): Promise<vscode.Diagnostic[]> {
	const published = nextDiagnosticsChange(uri, `the first diagnostics of ${path.basename(uri.fsPath)}`);
	await open();
	return published.done;
}

suite('Hot-plug: fragments, the live host and the labels on disk', function () {
	// Each test waits for up to three publications (off, on, off again), the host's through virsh.
	this.timeout(90000);
	const temporary: string[] = [];
	teardown(async () => {
		await revertAndCloseAll();
		await restoreSettings();
		for (const dir of temporary.splice(0)) {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	test('a <disk> fragment that writes another workspace guest\'s image is an error naming that guest', async () => {
		const { document } = await openFixture('hotplug/attach-web1-data.xml');
		const diagnostics = await waitForDiagnostics(document.uri, withCode('shared-image-not-shareable'), 'shared-image-not-shareable on the fragment');
		const diagnostic = only(diagnostics, 'shared-image-not-shareable');
		assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
		assert.ok(document.getText(diagnostic.range).includes('/var/lib/libvirt/images/web1-data.qcow2'), `the range covers the source, not '${document.getText(diagnostic.range)}'`);
		assert.match(diagnostic.message, /'web1'/, diagnostic.message);
		assert.match(diagnostic.message, /s0:c10,c20/, diagnostic.message);
		assert.equal(dataOf(diagnostic)?.libvirtMessage, 'Requested operation is not valid: Setting different SELinux label on /var/lib/libvirt/images/web1-data.qcow2 which is already in use');
		const related = diagnostic.relatedInformation ?? [];
		assert.ok(related.some((info) => info.location.uri.toString() === fixtureUri('hotplug/web1.xml').toString()),
			`the related location is web1.xml's disk; got ${JSON.stringify(related.map((info) => info.location.uri.toString()))}`);
	});

	test('with libvirtSeclabel.connect on the seed host, the attach-to vm2 fragment names running vm1 and its label', async () => {
		requireTool('virsh', ['--version'], "install Debian's libvirt-clients (apt-get install libvirt-clients)");
		const extension = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
		const seedHost = path.join(extension.extensionPath, 'test', 'hotplug', 'fixtures', 'seed-host.xml');
		assert.ok(fs.existsSync(seedHost), `${seedHost} is missing`);
		const uri = fixtureUri('hotplug/attach-vm1-img-to-vm2.xml');
		// Off (the default): nothing runs, and vm1 is not in the workspace.
		assert.equal(vscode.workspace.getConfiguration(SECTION).get('connect'), '', 'libvirtSeclabel.connect must start empty');
		const first = await openAndFirstDiagnostics(uri, () => openFixture('hotplug/attach-vm1-img-to-vm2.xml'));
		assert.ok(withoutCode('shared-image-not-shareable')(first), `no host, no finding; got ${JSON.stringify(first.map(codeOf))}`);

		await setSetting('connect', `test://${seedHost}`);
		const diagnostics = await waitForDiagnostics(uri, withCode('shared-image-not-shareable'), 'shared-image-not-shareable naming the host\'s vm1', 30000);
		const diagnostic = only(diagnostics, 'shared-image-not-shareable');
		assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
		assert.match(diagnostic.message, /'vm1' \(running as system_u:system_r:svirt_t:s0:c219,c564\)/, diagnostic.message);
		assert.equal(dataOf(diagnostic)?.libvirtMessage, 'Requested operation is not valid: Setting different SELinux label on /var/lib/libvirt/images/vm1.img which is already in use');
		const related = (diagnostic.relatedInformation ?? []).map((info) => info.location.uri.toString());
		assert.ok(related.length > 0 && related.every((target) => target.startsWith('libvirt-host:')), `related locations are the host's vm1; got ${JSON.stringify(related)}`);

		// Turned off again, the host's guests leave the index and the finding goes.
		await restoreSettings();
		await waitForDiagnostics(uri, withoutCode('shared-image-not-shareable'), 'shared-image-not-shareable to clear once libvirtSeclabel.connect is empty again', 30000);
	});

	test('with libvirtSeclabel.readImageLabels, a relabel=no guest whose image is labelled virt_image_t:s0 gets the chcon command', async () => {
		requireTool('setfattr', ['--version'], "install Debian's attr package (apt-get install attr) and run the tests as root");
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-seclabel-e2e-image-'));
		temporary.push(dir);
		const image = path.join(dir, 'Static_VM1.img');
		fs.writeFileSync(image, '');
		fs.truncateSync(image, 1024 * 1024);
		const set = spawnSync('setfattr', ['-n', 'security.selinux', '-v', 'system_u:object_r:virt_image_t:s0', '--', image], { encoding: 'utf8' });
		assert.equal(set.status, 0, `setfattr -n security.selinux failed on ${image} (run the tests as root): ${set.stderr}`);
		const readBack = spawnSync('getfattr', ['--only-values', '-n', 'security.selinux', '--', image], { encoding: 'utf8' });
		assert.equal(readBack.stdout.replace(/\0$/, ''), 'system_u:object_r:virt_image_t:s0', 'the attribute is really on the file');
		const domainFile = path.join(dir, 'Static_VM1.xml');
		fs.writeFileSync(domainFile, [
			"<domain type='kvm'>",
			'  <name>Static_VM1</name>',
			"  <memory unit='KiB'>1048576</memory>",
			'  <os>',
			"    <type arch='x86_64' machine='q35'>hvm</type>",
			'  </os>',
			'  <devices>',
			"    <disk type='file' device='disk'>",
			"      <driver name='qemu' type='raw'/>",
			`      <source file='${image}'/>`,
			"      <target dev='vda' bus='virtio'/>",
			'    </disk>',
			'  </devices>',
			"  <seclabel type='static' model='selinux' relabel='no'>",
			'    <label>system_u:system_r:svirt_t:s0:c1022,c1023</label>',
			'  </seclabel>',
			'</domain>',
			'',
		].join('\n'));
		const uri = vscode.Uri.file(domainFile);
		// Off (the default): the image is not read.
		assert.equal(vscode.workspace.getConfiguration(SECTION).get('readImageLabels'), false, 'libvirtSeclabel.readImageLabels must start off');
		let document: vscode.TextDocument | undefined;
		const first = await openAndFirstDiagnostics(uri, async () => {
			document = await vscode.workspace.openTextDocument(uri);
			await vscode.window.showTextDocument(document);
		});
		assert.ok(document);
		assert.ok(withoutCode('image-label-prelabel-mismatch')(first), `nothing read, no finding; got ${JSON.stringify(first.map(codeOf))}`);

		await setSetting('readImageLabels', true);
		const diagnostics = await waitForDiagnostics(uri, withCode('image-label-prelabel-mismatch'), 'image-label-prelabel-mismatch from the image\'s real label');
		const diagnostic = only(diagnostics, 'image-label-prelabel-mismatch');
		assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
		assert.equal(dataOf(diagnostic)?.stage, 'start');
		assert.match(diagnostic.message, /labelled system_u:object_r:virt_image_t:s0 on disk/, diagnostic.message);
		assert.ok(diagnostic.message.includes(`chcon -t svirt_image_t -l s0:c1022,c1023 ${image}`), diagnostic.message);
		assert.ok(document.getText(diagnostic.range).includes(image), `the range covers the image path, not '${document.getText(diagnostic.range)}'`);
		const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, positionOf(document, image, 3));
		assert.match(hoverText(hovers), /current label: `system_u:object_r:virt_image_t:s0`/, hoverText(hovers));

		await restoreSettings();
		await waitForDiagnostics(uri, withoutCode('image-label-prelabel-mismatch'), 'image-label-prelabel-mismatch to clear once libvirtSeclabel.readImageLabels is off again');
	});
});
