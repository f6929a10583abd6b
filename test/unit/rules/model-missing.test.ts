import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'model-missing';
const LABEL = 'system_u:system_r:svirt_t:s0:c1,c2';

test('model-missing flags a lone static seclabel without model (C2)', () => {
	const xml = domain(`  <seclabel type='static'>\n    <label>${LABEL}</label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'XML error: missing security model in domain seclabel');
});

test('model-missing flags a dynamic seclabel with a baselabel, a type-less one and a bare one', () => {
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic'>\n    <baselabel>system_u:system_r:svirt_tcg_t:s0</baselabel>\n  </seclabel>`)), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	// A type-less seclabel is `default` in 8.0.0 to 11.x, which needs a model; dynamic (12.9.0) does not.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel relabel='yes'/>`), { libvirtVersion: '11.3.0' }), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel relabel='yes'/>`), { libvirtVersion: '12.9.0' }), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel/>`), { libvirtVersion: '11.3.0' }), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
});

test('model-missing: a model-less dynamic seclabel is fine at define time but refused in live XML', () => {
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic'/>`)), []);
	const live = liveDomain(`  <seclabel type='dynamic' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, live), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
});

test('model-missing stays silent for type none, for a written model, with several seclabels, and under the test driver', () => {
	// qemuxmlconfdata/seclabel-none.xml, seclabel-dynamic.xml
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='none'/>`)), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`)), []);
	// Several seclabels are model-missing-multiple's business.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static'>\n    <label>${LABEL}</label>\n  </seclabel>\n  <seclabel type='none' model='dac'/>`)), []);
	// libvirt's test driver has no default model and skips the check (virsh -c test:///default accepts it).
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static'>\n    <label>${LABEL}</label>\n  </seclabel>`), { driver: 'test' }), []);
});

test('model-missing fixes add a model; selinux is preferred', () => {
	const xml = domain(`  <seclabel type='static'>\n    <label>${LABEL}</label>\n  </seclabel>`);
	assert.equal(applyFix(xml, RULE, "Add model='selinux'"), domain(`  <seclabel type='static' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`));
	assert.equal(applyFix(xml, RULE, "Add model='dac'"), domain(`  <seclabel type='static' model='dac'>\n    <label>${LABEL}</label>\n  </seclabel>`));
	assert.deepEqual(findings(xml).find((f) => f.rule.id === RULE)!.fixes!.filter((fix) => fix.isPreferred).map((fix) => fix.title), ["Add model='selinux'"]);
	const bare = domain(`  <seclabel/>`);
	assert.equal(applyFix(bare, RULE, "Add model='apparmor'", { libvirtVersion: '11.3.0' }), domain(`  <seclabel model='apparmor'/>`));
});
