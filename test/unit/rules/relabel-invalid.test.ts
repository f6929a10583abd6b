import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'relabel-invalid';

test('relabel-invalid flags a domain relabel that is not yes or no, at its value', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux' relabel='maybe'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'maybe', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, "XML error: Invalid value for attribute 'relabel' in element 'seclabel': 'maybe'.");
});

test('relabel-invalid flags a device relabel too (E3)', () => {
	const xml = domain('', disk(`<seclabel model='selinux' relabel='No'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'No', stage: 'define' }]);
	assert.equal(applyFix(xml, RULE, "Set relabel='no'"), domain('', disk(`<seclabel model='selinux' relabel='no'/>`)));
});

test('relabel-invalid flags an empty relabel, also in live XML', () => {
	const live = liveDomain(`  <seclabel type='static' model='selinux' relabel=''>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, live), [{ code: RULE, text: "''", stage: 'define' }]);
});

test('relabel-invalid stays silent for yes and no, at both levels', () => {
	const xml = domain(`  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`,
		disk(`<seclabel model='selinux' relabel='no'/>`) + '\n' + disk(`<seclabel model='dac' relabel='yes'><label>+107:+107</label></seclabel>`, '', 'vdb', '/b.img'));
	assert.deepEqual(codedFor(RULE, xml), []);
});

test('relabel-invalid fix maps true to yes, and offers both for nonsense', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux' relabel='true'/>`);
	assert.equal(applyFix(xml, RULE, "Set relabel='yes'"), domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'/>`));
	assert.deepEqual(findings(xml).find((f) => f.rule.id === RULE)!.fixes!.map((fix) => [fix.title, fix.isPreferred]), [["Set relabel='yes'", true]]);
	const nonsense = domain(`  <seclabel type='dynamic' model='selinux' relabel='maybe'/>`);
	assert.deepEqual(findings(nonsense).find((f) => f.rule.id === RULE)!.fixes!.map((fix) => [fix.title, fix.isPreferred]), [["Set relabel='yes'", false], ["Set relabel='no'", false]]);
	assert.equal(applyFix(nonsense, RULE, "Set relabel='no'"), domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`));
});
