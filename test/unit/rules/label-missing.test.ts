import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'label-missing';
/** A running guest's dump: `virsh define` ignores the id, so it is define-time XML, not live. */
const ID = " id='1'";
const LABEL = 'system_u:system_r:svirt_t:s0:c1,c2';
const IMAGELABEL = 'system_u:object_r:svirt_image_t:s0:c1,c2';

test('label-missing flags a static seclabel without <label>, at the seclabel (B7)', () => {
	const xml = domain(`  <seclabel type='static' model='selinux'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'XML error: security label is missing');
});

test('label-missing flags an empty or over-long label at the <label>, without a fix', () => {
	const empty = domain(`  <seclabel type='static' model='selinux' relabel='no'>\n    <label></label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, empty), [{ code: RULE, text: 'label', stage: 'define' }]);
	assert.deepEqual(findings(empty).find((f) => f.rule.id === RULE)!.fixes, []);
	const long = domain(`  <seclabel type='static' model='selinux'>\n    <label>${'s'.repeat(4097)}</label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, long), [{ code: RULE, text: 'label', stage: 'define' }]);
	const longest = domain(`  <seclabel type='static' model='selinux'>\n    <label>${'s'.repeat(4096)}</label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, longest), []);
});

test('label-missing: live XML needs a label for dynamic and type-less seclabels, define-time XML does not', () => {
	const dynamic = `  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`;
	assert.deepEqual(codedFor(RULE, liveDomain(dynamic)), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.deepEqual(codedFor(RULE, domain(dynamic, '', ID)), []);
	assert.deepEqual(codedFor(RULE, domain(dynamic)), []);
	const typeless = `  <seclabel model='selinux' relabel='no'/>`;
	assert.deepEqual(codedFor(RULE, liveDomain(typeless)), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.deepEqual(codedFor(RULE, domain(typeless)), []);
});

test('label-missing stays silent for valid labels, type none and model none', () => {
	// qemuxmlconfdata/seclabel-static.xml
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n  </seclabel>`)), []);
	// derived/live-dynamic-full.xml
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`)), []);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='none' model='selinux'/>`)), []);
	// model='none' is rewritten to type none at define time, before the label is read (B6).
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static' model='none'/>`)), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='bogus' model='selinux'/>`)), []);
});

test('label-missing fix adds a placeholder label of the right model, opening a self-closing seclabel', () => {
	assert.equal(applyFix(domain(`  <seclabel type='static' model='selinux'/>`), RULE, 'Add a <label>'),
		domain(`  <seclabel type='static' model='selinux'>\n    <label>system_u:system_r:svirt_t:s0:c0,c1</label>\n  </seclabel>`));
	assert.equal(applyFix(domain(`  <seclabel type='static' model='dac'></seclabel>`), RULE, 'Add a <label>'),
		domain(`  <seclabel type='static' model='dac'>\n    <label>+107:+107</label>\n  </seclabel>`));
	assert.equal(applyFix(domain(`  <seclabel type='static' model='apparmor'/>`), RULE, 'Add a <label>'),
		domain(`  <seclabel type='static' model='apparmor'>\n    <label>libvirt-00000000-0000-0000-0000-000000000000</label>\n  </seclabel>`));
});
