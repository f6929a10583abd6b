import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain } from '../../support/fixture';

const RULE = 'disk-source-missing';
const disk = (type: string, device: string, source: string) => `    <disk type='${type}' device='${device}'>\n      <driver name='qemu' type='raw'/>\n      ${source}\n      <target dev='vda' bus='virtio'/>\n    </disk>`;

test('disk-source-missing flags a file, block or dir disk without a source', () => {
	for (const type of ['file', 'block', 'dir']) {
		const found = codedFor(RULE, domain('', disk(type, 'disk', '')));
		assert.equal(found.length, 1, type);
		assert.equal(found[0].stage, 'define');
	}
});

test('disk-source-missing stays silent for a disk with a source and for an empty cdrom', () => {
	assert.deepEqual(codedFor(RULE, domain('', disk('file', 'disk', "<source file='/a.img'/>"))), []);
	assert.deepEqual(codedFor(RULE, domain('', disk('file', 'cdrom', ''))), []);
});
