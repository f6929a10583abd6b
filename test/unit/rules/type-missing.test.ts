import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'type-missing';

/** 8.0.0 to 11.x store a type-less seclabel as `default`, which these tests are about. */
const DEFAULT_TYPE = { libvirtVersion: '11.3.0' };

test('type-missing flags a seclabel without type as an ignored-stage warning (A5)', () => {
	// derived/define-type-missing.xml: valid, but the seclabel is not written back.
	const xml = domain(`  <seclabel model='selinux'/>`);
	assert.deepEqual(codedFor(RULE, xml, DEFAULT_TYPE), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	const finding = findings(xml, DEFAULT_TYPE).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.severity, 'warning');
	assert.equal(finding.libvirtMessage, undefined);
});

test('type-missing applies to live XML as well, with its own message', () => {
	const xml = liveDomain(`  <seclabel model='selinux'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml, DEFAULT_TYPE), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	assert.match(findings(xml, DEFAULT_TYPE).find((f) => f.rule.id === RULE)!.message, /not written back/);
});

test('type-missing is only advice where a type-less seclabel is dynamic: before 8.0.0 and from 12.0.0', () => {
	const xml = domain(`  <seclabel model='selinux'/>`);
	for (const libvirtVersion of ['7.0.0', '12.0.0', '12.9.0']) {
		assert.deepEqual(codedFor(RULE, xml, { libvirtVersion }), [{ code: RULE, text: 'seclabel', stage: 'advice' }], libvirtVersion);
		assert.match(findings(xml, { libvirtVersion }).find((f) => f.rule.id === RULE)!.message, /as dynamic/);
	}
	for (const libvirtVersion of ['8.0.0', '9.0.0', '11.3.0']) {
		assert.deepEqual(codedFor(RULE, xml, { libvirtVersion }).map((f) => f.stage), ['ignored'], libvirtVersion);
	}
	// There relabel='no' without a type is a dynamic label without relabelling: refused at define.
	const relabelNo = domain(`  <seclabel model='selinux' relabel='no'/>`);
	for (const libvirtVersion of ['7.0.0', '12.9.0']) {
		assert.deepEqual(findings(relabelNo, { libvirtVersion }).filter((f) => f.stage === 'define').map((f) => f.libvirtMessage), ['unsupported configuration: dynamic label type must use resource relabeling'], libvirtVersion);
	}
	assert.deepEqual(findings(relabelNo, DEFAULT_TYPE).filter((f) => f.stage === 'define'), []);
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
