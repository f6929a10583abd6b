import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'label-ignored';
const LABEL = 'system_u:system_r:svirt_t:s0:c1,c2';
/** A running guest's dump: `virsh define` ignores the id, so it is define-time XML, not live. */
const ID = " id='1'";

test('label-ignored flags a <label> under a dynamic seclabel in define-time XML (B8)', () => {
	// derived/define-dynamic-label-imagelabel.xml
	const xml = domain(`  <seclabel type='dynamic' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'label', stage: 'ignored' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.severity, 'warning');
	// A saved virsh dumpxml of a running guest: the generated label is dropped at define all the same.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`, '', ID)), [{ code: RULE, text: 'label', stage: 'ignored' }]);
});

test('label-ignored flags labels under type none and model none, in live XML too', () => {
	// derived/define-none-with-label.xml
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='none' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`)), [{ code: RULE, text: 'label', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='none' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`)), [{ code: RULE, text: 'label', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static' model='none'>\n    <label>${LABEL}</label>\n  </seclabel>`)), [{ code: RULE, text: 'label', stage: 'ignored' }]);
});

test('label-ignored flags every label after the first one libvirt reads', () => {
	const xml = domain(`  <seclabel type='static' model='selinux'>\n    <label>${LABEL}</label>\n    <label>system_u:system_r:svirt_t:s0:c3,c4</label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'label', stage: 'ignored' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.span.start, xml.lastIndexOf('<label>') + 1);
});

test('label-ignored stays silent for static labels and for live labels of dynamic guests', () => {
	// qemuxmlconfdata/seclabel-static.xml, derived/live-dynamic-full.xml
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static' model='selinux' relabel='no'>\n    <label>${LABEL}</label>\n  </seclabel>`)), []);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n  </seclabel>`)), []);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n  </seclabel>`)), []);
});

test('label-ignored fixes: remove the label, or switch a dynamic seclabel to static to keep it', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`);
	assert.equal(applyFix(xml, RULE, 'Remove the ignored <label>'), domain(`  <seclabel type='dynamic' model='selinux'>\n  </seclabel>`));
	assert.equal(applyFix(xml, RULE, "Switch to type='static' to keep this label"), domain(`  <seclabel type='static' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`));
	const none = domain(`  <seclabel type='none' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`);
	assert.deepEqual(findings(none).find((f) => f.rule.id === RULE)!.fixes!.map((fix) => fix.title), ['Remove the ignored <label>']);
});

test("label-ignored on a running guest's dump (id='N') says so and offers to mark the file live, which makes libvirt's live parse read the label", () => {
	const dump = domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n  </seclabel>`, '', ID);
	const finding = findings(dump).find((f) => f.rule.id === RULE)!;
	assert.match(finding.message, /id='1' says this is a running guest's dump/);
	assert.deepEqual(finding.fixes!.map((fix) => fix.title), ['Remove the ignored <label>', "Switch to type='static' to keep this label", 'Mark the file as live XML (the record of a running guest)']);
	const marked = applyFix(dump, RULE, 'Mark the file as live XML (the record of a running guest)');
	assert.ok(marked.startsWith("<!-- libvirt-seclabel: live -->\n<domain type='kvm' id='1'>"), marked.slice(0, 80));
	assert.deepEqual(codedFor(RULE, marked), []);
	// Without an id there is nothing to hint, and a second label would stay ignored even when live.
	assert.doesNotMatch(findings(domain(`  <seclabel type='dynamic' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`)).find((f) => f.rule.id === RULE)!.message, /running guest/);
	const two = findings(domain(`  <seclabel type='dynamic' model='selinux'>\n    <label>${LABEL}</label>\n    <label>${LABEL}</label>\n  </seclabel>`, '', ID)).filter((f) => f.rule.id === RULE);
	assert.deepEqual(two.map((f) => f.fixes!.length), [3, 2]);
});
