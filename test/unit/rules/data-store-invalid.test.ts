import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain } from '../../support/fixture';

const RULE = 'data-store-invalid';
const disk = (driverType: string, storeFormat: string) => `    <disk type='file' device='disk'>\n      <driver name='qemu' type='${driverType}'/>\n      <source file='/a.img'><dataStore type='file'><format type='${storeFormat}'/><source file='/d.img'/></dataStore></source>\n      <target dev='vda' bus='virtio'/>\n    </disk>`;

test('data-store-invalid flags a data store on a non-qcow2 disk and a non-raw data store, from 10.10.0', () => {
	assert.equal(codedFor(RULE, domain('', disk('raw', 'raw')), { libvirtVersion: '12.9.0' }).length, 1);
	assert.deepEqual(codedFor(RULE, domain('', disk('qcow2', 'qcow2')), { libvirtVersion: '12.9.0' }).map((f) => f.text), ['qcow2']);
});

test('data-store-invalid stays silent for a raw store on a qcow2 disk, and before libvirt read <dataStore>', () => {
	assert.deepEqual(codedFor(RULE, domain('', disk('qcow2', 'raw')), { libvirtVersion: '12.9.0' }), []);
	assert.deepEqual(codedFor(RULE, domain('', disk('raw', 'raw')), { libvirtVersion: '9.0.0' }), []);
});
