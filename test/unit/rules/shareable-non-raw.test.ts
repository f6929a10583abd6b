import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings } from '../../support/fixture';

const RULE = 'shareable-non-raw';

function shared(format: string, extra = '\n      <shareable/>', device = 'disk', sourceContent = ''): string {
	const driver = format ? `\n      <driver name='qemu' type='${format}'/>` : '';
	return `    <disk type='file' device='${device}'>${driver}\n      <source file='/var/lib/libvirt/images/shared.img'>${sourceContent}</source>\n      <target dev='vdb' bus='virtio'/>${extra}\n    </disk>`;
}

test('shareable-non-raw flags a writable shareable qcow2 disk on QEMU, with the target in libvirt\'s message (G3)', () => {
	const xml = domain('', shared('qcow2'));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'shareable', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, "unsupported configuration: shared access for disk 'vdb' requires use of supported storage format");
});

test('shareable-non-raw flags a LUKS-encrypted raw image', () => {
	const xml = domain('', shared('raw', '\n      <shareable/>', 'disk', `\n        <encryption format='luks'>\n          <secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/>\n        </encryption>\n      `));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'shareable', stage: 'define' }]);
});

test('shareable-non-raw is a QEMU driver check: the test driver accepts it', () => {
	// derived/define-shareable-qcow2.xml: the generic parser (and virsh -c test:///default) accepts it.
	assert.deepEqual(codedFor(RULE, domain('', shared('qcow2')), { driver: 'test' }), []);
});

test('shareable-non-raw stays silent for raw, read-only, cdrom and non-shareable disks', () => {
	// qemuxmlconfdata/disk-shared.xml uses raw; derived/define-shareable-qcow2-readonly.xml is read-only.
	assert.deepEqual(codedFor(RULE, domain('', shared('raw'))), []);
	assert.deepEqual(codedFor(RULE, domain('', shared(''))), []);
	assert.deepEqual(codedFor(RULE, domain('', shared('qcow2', '\n      <readonly/>\n      <shareable/>'))), []);
	assert.deepEqual(codedFor(RULE, domain('', shared('qcow2', '\n      <shareable/>', 'cdrom'))), []);
	assert.deepEqual(codedFor(RULE, domain('', shared('qcow2', ''))), []);
});

test('shareable-non-raw fixes: make the disk read-only, or stop sharing it', () => {
	const xml = domain('', shared('qcow2'));
	assert.equal(applyFix(xml, RULE, 'Make the disk read-only (<readonly/>)'),
		domain('', `    <disk type='file' device='disk'>\n      <readonly/>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/var/lib/libvirt/images/shared.img'></source>\n      <target dev='vdb' bus='virtio'/>\n      <shareable/>\n    </disk>`));
	assert.equal(applyFix(xml, RULE, 'Remove <shareable/>'), domain('', shared('qcow2', '')));
});
