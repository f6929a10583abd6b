import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, findings } from '../../support/fixture';

const RULE = 'seclabel-unused-storage';

const rbd = (seclabel: string) => `    <disk type='network' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source protocol='rbd' name='pool/image'>\n        <host name='mon.example.org' port='6789'/>\n        ${seclabel}\n      </source>\n      <target dev='vdb' bus='virtio'/>\n    </disk>`;

test('seclabel-unused-storage flags an override on a network disk, which libvirt never labels (J1, N2)', () => {
	// derived/define-network-disk-seclabel.xml
	const xml = domain('', rbd(`<seclabel model='selinux' relabel='no'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	assert.match(findings(xml).find((f) => f.rule.id === RULE)!.message, /network storage/);
});

test('seclabel-unused-storage flags a network layer in a backing chain, not the file on top', () => {
	const chain = `    <disk type='file' device='disk'>\n      <source file='/top.qcow2'><seclabel model='selinux' relabel='no'/></source>\n      <backingStore type='network'>\n        <format type='raw'/>\n        <source protocol='nbd' name='base'>\n          <host name='nbd.example.org' port='10809'/>\n          <seclabel model='dac' relabel='no'/>\n        </source>\n      </backingStore>\n      <target dev='vda'/>\n    </disk>`;
	const xml = domain('', chain);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.span.start, xml.lastIndexOf('<seclabel') + 1);
});

test('seclabel-unused-storage stays silent for file, block and volume disks', () => {
	// qemuxmlconfdata/seclabel-dynamic-override.xml (file), disk-source-pool.xml (volume)
	const block = `    <disk type='block' device='disk'>\n      <source dev='/dev/sdb'><seclabel model='selinux' relabel='no'/></source>\n      <target dev='vdb'/>\n    </disk>`;
	const volume = `    <disk type='volume' device='disk'>\n      <source pool='default' volume='a.img'><seclabel model='selinux' relabel='no'/></source>\n      <target dev='vdc'/>\n    </disk>`;
	assert.deepEqual(codedFor(RULE, domain('', [disk(`<seclabel model='selinux' relabel='no'/>`), block, volume].join('\n'))), []);
});

test('seclabel-unused-storage fix removes the override', () => {
	const xml = domain('', rbd(`<seclabel model='selinux' relabel='no'/>`));
	assert.equal(applyFix(xml, RULE, 'Remove this override'), domain('', `    <disk type='network' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source protocol='rbd' name='pool/image'>\n        <host name='mon.example.org' port='6789'/>\n      </source>\n      <target dev='vdb' bus='virtio'/>\n    </disk>`));
});
