import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, disk, domain, findings } from '../../support/fixture';

const RULE = 'dac-label-syntax';

function dacGuest(label: string, devices = ''): string {
	return domain(`  <seclabel type='static' model='dac' relabel='yes'>\n    <label>${label}</label>\n  </seclabel>`, devices);
}

test('dac-label-syntax flags a DAC label without a colon with libvirt\'s start-time message', () => {
	const xml = dacGuest('qemu');
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'qemu', stage: 'start' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)?.libvirtMessage, "invalid argument: Failed to parse uid and gid from 'qemu'");
});

test('dac-label-syntax flags empty parts and malformed +numbers, also in device labels', () => {
	assert.deepEqual(codedFor(RULE, dacGuest('+qemu:')).map((f) => f.text), ['+qemu:', '+qemu:']);
	assert.deepEqual(codedFor(RULE, dacGuest('+0:+0', disk("<seclabel model='dac'><label>root</label></seclabel>"))).map((f) => f.text), ['root']);
});

test('dac-label-syntax stays silent for user:group, +uid:+gid and labels libvirt does not use', () => {
	for (const label of ['qemu:qemu', '+107:+107', '0:0', 'root:root', 'libvirt-qemu:kvm']) {
		assert.deepEqual(codedFor(RULE, dacGuest(label)), [], label);
	}
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='dac'>\n    <label>qemu</label>\n  </seclabel>")), [], 'a dynamic label is ignored at define');
});
