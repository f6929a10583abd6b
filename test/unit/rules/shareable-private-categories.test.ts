import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk } from '../../support/fixture';
import { deviceLabel, dynamicGuest } from '../selinux/guests';

const RULE = 'shareable-private-categories';
const SHAREABLE = '\n      <shareable/>';

test('shareable-private-categories flags private categories on a shareable disk and fixes them to s0', () => {
	const xml = dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c1,c2'), SHAREABLE));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 's0:c1,c2', stage: 'advice' }]);
	assert.equal(applyFix(xml, RULE, 'Use the shared level s0'), dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_image_t:s0'), SHAREABLE)));
});

test('shareable-private-categories stays silent without categories or without <shareable/>', () => {
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_image_t:s0'), SHAREABLE))), []);
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c1,c2'), '\n      <readonly/>'))), []);
});
