import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'storage-source-invalid';
const BAD = "<seclabel model='selinux' relabel='bogus'/>";

function chain(backing: string, top = "<source file='/var/lib/libvirt/images/top.qcow2'/>", type = 'file'): string {
	return `    <disk type='${type}' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      ${top}\n      ${backing}\n      <target dev='vda' bus='virtio'/>\n    </disk>`;
}

function messages(xml: string, version = '9.0.0'): (string | undefined)[] {
	return findings(xml, { libvirtVersion: version }).filter((f) => f.rule.id === RULE).map((f) => f.libvirtMessage);
}

test('storage-source-invalid: a backing store without a format, at its <backingStore>, before the seclabel in it', () => {
	const xml = domain('', chain(`<backingStore type='file'><source file='/b.img'>${BAD}</source></backingStore>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'backingStore', stage: 'define' }]);
	assert.deepEqual(messages(xml), ['XML error: missing disk backing store format']);
	// The malformed seclabel is still reported (libvirt would report it once the format is there).
	assert.equal(codedFor('relabel-invalid', xml).length, 1);
	// <format/> without a type is the same error, at the <format>.
	assert.deepEqual(codedFor(RULE, domain('', chain("<backingStore type='file'><format/><source file='/b.img'/></backingStore>"))).map((f) => f.text), ['format']);
});

test('storage-source-invalid: unknown backing type and format, a missing source, each at the first bad layer only', () => {
	assert.deepEqual(messages(domain('', chain("<backingStore type='bogus'><format type='qcow2'/><source file='/b.img'/></backingStore>"))), ["XML error: unknown storage source type 'bogus'"]);
	assert.deepEqual(messages(domain('', chain("<backingStore type='none'><format type='qcow2'/><source file='/b.img'/></backingStore>"))), ["XML error: unknown storage source type 'none'"]);
	assert.deepEqual(messages(domain('', chain("<backingStore type='file'><format type='luks'/><source file='/b.img'/></backingStore>"))), ["XML error: unknown storage source format 'luks'"]);
	assert.deepEqual(messages(domain('', chain("<backingStore type='file'><format type='qcow2'/></backingStore>"))), ['XML error: missing disk backing store source']);
	const deep = chain("<backingStore type='file'><format type='qcow2'/><source file='/b.img'/><backingStore type='file'><format type='raw'/></backingStore></backingStore>");
	assert.deepEqual(messages(domain('', deep)), ['XML error: missing disk backing store source']);
	// Two bad layers: libvirt stops at the upper one.
	const twice = chain("<backingStore type='file'><source file='/b.img'/><backingStore type='file'><format type='raw'/></backingStore></backingStore>");
	assert.deepEqual(messages(domain('', twice)), ['XML error: missing disk backing store format']);
});

test('storage-source-invalid stays silent for a good chain and for the untyped <backingStore/> that ends it', () => {
	assert.deepEqual(messages(domain('', chain("<backingStore type='file'><format type='raw'/><source file='/b.img'/><backingStore/></backingStore>"))), []);
	assert.deepEqual(messages(domain('', chain('<backingStore/>'))), []);
	// An untyped backing store is never read, so nothing inside it is checked either.
	assert.deepEqual(messages(domain('', chain("<backingStore><source file='/b.img'/></backingStore>"))), []);
	for (const format of ['raw', 'qcow2', 'vmdk', 'qed', 'vpc', 'iso']) {
		assert.deepEqual(messages(domain('', chain(`<backingStore type='file'><format type='${format}'/><source file='/b.img'/></backingStore>`))), [], format);
	}
});

test('storage-source-invalid: the disk type and required source attributes, worded per version', () => {
	const bogus = domain('', chain('', `<source file='/a.img'>${BAD}</source>`, 'bogus'));
	assert.deepEqual(messages(bogus), ["XML error: Invalid value for attribute 'type' in element 'disk': 'bogus'."]);
	assert.deepEqual(messages(bogus, '7.0.0'), ["unsupported configuration: unknown disk type 'bogus'"]);
	assert.deepEqual(messages(domain('', chain('', "<source file='/a.img'/>", 'vdpa'))), ["XML error: Invalid value for attribute 'type' in element 'disk': 'vdpa'."]);
	const network = domain('', chain('', `<source name='pool/image'>${BAD}</source>`, 'network'));
	assert.deepEqual(messages(network), ["XML error: Missing required attribute 'protocol' in element 'source'"]);
	assert.deepEqual(messages(network, '7.0.0'), ['XML error: missing network source protocol type']);
	assert.deepEqual(messages(domain('', chain('', "<source protocol='nbd' name='x'><host name='h'/></source>", 'network'))), []);
	assert.deepEqual(messages(domain('', chain('', "<source managed='yes' namespace='1'/>", 'nvme'))), ["XML error: missing 'type' attribute to disk source"]);
});

test('storage-source-invalid: a <dataStore> needs a format from 10.10.0, which reads it', () => {
	const xml = domain('', chain('', "<source file='/a.img'><dataStore type='file'><source file='/d.img'/></dataStore></source>"));
	assert.deepEqual(messages(xml, '11.3.0'), ['XML error: missing data file store format']);
	assert.deepEqual(messages(xml, '9.0.0'), []);
});
