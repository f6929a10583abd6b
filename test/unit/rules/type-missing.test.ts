import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings } from '../../support/fixture';

const RULE = 'type-missing';

test('type-missing flags a seclabel without type as an ignored-stage warning (A5)', () => {
	// derived/define-type-missing.xml: valid, but the seclabel is not written back.
	const xml = domain(`  <seclabel model='selinux'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.severity, 'warning');
	assert.equal(finding.libvirtMessage, undefined);
});

test('type-missing applies to live XML as well, with its own message', () => {
	const xml = domain(`  <seclabel model='selinux'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`, '', " id='1'");
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	assert.match(findings(xml).find((f) => f.rule.id === RULE)!.message, /not written back/);
});

test('type-missing stays silent with a type, and for model none, which define rewrites to type none', () => {
	for (const type of ['dynamic', 'none']) {
		assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='${type}' model='selinux'/>`)), [], type);
	}
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel model='none'/>`)), []);
	// An invalid type is seclabel-type-invalid's.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='' model='selinux'/>`)), []);
});

test('type-missing fix adds type=dynamic', () => {
	const xml = domain(`  <seclabel model='selinux'>\n    <baselabel>system_u:system_r:svirt_tcg_t:s0</baselabel>\n  </seclabel>`);
	assert.equal(applyFix(xml, RULE, "Add type='dynamic'"), domain(`  <seclabel model='selinux' type='dynamic'>\n    <baselabel>system_u:system_r:svirt_tcg_t:s0</baselabel>\n  </seclabel>`));
});

test('type-missing fix also drops relabel=no, which a dynamic label refuses', () => {
	// derived/define-type-missing-relabel-no.xml
	const xml = domain(`  <seclabel model='selinux' relabel='no'/>`);
	assert.equal(applyFix(xml, RULE, "Add type='dynamic' and remove relabel='no'"), domain(`  <seclabel model='selinux' type='dynamic'/>`));
	assert.deepEqual(findings(xml).find((f) => f.rule.id === RULE)!.fixes!.map((fix) => fix.title), ["Add type='dynamic' and remove relabel='no'"]);
});
