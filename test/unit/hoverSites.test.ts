// Hover per release: a device seclabel at a site the target release does not read (parseSites.ts)
// is described as ignored, with the releases that read it, through the service facade (doHover).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { domain } from '../support/fixture';
import { hoverAt, hoverText } from '../support/cursor';

const OVERRIDE = "<sec|label model='selinux' relabel='no'/>";

function hovered(marked: string, libvirtVersion: string): string {
	const { hover } = hoverAt(marked, { libvirtVersion });
	assert.ok(hover, `no hover at ${libvirtVersion}`);
	return hoverText(hover);
}

const NVRAM = domain('', '').replace('</os>', `  <nvram type='file'><source file='/var/lib/libvirt/qemu/nvram/g.fd'>${OVERRIDE}</source></nvram>\n  </os>`);
const DATA_STORE = domain('', `    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/a.img'><dataStore type='file'><format type='raw'/><source file='/d.img'>${OVERRIDE}</source></dataStore></source>\n      <target dev='vda'/>\n    </disk>`);
const UDP = domain('', `    <serial type='udp'><source mode='bind' host='127.0.0.1' service='1'/><source mode='connect' host='127.0.0.1' service='2'>${OVERRIDE}</source><target port='0'/></serial>`);

for (const [name, xml, before, after, says] of [
	['<nvram> source (from 8.5.0)', NVRAM, '8.4.0', '8.5.0', /libvirt reads a seclabel here from 8\.5\.0 on/],
	['<dataStore> source (from 10.10.0)', DATA_STORE, '10.9.0', '10.10.0', /libvirt reads a seclabel here from 10\.10\.0 on/],
] as const) {
	test(`hover on a seclabel in a ${name}: ignored before the boundary, read from it`, () => {
		const old = hovered(xml, before);
		assert.match(old, new RegExp(`Not read by libvirt ${before.replace(/\./g, '\\.')}`));
		assert.match(old, says);
		const read = hovered(xml, after);
		assert.doesNotMatch(read, /Not read by libvirt/);
		assert.match(read, /\*\*At start\*\* libvirt's `selinux` driver leaves the label/);
	});
}

test("hover on a seclabel in a UDP chardev's second source: read by 7.0.0, ignored from 9.0.0", () => {
	const old = hovered(UDP, '7.0.0');
	assert.doesNotMatch(old, /Not read by libvirt/);
	assert.match(old, /\*\*At start\*\* libvirt's `selinux` driver leaves the label/);
	const newer = hovered(UDP, '9.0.0');
	assert.match(newer, /Not read by libvirt 9\.0\.0/);
	assert.match(newer, /libvirt read a seclabel here before 9\.0\.0 only/);
});

test('an attribute of an unread seclabel hovers as unread too', () => {
	const { hover } = hoverAt(NVRAM.replace("<sec|label model='selinux'", "<seclabel mo|del='selinux'"), { libvirtVersion: '7.0.0' });
	assert.ok(hover);
	assert.match(hoverText(hover), /Not read by libvirt 7\.0\.0/);
});
