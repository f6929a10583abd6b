import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, disk } from '../../support/fixture';
import { deviceLabel, dynamicGuest, staticGuest } from '../selinux/guests';

const RULE = 'selinux-range-not-dominating';

test('selinux-range-not-dominating flags a range whose high level does not dominate its low level', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c1-s0:c2')), [{ code: RULE, text: 's0:c1-s0:c2', stage: 'start' }]);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c0.c9-s0')).map((f) => f.text), ['s0:c0.c9-s0']);
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_image_t:s1-s0')))).map((f) => [f.text, f.stage]), [['s1-s0', 'start']]);
});

test('selinux-range-not-dominating stays silent for dominating ranges and base labels', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0-s0:c0.c1023')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c1-s0:c1,c2')), []);
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:svirt_t:s0:c1-s0')), []);
});
