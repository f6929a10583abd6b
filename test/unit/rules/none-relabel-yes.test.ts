import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'none-relabel-yes';

test('none-relabel-yes flags relabel=yes on type none, at the attribute (B5)', () => {
	const xml = domain(`  <seclabel type='none' model='selinux' relabel='yes'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: "relabel='yes'", stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, "unsupported configuration: resource relabeling is not compatible with 'none' label type");
});

test('none-relabel-yes applies to a model-less none label and in live XML', () => {
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='none' relabel='yes'/>`)), [{ code: RULE, text: "relabel='yes'", stage: 'define' }]);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='none' model='dac' relabel='yes'/>`)), [{ code: RULE, text: "relabel='yes'", stage: 'define' }]);
});

test('none-relabel-yes stays silent for relabel=no, no relabel, and other types with relabel=yes', () => {
	// As in libvirt's qemuxmlconfdata/seclabel-none.xml and seclabel-dac-none.xml.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='none'/>`)), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='none' model='dac' relabel='no'/>`)), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'/>`)), []);
	// A missing type is not none, even though it may become none at start.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel model='selinux' relabel='yes'/>`)), []);
});

test('none-relabel-yes fix removes relabel', () => {
	const xml = domain(`  <seclabel type='none' model='selinux' relabel='yes'/>`);
	assert.equal(applyFix(xml, RULE, "Remove relabel='yes'"), domain(`  <seclabel type='none' model='selinux'/>`));
});
