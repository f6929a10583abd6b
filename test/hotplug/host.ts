/**
 * Real fixtures for the hot-plug tests: image files with real extended attributes (set with
 * Debian's `setfattr`, as root), a libvirt test-driver host (`test:///DIR/node.xml`, whose guests
 * virsh starts running) in the seed bug report's shape, and the CLI run in process.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main, type JsonReport } from '../../server/src/cli/lint';

export const ATTR_HINT = "install Debian's attr package (apt-get install attr) and run the tests as root";

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Sets an extended attribute with setfattr; fails loudly, saying what is needed, when it cannot. */
export function setXattr(file: string, name: string, value: string): void {
	const result = spawnSync('setfattr', ['-n', name, '-v', value, '--', file], { encoding: 'utf8' });
	assert.ok(!result.error, `setfattr cannot run (${result.error?.message}): ${ATTR_HINT}`);
	assert.equal(result.status, 0, `setfattr -n ${name} failed on ${file}: ${result.stderr.trim()}: ${ATTR_HINT}`);
}

/** Reads one attribute back with getfattr, to prove the fixture is real. */
export function getXattr(file: string, name: string): string {
	return execFileSync('getfattr', ['--only-values', '-n', name, '--', file], { encoding: 'utf8' }).replace(/\0$/, '');
}

/** Creates an empty image file of 1 MiB. */
export function image(dir: string, name: string): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, '');
	fs.truncateSync(file, 1024 * 1024);
	return file;
}

export interface TestGuest {
	readonly name: string;
	readonly disks: readonly string[];
	/** A static label's level (the test driver keeps no generated dynamic labels); none when absent. */
	readonly level?: string;
}

/**
 * A node file for libvirt's test driver. Its guests run as soon as virsh opens it. The test driver
 * parses them as define-time XML and has no security driver, so a dynamic label's generated
 * `<label>` is dropped: a running guest's label is given as a static one with relabelling on,
 * which `virsh dumpxml` then prints, as a real host prints the label it generated.
 */
export function nodeXml(guests: readonly TestGuest[]): string {
	const domains = guests.map((guest) => {
		const disks = guest.disks.map((disk, i) => `      <disk type='file' device='disk'>\n        <source file='${disk}'/>\n        <target dev='vd${String.fromCharCode(97 + i)}' bus='virtio'/>\n      </disk>`).join('\n');
		const seclabel = guest.level ? `\n    <seclabel type='static' model='selinux' relabel='yes'>\n      <label>system_u:system_r:svirt_t:${guest.level}</label>\n    </seclabel>` : '';
		return `  <domain type='test'>\n    <name>${guest.name}</name>\n    <memory>1048576</memory>\n    <os><type>hvm</type></os>\n    <devices>\n${disks}\n    </devices>${seclabel}\n  </domain>`;
	});
	return `<node>\n${domains.join('\n')}\n</node>\n`;
}

/** Writes the node file and returns its test:/// URI. */
export function testHost(dir: string, guests: readonly TestGuest[]): string {
	const file = path.join(dir, 'node.xml');
	fs.writeFileSync(file, nodeXml(guests));
	return `test://${file}`;
}

export interface CliResult {
	readonly code: number;
	readonly stdout: string;
	readonly stderr: string;
}

export async function cli(args: string[]): Promise<CliResult> {
	let stdout = '';
	let stderr = '';
	const code = await main(args, (s) => { stdout += s; }, (s) => { stderr += s; }, '0.0.0');
	return { code, stdout, stderr };
}

export async function cliJson(args: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
	const result = await cli(['--format', 'json', ...args]);
	return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

/** The diagnostics of one file of a report, as code and the text each range covers. */
export function codesOf(report: JsonReport, file: string): string[] {
	return (report.files.find((entry) => entry.path === file)?.diagnostics ?? []).map((diagnostic) => diagnostic.code);
}

/** virsh, failing loudly when it is missing. */
export function requireVirsh(): void {
	const result = spawnSync('virsh', ['--version'], { encoding: 'utf8' });
	assert.ok(!result.error && result.status === 0, "virsh is not available: install Debian's libvirt-clients (apt-get install libvirt-clients)");
}
