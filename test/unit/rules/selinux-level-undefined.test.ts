import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor } from '../../support/fixture';
import { staticGuest } from '../selinux/guests';

const RULE = 'selinux-level-undefined';

test('selinux-level-undefined flags categories above c1023 and sensitivities above s15', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c1022,c1024')), [{ code: RULE, text: 'c1024', stage: 'start' }]);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s16')).map((f) => f.text), ['s16']);
});

test('selinux-level-undefined flags s1 only when the host policy is known to be MCS', () => {
	const xml = staticGuest('system_u:system_r:svirt_t:s1:c1,c2');
	assert.deepEqual(codedFor(RULE, xml), []);
	assert.deepEqual(codedFor(RULE, xml, { policy: { source: '/etc/selinux/mls', policyName: 'mls' } }), []);
	assert.deepEqual(codedFor(RULE, xml, { policy: { source: '/etc/selinux/targeted', policyName: 'targeted' } }).map((f) => f.text), ['s1']);
});

test('selinux-level-undefined stays silent inside c0..c1023', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c0,c1023')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0-s0:c0.c1023'), { policy: { source: 'x', policyName: 'targeted' } }), []);
});
