import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, findings } from '../../support/fixture';
import { deviceLabel, dynamicGuest, staticGuest } from '../selinux/guests';

const RULE = 'selinux-context-syntax';

test('selinux-context-syntax points at the offending part of a static label, which fails at start on a QEMU host', () => {
	const xml = staticGuest('system_u:system_r:svirt_t:s0:c1,');
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: '', stage: 'start' }]);
	const ranges = staticGuest('system_u:system_r:svirt_t:s0:c5.c3,c7');
	assert.deepEqual(codedFor(RULE, ranges).map((f) => [f.text, f.stage]), [['c5.c3', 'start']]);
	const caps = staticGuest('system_u:system_r:svirt_t:S0:C1');
	assert.deepEqual(codedFor(RULE, caps).map((f) => f.text), ['S0', 'C1']);
});

test('selinux-context-syntax is a define-time refusal for an LXC domain on an SELinux host, and only there', () => {
	// The LXC driver verifies a static label when it parses; the QEMU driver's stacked security manager never does.
	const lxc = staticGuest('not_a_selinux_context').replace("<domain type='kvm'>", "<domain type='lxc'>");
	assert.deepEqual(codedFor(RULE, lxc).map((f) => [f.text, f.stage]), [['not_a_selinux_context', 'define']]);
	assert.deepEqual(findings(lxc).filter((f) => f.rule.id === RULE).map((f) => f.libvirtMessage), ['XML error: Invalid security label not_a_selinux_context']);
	assert.deepEqual(codedFor(RULE, lxc, { hostSecurityModel: 'apparmor' }).map((f) => f.stage), ['start']);
	assert.deepEqual(codedFor(RULE, lxc, { driver: 'test' }).map((f) => f.stage), ['start']);
	const kvm = staticGuest('not_a_selinux_context');
	assert.deepEqual(findings(kvm).filter((f) => f.rule.id === RULE).map((f) => [f.stage, f.libvirtMessage]), [['start', undefined]]);
});

test('selinux-context-syntax is a start-stage problem elsewhere: other hosts, the test driver, device labels', () => {
	const xml = staticGuest('not_a_selinux_context');
	assert.deepEqual(codedFor(RULE, xml, { hostSecurityModel: 'apparmor' }).map((f) => f.stage), ['start']);
	assert.deepEqual(codedFor(RULE, xml, { driver: 'test' }).map((f) => [f.text, f.stage]), [['not_a_selinux_context', 'start']]);
	const device = dynamicGuest(disk(deviceLabel('system_u:object_r:svirt_image_t:s0:c1.c2.c3')));
	assert.deepEqual(codedFor(RULE, device).map((f) => [f.text, f.stage]), [['c1.c2.c3', 'start']]);
});

test('selinux-context-syntax flags whitespace around a label, which libvirt does not trim', () => {
	const xml = staticGuest(' system_u:system_r:svirt_t:s0:c1,c2');
	assert.deepEqual(codedFor(RULE, xml).map((f) => [f.text, f.stage]), [[' ', 'start']]);
	assert.equal(applyFix(xml, RULE, 'Remove the whitespace around the label'), staticGuest('system_u:system_r:svirt_t:s0:c1,c2'));
});

test('selinux-context-syntax fixes a reversed category range', () => {
	const xml = staticGuest('system_u:system_r:svirt_t:s0:c5.c3');
	assert.equal(applyFix(xml, RULE, 'Write c3.c5'), staticGuest('system_u:system_r:svirt_t:s0:c3.c5'));
	assert.equal(applyFix(staticGuest('system_u:system_r:svirt_t:s0:c3.c3'), RULE, 'Write c3'), staticGuest('system_u:system_r:svirt_t:s0:c3'));
});

test('selinux-context-syntax checks only the user, role and type of a base label, whose level libvirt replaces', () => {
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'system_u:system_r:my_svirt_t:garbage,')), []);
	assert.deepEqual(codedFor(RULE, dynamicGuest('', 'svirt_t')).map((f) => [f.text, f.stage]), [['svirt_t', 'start']]);
});

test('selinux-context-syntax stays silent for valid labels, and for labels libvirt does not use', () => {
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0-s0:c0.c1023')), []);
	assert.deepEqual(codedFor(RULE, staticGuest('unconfined_u:unconfined_r:svirt_t:s0:c550,c786')), []);
	// A dynamic label's <label> is ignored in define-time XML.
	assert.deepEqual(codedFor(RULE, dynamicGuest().replace("relabel='yes'>", "relabel='yes'><label>junk</label>")), []);
	// A device seclabel without model is inert.
	assert.deepEqual(codedFor(RULE, dynamicGuest(disk('<seclabel><label>junk</label></seclabel>'))), []);
});

test('selinux-context-syntax covers the whole content when references make offsets not map', () => {
	const xml = staticGuest('system_u:system_r:svirt_t:s0:c5.c3&#x20;');
	const found = codedFor(RULE, xml).map((f) => f.text);
	assert.deepEqual(found, ['system_u:system_r:svirt_t:s0:c5.c3&#x20;', 'system_u:system_r:svirt_t:s0:c5.c3&#x20;'], 'the decoded label has a trailing space and a reversed range');
});
