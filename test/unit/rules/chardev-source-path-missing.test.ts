import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain } from '../../support/fixture';

const RULE = 'chardev-source-path-missing';
const serial = (type: string, source: string) => `    <serial type='${type}'>\n      ${source}\n      <target port='0'/>\n    </serial>`;

test('chardev-source-path-missing flags file, dev, pipe and unix chardevs without a path', () => {
	for (const type of ['file', 'dev', 'pipe', 'unix']) {
		assert.deepEqual(codedFor(RULE, domain('', serial(type, "<source><seclabel model='selinux' relabel='no'/></source>"))), [{ code: RULE, text: 'source', stage: 'define' }], type);
	}
	// Without any <source>, at the device.
	assert.deepEqual(codedFor(RULE, domain('', serial('file', ''))).map((f) => f.text), ['serial']);
});

test('chardev-source-path-missing stays silent with a path (even an empty one) and for types without one', () => {
	assert.deepEqual(codedFor(RULE, domain('', serial('file', "<source path='/var/log/guest.log'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', serial('file', "<source path=''/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', serial('pty', '<source/>'))), []);
	assert.deepEqual(codedFor(RULE, domain('', serial('tcp', "<source mode='bind' host='127.0.0.1' service='1'/>"))), []);
});

test('chardev-source-path-missing leaves a guest-agent style UNIX channel alone: libvirt makes its path', () => {
	// virsh accepts a virtio or xen unix channel without a path, refuses a guestfwd one and a file one.
	const channel = (type: string, target: string) => domain('', `    <channel type='${type}'><target type='${target}' name='org.qemu.guest_agent.0' address='10.0.2.1' port='4600'/></channel>`);
	assert.deepEqual(codedFor(RULE, channel('unix', 'virtio')), []);
	assert.deepEqual(codedFor(RULE, channel('unix', 'xen')), []);
	assert.equal(codedFor(RULE, channel('unix', 'guestfwd')).length, 1);
	assert.equal(codedFor(RULE, channel('file', 'virtio')).length, 1);
});
