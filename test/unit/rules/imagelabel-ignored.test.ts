import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings, liveDomain } from '../../support/fixture';

const RULE = 'imagelabel-ignored';
const LABEL = 'system_u:system_r:svirt_t:s0:c1,c2';
const IMAGELABEL = 'system_u:object_r:svirt_image_t:s0:c1,c2';
/** A running guest's dump: `virsh define` ignores the id, so it is define-time XML, not live. */
const ID = " id='1'";

test('imagelabel-ignored flags an <imagelabel> in define-time XML, whatever the type (B9, D2)', () => {
	// derived/define-static-relabel-yes-imagelabel.xml
	const xml = domain(`  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'imagelabel', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`)), [{ code: RULE, text: 'imagelabel', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`, '', ID)), [{ code: RULE, text: 'imagelabel', stage: 'ignored' }]);
});

test('imagelabel-ignored: live XML reads the first imagelabel only when relabelling', () => {
	const norelabel = liveDomain(`  <seclabel type='static' model='selinux' relabel='no'>\n    <label>${LABEL}</label>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, norelabel), [{ code: RULE, text: 'imagelabel', stage: 'ignored' }]);
	const second = liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`);
	assert.deepEqual(codedFor(RULE, second), [{ code: RULE, text: 'imagelabel', stage: 'ignored' }]);
});

test('imagelabel-ignored stays silent for the imagelabel of a running relabelling guest', () => {
	// derived/live-dynamic-full.xml; securityselinuxlabeldata/*.xml
	assert.deepEqual(codedFor(RULE, liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`)), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'/>`)), []);
});

test('imagelabel-ignored fix removes the imagelabel', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux'>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`);
	assert.equal(applyFix(xml, RULE, 'Remove the ignored <imagelabel>'), domain(`  <seclabel type='dynamic' model='selinux'>\n  </seclabel>`));
});

test("imagelabel-ignored on a running guest's dump (id='N') offers to mark the file live only where live XML would read it", () => {
	const dump = domain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>${LABEL}</label>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`, '', ID);
	const marked = applyFix(dump, RULE, 'Mark the file as live XML (the record of a running guest)');
	assert.ok(marked.startsWith('<!-- libvirt-seclabel: live -->\n'), marked.slice(0, 80));
	assert.deepEqual(codedFor(RULE, marked), []);
	// Without relabelling live XML ignores it too: no such fix.
	const norelabel = findings(domain(`  <seclabel type='static' model='selinux' relabel='no'>\n    <label>${LABEL}</label>\n    <imagelabel>${IMAGELABEL}</imagelabel>\n  </seclabel>`, '', ID)).find((f) => f.rule.id === RULE)!;
	assert.deepEqual(norelabel.fixes!.map((fix) => fix.title), ['Remove the ignored <imagelabel>']);
	assert.doesNotMatch(norelabel.message, /running guest/);
});
