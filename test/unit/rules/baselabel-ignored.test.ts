import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'baselabel-ignored';
const BASE = 'system_u:system_r:svirt_tcg_t:s0';

/** 8.0.0 to 11.x store a type-less seclabel as `default`, which these tests are about. */
const DEFAULT_TYPE = { libvirtVersion: '11.3.0' };

test('baselabel-ignored flags a baselabel without a type, which libvirt drops with the seclabel (A5, B10)', () => {
	// derived/define-type-missing-baselabel.xml
	const xml = domain(`  <seclabel model='selinux'>\n    <baselabel>${BASE}</baselabel>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml, DEFAULT_TYPE), [{ code: RULE, text: 'baselabel', stage: 'ignored' }]);
	// Where a type-less seclabel is dynamic, its baselabel is read.
	assert.deepEqual(codedFor(RULE, xml, { libvirtVersion: '7.0.0' }), []);
	assert.deepEqual(codedFor(RULE, xml, { libvirtVersion: '12.9.0' }), []);
	assert.deepEqual(findings(xml, DEFAULT_TYPE).find((f) => f.rule.id === RULE)!.fixes!.map((fix) => [fix.title, fix.isPreferred]), [["Add type='dynamic'", true], ['Remove the ignored <baselabel>', false]]);
});

test('baselabel-ignored flags baselabels under static, none and model none', () => {
	// derived/define-static-baselabel.xml
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static' model='selinux'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n    <baselabel>${BASE}</baselabel>\n  </seclabel>`)), [{ code: RULE, text: 'baselabel', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='none' model='selinux'>\n    <baselabel>${BASE}</baselabel>\n  </seclabel>`)), [{ code: RULE, text: 'baselabel', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='none'>\n    <baselabel>${BASE}</baselabel>\n  </seclabel>`)), [{ code: RULE, text: 'baselabel', stage: 'ignored' }]);
});

test('baselabel-ignored flags an empty and a second baselabel under dynamic', () => {
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'>\n    <baselabel></baselabel>\n  </seclabel>`)), [{ code: RULE, text: 'baselabel', stage: 'ignored' }]);
	const second = domain(`  <seclabel type='dynamic' model='selinux'>\n    <baselabel>${BASE}</baselabel>\n    <baselabel>system_u:system_r:svirt_t:s0</baselabel>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, second), [{ code: RULE, text: 'baselabel', stage: 'ignored' }]);
	assert.equal(findings(second).find((f) => f.rule.id === RULE)!.span.start, second.lastIndexOf('<baselabel>') + 1);
});

test('baselabel-ignored stays silent for a baselabel under an explicit dynamic type', () => {
	// qemuxmlconfdata/seclabel-dynamic-baselabel.xml
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'>\n    <baselabel>${BASE}</baselabel>\n  </seclabel>`)), []);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_tcg_t:s0:c1,c2</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n    <baselabel>${BASE}</baselabel>\n  </seclabel>`)), []);
});

test('baselabel-ignored fixes: add type=dynamic, or remove the baselabel', () => {
	const xml = domain(`  <seclabel model='selinux'>\n    <baselabel>${BASE}</baselabel>\n  </seclabel>`);
	assert.equal(applyFix(xml, RULE, "Add type='dynamic'", DEFAULT_TYPE), domain(`  <seclabel model='selinux' type='dynamic'>\n    <baselabel>${BASE}</baselabel>\n  </seclabel>`));
	assert.equal(applyFix(xml, RULE, 'Remove the ignored <baselabel>', DEFAULT_TYPE), domain(`  <seclabel model='selinux'>\n  </seclabel>`));
});
