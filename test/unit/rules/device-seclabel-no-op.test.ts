import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, liveDomain } from '../../support/fixture';

const RULE = 'device-seclabel-no-op';

test('device-seclabel-no-op flags a bare override, which libvirt drops from the saved config (D3)', () => {
	// derived/define-dev-bare.xml
	const xml = domain('', disk(`<seclabel model='selinux'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
});

test('device-seclabel-no-op flags an override whose only label is empty (E5)', () => {
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux'><label></label></seclabel>`))), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
});

test('device-seclabel-no-op stays silent in live XML and for overrides that do something', () => {
	const live = liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n  </seclabel>`, disk(`<seclabel model='selinux'/>`));
	assert.deepEqual(codedFor(RULE, live), []);
	// derived/define-dev-relabel-no.xml, define-dev-label-no-relabel-attr.xml
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='no'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>`))), []);
	// These are reported by device-relabel-without-label, labelskip-ignored and device-model-missing.
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='yes'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' labelskip='yes'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel/>`))), []);
});

test('device-seclabel-no-op fix removes the override, and its line', () => {
	const xml = domain('', disk(`\n        <seclabel model='selinux'/>\n      `));
	assert.equal(applyFix(xml, RULE, 'Remove this override'), domain('', disk(`\n      `)));
});
