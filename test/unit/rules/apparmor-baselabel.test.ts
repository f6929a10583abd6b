import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings } from '../../support/fixture';

const RULE = 'apparmor-baselabel';

test('apparmor-baselabel flags a base label in an AppArmor seclabel and removes it', () => {
	const xml = domain("  <seclabel type='dynamic' model='apparmor'>\n    <baselabel>libvirt-template</baselabel>\n  </seclabel>");
	assert.deepEqual(codedFor(RULE, xml, { hostSecurityModel: 'apparmor' }), [{ code: RULE, text: 'baselabel', stage: 'start' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)?.libvirtMessage, 'unsupported configuration: Cannot set a base label with AppArmour');
	assert.equal(applyFix(xml, RULE, 'Remove the <baselabel>'), domain("  <seclabel type='dynamic' model='apparmor'>\n  </seclabel>"));
});

test('apparmor-baselabel stays silent for SELinux base labels and AppArmor seclabels without one', () => {
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='selinux'>\n    <baselabel>system_u:system_r:svirt_t:s0</baselabel>\n  </seclabel>")), []);
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='apparmor'/>")), []);
});
