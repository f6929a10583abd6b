import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'device-model-missing';

test('device-model-missing flags a model-less disk override, which no driver uses (E2)', () => {
	// derived/define-dev-no-model.xml
	const xml = domain('', disk(`<seclabel relabel='no'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.severity, 'warning');
});

test('device-model-missing flags model-less chardev overrides, in live XML too', () => {
	const serial = `    <serial type='pty'>\n      <source path='/dev/pts/3'>\n        <seclabel relabel='no'/>\n      </source>\n    </serial>`;
	assert.deepEqual(codedFor(RULE, liveDomain('', serial)), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
});

test('device-model-missing stays silent for overrides with a model', () => {
	// qemuxmlconfdata/seclabel-device-multiple.xml
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='no'/><seclabel model='dac' relabel='no'/>`))), []);
});

test('device-model-missing fixes add model selinux (preferred) or dac', () => {
	const xml = domain('', disk(`<seclabel relabel='no'/>`));
	assert.equal(applyFix(xml, RULE, "Add model='selinux'"), domain('', disk(`<seclabel relabel='no' model='selinux'/>`)));
	assert.equal(applyFix(xml, RULE, "Add model='dac'"), domain('', disk(`<seclabel relabel='no' model='dac'/>`)));
	assert.deepEqual(findings(xml).find((f) => f.rule.id === RULE)!.fixes!.map((fix) => fix.isPreferred), [true, false]);
});
