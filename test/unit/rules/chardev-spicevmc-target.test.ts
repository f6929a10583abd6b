/**
 * chardev-spicevmc-target: which spicevmc devices libvirt takes. The verdicts are the oracles'
 * (test/differential/sites.test.ts asks all four again).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'chardev-spicevmc-target';
const device = (kind: string, target: string) => `    <${kind} type='spicevmc'>\n      ${target}\n    </${kind}>`;

test('chardev-spicevmc-target refuses a spicevmc serial, console or parallel port, on the type', () => {
	for (const [kind, target] of [['serial', "<target port='0'/>"], ['console', "<target type='virtio' port='0'/>"], ['parallel', "<target port='0'/>"], ['channel', "<target type='guestfwd' address='10.0.2.1' port='4600'/>"]]) {
		const xml = domain('', device(kind, target));
		assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'spicevmc', stage: 'define' }], kind);
		assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'unsupported configuration: spicevmc device type only supports virtio');
	}
});

test('chardev-spicevmc-target accepts a virtio channel and the two targets that share its number, and leaves unknown targets alone', () => {
	assert.deepEqual(codedFor(RULE, domain('', device('channel', "<target type='virtio' name='com.redhat.spice.0'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', device('serial', "<target type='usb-serial' port='0'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', device('console', "<target type='xen' port='0'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', device('channel', '<target/>'))), [], 'an untyped channel target is refused with another message');
	assert.deepEqual(codedFor(RULE, domain('', device('serial', "<target type='bogus'/>"))), []);
});
