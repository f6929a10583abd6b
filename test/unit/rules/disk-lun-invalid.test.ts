/**
 * disk-lun-invalid: which lun disks libvirt refuses, and with which words per release. The
 * verdicts are the oracles' (test/differential/sites.test.ts asks all four again).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'disk-lun-invalid';
const lun = (type: string, source: string, format = 'raw') => `    <disk type='${type}' device='lun'>\n      <driver name='qemu' type='${format}'/>\n      ${source}\n      <target dev='sda' bus='scsi'/>\n    </disk>`;
const messages = (xml: string, libvirtVersion?: string, driver: 'qemu' | 'test' = 'qemu') => findings(xml, { driver, ...(libvirtVersion ? { libvirtVersion } : {}) }).filter((f) => f.rule.id === RULE).map((f) => f.libvirtMessage);

test('disk-lun-invalid: a file or nbd lun, and a qcow2 lun (from 9.0.0 without the QEMU driver), on the device attribute', () => {
	const file = domain('', lun('file', "<source file='/a.img'/>"));
	assert.deepEqual(codedFor(RULE, file), [{ code: RULE, text: 'lun', stage: 'define' }]);
	assert.deepEqual(messages(file), ["unsupported configuration: disk device='lun' is only valid for block type disk source"]);
	// Other drivers before 9.0.0: the common check's one message (the test driver's oracle, 7.0.0).
	assert.deepEqual(messages(file, '7.0.0', 'test'), ["unsupported configuration: disk 'sda' improperly configured for a device='lun'"]);
	// The QEMU driver validates the device first with its own check, which says the cause (7.0.0's
	// qemuDomainDefValidateDiskLunSource, from 6.4.0).
	assert.deepEqual(messages(file, '7.0.0'), ["unsupported configuration: disk device='lun' is only valid for block type disk source"]);
	assert.deepEqual(messages(domain('', lun('network', "<source protocol='nbd' name='x'><host name='h'/></source>"))), ["unsupported configuration: disk device='lun' is not supported for protocol='nbd'"]);
	const qcow2 = domain('', lun('block', "<source dev='/dev/sdb'/>", 'qcow2'));
	assert.deepEqual(messages(qcow2), ["unsupported configuration: disk device 'lun' must use 'raw' format"]);
	assert.deepEqual(messages(qcow2, '7.0.0', 'test'), []);
	assert.deepEqual(messages(qcow2, '7.0.0'), ["unsupported configuration: disk device 'lun' must use 'raw' format"]);
});

test('disk-lun-invalid stays silent for a raw block, volume or iSCSI lun and for other devices', () => {
	assert.deepEqual(codedFor(RULE, domain('', lun('block', "<source dev='/dev/sdb'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', lun('volume', "<source pool='p' volume='v'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', lun('network', "<source protocol='iscsi' name='iqn.2026-12.org.example:t/1'><host name='h'/></source>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', lun('file', "<source file='/a.img'/>").replace("device='lun'", "device='disk'"))), []);
});
