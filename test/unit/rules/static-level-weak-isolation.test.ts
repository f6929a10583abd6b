import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor } from '../../support/fixture';
import { staticGuest } from '../selinux/guests';

const RULE = 'static-level-weak-isolation';

test('static-level-weak-isolation flags static labels with no or one category', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c5')), [{ code: RULE, text: 's0:c5', stage: 'advice' }]);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0')).map((f) => f.text), ['s0']);
});

test('static-level-weak-isolation stays silent for pairs, deliberate ranges and unconfined guests', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c1022,c1023')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0-s0:c0.c1023')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:unconfined_t:s0')), []);
});
