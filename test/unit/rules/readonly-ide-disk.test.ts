import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings } from '../../support/fixture';

const RULE = 'readonly-ide-disk';

function readonlyDisk(target: string, device = 'disk', flags = '\n      <readonly/>'): string {
	return `    <disk type='file' device='${device}'>\n      <source file='/var/lib/libvirt/images/ro.img'/>\n      ${target}${flags}\n    </disk>`;
}

test('readonly-ide-disk flags a read-only IDE hard disk on QEMU (G5)', () => {
	const xml = domain('', readonlyDisk(`<target dev='hda' bus='ide'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'readonly', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'unsupported configuration: readonly ide disks are not supported');
});

test('readonly-ide-disk flags SATA, and IDE implied by an hd target name', () => {
	const sata = domain('', readonlyDisk(`<target dev='sda' bus='sata'/>`));
	assert.deepEqual(codedFor(RULE, sata), [{ code: RULE, text: 'readonly', stage: 'define' }]);
	assert.equal(findings(sata).find((f) => f.rule.id === RULE)!.libvirtMessage, 'unsupported configuration: readonly sata disks are not supported');
	assert.deepEqual(codedFor(RULE, domain('', readonlyDisk(`<target dev='hdb'/>`))), [{ code: RULE, text: 'readonly', stage: 'define' }]);
});

test('readonly-ide-disk is a QEMU driver check: the test driver accepts it', () => {
	// virsh -c test:///default define accepts a read-only IDE disk (libvirt 9.0.0).
	assert.deepEqual(codedFor(RULE, domain('', readonlyDisk(`<target dev='hda' bus='ide'/>`)), { driver: 'test' }), []);
});

test('readonly-ide-disk stays silent for cdroms, virtio and SCSI disks, and writable IDE disks', () => {
	// qemuxmlconfdata/disk-readonly-disk.xml: a read-only IDE cdrom is valid.
	assert.deepEqual(codedFor(RULE, domain('', readonlyDisk(`<target dev='hdc' bus='ide'/>`, 'cdrom'))), []);
	assert.deepEqual(codedFor(RULE, domain('', readonlyDisk(`<target dev='vda' bus='virtio'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', readonlyDisk(`<target dev='sda' bus='scsi'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', readonlyDisk(`<target dev='hda' bus='ide'/>`, 'disk', ''))), []);
});

test('readonly-ide-disk fix removes <readonly/>', () => {
	const xml = domain('', readonlyDisk(`<target dev='hda' bus='ide'/>`));
	assert.equal(applyFix(xml, RULE, 'Remove <readonly/>'), domain('', readonlyDisk(`<target dev='hda' bus='ide'/>`, 'disk', '')));
});
