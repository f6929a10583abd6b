/**
 * image-label-not-remembered: an image on a network file system, where libvirt keeps no
 * remember-owner attributes. NFS cannot be mounted in the test environment, so the rule is driven
 * with the reader's result for such an image (the reader's statfs magic numbers name the file system).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings } from '../../server/src/service/features/findings';
import { imageLabelLookup } from '../../server/src/service/workspace/imageLabels';
import { readImageLabels } from '../../server/src/node/imageLabelReader';
import { image, tempDir } from './host';

const VM = (extra = '') => `<domain type='kvm'>\n  <name>vm1</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='/mnt/nfs/vm1.img'/>\n      <target dev='vda'/>${extra}\n    </disk>\n  </devices>\n</domain>\n`;

test('a writable image on NFS: libvirt relabels silently; read-only, shared or local images are not reported', async () => {
	const onNfs = imageLabelLookup([{ path: '/mnt/nfs/vm1.img', status: 'ok', networkFs: 'NFS' }]);
	const codes = (xml: string) => computeFindings(parseSeclabelText(xml), { imageLabels: onNfs }).filter((f) => f.rule.id === 'image-label-not-remembered');
	const found = codes(VM());
	assert.equal(found.length, 1);
	assert.match(found[0].message, /on NFS/);
	assert.equal(found[0].severity, 'warning');
	assert.deepEqual(codes(VM('\n      <readonly/>')), []);
	assert.deepEqual(codes(VM('\n      <shareable/>')), []);
	const local = imageLabelLookup([{ path: '/mnt/nfs/vm1.img', status: 'ok' }]);
	assert.deepEqual(computeFindings(parseSeclabelText(VM()), { imageLabels: local }).filter((f) => f.rule.id === 'image-label-not-remembered'), []);
	// This machine's temp directory is a local file system: the reader says so.
	const [label] = await readImageLabels([image(tempDir('seclabel-fs-'), 'a.img')]);
	assert.equal(label.networkFs, undefined);
});
