import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor } from '../../support/fixture';
import { dynamicGuest } from '../selinux/guests';

const RULE = 'baselabel-only-type';

test('baselabel-only-type flags a base label whose categories or user and role libvirt replaces', () => {
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:svirt_t:s0:c1,c2')), [{ code: RULE, text: 's0:c1,c2', stage: 'advice' }]);
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'foo_u:bar_r:my_svirt_t')).map((f) => f.text), ['foo_u:bar_r']);
});

test('baselabel-only-type stays silent for the usual base label', () => {
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:svirt_custom_t:s0')), []);
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:svirt_t')), []);
});
