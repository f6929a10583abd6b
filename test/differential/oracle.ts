/**
 * The two sides of the differential test: libvirt's own parser, run as `virsh -c test:///default
 * define FILE` (the test driver parses in process, so no daemon is needed), and the project's CLI
 * run once over a directory with `--format json`.
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { JsonReport } from '../../server/src/cli/lint';

export const INSTALL_HINT = "install Debian's libvirt-clients (apt-get install libvirt-clients)";

/** The repository root, from out/test/differential/ or test/differential/. */
export const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

const C_LOCALE = { ...process.env, LC_ALL: 'C', LANG: 'C' };

/** The installed libvirt's version (`virsh --version`); throws with what to install when virsh is missing. */
export function installedLibvirtVersion(): string {
	const result = spawnSync('virsh', ['--version'], { encoding: 'utf8', env: C_LOCALE, timeout: 10000 });
	if (result.error || result.status !== 0) {
		throw new Error(`virsh is not available (${result.error?.message ?? result.stderr.trim()}): ${INSTALL_HINT}`);
	}
	const match = /^(\d+\.\d+\.\d+)\s*$/m.exec(result.stdout);
	if (!match) {
		throw new Error(`virsh --version printed '${result.stdout.trim()}', not a version: ${INSTALL_HINT}`);
	}
	return match[1];
}

export interface LibvirtVerdict {
	readonly accepted: boolean;
	/** What virsh printed after `error: ` for the cause (the line after "Failed to define domain"). */
	readonly message?: string;
}

/**
 * virsh prints `error: Failed to define domain from F` and then `error: <libvirt's message>`; an
 * XML syntax error from libxml2 continues over further lines (the offending line and a caret),
 * which are kept so that a comparison shows all of it.
 */
export function parseVirshError(stderr: string): string {
	const lines = stderr.replace(/\s+$/, '').split('\n').filter((line) => !/^error: Failed to define domain from /.test(line));
	return lines.join('\n').replace(/^error: /, '');
}

function defineOne(file: string): Promise<LibvirtVerdict> {
	return new Promise((resolve, reject) => {
		execFile('virsh', ['-q', '-c', 'test:///default', 'define', file], { env: C_LOCALE, timeout: 60000 }, (error, _stdout, stderr) => {
			if (!error) {
				resolve({ accepted: true });
			} else if (typeof error.code === 'number') {
				resolve({ accepted: false, message: parseVirshError(stderr) });
			} else {
				reject(new Error(`virsh could not run on ${file} (${error.message}): ${INSTALL_HINT}`));
			}
		});
	});
}

/**
 * libvirt's verdict on each file, one `virsh define` per file. A fresh process per file is the
 * reliable way: in one `virsh` session the test driver keeps every defined domain, so later files
 * would collide on names and UUIDs, and errors are hard to tie to their file. Running a few at a
 * time keeps ~600 files under ten seconds on two cores.
 */
export async function defineAll(files: readonly string[]): Promise<Map<string, LibvirtVerdict>> {
	const verdicts = new Map<string, LibvirtVerdict>();
	let next = 0;
	const worker = async () => {
		while (next < files.length) {
			const file = files[next++];
			verdicts.set(file, await defineOne(file));
		}
	};
	await Promise.all(Array.from({ length: Math.max(2, os.cpus().length * 2) }, worker));
	return verdicts;
}

/** The CLI's JSON report over the paths, with the given extra options. */
export function lintJson(paths: readonly string[], options: readonly string[]): Promise<JsonReport> {
	if (!fs.existsSync(CLI)) {
		throw new Error(`${CLI} is missing: build first (npm run build)`);
	}
	return new Promise((resolve, reject) => {
		execFile(process.execPath, [CLI, '--format', 'json', ...options, ...paths], { maxBuffer: 512 * 1024 * 1024, timeout: 120000 }, (error, stdout, stderr) => {
			// Exit status 1 only says that some file has an error diagnostic.
			if (error && error.code !== 1) {
				reject(new Error(`the CLI failed (${error.message}): ${stderr}`));
				return;
			}
			try {
				resolve(JSON.parse(stdout) as JsonReport);
			} catch (parseError) {
				reject(new Error(`the CLI printed no JSON (${String(parseError)}): ${stdout.slice(0, 500)}`));
			}
		});
	});
}

/** A fresh temporary directory, removed with everything in it by the returned function. */
export function temporaryDirectory(prefix: string): { dir: string; remove: () => void } {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
