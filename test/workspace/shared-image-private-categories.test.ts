/**
 * The shared-image-private-categories rule: a device label with categories on an image another
 * guest uses.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyEdits } from '../support/fixture';
import {
	crossFindings, DYNAMIC_LABEL, fileDisk, guestXml, lineOf, staticLabel, summarize, workspaceOf, IMAGES,
} from './guests';

test('a device label that gives a shared image one guest\'s private categories', () => {
	const image = `${IMAGES}/data.img`;
	const label = `<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0:c1,c2</label></seclabel>`;
	const a = guestXml('a', { disks: [fileDisk(image, { shareable: true, sourceContent: label })], seclabel: staticLabel('s0:c1,c2') });
	const b = guestXml('b', { disks: [fileDisk(image, { shareable: true })], seclabel: DYNAMIC_LABEL });
	const index = workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b });
	const inA = crossFindings(index, 'file:///a.xml', a);
	assert.deepEqual(summarize(inA, a), [{ code: 'shared-image-private-categories', text: 'system_u:object_r:svirt_image_t:s0:c1,c2', related: [{ uri: 'file:///b.xml', line: lineOf(b, image) }] }]);
	assert.equal(inA[0].stage, 'start');
	const fixed = applyEdits(a, inA[0].fixes![0].edits);
	assert.ok(fixed.includes('<label>system_u:object_r:svirt_image_t:s0</label>'));
	assert.deepEqual(crossFindings(index, 'file:///a.xml', fixed), []);
	// A guest whose level includes the categories can still open the image.
	const c = guestXml('c', { disks: [fileDisk(image, { shareable: true })], seclabel: staticLabel('s0:c1,c2,c3') });
	assert.deepEqual(crossFindings(workspaceOf({ 'file:///a.xml': a, 'file:///c.xml': c }), 'file:///a.xml', a), []);
	// So can a guest whose range reaches them: MCS checks the high end of the process's range.
	const ranged = guestXml('r', { disks: [fileDisk(image, { shareable: true })], seclabel: staticLabel('s0-s0:c0.c1023') });
	assert.deepEqual(crossFindings(workspaceOf({ 'file:///a.xml': a, 'file:///r.xml': ranged }), 'file:///a.xml', a), []);
	// So can an unconfined guest (type none), which SELinux does not restrict by categories.
	const unconfined = guestXml('d', { disks: [fileDisk(image, { shareable: true })], seclabel: `  <seclabel type='none' model='selinux'/>` });
	assert.deepEqual(crossFindings(workspaceOf({ 'file:///a.xml': a, 'file:///d.xml': unconfined }), 'file:///a.xml', a), []);
	// A guest with only a DAC seclabel still gets a random SELinux pair from the host's default driver.
	const dacOnly = guestXml('e', { disks: [fileDisk(image, { shareable: true })], seclabel: `  <seclabel type='dynamic' model='dac' relabel='yes'/>` });
	assert.deepEqual(crossFindings(workspaceOf({ 'file:///a.xml': a, 'file:///e.xml': dacOnly }), 'file:///a.xml', a).map((finding) => finding.rule.id), ['shared-image-private-categories']);
});


test('a device label written through an entity gives the categories libvirt reads, and no fix rewrites offsets that are not the text\'s', () => {
	const image = `${IMAGES}/data.img`;
	const label = `<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:&cats;</label></seclabel>`;
	const a = `<!DOCTYPE domain [<!ENTITY cats "s0:c1,c2">]>\n${guestXml('a', { disks: [fileDisk(image, { shareable: true, sourceContent: label })], seclabel: staticLabel('s0:c1,c2') })}`;
	const b = guestXml('b', { disks: [fileDisk(image, { shareable: true })], seclabel: DYNAMIC_LABEL });
	const inA = crossFindings(workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b }), 'file:///a.xml', a);
	assert.deepEqual(inA.map((finding) => finding.rule.id), ['shared-image-private-categories']);
	assert.deepEqual((inA[0].fixes ?? []).filter((fix) => fix.edits.length > 0), []);
});
