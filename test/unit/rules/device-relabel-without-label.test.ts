import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'device-relabel-without-label';

test('device-relabel-without-label: libvirt 10.7.0 refuses relabel=yes without a label (E7)', () => {
	const xml = domain('', disk(`<seclabel model='selinux' relabel='yes'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: "relabel='yes'", stage: 'define' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.libvirtMessage, 'XML error: Cannot specify relabel if label is missing. model=selinux');
	assert.equal(finding.severity, 'error');
});

test('device-relabel-without-label: libvirt 9.0.0 accepts it and drops the override, so it is an ignored-stage warning', () => {
	const xml = domain('', disk(`<seclabel model='selinux' relabel='yes'/>`));
	assert.deepEqual(codedFor(RULE, xml, { libvirtVersion: '9.0.0' }), [{ code: RULE, text: "relabel='yes'", stage: 'ignored' }]);
	const finding = findings(xml, { libvirtVersion: '9.0.0' }).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.libvirtMessage, undefined);
	assert.equal(finding.severity, 'warning');
	// A version between the two behaves like the older one.
	// Refused from 9.8.0 (commit a36318be9d6f); 7.0.0 drops it too.
	assert.deepEqual(codedFor(RULE, xml, { libvirtVersion: '9.7.0' }), [{ code: RULE, text: "relabel='yes'", stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, xml, { libvirtVersion: '7.0.0' }), [{ code: RULE, text: "relabel='yes'", stage: 'ignored' }]);
	for (const libvirtVersion of ['9.8.0', '10.6.0', '11.3.0', '12.9.0']) {
		assert.deepEqual(codedFor(RULE, xml, { libvirtVersion }), [{ code: RULE, text: "relabel='yes'", stage: 'define' }], libvirtVersion);
	}
});

test('device-relabel-without-label counts an empty label as missing, and prints a missing model as <null>', () => {
	const empty = domain('', disk(`<seclabel model='dac' relabel='yes'><label></label></seclabel>`));
	assert.deepEqual(codedFor(RULE, empty), [{ code: RULE, text: "relabel='yes'", stage: 'define' }]);
	// With an (empty) label present only the removal is offered.
	assert.deepEqual(findings(empty).find((f) => f.rule.id === RULE)!.fixes!.map((fix) => fix.title), ["Remove relabel='yes'"]);
	const modelless = domain('', disk(`<seclabel relabel='yes'/>`));
	assert.equal(findings(modelless).find((f) => f.rule.id === RULE)!.libvirtMessage, 'XML error: Cannot specify relabel if label is missing. model=<null>');
});

test('device-relabel-without-label stays silent in live XML, with a label, and when relabel is not written', () => {
	// derived/live-dev-relabel-yes-no-label.xml
	const live = liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n  </seclabel>`, disk(`<seclabel model='selinux' relabel='yes'/>`));
	assert.deepEqual(codedFor(RULE, live), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>`))), []);
	// derived/define-dev-bare.xml: a bare override is accepted (device-seclabel-no-op says it does nothing).
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux'/>`))), []);
});

test('device-relabel-without-label fixes: remove relabel, or add a label for the model', () => {
	const xml = domain('', disk(`<seclabel model='selinux' relabel='yes'/>`));
	assert.equal(applyFix(xml, RULE, "Remove relabel='yes'"), domain('', disk(`<seclabel model='selinux'/>`)));
	const block = `    <disk type='block' device='disk'>\n      <source dev='/dev/sdb'>\n        <seclabel model='dac' relabel='yes'/>\n      </source>\n      <target dev='vdb'/>\n    </disk>`;
	const fixed = `    <disk type='block' device='disk'>\n      <source dev='/dev/sdb'>\n        <seclabel model='dac' relabel='yes'>\n          <label>+107:+107</label>\n        </seclabel>\n      </source>\n      <target dev='vdb'/>\n    </disk>`;
	assert.equal(applyFix(domain('', block), RULE, 'Add a <label>'), domain('', fixed));
});
