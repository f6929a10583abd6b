/**
 * Emacs 28 + eglot 1.9 (Debian's elpa-eglot) on the file `virsh edit` writes to the temporary
 * directory, with a large tree of other XML beside it: eglot makes the temporary directory its
 * project, so the server must not index it as a whole, must not ask eglot to watch files (eglot
 * 1.9 walks its whole project to honour any watcher: a `**\/*.xml` registration froze Emacs for a
 * minute on a /tmp of 40,000 files), must say why, and must still publish the file's diagnostics.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { domain } from '../support/fixture';
import { ROOT, SERVER } from '../support/lspServer';

const BAD = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);

test('eglot on a file in the temporary directory: diagnostics, a message, no file watcher and no index of the tree around it', (t) => {
	const emacs = cp.spawnSync('emacs', ['--version'], { encoding: 'utf8' });
	assert.equal(emacs.status, 0, 'Emacs is missing: install it with `apt-get install emacs-nox elpa-eglot`');
	const tmp = fs.realpathSync(os.tmpdir());
	const tree = fs.mkdtempSync(path.join(tmp, 'seclabel-eglot-tree-'));
	const file = path.join(tmp, `virsh${path.basename(tree).slice(-6)}.xml`);
	try {
		// Other XML in the temporary directory, as a busy machine has: 2,000 files in 20 directories.
		for (let d = 0; d < 20; d++) {
			fs.mkdirSync(path.join(tree, `d${d}`));
			for (let i = 0; i < 100; i++) fs.writeFileSync(path.join(tree, `d${d}`, `n${i}.xml`), `<network><name>n${d}-${i}</name></network>\n`);
		}
		fs.writeFileSync(file, BAD);
		const result = cp.spawnSync('emacs', ['--batch', '-q', '-l', path.join(ROOT, 'test', 'server', 'emacs', 'tmp-root.el'), file], {
			encoding: 'utf8', timeout: 120_000, env: { ...process.env, SERVER },
		});
		const lines = result.stdout.split('\n');
		const report = `stdout:\n${result.stdout}\nstderr:\n${result.stderr.slice(-3000)}`;
		assert.equal(result.status, 0, report);
		assert.ok(lines.some((line) => line.startsWith('PROJECT') && line.includes(tmp)), `eglot's project should be the temporary directory: ${report}`);
		assert.ok(lines.includes('PUBLISH 1'), `the file's diagnostic (dynamic-relabel-no) should be published: ${report}`);
		assert.ok(lines.some((line) => line.startsWith('MESSAGE') && line.includes('not indexed as a whole')), `a message should say why: ${report}`);
		assert.deepEqual(lines.filter((line) => line.startsWith('REGISTER workspace/didChangeWatchedFiles')), [], `no watcher may be registered: ${report}`);
		t.diagnostic(lines.find((line) => line.startsWith('ELAPSED')) ?? 'no ELAPSED line');
	} finally {
		fs.rmSync(tree, { recursive: true, force: true });
		fs.rmSync(file, { force: true });
	}
});
