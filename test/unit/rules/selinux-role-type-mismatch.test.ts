import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk } from '../../support/fixture';
import { deviceLabel, dynamicGuest, liveGuest, staticGuest } from '../selinux/guests';

const RULE = 'selinux-role-type-mismatch';

test('selinux-role-type-mismatch flags a process label with object_r or a file type', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:object_r:svirt_t:s0:c1,c2')), [{ code: RULE, text: 'object_r', stage: 'start' }]);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_image_t:s0:c1,c2')), [{ code: RULE, text: 'svirt_image_t', stage: 'start' }]);
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:virt_content_t:s0')).map((f) => [f.text, f.stage]), [['virt_content_t', 'start']]);
});

test('selinux-role-type-mismatch flags image and device labels with a process role or type', () => {
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:system_r:svirt_image_t:s0')))).map((f) => f.text), ['system_r']);
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_t:s0')))).map((f) => f.text), ['svirt_t']);
	assert.deepEqual(codedFor(RULE, liveGuest('system_u:system_r:svirt_t:s0:c1,c2', 'system_u:system_r:svirt_image_t:s0:c1,c2')).map((f) => f.text), ['system_r']);
});

test('selinux-role-type-mismatch fixes the role or the type', () => {
	assert.equal(applyFix(staticGuest('system_u:object_r:svirt_t:s0:c1,c2'), RULE, 'Use the role system_r'), staticGuest('system_u:system_r:svirt_t:s0:c1,c2'));
	const device = dynamicGuest(disk(deviceLabel('system_u:system_r:virt_content_t:s0')));
	assert.equal(applyFix(device, RULE, 'Use the role object_r'), dynamicGuest(disk(deviceLabel('system_u:object_r:virt_content_t:s0'))));
	assert.equal(applyFix(staticGuest('system_u:system_r:svirt_image_t:s0:c1,c2'), RULE, 'Use the type svirt_t'), staticGuest('system_u:system_r:svirt_t:s0:c1,c2'));
});

test('selinux-role-type-mismatch stays silent for matching labels and for custom types it does not know', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_tcg_t:s0:c1,c2', disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c1,c2')), 'yes')), []);
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:system_r:public_content_t:s0')))), []);
	assert.deepEqual(codedFor(RULE, liveGuest('system_u:system_r:svirt_custom_t:s0:c1,c2', 'system_u:system_r:svirt_custom_t:s0:c1,c2')), []);
	// Only the type of a base label counts: its role is the daemon's.
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:object_r:svirt_t:s0')), []);
});
