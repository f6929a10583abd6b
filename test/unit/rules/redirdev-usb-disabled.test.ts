/**
 * redirdev-usb-disabled: which guests have no USB for libvirt. The verdicts are the oracles'
 * (test/differential/sites.test.ts asks all four again); the QEMU side is qemuDomainDefAddDefaultDevices.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'redirdev-usb-disabled';
const REDIRDEV = "    <redirdev bus='usb' type='spicevmc'/>";

test('redirdev-usb-disabled: model none disables USB with every driver, and the test driver adds no controller', () => {
	const none = domain('', `    <controller type='usb' index='0' model='none'/>\n${REDIRDEV}`);
	assert.deepEqual(codedFor(RULE, none), [{ code: RULE, text: 'redirdev', stage: 'define' }]);
	assert.equal(findings(none).find((f) => f.rule.id === RULE)!.libvirtMessage, 'unsupported configuration: cannot add redirected USB device: USB is disabled for this domain');
	const bare = domain('', REDIRDEV);
	assert.deepEqual(codedFor(RULE, bare), [], 'a QEMU host adds a default USB controller');
	assert.equal(codedFor(RULE, bare, { driver: 'test' }).length, 1);
});

test('redirdev-usb-disabled stays silent with a working USB controller and for a redirdev on another bus', () => {
	assert.deepEqual(codedFor(RULE, domain('', `    <controller type='usb' index='0' model='none'/>\n    <controller type='usb' index='1' model='qemu-xhci'/>\n${REDIRDEV}`), { driver: 'test' }), []);
	assert.deepEqual(codedFor(RULE, domain('', `    <controller type='usb' index='0'/>\n${REDIRDEV}`), { driver: 'test' }), []);
	assert.deepEqual(codedFor(RULE, domain('', "    <redirdev bus='other' type='spicevmc'/>"), { driver: 'test' }), []);
});
