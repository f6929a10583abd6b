import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk } from '../../support/fixture';
import { deviceLabel, dynamicGuest, liveGuest, staticGuest } from '../selinux/guests';

const RULE = 'selinux-level-missing';

test('selinux-level-missing flags a static label without a level, and a device label, at start on a QEMU host', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t')).map((f) => [f.text, f.stage]), [['svirt_t', 'start']]);
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_image_t')))).map((f) => [f.text, f.stage]), [['svirt_image_t', 'start']]);
});

test('selinux-level-missing adds s0, or the guest level to an image label', () => {
	const xml = dynamicGuest(disk(deviceLabel('system_u:object_r:virt_content_t')));
	assert.equal(applyFix(xml, RULE, 'Add the level s0'), dynamicGuest(disk(deviceLabel('system_u:object_r:virt_content_t:s0'))));
	const live = liveGuest('system_u:system_r:svirt_t:s0:c1,c2', 'system_u:object_r:svirt_image_t');
	assert.equal(applyFix(live, RULE, 'Add the level s0:c1,c2'), liveGuest('system_u:system_r:svirt_t:s0:c1,c2', 'system_u:object_r:svirt_image_t:s0:c1,c2'));
});

test('selinux-level-missing stays silent for base labels and labels with a level', () => {
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:svirt_t')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('svirt_t')), [], 'a malformed label is selinux-context-syntax\'s');
});
