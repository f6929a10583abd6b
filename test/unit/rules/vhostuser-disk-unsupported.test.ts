import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'vhostuser-disk-unsupported';

const VHOSTUSER = "    <disk type='vhostuser' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source type='unix' path='/run/vhost-blk.sock'>\n        <seclabel model='selinux' relabel='bogus'/>\n      </source>\n      <target dev='vda' bus='virtio'/>\n    </disk>";

test('vhostuser-disk-unsupported refuses a vhost-user disk for libvirt 7.0.0, which has no such disk type', () => {
	const xml = domain('', VHOSTUSER);
	assert.deepEqual(codedFor(RULE, xml, { libvirtVersion: '7.0.0' }), [{ code: RULE, text: 'vhostuser', stage: 'define' }]);
	assert.equal(findings(xml, { libvirtVersion: '7.0.0' }).find((f) => f.rule.id === RULE)?.libvirtMessage, "unsupported configuration: unknown disk type 'vhostuser'");
});

test('vhostuser-disk-unsupported is silent from 7.1.0, where vhost-user disks came in', () => {
	const xml = domain('', VHOSTUSER);
	for (const libvirtVersion of ['7.1.0', '9.0.0', '12.9.0']) {
		assert.deepEqual(codedFor(RULE, xml, { libvirtVersion }), [], libvirtVersion);
	}
	assert.deepEqual(codedFor(RULE, xml), [], 'the default target knows vhost-user disks');
});
