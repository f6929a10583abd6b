/**
 * `--connect URI` and `--attach-to` against a real libvirt connection: libvirt's test driver
 * (`test:///DIR/node.xml`, run by Debian's virsh) with the seed bug report's two running guests,
 * and vm2's attach-device fragment that adds vm1's image.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { readVirshHost, hostGuestUri } from '../../server/src/node/virshHost';
import { cli, cliJson, codesOf, image, requireVirsh, tempDir, testHost } from './host';

function seedHost() {
	const dir = tempDir('seclabel-connect-');
	const vm1 = image(dir, 'vm1.img');
	const vm2 = image(dir, 'vm2.img');
	const uri = testHost(dir, [
		{ name: 'vm1', disks: [vm1], level: 's0:c219,c564' },
		{ name: 'vm2', disks: [vm2], level: 's0:c122,c658' },
	]);
	const fragment = path.join(dir, 'attach-vm1-img.xml');
	fs.writeFileSync(fragment, `<disk type='file' device='disk'>\n  <source file='${vm1}'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n`);
	return { dir, vm1, vm2, uri, fragment };
}

test('virsh reads every guest of the host: inactive and live XML, names escaped for virsh\'s own parser', async () => {
	requireVirsh();
	const dir = tempDir('seclabel-connect-');
	const names = ['vm1', 'web server', "o'brien;list", 'x"y\\z'];
	const uri = testHost(dir, names.map((name, i) => ({ name: name.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/"/g, '&quot;'), disks: [image(dir, `d${i}.img`)], level: `s0:c${i + 1},c${i + 100}` })));
	const guests = await readVirshHost(uri, { batch: 3 });
	assert.deepEqual(guests.map((guest) => guest.name).sort(), [...names].sort());
	for (const guest of guests) {
		assert.equal(guest.running, true, 'the test driver starts the guests of a node file');
		assert.match(guest.liveXml ?? '', /<domain type='test' id='\d+'>/);
		assert.doesNotMatch(guest.inactiveXml ?? '', /id='/);
		assert.match(guest.liveXml ?? '', /<label>system_u:system_r:svirt_t:s0:c\d+,c\d+<\/label>/);
	}
	await assert.rejects(readVirshHost(`test://${path.join(dir, 'missing.xml')}`), /virsh -c test:\/\/.*missing\.xml/);
	await assert.rejects(readVirshHost(uri, { virsh: path.join(dir, 'no-virsh') }), /install libvirt-clients/);
});

test('the seed scenario as one command: vm2\'s fragment adding vm1\'s image names vm1, its label and what libvirt does', async () => {
	requireVirsh();
	const { uri, fragment, vm1 } = seedHost();
	const { code, report } = await cliJson(['--connect', uri, fragment]);
	assert.equal(code, 1);
	const file = report.files.find((entry) => entry.path === fragment)!;
	assert.deepEqual(file.diagnostics.map((d) => d.code), ['shared-image-not-shareable']);
	const [diagnostic] = file.diagnostics;
	assert.match(diagnostic.message, /'vm1' \(running as system_u:system_r:svirt_t:s0:c219,c564\)/);
	assert.match(diagnostic.message, /attaching this disk is refused/);
	assert.equal(diagnostic.libvirtMessage, `Requested operation is not valid: Setting different SELinux label on ${vm1} which is already in use`);
	assert.deepEqual(diagnostic.related.map((r) => r.path).sort(), [hostGuestUri(uri, 'vm1', false), hostGuestUri(uri, 'vm1', true)].sort());
	// The host's guests are reported only for what they share with the files: no findings of their own XML.
	assert.deepEqual(report.files.map((entry) => entry.path), [fragment]);
	// The text format names the host guest as virsh would print it.
	const text = await cli(['--connect', uri, fragment]);
	assert.match(text.stdout, new RegExp(`note: .*vm1`));
	assert.ok(text.stdout.includes(`virsh -c ${uri} dumpxml vm1:`), text.stdout);
});

test('--attach-to a guest name on the host or a file: the fragment is checked as that guest\'s device', async () => {
	requireVirsh();
	const { dir, uri, fragment } = seedHost();
	const labelled = path.join(dir, 'labelled.xml');
	fs.writeFileSync(labelled, `<disk type='file' device='disk'>\n  <source file='${path.join(dir, 'data.img')}'>\n    <seclabel model='selinux'><label>system_u:object_r:svirt_image_t:s0:c1,c2</label></seclabel>\n  </source>\n  <target dev='vdc'/>\n</disk>\n`);
	assert.deepEqual(codesOf((await cliJson([labelled])).report, labelled), [], 'alone, the guest\'s level is unknown');
	const byName = await cliJson(['--connect', uri, '--attach-to', 'vm2', labelled, fragment]);
	assert.deepEqual(codesOf(byName.report, labelled), ['selinux-mcs-mismatch']);
	assert.match(byName.report.files.find((entry) => entry.path === labelled)!.diagnostics[0].message, /s0:c122,c658/);
	const guestFile = path.join(dir, 'vm2.xml');
	fs.writeFileSync(guestFile, `<domain type='kvm'>\n  <name>vm2</name>\n  <devices/>\n  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>\n</domain>\n`);
	// <devices/> is self-closing: the fragment cannot go in; a guest with a <devices> element that has an end tag can.
	fs.writeFileSync(guestFile, fs.readFileSync(guestFile, 'utf8').replace('<devices/>', '<devices>\n  </devices>'));
	assert.deepEqual(codesOf((await cliJson(['--attach-to', guestFile, labelled])).report, labelled), []);
	// The comment convention does the same without the option.
	const directed = path.join(dir, 'directed.xml');
	fs.writeFileSync(directed, `<!-- libvirt-seclabel: attach-to vm2 -->\n${fs.readFileSync(labelled, 'utf8')}`);
	assert.deepEqual(codesOf((await cliJson(['--connect', uri, directed])).report, directed), ['selinux-mcs-mismatch']);
});

test('bad hosts and targets: exit 2 with a one-line reason, the files are still checked', async () => {
	requireVirsh();
	const { dir, uri, fragment } = seedHost();
	const missingHost = await cli(['--connect', `test://${path.join(dir, 'nope.xml')}`, fragment]);
	assert.equal(missingHost.code, 2);
	assert.equal(missingHost.stderr.trim().split('\n').length, 1, missingHost.stderr);
	assert.match(missingHost.stderr, /cannot read test:\/\/.*nope\.xml: virsh -c/);
	const unknownGuest = await cli(['--connect', uri, '--attach-to', 'vm9', fragment]);
	assert.equal(unknownGuest.code, 2);
	assert.match(unknownGuest.stderr, /vm9: no guest of that name on test:/);
	const noConnect = await cli(['--attach-to', 'vm2', fragment]);
	assert.equal(noConnect.code, 2);
	assert.match(noConnect.stderr, /a guest name needs --connect URI/);
	const usage = await cli(['--connect']);
	assert.equal(usage.code, 2);
	assert.match(usage.stderr, /--connect needs a value/);
	// --connect alone (no PATH) checks the host's guests against each other.
	const alone = await cliJson(['--connect', uri]);
	assert.equal(alone.code, 0);
});

test('the README\'s worked example: the fixtures of test/hotplug/fixtures give the output the README shows', async () => {
	requireVirsh();
	const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'hotplug', 'fixtures');
	const host = `test://${path.join(fixtures, 'seed-host.xml')}`;
	const fragment = path.join(fixtures, 'attach-vm1-img.xml');
	const { code, stdout } = await cli(['--connect', host, '--attach-to', 'vm2', fragment]);
	assert.equal(code, 1);
	const readme = fs.readFileSync(path.resolve(fixtures, '..', '..', '..', 'README.md'), 'utf8');
	const shown = readme.split('\n').filter((line) => line.startsWith('test/hotplug/fixtures/attach-vm1-img.xml:'));
	assert.equal(shown.length, 2, 'the README shows the diagnostic and its explanation');
	const printed = stdout.split('\n').map((line) => line.replace(fixtures, 'test/hotplug/fixtures'));
	for (const line of shown) {
		assert.ok(printed.includes(line), `the README's line is what the CLI prints: ${line}\n---\n${stdout}`);
	}
});

test('the seed scenario as a vm2 config that adds vm1\'s image: vm1 on the host is named with its running label', async () => {
	requireVirsh();
	const { dir, uri, vm1, vm2 } = seedHost();
	const config = path.join(dir, 'vm2.xml');
	fs.writeFileSync(config, `<domain type='kvm'>\n  <name>vm2</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='${vm2}'/>\n      <target dev='vda'/>\n    </disk>\n    <disk type='file' device='disk'>\n      <source file='${vm1}'/>\n      <target dev='vdb'/>\n    </disk>\n  </devices>\n  <seclabel type='dynamic' model='selinux' relabel='yes'/>\n</domain>\n`);
	const { report } = await cliJson(['--connect', uri, config]);
	const diagnostics = report.files.find((file) => file.path === config)!.diagnostics;
	assert.deepEqual(diagnostics.map((d) => d.code), ['shared-image-not-shareable']);
	assert.match(diagnostics[0].message, /'vm1' \(running as system_u:system_r:svirt_t:s0:c219,c564\)/);
	assert.equal(fs.readFileSync(config, 'utf8').split('\n')[diagnostics[0].range.start.line].includes(vm1), true);
	// vm1 on the host gets the other side: it is a host guest sharing with a file.
	const onHost = report.files.filter((file) => file.path.startsWith(`virsh -c ${uri} dumpxml`) && file.diagnostics.some((d) => d.code === 'shared-image-not-shareable'));
	assert.ok(onHost.length >= 1, JSON.stringify(report.files.map((file) => file.path)));
});
