import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'model-missing-multiple';

test('model-missing-multiple flags the model-less one of several seclabels (C3)', () => {
	const xml = domain(`  <seclabel type='dynamic'/>\n  <seclabel type='dynamic' model='dac'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.libvirtMessage, 'XML error: missing security model when using multiple labels');
	assert.equal(finding.span.start, xml.indexOf('seclabel'));
});

test('model-missing-multiple flags each model-less seclabel, in live XML too', () => {
	const xml = liveDomain(`  <seclabel type='none'/>\n  <seclabel type='none' model='selinux'/>\n  <seclabel type='none'/>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'define' }, { code: RULE, text: 'seclabel', stage: 'define' }]);
});

test('model-missing-multiple stays silent for a single model-less seclabel and for fully named ones', () => {
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic'/>`)), []);
	// qemuxmlconfdata/seclabel-dac-none.xml style: one per model.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'/>\n  <seclabel type='none' model='dac'/>`)), []);
});

test('model-missing-multiple fix adds a model no other seclabel uses', () => {
	const xml = domain(`  <seclabel type='dynamic'/>\n  <seclabel type='dynamic' model='dac'/>`);
	assert.equal(applyFix(xml, RULE, "Add model='selinux'"), domain(`  <seclabel type='dynamic' model='selinux'/>\n  <seclabel type='dynamic' model='dac'/>`));
	const taken = domain(`  <seclabel type='none' model='selinux'/>\n  <seclabel type='none'/>`);
	assert.equal(applyFix(taken, RULE, "Add model='dac'"), domain(`  <seclabel type='none' model='selinux'/>\n  <seclabel type='none' model='dac'/>`));
});
