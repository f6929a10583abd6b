import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk } from '../../support/fixture';
import { deviceLabel, dynamicGuest, liveGuest, staticGuest } from '../selinux/guests';

const RULE = 'selinux-mcs-mismatch';

test('selinux-mcs-mismatch flags an imagelabel whose level the live label does not cover', () => {
	const xml = liveGuest('system_u:system_r:svirt_t:s0:c10,c20', 'system_u:object_r:svirt_image_t:s0:c30,c40');
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 's0:c30,c40', stage: 'start' }]);
	assert.equal(applyFix(xml, RULE, "Use the guest's level s0:c10,c20"), liveGuest('system_u:system_r:svirt_t:s0:c10,c20', 'system_u:object_r:svirt_image_t:s0:c10,c20'));
	// Covered but different: the guest can use it, libvirt would not have written it.
	assert.deepEqual(codedFor(RULE, liveGuest('system_u:system_r:svirt_t:s0:c10,c20', 'system_u:object_r:svirt_image_t:s0:c10')).map((f) => f.stage), ['advice']);
});

test('selinux-mcs-mismatch flags a device label outside a static guest\'s categories', () => {
	const xml = staticGuest('system_u:system_r:svirt_t:s0:c10,c20', disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c30,c40')), 'yes');
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 's0:c30,c40', stage: 'start' }]);
	assert.equal(applyFix(xml, RULE, "Use the guest's level s0:c10,c20"), staticGuest('system_u:system_r:svirt_t:s0:c10,c20', disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c10,c20')), 'yes'));
});

test('selinux-mcs-mismatch flags a device label with categories under a dynamic (random) pair', () => {
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c1,c2')))).map((f) => [f.text, f.stage]), [['s0:c1,c2', 'start']]);
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:virt_content_t:s0')))), []);
});

test('selinux-mcs-mismatch stays silent when the guest covers its files, and for shareable disks', () => {
	assert.deepEqual(codedFor(RULE, liveGuest('system_u:system_r:svirt_t:s0:c41,c264', 'system_u:object_r:svirt_image_t:s0:c41,c264', disk(deviceLabel('system_u:object_r:svirt_image_custom_t:s0:c41,c264')))), []);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0-s0:c0.c1023', disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c30,c40')), 'yes')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c1,c2', disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c1')), 'yes')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c1,c2', disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c5,c6'), '\n      <shareable/>'), 'yes')), []);
});
