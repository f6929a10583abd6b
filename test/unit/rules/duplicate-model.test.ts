import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'duplicate-model';

test('duplicate-model flags the second seclabel of a model at its model value (C1)', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux'/>\n  <seclabel type='none' model='selinux'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'selinux', stage: 'define' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.libvirtMessage, 'seclabel for model selinux is already provided');
	assert.equal(finding.span.start, xml.lastIndexOf('selinux'));
	assert.equal(finding.related![0].span.start, xml.indexOf('seclabel'));
});

test('duplicate-model: two model-less seclabels collide as (null)', () => {
	const xml = domain(`  <seclabel type='dynamic'/>\n  <seclabel type='none'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'seclabel for model (null) is already provided');
});

test('duplicate-model reports every repeat, also in live XML', () => {
	const xml = liveDomain(`  <seclabel type='none' model='dac'/>\n  <seclabel type='none' model='dac'/>\n  <seclabel type='none' model='dac'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'dac', stage: 'define' }, { code: RULE, text: 'dac', stage: 'define' }]);
});

test('duplicate-model stays silent for one seclabel per model', () => {
	// derived/define-selinux-and-dac.xml
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'/>\n  <seclabel type='static' model='dac' relabel='yes'>\n    <label>+107:+107</label>\n  </seclabel>`)), []);
	// libvirt stops at an invalid type before it compares models.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'/>\n  <seclabel type='bogus' model='selinux'/>`)), []);
});
