import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'console-serial-not-first';
const console = (target: string) => `    <console type='pty'>${target}</console>`;

test('console-serial-not-first flags a later console with a serial target or none, at its target', () => {
	const xml = domain('', `${console("<target type='virtio' port='0'/>")}\n${console("<target type='serial' port='1'/>")}`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'target', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'unsupported configuration: Only the first console can be a serial port');
	assert.equal(codedFor(RULE, domain('', `${console("<target type='serial'/>")}\n${console("<target port='1'/>")}`)).length, 1);
	assert.deepEqual(codedFor(RULE, domain('', `${console("<target type='serial'/>")}\n${console('')}`)).map((f) => f.text), ['console']);
});

test('console-serial-not-first allows one serial console and any number of other ones', () => {
	assert.deepEqual(codedFor(RULE, domain('', console("<target type='serial'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', `${console("<target type='serial'/>")}\n${console("<target type='virtio'/>")}\n${console("<target type='virtio'/>")}`)), []);
});
