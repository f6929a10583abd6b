import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'seclabel-type-invalid';

test('seclabel-type-invalid flags a misspelt type at its value, with libvirt\'s message', () => {
	const xml = domain(`  <seclabel type='Dynamic' model='selinux'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'Dynamic', stage: 'define' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.libvirtMessage, "XML error: Invalid value for attribute 'type' in element 'seclabel': 'Dynamic'.");
	assert.equal(finding.severity, 'error');
});

test('seclabel-type-invalid refuses type=default, which exists only inside libvirt (B2)', () => {
	const xml = domain(`  <seclabel type='default' model='selinux'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'default', stage: 'define' }]);
	assert.deepEqual(findings(xml).find((f) => f.rule.id === RULE)!.fixes!.map((fix) => fix.title), ["Set type='dynamic'", "Set type='static'", "Set type='none'"]);
});

test('seclabel-type-invalid flags an empty type and applies in live XML too', () => {
	const empty = domain(`  <seclabel type='' model='selinux'/>`);
	assert.deepEqual(codedFor(RULE, empty), [{ code: RULE, text: "''", stage: 'define' }]);
	assert.equal(findings(empty).find((f) => f.rule.id === RULE)!.libvirtMessage, "XML error: Invalid value for attribute 'type' in element 'seclabel': ''.");
	const live = liveDomain(`  <seclabel type='bogus' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, live), [{ code: RULE, text: 'bogus', stage: 'define' }]);
});

test('seclabel-type-invalid stays silent for the three types, a missing type and device seclabels', () => {
	for (const type of ['dynamic', 'static', 'none']) {
		const label = type === 'static' ? '<label>system_u:system_r:svirt_t:s0:c1,c2</label>' : '';
		assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='${type}' model='selinux'>${label}</seclabel>`)), [], type);
	}
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel model='selinux'/>`)), []);
	// Device seclabels have no type; seclabel-unknown-attribute reports one, not this rule.
	const device = `    <disk type='file' device='disk'>\n      <source file='/a.img'><seclabel model='selinux' type='bogus' relabel='no'/></source>\n      <target dev='vda'/>\n    </disk>`;
	assert.deepEqual(codedFor(RULE, domain('', device)), []);
});

test('seclabel-type-invalid fix corrects the case of a misspelt type', () => {
	const xml = domain(`  <seclabel type='Dynamic' model='selinux'/>`);
	assert.equal(applyFix(xml, RULE, "Set type='dynamic'"), domain(`  <seclabel type='dynamic' model='selinux'/>`));
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.fixes!.length, 1);
});

test('seclabel-type-invalid offers every type when the value is no near miss', () => {
	const xml = domain(`  <seclabel type='default' model='selinux'/>`);
	assert.equal(applyFix(xml, RULE, "Set type='none'"), domain(`  <seclabel type='none' model='selinux'/>`));
	assert.equal(applyFix(xml, RULE, "Set type='static'"), domain(`  <seclabel type='static' model='selinux'/>`));
});
