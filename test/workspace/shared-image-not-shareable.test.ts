/**
 * The shared-image-not-shareable rule over in-memory workspaces: the bug report's two guests, path
 * normalisation, hosts, and the cases that must stay silent.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings } from '../../server/src/service/features/findings';
import { normalizeLocalPath } from '../../server/src/service/workspace/resourceIdentity';
import { MAX_LISTED } from '../../server/src/service/workspace/crossGuest';
import {
	blockDisk, CROSS_GUEST_RULES, crossFindings, fileDisk, guestXml, lineOf, networkDisk, staticLabel, summarize, workspaceOf, IMAGES, VM1, VM2,
} from './guests';

test('the bug report: vm1\'s image hot-added to vm2 is reported in both files, each pointing at the other', () => {
	const index = workspaceOf({ 'file:///ws/vm1.xml': VM1, 'file:///ws/vm2.xml': VM2 });
	const inVm1 = crossFindings(index, 'file:///ws/vm1.xml', VM1);
	const inVm2 = crossFindings(index, 'file:///ws/vm2.xml', VM2);
	const vm2Line = lineOf(VM2, `${IMAGES}/vm1.img`);
	assert.deepEqual(summarize(inVm1, VM1), [{ code: 'shared-image-not-shareable', text: `${IMAGES}/vm1.img`, related: [{ uri: 'file:///ws/vm2.xml', line: vm2Line }] }]);
	assert.deepEqual(summarize(inVm2, VM2), [{ code: 'shared-image-not-shareable', text: `${IMAGES}/vm1.img`, related: [{ uri: 'file:///ws/vm1.xml', line: lineOf(VM1, `${IMAGES}/vm1.img`) }] }]);
	assert.equal(inVm1[0].stage, 'start');
	assert.equal(inVm1[0].severity, 'error');
	assert.equal(inVm1[0].libvirtMessage, `Requested operation is not valid: Setting different SELinux label on ${IMAGES}/vm1.img which is already in use`);
	assert.match(inVm1[0].message, /'vm2'/);
	// The related range covers exactly the other file's path attribute value.
	const related = inVm1[0].related![0];
	assert.equal(VM2.slice(related.span.start, related.span.end), `${IMAGES}/vm1.img`);
	const character = VM2.split('\n')[vm2Line].indexOf(`${IMAGES}/vm1.img`);
	assert.deepEqual(related.range, { start: { line: vm2Line, character }, end: { line: vm2Line, character: character + `${IMAGES}/vm1.img`.length } });
});

test('cases that must stay silent: shareable on both, readonly on both, CD-ROMs, different paths, one guest seen twice', () => {
	const silent = (a: string, b: string) => {
		const index = workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b });
		assert.deepEqual(summarize(crossFindings(index, 'file:///a.xml', a), a), []);
		assert.deepEqual(summarize(crossFindings(index, 'file:///b.xml', b), b), []);
	};
	const image = `${IMAGES}/shared.img`;
	silent(guestXml('a', { disks: [fileDisk(image, { shareable: true })] }), guestXml('b', { disks: [fileDisk(image, { shareable: true })] }));
	silent(guestXml('a', { disks: [fileDisk(image, { readonly: true })] }), guestXml('b', { disks: [fileDisk(image, { readonly: true })] }));
	silent(guestXml('a', { disks: [fileDisk('/iso/install.iso', { device: 'cdrom' })] }), guestXml('b', { disks: [fileDisk('/iso/install.iso', { device: 'cdrom' })] }));
	silent(guestXml('a', { disks: [fileDisk(`${IMAGES}/a.img`)] }), guestXml('b', { disks: [fileDisk(`${IMAGES}/b.img`)] }));
	// The rule is about two writers; a reader next to a writer is left alone (readonly on neither is the condition).
	silent(guestXml('a', { disks: [fileDisk(image)] }), guestXml('b', { disks: [fileDisk(image, { readonly: true })] }));
	// Backing files are opened read-only: two overlays on one base image share nothing writable.
	const overlay = (name: string) => guestXml(name, { disks: [fileDisk(`${IMAGES}/${name}.qcow2`, { format: 'qcow2', sourceContent: '' }).replace('</disk>', `  <backingStore type='file'><format type='qcow2'/><source file='${IMAGES}/base.qcow2'/></backingStore>\n    </disk>`)] });
	silent(overlay('a'), overlay('b'));
	// The inactive config and a live dump of the same guest name the same image: that is one guest.
	silent(guestXml('a', { disks: [fileDisk(image)], seclabel: staticLabel('s0:c1,c2') }), guestXml('a', { id: 7, disks: [fileDisk(image)], seclabel: staticLabel('s0:c1,c2') }));
	// Two define-time copies of one guest (libvirt keeps one guest per name on a host), with or without UUIDs.
	silent(guestXml('a', { disks: [fileDisk(image)] }), guestXml('a', { disks: [fileDisk(image)] }));
	silent(guestXml('a', { uuid: '11111111-2222-3333-4444-555555555555', disks: [fileDisk(image)] }), guestXml('a', { uuid: '66666666-2222-3333-4444-555555555555', disks: [fileDisk(image)] }));
	// Without a workspace the cross-guest rules have nothing to compare with.
	const alone = guestXml('a', { disks: [fileDisk(image)], seclabel: staticLabel('s0:c1,c2') });
	assert.deepEqual(computeFindings(parseSeclabelText(alone)).filter((finding) => CROSS_GUEST_RULES.includes(finding.rule.id)), []);
});

test('a config cloned under a new name but with the same UUID is another guest: sharing the image is reported', () => {
	const uuid = '11111111-2222-3333-4444-555555555555';
	const original = guestXml('vm1', { uuid, disks: [fileDisk(`${IMAGES}/vm1.img`)] });
	const clone = guestXml('vm1-clone', { uuid, disks: [fileDisk(`${IMAGES}/vm1.img`)] });
	const index = workspaceOf({ 'file:///vm1.xml': original, 'file:///vm1-clone.xml': clone });
	assert.deepEqual(summarize(crossFindings(index, 'file:///vm1-clone.xml', clone), clone).map((finding) => finding.code), ['shared-image-not-shareable']);
});

test('paths that differ only by ., .. and repeated slashes are the same image; so are block devices', () => {
	assert.equal(normalizeLocalPath('/var/lib//libvirt/./images/x/../b.img'), '/var/lib/libvirt/images/b.img');
	assert.equal(normalizeLocalPath('/../b.img/'), '/b.img');
	assert.equal(normalizeLocalPath('a/../../b.img'), '../b.img');
	const a = guestXml('a', { disks: [fileDisk(`${IMAGES}/a/../b.img`)] });
	const b = guestXml('b', { disks: [fileDisk(`${IMAGES}//b.img`)] });
	const index = workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b });
	assert.deepEqual(summarize(crossFindings(index, 'file:///a.xml', a), a), [{ code: 'shared-image-not-shareable', text: `${IMAGES}/a/../b.img`, related: [{ uri: 'file:///b.xml', line: lineOf(b, 'b.img') }] }]);
	const blockA = guestXml('a', { disks: [blockDisk('/dev/sdb')] });
	const blockB = guestXml('b', { disks: [blockDisk('/dev//sdb', { target: 'vdc' })] });
	const blockIndex = workspaceOf({ 'file:///a.xml': blockA, 'file:///b.xml': blockB });
	assert.deepEqual(crossFindings(blockIndex, 'file:///b.xml', blockB).map((finding) => finding.rule.id), ['shared-image-not-shareable']);
});

test('the same pool volume in two guests is the same image', () => {
	const volume = (name: string) => guestXml(name, { disks: [`    <disk type='volume' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source pool='default' volume='data.img'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>`] });
	const a = volume('a');
	const index = workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': volume('b') });
	assert.deepEqual(summarize(crossFindings(index, 'file:///a.xml', a), a), [{ code: 'shared-image-not-shareable', text: 'data.img', related: [{ uri: 'file:///b.xml', line: lineOf(a, 'data.img') }] }]);
});

test('hosts: the same local path on two hosts is silent, the same network volume on two hosts fires', () => {
	const hostOf = (uri: string) => uri.split('/')[4];
	const local = guestXml('a', { disks: [fileDisk(`${IMAGES}/a.img`)] });
	const index = workspaceOf({ 'file:///h/host1/a.xml': local, 'file:///h/host2/a.xml': guestXml('b', { disks: [fileDisk(`${IMAGES}/a.img`)] }) }, hostOf);
	assert.deepEqual(crossFindings(index, 'file:///h/host1/a.xml', local), []);
	const rbdA = guestXml('a', { disks: [networkDisk('rbd', 'pool/image', ['mon2:6789', 'mon1:6789'])] });
	const rbdB = guestXml('b', { disks: [networkDisk('rbd', 'pool/image', ['mon1:6789', 'mon2:6789'])] });
	const network = workspaceOf({ 'file:///h/host1/a.xml': rbdA, 'file:///h/host2/b.xml': rbdB }, hostOf);
	assert.deepEqual(summarize(crossFindings(network, 'file:///h/host1/a.xml', rbdA), rbdA), [{ code: 'shared-image-not-shareable', text: 'pool/image', related: [{ uri: 'file:///h/host2/b.xml', line: lineOf(rbdB, 'pool/image') }] }]);
	const [networkFinding] = crossFindings(network, 'file:///h/host1/a.xml', rbdA);
	assert.equal(networkFinding.libvirtMessage, undefined, 'libvirt does not label network storage, so it has no message of its own');
	assert.match(networkFinding.message, /rbd:pool\/image on mon1:6789, mon2:6789 is also a writable image of 'b'/);
	// Other servers, or another image name, are another volume.
	const elsewhere = guestXml('b', { disks: [networkDisk('rbd', 'pool/image', ['mon9:6789'])] });
	assert.deepEqual(crossFindings(workspaceOf({ 'file:///h/host1/a.xml': rbdA, 'file:///h/host2/b.xml': elsewhere }, hostOf), 'file:///h/host1/a.xml', rbdA), []);
});

test('the fix for an unshared qcow2 image is offered but not preferred: QEMU refuses shared qcow2 writers', () => {
	const a = guestXml('a', { disks: [fileDisk(`${IMAGES}/a.qcow2`, { format: 'qcow2' })] });
	const b = guestXml('b', { disks: [fileDisk(`${IMAGES}/a.qcow2`, { format: 'qcow2' })] });
	const [finding] = crossFindings(workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b }), 'file:///a.xml', a);
	assert.deepEqual(finding.fixes!.map((fix) => [fix.title, !!fix.isPreferred]), [['Add <shareable/> to this disk', false], ['Open b.xml', false]]);
});


test('a fleet sharing one image lists at most MAX_LISTED other guests per finding, so output grows linearly', () => {
	const files: Record<string, string> = {};
	for (let i = 0; i < 60; i++) {
		files[`file:///fleet/g${i}.xml`] = guestXml(`g${i}`, { disks: [fileDisk(`${IMAGES}/common.img`)] });
	}
	const index = workspaceOf(files);
	const found = crossFindings(index, 'file:///fleet/g0.xml', files['file:///fleet/g0.xml']);
	assert.equal(found.length, 1);
	assert.equal(found[0].related!.length, MAX_LISTED);
	assert.match(found[0].message, / and 49 more/);
	assert.equal(found[0].fixes!.filter((fix) => fix.command).length, 3);
});
