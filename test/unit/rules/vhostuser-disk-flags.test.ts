import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'vhostuser-disk-flags';

function vhostuser(flags: string): string {
	return `    <disk type='vhostuser' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source type='unix' path='/tmp/vhost-blk.sock'>\n        <reconnect enabled='yes' timeout='10'/>\n      </source>\n      <target dev='vda' bus='virtio'/>${flags}\n    </disk>`;
}

test('vhostuser-disk-flags flags <shareable/> on a vhost-user disk (G4)', () => {
	const xml = domain('', vhostuser(`\n      <shareable/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'shareable', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, 'unsupported configuration: shareable is not supported with vhostuser disk');
});

test('vhostuser-disk-flags reports each flag with its own message, in live XML too', () => {
	const xml = liveDomain('', vhostuser(`\n      <readonly/>\n      <shareable/>\n      <transient/>`));
	assert.deepEqual(codedFor(RULE, xml), ['readonly', 'shareable', 'transient'].map((text) => ({ code: RULE, text, stage: 'define' })));
	assert.deepEqual(findings(xml).filter((f) => f.rule.id === RULE).map((f) => f.libvirtMessage), ['readonly', 'shareable', 'transient'].map((flag) => `unsupported configuration: ${flag} is not supported with vhostuser disk`));
});

test('vhostuser-disk-flags stays silent for a plain vhost-user disk and for file disks with the flags', () => {
	assert.deepEqual(codedFor(RULE, domain('', vhostuser(''))), []);
	// derived/define-shareable-readonly.xml
	assert.deepEqual(codedFor(RULE, domain('', disk('', `\n      <readonly/>\n      <shareable/>`))), []);
});

test('vhostuser-disk-flags fix removes the flag', () => {
	const xml = domain('', vhostuser(`\n      <shareable/>`));
	assert.equal(applyFix(xml, RULE, 'Remove <shareable/>'), domain('', vhostuser('')));
});

test('vhostuser-disk-flags wants the virtio bus, from bus= or from the target name, and takes a cdrom as read-only', () => {
	const sata = domain('', vhostuser('').replace("dev='vda' bus='virtio'", "dev='sda' bus='sata'"));
	assert.deepEqual(codedFor(RULE, sata), [{ code: RULE, text: "bus='sata'", stage: 'define' }]);
	assert.equal(findings(sata).find((f) => f.rule.id === RULE)!.libvirtMessage, 'unsupported configuration: vhostuser disk supports only virtio bus');
	assert.equal(applyFix(sata, RULE, "Use bus='virtio'"), domain('', vhostuser('').replace("dev='vda'", "dev='sda'")));
	assert.equal(codedFor(RULE, domain('', vhostuser('').replace(" bus='virtio'", '').replace("dev='vda'", "dev='sda'"))).length, 1, 'sd… is not virtio');
	assert.deepEqual(codedFor(RULE, domain('', vhostuser('').replace(" bus='virtio'", ''))), [], 'vd… is virtio');
	const cdrom = domain('', vhostuser('').replace("device='disk'", "device='cdrom'"));
	assert.deepEqual(findings(cdrom).filter((f) => f.rule.id === RULE).map((f) => f.libvirtMessage), ['unsupported configuration: readonly is not supported with vhostuser disk']);
});
