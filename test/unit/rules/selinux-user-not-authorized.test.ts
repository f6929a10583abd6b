import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, disk } from '../../support/fixture';
import { deviceLabel, dynamicGuest, staticGuest } from '../selinux/guests';

const RULE = 'selinux-user-not-authorized';

test('selinux-user-not-authorized flags a user outside its roles or its range', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('user_u:user_r:svirt_t:s0:c1,c2')), [{ code: RULE, text: 's0:c1,c2', stage: 'start' }]);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:user_r:svirt_t:s0:c1,c2')).map((f) => f.text), ['user_r']);
});

test('selinux-user-not-authorized stays silent for authorised users, file labels and unknown users', () => {
	for (const label of ['system_u:system_r:svirt_t:s0:c1,c2', 'unconfined_u:unconfined_r:svirt_t:s0:c550,c786', 'user_u:user_r:user_t:s0', 'root:system_r:svirt_t:s0-s0:c0.c1023', 'custom_u:custom_r:svirt_t:s0:c1,c2']) {
		assert.deepEqual(codedFor(RULE, staticGuest(label)), [], label);
	}
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('user_u:object_r:svirt_image_t:s0:c1')))), []);
});
