import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk } from '../../support/fixture';
import { deviceLabel, dynamicGuest, staticGuest } from '../selinux/guests';

const RULE = 'selinux-level-not-canonical';

test('selinux-level-not-canonical flags unordered, duplicated and range-able levels as advice', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c5,c3')), [{ code: RULE, text: 's0:c5,c3', stage: 'advice' }]);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0-s0')).map((f) => f.text), ['s0-s0']);
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c3.c4')))).map((f) => f.text), ['s0:c3.c4']);
});

test('selinux-level-not-canonical rewrites the level the way the kernel prints it', () => {
	assert.equal(applyFix(staticGuest('system_u:system_r:svirt_t:s0:c5,c3'), RULE, 'Write s0:c3,c5'), staticGuest('system_u:system_r:svirt_t:s0:c3,c5'));
	assert.equal(applyFix(staticGuest('system_u:system_r:svirt_t:s0:c1,c2,c3,c3'), RULE, 'Write s0:c1.c3'), staticGuest('system_u:system_r:svirt_t:s0:c1.c3'));
	assert.equal(applyFix(staticGuest('system_u:system_r:svirt_t:s0-s0'), RULE, 'Write s0'), staticGuest('system_u:system_r:svirt_t:s0'));
});

test('selinux-level-not-canonical stays silent for canonical levels, invalid ones and base labels', () => {
	for (const level of ['s0', 's0:c3,c5', 's0:c0.c1023', 's0-s0:c0.c1023', 's0:c2,c4.c6,c8']) {
		assert.deepEqual(codedFor(RULE, staticGuest(`system_u:system_r:svirt_t:${level}`)), [], level);
	}
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c5.c3')), []);
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:svirt_t:s0:c5,c3')), []);
});
