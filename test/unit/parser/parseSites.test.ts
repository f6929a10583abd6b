import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelDocument } from '../../../server/src/service/parser/seclabelModel';
import { siteView } from '../../../server/src/service/parser/parseSites';
import { parseVersion } from '../../../server/src/service/version';
import { codedFor, domain, liveDomain, findings } from '../../support/fixture';

const OVERRIDE = "<seclabel model='selinux' relabel='no'/>";
const at = (text: string) => parseVersion(text)!;

function diskWith(inner: string, live = false): string {
	return (live ? liveDomain : domain)('', `    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      ${inner}\n      <target dev='vda'/>\n    </disk>`);
}

test('every typed backing layer is a site; an untyped <backingStore> ends the chain and its seclabels are stray', () => {
	const doc = parseSeclabelDocument(diskWith(`<source file='/a.img'/><backingStore type='file'><format type='qcow2'/><source file='/b.img'>${OVERRIDE}</source><backingStore><format type='raw'/><source file='/c.img'>${OVERRIDE}</source></backingStore></backingStore>`));
	assert.deepEqual(doc.disks[0].layers.map((layer) => [layer.depth, layer.seclabels.length]), [[0, 0], [1, 1]]);
	assert.equal(doc.strayseclabels.length, 1);
	assert.match(findings(doc.xml.text).find((f) => f.rule.id === 'seclabel-misplaced')!.message, /without a type ends the backing chain/);
});

test('<os><nvram type=…><source> is a site from 8.5.0; an untyped <nvram> has none', () => {
	const xml = domain('', '').replace('</os>', `  <nvram type='file'><source file='/var/lib/libvirt/qemu/nvram/g.fd'>${OVERRIDE}</source></nvram>\n  </os>`);
	const doc = parseSeclabelDocument(xml);
	assert.equal(doc.nvram?.role, 'nvram');
	assert.equal(doc.deviceSeclabels[0].owner.kind, 'nvram');
	assert.equal(doc.deviceSeclabels[0].since, '8.5.0');
	assert.equal(siteView(doc, at('9.0.0')).deviceSeclabels.length, 1);
	assert.deepEqual(siteView(doc, at('8.4.0')).deviceSeclabels, []);
	assert.deepEqual(codedFor('seclabel-misplaced', xml, { libvirtVersion: '9.0.0' }), []);
	const old = findings(xml, { libvirtVersion: '7.0.0' }).filter((f) => f.rule.id === 'seclabel-misplaced');
	assert.equal(old.length, 1);
	assert.match(old[0].message, /libvirt 7\.0\.0 does not read a seclabel in <nvram>'s <source>; 8\.5\.0 and later do/);
	const untyped = parseSeclabelDocument(domain('', '').replace('</os>', `  <nvram><source file='/n.fd'>${OVERRIDE}</source></nvram>\n  </os>`));
	assert.equal(untyped.nvram, undefined);
	assert.equal(untyped.strayseclabels.length, 1);
});

test('a <dataStore> source is a site from 10.10.0', () => {
	const xml = diskWith(`<source file='/a.img'><dataStore type='file'><format type='raw'/><source file='/d.img'>${OVERRIDE}</source></dataStore></source>`);
	const doc = parseSeclabelDocument(xml);
	assert.equal(doc.disks[0].dataStore?.role, 'dataStore');
	assert.equal(doc.disks[0].dataStore?.seclabels[0].since, '10.10.0');
	assert.equal(siteView(doc, at('11.3.0')).deviceSeclabels.length, 1);
	assert.equal(siteView(doc, at('10.9.0')).deviceSeclabels.length, 0);
	assert.match(findings(xml, { libvirtVersion: '9.0.0' }).find((f) => f.rule.id === 'seclabel-misplaced')!.message, /10\.10\.0 and later do/);
	assert.deepEqual(codedFor('seclabel-misplaced', xml, { libvirtVersion: '11.3.0' }), []);
});

test('<mirror> and its chain are sites in live XML only', () => {
	const mirror = `<source file='/a.img'/><mirror type='file' job='copy'><format type='raw'/><source file='/m.img'>${OVERRIDE}</source><backingStore type='file'><format type='raw'/><source file='/mb.img'>${OVERRIDE}</source></backingStore></mirror>`;
	const inactive = parseSeclabelDocument(diskWith(mirror));
	assert.deepEqual(inactive.disks[0].mirror, []);
	assert.equal(inactive.strayseclabels.length, 2);
	assert.match(findings(inactive.xml.text).find((f) => f.rule.id === 'seclabel-misplaced')!.message, /<mirror> .* only in live XML/);
	const live = parseSeclabelDocument(diskWith(mirror, true));
	assert.deepEqual(live.disks[0].mirror.map((layer) => [layer.role, layer.depth, layer.seclabels.length]), [['mirror', 0, 1], ['mirror', 1, 1]]);
	assert.equal(live.strayseclabels.length, 0);
});

test('a console with a serial target aliases the first serial when their sources differ', () => {
	const serial = (type: string, source: string) => `    <serial type='${type}'>${source}<target port='0'/></serial>`;
	const console = (type: string, source: string, target = 'serial') => `    <console type='${type}'>${source}<target type='${target}' port='0'/></console>`;
	const alias = (devices: string, live = false) => parseSeclabelDocument((live ? liveDomain : domain)('', devices)).chardevs.find((c) => c.kind === 'console')!.aliasOf?.kind;
	assert.equal(alias(serial('file', "<source path='/l'/>") + console('file', "<source path='/other'/>")), 'serial');
	assert.equal(alias(serial('file', "<source path='/l'/>") + console('file', "<source path='/l'/>")), undefined);
	assert.equal(alias(serial('file', "<source path='/l'/>") + console('pty', '<source/>')), 'serial');
	// A pty's path is read only in live XML, so at define two ptys are always equal.
	assert.equal(alias(serial('pty', "<source path='/dev/pts/1'/>") + console('pty', "<source path='/dev/pts/2'/>")), undefined);
	assert.equal(alias(serial('pty', "<source path='/dev/pts/1'/>") + console('pty', "<source path='/dev/pts/2'/>"), true), 'serial');
	assert.equal(alias(serial('file', "<source path='/l'/>") + console('file', "<source path='/other'/>", 'virtio')), undefined);
	assert.equal(alias(console('file', "<source path='/other'/>")), undefined);
	// The aliased console's override is parsed but not cross-checked against the domain label.
	const none = "  <seclabel type='none' model='selinux'/>";
	const xml = domain(none, serial('file', "<source path='/l'/>") + console('file', `<source path='/other'>${OVERRIDE}</source>`));
	// (11.3.0: from 12.9.0 a bare relabel='no' override under a non-relabelling label is accepted anyway.)
	assert.deepEqual(codedFor('device-override-needs-relabel', xml, { libvirtVersion: '11.3.0' }), []);
	assert.equal(codedFor('device-override-needs-relabel', xml.replace("path='/other'", "path='/l'"), { libvirtVersion: '11.3.0' }).length, 1);
});

test("a UDP chardev's second source is a site before 9.0.0 only", () => {
	const xml = domain('', `    <serial type='udp'><source mode='bind' host='127.0.0.1' service='1'/><source mode='connect' host='127.0.0.1' service='2'>${OVERRIDE}${OVERRIDE}</source><target port='0'/></serial>`);
	assert.equal(codedFor('device-duplicate-model', xml, { libvirtVersion: '7.0.0' }).length, 1);
	assert.deepEqual(codedFor('device-duplicate-model', xml, { libvirtVersion: '9.0.0' }), []);
	assert.match(findings(xml, { libvirtVersion: '9.0.0' }).find((f) => f.rule.id === 'seclabel-misplaced')!.message, /only in the first <source> of a UDP character device \(7\.0\.0 read both\)/);
});

test('sources of devices libvirt never reads seclabels in name the places it does', () => {
	const xml = domain('', `    <smartcard mode='passthrough' type='unix'><source mode='connect' path='/s'>${OVERRIDE}</source></smartcard>\n    <rng model='virtio'><backend model='egd' type='unix'><source mode='connect' path='/r'>${OVERRIDE}</source></backend></rng>\n    <tpm model='tpm-tis'><backend type='passthrough'><device path='/dev/tpm0'>${OVERRIDE}</device></backend></tpm>`);
	const messages = findings(xml).filter((f) => f.rule.id === 'seclabel-misplaced').map((f) => f.message);
	assert.equal(messages.length, 3);
	assert.match(messages[0], /does not read seclabels in the <source> of a <smartcard>.*It reads them directly under <domain>/);
	assert.match(messages[1], /of an <rng> backend/);
	assert.match(messages[2], /inside <device>; it is ignored\. It reads them directly under <domain>, in a disk's <source>/);
});
