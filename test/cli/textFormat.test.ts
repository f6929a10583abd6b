/**
 * Every line of the text output is one a compiler problem matcher reads, checked with the real
 * matchers: Neovim's `:compiler gcc` errorformat (quickfix entries, each valid, at the right file,
 * line and column) and VS Code's built-in `file:line:col: message` matcher (`$go`), read from the
 * workbench bundle of the code-server the tests install. The first line of each diagnostic keeps
 * its form (`path:line:col: severity: message [rule]`); stage and related places are note lines.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { guestXml, staticLabel } from '../workspace/guests';
import { cutLongWords, escapeControls, formatText } from '../../server/src/cli/textFormat';
import { REFUSED, ROOT, ONE_WARNING, runCli, tempDir } from './run';

const WORKBENCH = path.join(ROOT, '.tools', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'vs', 'code', 'browser', 'workbench', 'workbench.js');

/** A tree with an error with libvirt's message, a warning, advice, and a collision across two files. */
function sampleTree(): string {
	const dir = tempDir();
	fs.writeFileSync(path.join(dir, 'refused.xml'), REFUSED);
	fs.writeFileSync(path.join(dir, 'warned.xml'), ONE_WARNING);
	fs.writeFileSync(path.join(dir, 'a.xml'), guestXml('a', { seclabel: staticLabel('s0:c1,c2') }));
	fs.writeFileSync(path.join(dir, 'b.xml'), guestXml('b', { seclabel: staticLabel('s0:c1,c2') }));
	return dir;
}

/** The quickfix list Neovim's gcc errorformat makes of a file. */
function neovimQuickfix(outputFile: string): { filename: string; lnum: number; col: number; valid: number; type: string; text: string }[] {
	const version = cp.spawnSync('nvim', ['--version'], { encoding: 'utf8' });
	assert.equal(version.status, 0, 'Neovim is missing: run scripts/setup-test-deps.sh (apt-get install neovim)');
	const result = `${outputFile}.qf.json`;
	const lua = `local out = {} for _, e in ipairs(vim.fn.getqflist()) do table.insert(out, { filename = vim.fn.bufname(e.bufnr), lnum = e.lnum, col = e.col, valid = e.valid, type = e.type, text = e.text }) end vim.fn.writefile({ vim.fn.json_encode(out) }, '${result}')`;
	const run = cp.spawnSync('nvim', ['--headless', '--clean', '-c', 'compiler gcc', '-c', `cgetfile ${outputFile}`, '-c', `lua ${lua}`, '-c', 'qa!'], { encoding: 'utf8', timeout: 60_000 });
	assert.equal(run.status, 0, `nvim failed: ${run.stderr}`);
	return JSON.parse(fs.readFileSync(result, 'utf8'));
}

/** VS Code's `$go` matcher (file:line[:col]: message), as the installed workbench defines it. */
function vscodeLocationMatcher(): RegExp {
	assert.ok(fs.existsSync(WORKBENCH), `${WORKBENCH} is missing: run scripts/setup-test-deps.sh (it installs code-server into .tools/)`);
	const bundle = fs.readFileSync(WORKBENCH, 'utf8');
	const match = /this\.add\("go",\{regexp:\/(.+?)\/,kind:/.exec(bundle);
	assert.ok(match, 'the $go problem pattern is not in the workbench bundle');
	return new RegExp(match[1]);
}

test('every line is a quickfix entry for Neovim\'s gcc errorformat, at the file, line and column printed', () => {
	const dir = sampleTree();
	try {
		const run = runCli([dir]);
		assert.equal(run.status, 1, run.stderr);
		const lines = run.stdout.trimEnd().split('\n');
		assert.ok(lines.length >= 8, run.stdout);
		assert.deepEqual(lines.filter((line) => !/^\S+:\d+:\d+: (error|warning|information|hint|note): \S/.test(line)), [], 'no bare, indented or stage-only lines');
		const outputFile = path.join(dir, 'lint.out');
		fs.writeFileSync(outputFile, run.stdout);
		const entries = neovimQuickfix(outputFile);
		assert.equal(entries.length, lines.length, 'one quickfix entry per line');
		entries.forEach((entry, i) => {
			const [, file, line, col] = /^(.+?):(\d+):(\d+): /.exec(lines[i])!;
			assert.equal(entry.valid, 1, `line ${i + 1} is not a valid entry: ${lines[i]}`);
			assert.equal(path.resolve(entry.filename), file, lines[i]);
			assert.equal(entry.lnum, Number(line), lines[i]);
			assert.equal(entry.col, Number(col), lines[i]);
		});
		const first = entries[lines.findIndex((line) => line.includes('[dynamic-relabel-no]'))];
		assert.equal(first.type, 'e', 'an error line is an error in the quickfix list');
		assert.equal(first.text, 'unsupported configuration: dynamic label type must use resource relabeling [dynamic-relabel-no]');
		assert.equal(entries[lines.findIndex((line) => line.includes('[seclabel-unknown-attribute]'))].type, 'w');
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test("every line matches VS Code's file:line:col matcher, with the path, line and column printed", () => {
	const matcher = vscodeLocationMatcher();
	const dir = sampleTree();
	try {
		const run = runCli([dir]);
		const lines = run.stdout.trimEnd().split('\n');
		for (const line of lines) {
			const match = matcher.exec(line);
			assert.ok(match, `VS Code does not read: ${line}`);
			// $go: file is group 2, line 4, column 6, message 7.
			const [, file, lnum, col] = /^(.+?):(\d+):(\d+): /.exec(line)!;
			assert.deepEqual([match[2], match[4], match[6]], [file, lnum, col], line);
			assert.match(match[7], /^(error|warning|information|hint|note): /);
		}
		// The related place of the collision is a note line of its own at the other file.
		const collision = lines.findIndex((line) => /a\.xml:\d+:\d+: warning: .*\[mcs-level-collision\]$/.test(line));
		assert.ok(collision >= 0, run.stdout);
		assert.match(lines[collision + 1], /a\.xml:\d+:\d+: note: advice: libvirt accepts it as written$/);
		assert.match(lines[collision + 2], /b\.xml:\d+:\d+: note: 'b' runs at s0:c1,c2/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the stage note carries our explanation when libvirt has a message of its own', () => {
	const text = formatText({ version: 1, files: [{ path: 'vm.xml', diagnostics: [
		{ code: 'dynamic-relabel-no', stage: 'define', severity: 'error', message: 'Ours.', libvirtMessage: "libvirt's.", range: { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } }, related: [] },
		{ code: 'label-ignored', stage: 'ignored', severity: 'warning', message: 'Dropped.', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, related: [{ path: 'o.xml', range: { start: { line: 4, character: 1 }, end: { line: 4, character: 2 } }, message: 'there' }] },
	] }] });
	assert.equal(text, [
		"vm.xml:2:3: error: libvirt's. [dynamic-relabel-no]",
		'vm.xml:2:3: note: refused by libvirt: Ours.',
		'vm.xml:1:1: warning: Dropped. [label-ignored]',
		'vm.xml:1:1: note: libvirt accepts it and ignores it',
		'o.xml:5:2: note: there',
		'',
	].join('\n'));
});

test('control characters are escaped and overlong words cut, so that nothing leaves its line', () => {
	assert.equal(escapeControls('a\nb\tc\r\u001b\u0085\u2028d'), 'a\\nb\\tc\\r\\x1B\\x85\\u2028d');
	const long = `x${'n'.repeat(5_000_000)}y`;
	const cut = cutLongWords(`libvirt ignores '${long}' on this seclabel`);
	assert.ok(cut.length < 300, `${cut.length} characters`);
	assert.match(cut, /^libvirt ignores 'xn+…\(5000004 characters\)…n+y' on this seclabel$/);
	const normal = `a path /var/lib/libvirt/images/${'d'.repeat(150)}.qcow2 stays whole`;
	assert.equal(cutLongWords(normal), normal);
});

test('a word is cut from 201 characters on, whatever space separates it (every character of /\\s/)', () => {
	const at200 = 'w'.repeat(200);
	const at201 = 'w'.repeat(201);
	for (const space of [' ', '\t', '\n', '\u00a0', '\u2003', '\u3000', '\ufeff']) {
		const kept = `${'a'.repeat(150)}${space}${at200}${space}${'b'.repeat(150)}`;
		assert.equal(cutLongWords(kept), kept, `U+${space.charCodeAt(0).toString(16)}: 200 characters stay whole`);
		const cut = cutLongWords(`${'a'.repeat(150)}${space}${at201}${space}end`);
		assert.ok(cut.includes('…(201 characters)…'), `U+${space.charCodeAt(0).toString(16)}: ${cut.slice(0, 40)}`);
	}
	// A character that is not a space joins the two runs into one word of 401.
	assert.ok(cutLongWords(`${at200}\u200b${at200}`).includes('…(401 characters)…'));
});
