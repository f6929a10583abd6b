import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, coded, domain } from '../../support/fixture';

const RULE = 'model-too-long';

test('model-too-long flags a model of 257 characters at its value (B1)', () => {
	const model = 'm'.repeat(257);
	const xml = domain(`  <seclabel type='dynamic' model='${model}'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: model, stage: 'ignored' }]);
});

test('model-too-long: the seclabel then counts as model-less for the other rules', () => {
	// A static seclabel whose model libvirt ignores needs the model it lost (C2).
	const xml = domain(`  <seclabel type='static' model='${'m'.repeat(300)}'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`);
	assert.deepEqual(coded(xml).map((c) => c.code).sort(), ['model-missing', RULE]);
});

test('model-too-long stays silent for 256 characters and ordinary models', () => {
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='${'m'.repeat(256)}'/>`)), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'/>`)), []);
});
