/**
 * The language server in Emacs: batch-mode Emacs 28 with Debian's eglot 1.9 connects to the stdio
 * bin from nxml-mode, shows libvirt's refusal through flymake, and gets what eglot declared without
 * yasnippet and markdown-mode: plain-text hovers and documentation, and no snippets.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { ROOT } from '../support/lspServer';
import { assertReceived, runEditor } from './editorCheck';

test('Emacs with eglot gets diagnostics once per version, plain-text hovers and plain insert text', () => {
	const probe = spawnSync('emacs', ['--batch', '-q', '--eval', "(require 'eglot)"], { encoding: 'utf8' });
	assert.equal(probe.status, 0, `Emacs with eglot is missing: run scripts/setup-test-deps.sh (apt-get install emacs-nox elpa-eglot). ${probe.error ?? probe.stderr}`);
	const script = path.join(ROOT, 'test', 'server', 'emacs', 'lsp-check.el');
	const run = runEditor('emacs', (file, other) => ['--batch', '-q', '-l', script, file, other]);
	assertReceived(run, { hover: 'plaintext', documentation: 'string' });
	// The README's configuration (test/server/emacs/libvirt-seclabel.el): domains get their own
	// mode and this server; other XML keeps nxml-mode and the user's other server.
	assert.deepEqual(run.modes.get('domain'), { mode: 'libvirt-xml-mode', program: 'libvirt-seclabel-language-server' }, run.stdout);
	assert.deepEqual(run.modes.get('other'), { mode: 'nxml-mode', program: 'other-xml-language-server' }, run.stdout);
});

test('the README gives the Emacs configuration the test uses, word for word', () => {
	const config = fs.readFileSync(path.join(ROOT, 'test', 'server', 'emacs', 'libvirt-seclabel.el'), 'utf8').trim();
	assert.ok(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').includes(config), 'README.md must contain test/server/emacs/libvirt-seclabel.el');
});
