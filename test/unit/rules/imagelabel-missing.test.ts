import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'imagelabel-missing';
/** A running guest's dump: `virsh define` ignores the id, so it is define-time XML, not live. */
const ID = " id='1'";
const LABEL = 'system_u:system_r:svirt_t:s0:c1,c2';

test('imagelabel-missing flags live dynamic XML without <imagelabel> (B9)', () => {
	const xml = liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'XML error: security imagelabel is missing');
});

test('imagelabel-missing: the inactive output of a static relabel=yes guest is not valid live XML', () => {
	const seclabel = `  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n  </seclabel>`;
	assert.deepEqual(codedFor(RULE, liveDomain(seclabel)), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.deepEqual(codedFor(RULE, domain(seclabel)), []);
	// The same dump saved and defined again: define-time XML whatever its id.
	assert.deepEqual(codedFor(RULE, domain(seclabel, '', ID)), []);
});

test('imagelabel-missing flags an empty imagelabel at the element', () => {
	const xml = liveDomain(`  <seclabel type='dynamic' model='selinux'>\n    <label>${LABEL}</label>\n    <imagelabel/>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'imagelabel', stage: 'define' }]);
});

test('imagelabel-missing stays silent without relabelling, for type none, and in define-time XML', () => {
	// derived/live-static-relabel-no.xml and live-none.xml
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='static' model='selinux' relabel='no'>\n    <label>${LABEL}</label>\n  </seclabel>`)), []);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='static' model='selinux'>\n    <label>${LABEL}</label>\n  </seclabel>`)), []);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='none' model='selinux'/>`)), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'/>`)), []);
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n  </seclabel>`)), []);
});

test('imagelabel-missing fix adds an imagelabel after the label, where libvirt writes it', () => {
	const xml = liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n  </seclabel>`);
	assert.equal(applyFix(xml, RULE, 'Add an <imagelabel>'),
		liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c0,c1</imagelabel>\n  </seclabel>`));
});

test('imagelabel-missing fix opens a seclabel that has no label either', () => {
	const xml = liveDomain(`  <seclabel type='dynamic' model='selinux'/>`);
	assert.equal(applyFix(xml, RULE, 'Add an <imagelabel>'),
		liveDomain(`  <seclabel type='dynamic' model='selinux'>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c0,c1</imagelabel>\n  </seclabel>`));
});
