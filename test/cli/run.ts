/**
 * Running the bundled bin as a user does: a real process, real files in a temporary directory,
 * real pipes. Shared by the CLI suites.
 */
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { guestXml } from '../workspace/guests';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export function requireCli(): void {
	assert.ok(fs.existsSync(CLI), `${CLI} is missing: run 'npm run build' (npm test builds it first)`);
}

export function runCli(args: readonly string[], options: { input?: string | Buffer; cwd?: string } = {}): { status: number | null; stdout: string; stderr: string } {
	requireCli();
	const run = cp.spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input: options.input ?? '', cwd: options.cwd, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
	assert.equal(run.error, undefined, `the CLI did not run: ${run.error}`);
	return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs a bash script with $CLI and $NODE set, for pipes, redirections and raw-byte names. */
export function runShell(script: string, cwd?: string): { status: number | null; stdout: Buffer; stderr: string } {
	requireCli();
	const run = cp.spawnSync('bash', ['-c', script], { cwd, env: { ...process.env, CLI, NODE: process.execPath }, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
	assert.equal(run.error, undefined, `bash did not run: ${run.error}`);
	return { status: run.status, stdout: run.stdout, stderr: run.stderr.toString('utf8') };
}

export function tempDir(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-cli-'));
}

/** A guest libvirt refuses: a dynamic label without relabelling (an error, with libvirt's message). */
export const REFUSED = guestXml('refused', { seclabel: "  <seclabel type='dynamic' model='selinux' relabel='no'/>" });
/** A guest with one warning (an attribute libvirt ignores) and nothing else. */
export const ONE_WARNING = guestXml('warned', { seclabel: "  <seclabel type='dynamic' model='selinux' relable='yes'/>" });
/** A guest with no finding at all. */
export const CLEAN = guestXml('clean', { seclabel: "  <seclabel type='dynamic' model='selinux' relabel='yes'/>" });
