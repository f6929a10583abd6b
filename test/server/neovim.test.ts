/**
 * The language server in another editor: headless Neovim (Debian's 0.7) starts the stdio bin,
 * shows libvirt's refusal as a diagnostic on the right line and column, and gets a hover.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { ROOT } from '../support/lspServer';

test('Neovim\'s built-in LSP client gets diagnostics and hovers from the stdio server', () => {
	const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
	assert.equal(nvim.status, 0, 'Neovim is missing: run scripts/setup-test-deps.sh (apt-get install neovim)');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-nvim-'));
	try {
		const file = path.join(dir, 'guest.xml');
		const xml = [
			"<domain type='kvm'>",
			'  <name>guest</name>',
			"  <memory unit='KiB'>1048576</memory>",
			"  <os><type arch='x86_64'>hvm</type></os>",
			'  <devices/>',
			"  <seclabel type='dynamic' model='selinux' relabel='no'/>",
			'</domain>',
			'',
		].join('\n');
		fs.writeFileSync(file, xml);
		// A private config and data home: Neovim writes its shada and log files there.
		const env = { ...process.env, SERVER: path.join(ROOT, 'dist', 'server.js'), XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir };
		const run = spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${path.join(ROOT, 'test', 'server', 'neovim', 'lsp-check.lua')}`, file], { encoding: 'utf8', env, timeout: 60000, cwd: dir });
		assert.equal(run.status, 0, `nvim failed (signal ${run.signal}): ${run.stdout}\n${run.stderr}`);
		const column = xml.split('\n')[5].indexOf("relabel='no'") + 1;
		assert.match(run.stdout, new RegExp(`DIAG 6:${column} dynamic-relabel-no unsupported configuration: dynamic label type must use resource relabeling`));
		assert.match(run.stdout, /HOVER \*\*Domain security label\.\*\*/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
