/**
 * image-label-prelabel-mismatch: the SELinux Notebook's static example on a real image: the guest
 * runs as svirt_t:s0:c1022,c1023 with relabel='no', the image still carries virt_image_t:s0.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { SELINUX_XATTR } from '../../server/src/service/workspace/imageLabels';
import { imageLabelLookup } from '../../server/src/service/workspace/imageLabels';
import { hoverAt, hoverText } from '../support/cursor';
import { cliJson, image, requireVirsh, setXattr, tempDir } from './host';

function staticVm(imagePath: string, extra = ''): string {
	return `<domain type='kvm'>\n  <name>Static_VM1</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='${imagePath}'/>\n      <target dev='vda'/>${extra}\n    </disk>\n  </devices>\n  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:c1022,c1023</label>\n  </seclabel>\n</domain>\n`;
}

test('the notebook\'s image labelled virt_image_t:s0 fails at start, with the chcon command; once relabelled it is silent', async () => {
	const dir = tempDir('seclabel-prelabel-');
	const img = image(dir, 'Static_VM1.img');
	setXattr(img, SELINUX_XATTR, 'system_u:object_r:virt_image_t:s0');
	const file = path.join(dir, 'Static_VM1.xml');
	fs.writeFileSync(file, staticVm(img));
	const first = await cliJson(['--read-image-labels', file]);
	const found = first.report.files[0].diagnostics.filter((d) => d.code === 'image-label-prelabel-mismatch');
	assert.equal(found.length, 1);
	assert.equal(found[0].stage, 'start');
	assert.equal(found[0].severity, 'error');
	assert.match(found[0].message, /labelled system_u:object_r:virt_image_t:s0 on disk/);
	assert.ok(found[0].message.includes(`chcon -t svirt_image_t -l s0:c1022,c1023 ${img}`), found[0].message);
	assert.equal(first.code, 1);
	// Labelled for other categories: still denied.
	setXattr(img, SELINUX_XATTR, 'system_u:object_r:svirt_image_t:s0:c1,c2');
	assert.match((await cliJson(['--read-image-labels', file])).report.files[0].diagnostics.find((d) => d.code === 'image-label-prelabel-mismatch')?.message ?? '', /does not cover/);
	// After the notebook's chcon.
	setXattr(img, SELINUX_XATTR, 'system_u:object_r:svirt_image_t:s0:c1022,c1023');
	assert.deepEqual((await cliJson(['--read-image-labels', file])).report.files[0].diagnostics.filter((d) => d.code === 'image-label-prelabel-mismatch'), []);
	// A read-only disk may carry virt_content_t at s0.
	const iso = image(dir, 'install.iso');
	setXattr(iso, SELINUX_XATTR, 'system_u:object_r:virt_content_t:s0');
	fs.writeFileSync(file, staticVm(iso, '\n      <readonly/>'));
	assert.deepEqual((await cliJson(['--read-image-labels', file])).report.files[0].diagnostics.filter((d) => d.code === 'image-label-prelabel-mismatch'), []);
	// Without the option nothing is read: no finding.
	fs.writeFileSync(file, staticVm(img));
	setXattr(img, SELINUX_XATTR, 'system_u:object_r:virt_image_t:s0');
	assert.deepEqual((await cliJson([file])).report.files[0].diagnostics.filter((d) => d.code === 'image-label-prelabel-mismatch'), []);
});

test('hover on the disk source shows the image\'s label on disk and its holders', () => {
	const path = '/var/lib/libvirt/images/vm1.img';
	const labels = imageLabelLookup([{ path, status: 'ok', selinux: 'system_u:object_r:svirt_image_t:s0:c219,c564', refCount: 1, remembered: 'system_u:object_r:virt_image_t:s0' }]);
	const { hover } = hoverAt(staticVm('/var/lib/libvirt/images/vm|1.img'), { imageLabels: labels });
	const text = hoverText(hover);
	assert.match(text, /current label: `system_u:object_r:svirt_image_t:s0:c219,c564`/);
	assert.match(text, /held by 1 running guest/);
	assert.match(text, /restores .*virt_image_t:s0/);
	const without = hoverAt(staticVm('/var/lib/libvirt/images/vm|1.img')).hover;
	assert.ok(without === null || !hoverText(without).includes('current label'), 'nothing without labels');
});

test('the notebook\'s guest on a live libvirt test host: --connect with --read-image-labels reports it on the host\'s own XML', async () => {
	requireVirsh();
	const dir = tempDir('seclabel-prelabel-host-');
	const img = image(dir, 'Static_VM1.img');
	setXattr(img, SELINUX_XATTR, 'system_u:object_r:virt_image_t:s0');
	const node = path.join(dir, 'node.xml');
	fs.writeFileSync(node, `<node>\n${staticVm(img).replace("<domain type='kvm'>", "<domain type='test'>").replace('<devices>', "<memory>1048576</memory>\n  <os><type>hvm</type></os>\n  <devices>")}</node>\n`);
	const uri = `test://${node}`;
	const { report } = await cliJson(['--connect', uri, '--read-image-labels']);
	const inactive = report.files.find((file) => file.path === `virsh -c ${uri} dumpxml --inactive Static_VM1`);
	assert.ok(inactive, JSON.stringify(report.files.map((file) => file.path)));
	const finding = inactive.diagnostics.find((d) => d.code === 'image-label-prelabel-mismatch');
	assert.ok(finding?.message.includes(`chcon -t svirt_image_t -l s0:c1022,c1023 ${img}`), JSON.stringify(inactive.diagnostics));
	assert.deepEqual((await cliJson(['--connect', uri])).report.files, [], 'without --read-image-labels the host\'s own XML has nothing to add');
});
