import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain } from '../../support/fixture';

const RULE = 'chardev-type-invalid';
const serial = (type: string) => `    <serial type='${type}'>\n      <source path='/tmp/x'/>\n      <target port='0'/>\n    </serial>`;

test('chardev-type-invalid flags a chardev type libvirt does not know, at the type value', () => {
	assert.deepEqual(codedFor(RULE, domain('', serial('bogus'))), [{ code: RULE, text: 'bogus', stage: 'define' }]);
});

test('chardev-type-invalid stays silent for the types libvirt knows', () => {
	for (const type of ['pty', 'file', 'unix', 'tcp', 'udp', 'spiceport', 'qemu-vdagent']) {
		assert.deepEqual(codedFor(RULE, domain('', serial(type))), [], type);
	}
});

test('chardev-type-invalid knows qemu-vdagent and dbus only from 9.0.0', () => {
	assert.equal(codedFor(RULE, domain('', serial('qemu-vdagent')), { libvirtVersion: '7.0.0' }).length, 1);
	assert.equal(codedFor(RULE, domain('', serial('dbus')), { libvirtVersion: '7.0.0' }).length, 1);
	assert.equal(codedFor(RULE, domain('', serial('dbus')), { libvirtVersion: '9.0.0' }).length, 0);
});
