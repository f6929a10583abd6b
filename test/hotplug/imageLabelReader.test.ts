/**
 * The image label reader on real extended attributes: set with setfattr on ordinary files of this
 * machine's file system (as root, `security.selinux` is stored as a plain attribute when no SELinux
 * module claims it, and `trusted.*` needs CAP_SYS_ADMIN), read back with getfattr in batches.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { parseGetfattr, readImageLabels } from '../../server/src/node/imageLabelReader';
import { REFCOUNT_XATTR, REMEMBERED_XATTR, SELINUX_XATTR, TIMESTAMP_XATTR } from '../../server/src/service/workspace/imageLabels';
import { getXattr, image, setXattr, tempDir } from './host';

test('labels and remember-owner attributes are read as libvirt names them; odd names and missing files too', async () => {
	const dir = tempDir('seclabel-xattr-');
	const held = image(dir, 'vm1.img');
	setXattr(held, SELINUX_XATTR, 'system_u:object_r:svirt_image_t:s0:c219,c564');
	setXattr(held, REMEMBERED_XATTR, 'system_u:object_r:virt_image_t:s0');
	setXattr(held, REFCOUNT_XATTR, '1');
	setXattr(held, TIMESTAMP_XATTR, '1764650000');
	setXattr(held, 'user.unrelated', 'x');
	assert.equal(getXattr(held, SELINUX_XATTR), 'system_u:object_r:svirt_image_t:s0:c219,c564');
	const odd = image(dir, 'a name with spaces,\nnewline and ü.img');
	setXattr(odd, SELINUX_XATTR, 'system_u:object_r:virt_content_t:s0');
	const bare = image(dir, 'bare.img');
	const missing = path.join(dir, 'missing.img');
	const labels = await readImageLabels([held, odd, bare, missing, held], { batch: 2 });
	const byPath = new Map(labels.map((label) => [label.path, label]));
	assert.equal(labels.length, 4, 'each path once');
	assert.deepEqual(byPath.get(held), {
		path: held, status: 'ok', selinux: 'system_u:object_r:svirt_image_t:s0:c219,c564', remembered: 'system_u:object_r:virt_image_t:s0', refCount: 1, timestamp: '1764650000', networkFs: undefined,
	});
	assert.equal(byPath.get(odd)?.selinux, 'system_u:object_r:virt_content_t:s0');
	assert.deepEqual(byPath.get(bare), { path: bare, status: 'ok', selinux: undefined, remembered: undefined, refCount: undefined, timestamp: undefined, networkFs: undefined });
	assert.equal(byPath.get(missing)?.status, 'missing');
});

test('getfattr output parsing: hex values with a trailing NUL, escaped names', () => {
	const parsed = parseGetfattr('# file: /x/a\\040b\\012c\nsecurity.selinux=0x73797374656d5f753a6f626a6563745f723a7669727400\n\n# file: /y\n');
	assert.deepEqual([...parsed.keys()], ['/x/a b\nc', '/y']);
	assert.equal(parsed.get('/x/a b\nc')?.get('security.selinux'), 'system_u:object_r:virt');
});

test('a missing getfattr is a clear error naming the package', async () => {
	const dir = tempDir('seclabel-xattr-');
	await assert.rejects(readImageLabels([image(dir, 'a.img')], { getfattr: path.join(dir, 'no-getfattr') }), /install the attr package/);
});
