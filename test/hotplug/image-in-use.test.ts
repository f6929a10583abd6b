/**
 * image-in-use: the seed's hot-add, decided from the reference count libvirt keeps on the image
 * (trusted.libvirt.security.ref_selinux), on real attributes and a real libvirt test connection.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REFCOUNT_XATTR, REMEMBERED_XATTR, SELINUX_XATTR } from '../../server/src/service/workspace/imageLabels';
import { cliJson, codesOf, image, requireVirsh, setXattr, tempDir, testHost } from './host';

function seed() {
	const dir = tempDir('seclabel-inuse-');
	const vm1 = image(dir, 'vm1.img');
	const vm2 = image(dir, 'vm2.img');
	// What libvirt leaves on vm1's image while vm1 runs: its label, the original one, one holder.
	setXattr(vm1, SELINUX_XATTR, 'system_u:object_r:svirt_image_t:s0:c219,c564');
	setXattr(vm1, REMEMBERED_XATTR, 'system_u:object_r:virt_image_t:s0');
	setXattr(vm1, REFCOUNT_XATTR, '1');
	const uri = testHost(dir, [
		{ name: 'vm1', disks: [vm1], level: 's0:c219,c564' },
		{ name: 'vm2', disks: [vm2], level: 's0:c122,c658' },
	]);
	const fragment = path.join(dir, 'attach.xml');
	fs.writeFileSync(fragment, `<disk type='file' device='disk'>\n  <source file='${vm1}'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n`);
	return { dir, vm1, uri, fragment };
}

test('the hot-add of an image vm1 holds is refused, naming vm1, its label and the count on the image', async () => {
	requireVirsh();
	const { vm1, uri, fragment } = seed();
	const { report } = await cliJson(['--connect', uri, '--attach-to', 'vm2', '--read-image-labels', fragment]);
	const diagnostics = report.files.find((file) => file.path === fragment)!.diagnostics;
	const inUse = diagnostics.find((d) => d.code === 'image-in-use')!;
	assert.ok(inUse, JSON.stringify(diagnostics));
	assert.equal(inUse.libvirtMessage, `Requested operation is not valid: Setting different SELinux label on ${vm1} which is already in use`);
	assert.match(inUse.message, /ref_selinux=1/);
	assert.match(inUse.message, /'vm1' \(running as system_u:system_r:svirt_t:s0:c219,c564\)/);
	assert.match(inUse.message, /the level s0:c122,c658/, 'the label vm2 would give it');
	assert.equal(inUse.stage, 'start');
});

test('nothing is read without --read-image-labels; no count, or the holder itself, is no conflict', async () => {
	requireVirsh();
	const { dir, vm1, uri, fragment } = seed();
	assert.ok(!codesOf((await cliJson(['--connect', uri, '--attach-to', 'vm2', fragment])).report, fragment).includes('image-in-use'));
	// vm1's own config while vm1 runs: the count is vm1's own.
	const vm1Config = path.join(dir, 'vm1.xml');
	fs.writeFileSync(vm1Config, `<domain type='kvm'>\n  <name>vm1</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='${vm1}'/>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n</domain>\n`);
	assert.deepEqual(codesOf((await cliJson(['--connect', uri, '--read-image-labels', vm1Config])).report, vm1Config), []);
	// After vm1 lets the image go (no count), attaching is not refused by this rule.
	const free = image(dir, 'free.img');
	setXattr(free, SELINUX_XATTR, 'system_u:object_r:svirt_image_t:s0:c219,c564');
	const other = path.join(dir, 'attach-free.xml');
	fs.writeFileSync(other, fs.readFileSync(fragment, 'utf8').replace(vm1, free));
	assert.ok(!codesOf((await cliJson(['--connect', uri, '--attach-to', 'vm2', '--read-image-labels', other])).report, other).includes('image-in-use'));
});
