/**
 * disk-protocol-removed: sheepdog sources, refused from 11.3.0 (the oracles' verdicts;
 * test/differential/sites.test.ts asks all four again).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'disk-protocol-removed';
const SHEEPDOG = "<source protocol='sheepdog' name='x'>\n        <host name='h'/>\n      </source>";
const network = (source: string) => `    <disk type='network' device='disk'>\n      <driver name='qemu' type='raw'/>\n      ${source}\n      <target dev='vda' bus='virtio'/>\n    </disk>`;

test('disk-protocol-removed refuses a sheepdog disk or backing store from 11.3.0, on the protocol', () => {
	const xml = domain('', network(SHEEPDOG));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'sheepdog', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, "unsupported configuration: 'sheepdog' protocol is no longer supported by any hypervisor driver");
	assert.deepEqual(codedFor(RULE, xml, { libvirtVersion: '9.0.0' }), []);
	const backing = domain('', `    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/a.img'/>\n      <backingStore type='network'>\n        <format type='raw'/>\n        ${SHEEPDOG}\n      </backingStore>\n      <target dev='vda' bus='virtio'/>\n    </disk>`);
	assert.equal(codedFor(RULE, backing).length, 1);
});

test('disk-protocol-removed stays silent for the protocols libvirt supports', () => {
	assert.deepEqual(codedFor(RULE, domain('', network("<source protocol='nbd' name='x'>\n        <host name='h'/>\n      </source>"))), []);
});
