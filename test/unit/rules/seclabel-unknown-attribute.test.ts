import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, findings } from '../../support/fixture';

const RULE = 'seclabel-unknown-attribute';

test('seclabel-unknown-attribute flags a misspelt domain attribute and suggests the real one', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux' relable='yes'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: "relable='yes'", stage: 'ignored' }]);
	assert.match(findings(xml).find((f) => f.rule.id === RULE)!.message, /did you mean 'relabel'\?/);
});

test('seclabel-unknown-attribute flags an unknown child element at its name', () => {
	const xml = domain(`  <seclabel type='static' model='selinux'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n    <lable>x</lable>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'lable', stage: 'ignored' }]);
	assert.match(findings(xml).find((f) => f.rule.id === RULE)!.message, /did you mean <label>\?/);
});

test('seclabel-unknown-attribute knows that device seclabels have no type and no baselabel', () => {
	const xml = domain('', disk(`<seclabel model='selinux' type='dynamic'><baselabel>x</baselabel></seclabel>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: "type='dynamic'", stage: 'ignored' }, { code: RULE, text: 'baselabel', stage: 'ignored' }]);
});

test('seclabel-unknown-attribute stays silent for the attributes and children libvirt reads', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux' relabel='yes' xmlns:x='urn:x'>\n    <baselabel>system_u:system_r:svirt_tcg_t:s0</baselabel>\n  </seclabel>`,
		disk(`<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0</label></seclabel><seclabel model='dac' labelskip='yes'/>`));
	assert.deepEqual(codedFor(RULE, xml), []);
});

test('seclabel-unknown-attribute fix removes the attribute', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux' relable='yes'/>`);
	assert.equal(applyFix(xml, RULE, "Remove 'relable'"), domain(`  <seclabel type='dynamic' model='selinux'/>`));
	const unrelated = domain(`  <seclabel type='dynamic' model='selinux' colour='blue'/>`);
	assert.deepEqual(findings(unrelated).find((f) => f.rule.id === RULE)!.fixes!.map((fix) => [fix.title, fix.isPreferred]), [["Remove 'colour'", true]]);
});
