import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'model-none-type';
/** A running guest's dump: `virsh define` ignores the id, so it is define-time XML, not live. */
const ID = " id='1'";

test('model-none-type: define-time XML is rewritten to type none, so the finding is an ignored-stage warning (B6)', () => {
	const xml = domain(`  <seclabel type='dynamic' model='none'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'dynamic', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='none'/>`, '', ID)), [{ code: RULE, text: 'dynamic', stage: 'ignored' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.severity, 'warning');
	assert.equal(finding.libvirtMessage, undefined);
});

test('model-none-type: live XML with a type other than none is refused with libvirt\'s message', () => {
	const xml = liveDomain(`  <seclabel type='dynamic' model='none' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'dynamic', stage: 'define' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.libvirtMessage, "unsupported configuration: unsupported type='dynamic' to model 'none'");
	assert.equal(finding.severity, 'error');
});

test('model-none-type flags static and type-less seclabels of model none (at the element name when there is no type)', () => {
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static' model='none'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`)), [{ code: RULE, text: 'static', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel model='none'/>`)), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	const live = liveDomain(`  <seclabel model='none'>\n    <label>x</label>\n  </seclabel>`);
	assert.equal(findings(live, { libvirtVersion: '11.3.0' }).find((f) => f.rule.id === RULE)!.libvirtMessage, "unsupported configuration: unsupported type='default' to model 'none'");
	// Where a missing type means dynamic, libvirt names that.
	assert.equal(findings(live, { libvirtVersion: '12.9.0' }).find((f) => f.rule.id === RULE)!.libvirtMessage, "unsupported configuration: unsupported type='dynamic' to model 'none'");
});

test('model-none-type stays silent for type none, for other models, and for an invalid type', () => {
	// libvirt's own output for a none model, e.g. qemuxmlconfdata/seclabel-none.x86_64-latest.xml.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='none' model='none'/>`)), []);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='none' model='none'/>`)), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'/>`)), []);
	// seclabel-type-invalid reports a bad type; libvirt stops there.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='bogus' model='none'/>`)), []);
});

test('model-none-type fix sets type none', () => {
	const xml = domain(`  <seclabel type='dynamic' model='none'/>`);
	assert.equal(applyFix(xml, RULE, "Set type='none'"), domain(`  <seclabel type='none' model='none'/>`));
	const typeless = domain(`  <seclabel model='none'/>`);
	assert.equal(applyFix(typeless, RULE, "Set type='none'"), domain(`  <seclabel model='none' type='none'/>`));
});
