import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain } from '../../support/fixture';

const RULE = 'chardev-source-attribute-missing';
const serial = (type: string, source: string) => `    <serial type='${type}'>\n      ${source}\n      <target port='0'/>\n    </serial>`;

test('chardev-source-attribute-missing flags a tcp source without host or service and a udp connect source without service', () => {
	assert.equal(codedFor(RULE, domain('', serial('tcp', "<source mode='connect' service='4555'/>"))).length, 1);
	assert.equal(codedFor(RULE, domain('', serial('tcp', "<source mode='connect' host='127.0.0.1'/>"))).length, 1);
	assert.equal(codedFor(RULE, domain('', serial('udp', "<source mode='connect' host='127.0.0.1'/>"))).length, 1);
	assert.ok(codedFor(RULE, domain('', serial('tcp', "<source mode='connect' service='4555'/>"))).every((f) => f.stage === 'define'));
});

test('chardev-source-attribute-missing stays silent with a full address and for types without one', () => {
	assert.deepEqual(codedFor(RULE, domain('', serial('tcp', "<source mode='bind' host='127.0.0.1' service='1'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', serial('udp', "<source mode='connect' host='127.0.0.1' service='1'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', serial('pty', '<source/>'))), []);
});

test('chardev-source-attribute-missing wants the channel of a dbus device from the release that knows dbus', () => {
	const xml = domain('', serial('dbus', '<source/>'));
	assert.equal(codedFor(RULE, xml).length, 1);
	assert.deepEqual(codedFor(RULE, xml, { libvirtVersion: '7.0.0' }), [], '7.0.0 refuses the type itself');
	assert.deepEqual(codedFor(RULE, domain('', serial('dbus', "<source channel=''/>"))), [], 'an empty value counts as given');
});
