/**
 * shared-image-readonly-relabel: libvirt relabels a <readonly/> disk, a CD-ROM and every backing
 * layer virt_content_t:s0 with no in-use check (security_selinux.c, remember = isChainTop &&
 * !readonly && !shared), so such a use of another guest's writable image is reported on both
 * sides; and the old advice "make one side <readonly/>" is gone from the shared-image rule.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings } from '../../server/src/service/features/findings';
import { allRules } from '../../server/src/service/rules';
import { fileDisk, guestXml, IMAGES, liveDynamicLabel, staticLabel, workspaceOf } from '../workspace/guests';

const RULE = 'shared-image-readonly-relabel';

function ruleFindings(files: Record<string, string>, uri: string) {
	const index = workspaceOf(files);
	return computeFindings(parseSeclabelText(files[uri]), { workspace: index, documentUri: uri }).filter((finding) => finding.rule.id === RULE);
}

const image = `${IMAGES}/vm1.img`;
const WRITER = guestXml('vm1', { id: 28, disks: [fileDisk(image)], seclabel: liveDynamicLabel('s0:c219,c564') });

test('a read-only use of a running guest\'s image: a warning on the reader naming the writer and its label, and on the writer', () => {
	const reader = guestXml('vm2', { disks: [fileDisk(image, { readonly: true, target: 'vdb' })] });
	const files = { 'file:///vm1.xml': WRITER, 'file:///vm2.xml': reader };
	const onReader = ruleFindings(files, 'file:///vm2.xml');
	assert.equal(onReader.length, 1);
	assert.equal(reader.slice(onReader[0].span.start, onReader[0].span.end), image);
	assert.equal(onReader[0].stage, 'start');
	assert.equal(onReader[0].severity, 'warning');
	assert.match(onReader[0].message, /'vm1' \(running as system_u:system_r:svirt_t:s0:c219,c564\)/);
	assert.match(onReader[0].message, /virt_content_t:s0/);
	assert.match(onReader[0].message, /when this guest starts/);
	assert.equal(onReader[0].related?.[0].uri, 'file:///vm1.xml');
	assert.ok(!(onReader[0].fixes ?? []).some((fix) => /readonly/i.test(fix.title)), 'no fix makes a side read-only');
	const onWriter = ruleFindings(files, 'file:///vm1.xml');
	assert.equal(onWriter.length, 1);
	assert.match(onWriter[0].message, /'vm2' \(read-only \(disk 'vdb'\)\)/);
	// The pair is not a shared-image-not-shareable case (one writer only).
	const index = workspaceOf(files);
	assert.deepEqual(computeFindings(parseSeclabelText(reader), { workspace: index, documentUri: 'file:///vm2.xml' }).map((finding) => finding.rule.id), [RULE]);
});

test('a backing-layer use of another guest\'s writable image, and a CD-ROM, are reported; relabel=\'no\', shareable pairs, two readers and unconfined readers are not', () => {
	const overlay = guestXml('vm2', { disks: [fileDisk(`${IMAGES}/vm2-overlay.qcow2`, { format: 'qcow2' }).replace('</disk>', `  <backingStore type='file'><format type='raw'/><source file='${image}'/></backingStore>\n    </disk>`)] });
	const onOverlay = ruleFindings({ 'file:///vm1.xml': WRITER, 'file:///vm2.xml': overlay }, 'file:///vm2.xml');
	assert.equal(onOverlay.length, 1);
	assert.match(onOverlay[0].message, /as backing layer 1 of disk 'vda'/);
	const cdrom = guestXml('vm3', { disks: [fileDisk(image, { device: 'cdrom', target: 'sda' })] });
	assert.equal(ruleFindings({ 'file:///vm1.xml': WRITER, 'file:///vm3.xml': cdrom }, 'file:///vm3.xml').length, 1);

	const silent = (files: Record<string, string>) => {
		for (const uri of Object.keys(files)) {
			assert.deepEqual(ruleFindings(files, uri).map((finding) => finding.message), [], uri);
		}
	};
	silent({ 'file:///vm1.xml': WRITER, 'file:///vm2.xml': guestXml('vm2', { disks: [fileDisk(image, { readonly: true, sourceContent: "<seclabel model='selinux' relabel='no'/>" })] }) });
	silent({ 'file:///a.xml': guestXml('a', { disks: [fileDisk(image, { readonly: true })] }), 'file:///b.xml': guestXml('b', { disks: [fileDisk(image, { readonly: true })] }) });
	silent({ 'file:///vm1.xml': WRITER, 'file:///vm2.xml': guestXml('vm2', { disks: [fileDisk(image, { readonly: true })], seclabel: "  <seclabel type='none'/>" }) });
	// The same guest's config and live dump are one guest.
	silent({ 'file:///vm1.xml': WRITER, 'file:///vm1-config.xml': guestXml('vm1', { disks: [fileDisk(image, { readonly: true })], seclabel: staticLabel('s0:c219,c564') }) });
});

test('an attach-device fragment that adds the image read-only says when: at attach time', () => {
	const index = workspaceOf({ 'file:///vm1.xml': WRITER });
	const fragment = `<disk type='file' device='disk'>\n  <source file='${image}'/>\n  <target dev='vdc'/>\n  <readonly/>\n</disk>\n`;
	const findings = computeFindings(parseSeclabelText(fragment), { workspace: index, documentUri: 'file:///attach.xml' });
	assert.deepEqual(findings.map((finding) => finding.rule.id), [RULE]);
	assert.match(findings[0].message, /when this device is attached/);
});

test('the shared-image rule no longer advises making one side read-only', () => {
	const rule = allRules.find((candidate) => candidate.id === 'shared-image-not-shareable')!;
	assert.doesNotMatch(rule.description, /or make one side `<readonly\/>`/);
	assert.match(rule.description, /shared-image-readonly-relabel/);
});
