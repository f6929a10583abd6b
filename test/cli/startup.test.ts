/**
 * What the bin loads before it checks anything (issue #12): Node's child_process and crypto only
 * when an option runs a program (--connect runs virsh with a random marker), never for plain
 * files. esbuild.mjs gives the CLI bundle a stand-in for each that requires the real one on first
 * use; this runs the real bin and reads, at its exit, the modules Node loaded (process.moduleLoadList).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLEAN, CLI, requireCli, tempDir } from './run';

function loadedBuiltins(args: string[]): { status: number | null; stdout: string; loaded: string[] } {
	requireCli();
	const dir = tempDir();
	const report = path.join(dir, 'loaded.json');
	const preload = path.join(dir, 'report-loaded.js');
	fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.moduleLoadList)));\n`);
	const run = cp.spawnSync(process.execPath, ['-r', preload, CLI, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
	const list = JSON.parse(fs.readFileSync(report, 'utf8')) as string[];
	const loaded = list.filter((entry) => /^NativeModule (child_process|crypto)$/.test(entry)).map((entry) => entry.slice('NativeModule '.length)).sort();
	return { status: run.status, stdout: run.stdout, loaded };
}

test('checking files loads neither child_process nor crypto', () => {
	const dir = tempDir();
	const guest = path.join(dir, 'vm.xml');
	fs.writeFileSync(guest, CLEAN);
	const run = loadedBuiltins(['--format', 'json', guest]);
	assert.equal(run.status, 0, run.stdout);
	assert.equal(JSON.parse(run.stdout).files[0].path, guest, 'the file was checked');
	assert.deepEqual(run.loaded, []);
	assert.deepEqual(loadedBuiltins(['--version']).loaded, []);
});

test('--connect loads both when it runs virsh, and the stand-ins hand over the real functions', () => {
	const dir = tempDir();
	const guest = path.join(dir, 'vm.xml');
	fs.writeFileSync(guest, CLEAN);
	const run = loadedBuiltins(['--format', 'json', '--connect', 'test:///default', guest]);
	assert.equal(run.status, 0, run.stdout);
	assert.deepEqual(run.loaded, ['child_process', 'crypto']);
	assert.ok(JSON.parse(run.stdout).files.some((file: { path: string }) => file.path === guest));
});
