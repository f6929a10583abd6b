import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk } from '../../support/fixture';
import { deviceLabel, dynamicGuest, staticGuest } from '../selinux/guests';

const RULE = 'selinux-type-alias';

test('selinux-type-alias flags qemu_t and other aliases as advice', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:qemu_t:s0:c1,c2')), [{ code: RULE, text: 'qemu_t', stage: 'advice' }]);
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_sandbox_file_t:s0')))).map((f) => f.text), ['svirt_sandbox_file_t']);
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:qemu_t:s0')).map((f) => f.text), ['qemu_t']);
});

test('selinux-type-alias fix writes the primary name', () => {
	assert.equal(applyFix(staticGuest('system_u:system_r:qemu_t:s0:c1,c2'), RULE, 'Use svirt_t'), staticGuest('system_u:system_r:svirt_t:s0:c1,c2'));
});

test('selinux-type-alias stays silent for primary names', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c1,c2')), []);
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:container_file_t:s0')))), []);
});
