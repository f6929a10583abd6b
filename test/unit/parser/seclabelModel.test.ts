import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelDocument, rootElementName } from '../../../server/src/service/parser/seclabelModel';
import { siteView } from '../../../server/src/service/parser/parseSites';
import { parseVersion } from '../../../server/src/service/version';

test('the model finds domain seclabels, disk layers with backing stores, chardevs and stray seclabels', () => {
	const text = `<domain type='kvm'>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/top.qcow2'><seclabel model='selinux' relabel='no'/></source>
      <backingStore type='block'>
        <format type='raw'/>
        <source dev='/dev/base'><seclabel model='dac' relabel='no'/></source>
        <backingStore/>
      </backingStore>
      <target dev='vda' bus='virtio'/>
      <seclabel model='selinux' relabel='no'/>
      <shareable/>
    </disk>
    <serial type='udp'>
      <source mode='bind'><seclabel model='selinux' relabel='no'/></source>
      <source mode='connect'><seclabel model='selinux' relabel='no'/></source>
    </serial>
  </devices>
  <seclabel type='dynamic' model='selinux'/>
  <seclabel type='dynamic' model='dac'/>
</domain>`;
	const doc = parseSeclabelDocument(text);
	assert.equal(doc.kind, 'inactive');
	assert.equal(doc.seclabels.length, 2);
	assert.equal(doc.disks.length, 1);
	const disk = doc.disks[0];
	assert.equal(disk.targetDev, 'vda');
	assert.ok(disk.shareable);
	// The untyped <backingStore/> ends the chain: it is no layer (virsh define never reads inside it).
	assert.deepEqual(disk.layers.map((l) => [l.depth, l.type, l.format, l.seclabels.length]), [[0, 'file', 'qcow2', 1], [1, 'block', 'raw', 1]]);
	assert.equal(doc.chardevs[0].type, 'udp');
	// A UDP chardev's second <source> is read by 7.0.0 only (marked `before`); the seclabel directly in <disk> is stray.
	assert.equal(doc.chardevs[0].seclabels.length, 2);
	assert.equal(doc.chardevs[0].seclabels[1].before, '9.0.0');
	assert.equal(doc.deviceSeclabels.length, 4);
	assert.deepEqual(doc.strayseclabels.map((s) => s.parent!.name), ['disk']);
	// As 9.0.0 reads it, the second UDP source's seclabel is stray too.
	const at9 = siteView(doc, parseVersion('9.0.0')!);
	assert.equal(at9.deviceSeclabels.length, 3);
	assert.deepEqual(at9.strayseclabels.map((s) => s.parent!.name), ['disk', 'source']);
	assert.equal(siteView(doc, parseVersion('7.0.0')!), doc);
});

test('live XML is told apart from define-time XML: a status file, the live comment or the caller, never an id', () => {
	// `virsh define` parses a running guest's dump as inactive XML: the id changes nothing.
	assert.equal(parseSeclabelDocument(`<domain type='kvm' id='4'/>`).kind, 'inactive');
	assert.equal(parseSeclabelDocument(`<domain type='kvm' id='-1'/>`).kind, 'inactive');
	assert.equal(parseSeclabelDocument(`<domain type='kvm'/>`).kind, 'inactive');
	const status = parseSeclabelDocument(`<domstatus state='running'><domain type='kvm' id='1'><seclabel type='none'/></domain></domstatus>`);
	assert.equal(status.kind, 'live');
	assert.equal(status.seclabels.length, 1);
	assert.equal(parseSeclabelDocument(`<network><name>default</name></network>`).domain, null);
	// The comment, alone or among other words, before the root; not after it, and not a guest named live.
	assert.equal(parseSeclabelDocument(`<?xml version='1.0'?>\n<!-- libvirt-seclabel: live -->\n<domain type='kvm' id='4'/>`).kind, 'live');
	assert.equal(parseSeclabelDocument(`<!--libvirt-seclabel:live--><domain type='kvm'/>`).kind, 'live');
	assert.equal(parseSeclabelDocument(`<domain type='kvm'><!-- libvirt-seclabel: live --></domain>`).kind, 'inactive');
	assert.equal(parseSeclabelDocument(`<!-- libvirt-seclabel: attach-to live -->\n<disk type='file'/>`).kind, 'inactive');
	assert.equal(parseSeclabelDocument(`<!-- libvirt-seclabel: attach-to vm2 live -->\n<disk type='file'/>`).kind, 'live');
	assert.equal(parseSeclabelDocument(`<!-- libvirt-seclabel: live -->\n<serial type='pty'/>`).kind, 'live');
	// `--live` in a comment is not XML to libxml2 ("Double hyphen within comment"): no directive either.
	assert.equal(parseSeclabelDocument(`<!-- libvirt-seclabel: update-device --live -->\n<serial type='pty'/>`).kind, 'inactive');
	assert.equal(parseSeclabelDocument(`<!-- libvirt-seclabel: alive -->\n<domain type='kvm'/>`).kind, 'inactive');
	assert.equal(parseSeclabelDocument(`<!-- live -->\n<domain type='kvm'/>`).kind, 'inactive');
	// A caller that read the XML from a host says what it is, and that wins.
	assert.equal(parseSeclabelDocument(`<domain type='kvm' id='4'/>`, { kind: 'live' }).kind, 'live');
	assert.equal(parseSeclabelDocument(`<!-- libvirt-seclabel: live -->\n<domain type='kvm'/>`, { kind: 'inactive' }).kind, 'inactive');
	assert.equal(parseSeclabelDocument(`<disk type='file'/>`, { kind: 'live' }).kind, 'live');
});

test('a <mirror> is read only in live XML: the live comment or the caller, not an id', () => {
	const text = (prefix: string) => `${prefix}<domain type='kvm' id='2'><devices><disk type='file'><source file='/a.img'/><mirror type='file' job='copy'><source file='/b.img'><seclabel model='selinux' relabel='no'/></source></mirror><target dev='vda'/></disk></devices></domain>`;
	const inactive = parseSeclabelDocument(text(''));
	assert.deepEqual([inactive.disks[0].mirror.length, inactive.deviceSeclabels.length, inactive.strayseclabels.length], [0, 0, 1]);
	for (const live of [parseSeclabelDocument(text('<!-- libvirt-seclabel: live -->')), parseSeclabelDocument(text(''), { kind: 'live' })]) {
		assert.deepEqual([live.disks[0].mirror.length, live.deviceSeclabels.length, live.strayseclabels.length], [1, 1, 0]);
	}
});

test('rootElementName skips the prolog, including comments that mention other tags', () => {
	const text = `<?xml version='1.0'?>\n<!--\nWARNING: THIS IS AN AUTO-GENERATED FILE. Changes should be made using:\n  virsh edit <name>\n-->\n<!DOCTYPE domain [<!ENTITY x "y">]>\n<domain type='kvm'/>`;
	assert.equal(rootElementName(text), 'domain');
	assert.equal(rootElementName('just text'), undefined);
	assert.equal(rootElementName('<pool type="dir"/>'), 'pool');
});
