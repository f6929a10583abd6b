import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings } from '../../support/fixture';

const RULE = 'apparmor-baselabel';

test('apparmor-baselabel flags a base label in an AppArmor seclabel and removes it', () => {
	const xml = domain("  <seclabel type='dynamic' model='apparmor'>\n    <baselabel>libvirt-template</baselabel>\n  </seclabel>");
	assert.deepEqual(codedFor(RULE, xml, { hostSecurityModel: 'apparmor' }), [{ code: RULE, text: 'baselabel', stage: 'start' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)?.libvirtMessage, 'unsupported configuration: Cannot set a base label with AppArmor');
	// Spelt AppArmour up to 10.x (9.0.0 and 10.7.0's security_apparmor.c), AppArmor from 11.3.0.
	for (const [libvirtVersion, spelling] of [['7.0.0', 'AppArmour'], ['9.0.0', 'AppArmour'], ['10.7.0', 'AppArmour'], ['11.3.0', 'AppArmor'], ['12.9.0', 'AppArmor']]) {
		assert.equal(findings(xml, { libvirtVersion }).find((f) => f.rule.id === RULE)?.libvirtMessage, `unsupported configuration: Cannot set a base label with ${spelling}`, libvirtVersion);
	}
	assert.equal(applyFix(xml, RULE, 'Remove the <baselabel>'), domain("  <seclabel type='dynamic' model='apparmor'>\n  </seclabel>"));
});

test('apparmor-baselabel stays silent for SELinux base labels and AppArmor seclabels without one', () => {
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='selinux'>\n    <baselabel>system_u:system_r:svirt_t:s0</baselabel>\n  </seclabel>")), []);
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='apparmor'/>")), []);
});
