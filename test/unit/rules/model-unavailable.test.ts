import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, disk, domain, findings } from '../../support/fixture';

const RULE = 'model-unavailable';

test('model-unavailable flags domain and device models the host does not run, with libvirt\'s message', () => {
	const xml = domain("  <seclabel type='dynamic' model='selinx'/>", disk("<seclabel model='bogus' relabel='no'/>"));
	assert.deepEqual(codedFor(RULE, xml).map((f) => [f.text, f.stage]), [['bogus', 'start'], ['selinx', 'start']]);
	assert.deepEqual(findings(xml).filter((f) => f.rule.id === RULE).map((f) => f.libvirtMessage), [
		"unsupported configuration: Security driver model 'bogus' is not available",
		"unsupported configuration: Security driver model 'selinx' is not available",
	]);
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='selinux'/>"), { hostSecurityModel: 'apparmor' }).map((f) => f.text), ['selinux']);
});

test('model-unavailable stays silent for the host model, dac and none, and with the test driver', () => {
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='selinux'/>\n  <seclabel type='dynamic' model='dac'/>")), []);
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='none' model='none'/>")), []);
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='apparmor'/>"), { hostSecurityModel: 'apparmor' }), []);
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='bogus'/>"), { driver: 'test' }), []);
});
