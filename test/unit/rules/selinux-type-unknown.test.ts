import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk } from '../../support/fixture';
import type { PolicyInfo } from '../../../server/src/service/selinux/policy';
import { deviceLabel, dynamicGuest, staticGuest } from '../selinux/guests';

const RULE = 'selinux-type-unknown';
const HOST: PolicyInfo = { source: '/etc/selinux/targeted', policyName: 'targeted', users: ['system_u'], roles: ['object_r', 'system_r'], types: ['svirt_t', 'svirt_image_t', 'virt_content_t'] };

test('selinux-type-unknown flags svirt_content_t, which no policy defines, and fixes it to virt_content_t', () => {
	const xml = dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_content_t:s0')));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'svirt_content_t', stage: 'start' }]);
	assert.equal(applyFix(xml, RULE, 'Use virt_content_t'), dynamicGuest(disk(deviceLabel('system_u:object_r:virt_content_t:s0'))));
});

test('selinux-type-unknown flags attributes, which are never types', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:virt_domain:s0:c1,c2')), [{ code: RULE, text: 'virt_domain', stage: 'start' }]);
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:virt_domain:s0')).map((f) => f.text), ['virt_domain']);
});

test('selinux-type-unknown checks every name against the host policy when it is known', () => {
	const xml = staticGuest('staff_u:sysadm_r:svirt_tcg_t:s0:c1,c2');
	assert.deepEqual(codedFor(RULE, xml, { policy: HOST }).map((f) => f.text), ['staff_u', 'sysadm_r', 'svirt_tcg_t']);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:qemu_t:s0:c1,c2'), { policy: HOST }), [], 'an alias of a defined type is defined');
	// A base label's user and role are replaced by the daemon's.
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'foo_u:bar_r:svirt_t:s0'), { policy: HOST }), []);
});

test('selinux-type-unknown stays silent for custom types without a host policy', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_custom_t:s0:c1,c2', disk(deviceLabel('system_u:object_r:svirt_image_custom_t:s0:c1,c2')), 'yes')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('wheel.id:wheel.role:users.vm.process:s0:c1,c2')), []);
});
