/**
 * The language server in another editor: headless Neovim (Debian's 0.7) starts the stdio bin,
 * shows libvirt's refusal as a diagnostic on the right line and column, and gets what it declared:
 * markdown hovers and documentation, and plain insert text (0.7 declares no snippetSupport).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

import { ROOT } from '../support/lspServer';
import { assertReceived, runEditor } from './editorCheck';

test('Neovim\'s built-in LSP client gets diagnostics once per version, markdown hovers and plain insert text', () => {
	const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
	assert.equal(nvim.status, 0, 'Neovim is missing: run scripts/setup-test-deps.sh (apt-get install neovim)');
	const script = path.join(ROOT, 'test', 'server', 'neovim', 'lsp-check.lua');
	const run = runEditor('nvim', (file) => ['--headless', '--clean', '-c', `luafile ${script}`, file]);
	assertReceived(run, { hover: 'markdown', documentation: 'markdown' });
});
