import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain } from '../../support/fixture';

test('dynamic-relabel-no flags relabel=no on a dynamic label, at the attribute', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);
	assert.deepEqual(codedFor('dynamic-relabel-no', xml), [{ code: 'dynamic-relabel-no', text: "relabel='no'", stage: 'define' }]);
});

test('dynamic-relabel-no stays silent for relabel=yes and for static labels', () => {
	assert.deepEqual(codedFor('dynamic-relabel-no', domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'/>`)), []);
	assert.deepEqual(codedFor('dynamic-relabel-no', domain(`  <seclabel type='static' model='selinux' relabel='no'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>`)), []);
	// In 8.0.0 to 11.x a missing type is the internal 'default' type, which libvirt does not refuse with relabel=no.
	const typeless = domain(`  <seclabel model='selinux' relabel='no'/>`);
	assert.deepEqual(codedFor('dynamic-relabel-no', typeless, { libvirtVersion: '9.0.0' }), []);
	assert.deepEqual(codedFor('dynamic-relabel-no', typeless, { libvirtVersion: '11.3.0' }), []);
	// Before and after, it is dynamic, and refused (the 7.0.0 and 12.9.0 oracles agree).
	for (const libvirtVersion of ['7.0.0', '12.0.0', '12.9.0']) {
		assert.deepEqual(codedFor('dynamic-relabel-no', typeless, { libvirtVersion }), [{ code: 'dynamic-relabel-no', text: "relabel='no'", stage: 'define' }], libvirtVersion);
	}
});

test('dynamic-relabel-no fix sets relabel to yes', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);
	assert.equal(applyFix(xml, 'dynamic-relabel-no', "Set relabel='yes'"), domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'/>`));
});

test('dynamic-relabel-no second fix switches to static with a label', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);
	assert.equal(applyFix(xml, 'dynamic-relabel-no', "Switch to type='static' (keep image labels; needs a label)"),
		domain(`  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:c0,c1</label>\n  </seclabel>`));
});
