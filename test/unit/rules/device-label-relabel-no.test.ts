import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'device-label-relabel-no';
const IMAGE = 'system_u:object_r:svirt_image_t:s0';

test('device-label-relabel-no flags a label under relabel=no, at the <label> (E6)', () => {
	const xml = domain('', disk(`<seclabel model='selinux' relabel='no'><label>${IMAGE}</label></seclabel>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'label', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'XML error: Cannot specify a label if relabelling is turned off. model=selinux');
});

test('device-label-relabel-no prints a missing model as <null>, as virsh does', () => {
	// virsh -c test:///default define prints "model=<null>" for this XML (libvirt 9.0.0).
	const xml = domain('', disk(`<seclabel relabel='no'><label>${IMAGE}</label></seclabel>`));
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'XML error: Cannot specify a label if relabelling is turned off. model=<null>');
});

test('device-label-relabel-no applies to chardevs and live XML', () => {
	const serial = `    <serial type='file'>\n      <source path='/tmp/serial.log'>\n        <seclabel model='selinux' relabel='no'>\n          <label>${IMAGE}</label>\n        </seclabel>\n      </source>\n    </serial>`;
	assert.deepEqual(codedFor(RULE, liveDomain('', serial)), [{ code: RULE, text: 'label', stage: 'define' }]);
});

test('device-label-relabel-no stays silent without the contradiction, and for an empty label libvirt drops', () => {
	// derived/define-dev-relabel-no.xml, define-dev-label.xml, define-dev-label-no-relabel-attr.xml
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='no'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='yes'><label>${IMAGE}</label></seclabel>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux'><label>${IMAGE}</label></seclabel>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='no'><label></label></seclabel>`))), []);
});

test('device-label-relabel-no fixes: drop relabel=no to apply the label, or drop the label', () => {
	const xml = domain('', disk(`\n        <seclabel model='selinux' relabel='no'>\n          <label>${IMAGE}</label>\n        </seclabel>\n      `));
	assert.equal(applyFix(xml, RULE, "Remove relabel='no' (apply this label)"),
		domain('', disk(`\n        <seclabel model='selinux'>\n          <label>${IMAGE}</label>\n        </seclabel>\n      `)));
	assert.equal(applyFix(xml, RULE, 'Remove the <label> (leave the image untouched)'),
		domain('', disk(`\n        <seclabel model='selinux' relabel='no'>\n        </seclabel>\n      `)));
});
