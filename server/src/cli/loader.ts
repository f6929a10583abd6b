/**
 * The `libvirt-seclabel-lint` bin's first file (dist/cli.js): it runs the CLI bundle
 * (dist/cli-main.js, main.ts and all it imports) through V8's code cache, so that a run does not
 * compile again what the last run compiled: the bundle's top level and every function a check of
 * files calls (issue #12: about a tenth of a run over 1,000 small files, measured in docs/benchmarks.md).
 *
 * The cache is a file next to the bundle, or in the user's cache directory when that one cannot
 * be written (a root-owned global install). It is only an optimisation, so every problem with it
 * means a plain compile: a missing or unreadable file, one written for another bundle or Node
 * (both are in its first line), or bytes that are not what was written (V8 aborts the process on
 * damaged cache data rather than refusing it, so the loader checks a CRC-32 of them first). It is
 * written once, atomically (a temporary file renamed), after a run that checked files and only
 * when there was no usable one; a cache that cannot be written is never an error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { crc32 } from 'zlib';
import Module = require('module');

const BUNDLE = path.join(__dirname, 'cli-main.js');
const FORMAT = 'libvirt-seclabel-lint code cache 1';

/** Where a cache may be: next to the bundle, then the user's cache directory (one file per bundle path). */
function cachePaths(): string[] {
	const home = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return [`${BUNDLE}.v8-cache`, path.join(home, 'libvirt-seclabel', `cli-main-${crc32(BUNDLE).toString(16)}.v8-cache`)];
}

/** The cached data for this bundle and this Node, when a cache file holds it intact. */
function readCache(paths: readonly string[], key: string): Buffer | undefined {
	for (const file of paths) {
		let bytes: Buffer;
		try {
			bytes = fs.readFileSync(file);
		} catch {
			continue;
		}
		const newline = bytes.indexOf(10);
		const head = newline > 0 ? bytes.subarray(0, newline).toString('latin1') : '';
		const data = bytes.subarray(newline + 1);
		if (head === `${key} ${data.length} ${crc32(data)}`) {
			return data;
		}
	}
	return undefined;
}

function writeCache(paths: readonly string[], key: string, data: Buffer): void {
	const bytes = Buffer.concat([Buffer.from(`${key} ${data.length} ${crc32(data)}\n`, 'latin1'), data]);
	for (const file of paths) {
		const temporary = `${file}.${process.pid}.tmp`;
		try {
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(temporary, bytes, { mode: 0o644 });
			fs.renameSync(temporary, file);
			return;
		} catch {
			try {
				fs.unlinkSync(temporary);
			} catch {
				// Nothing was written.
			}
		}
	}
}

/** Runs that end before any file is read compile little: their cache would serve a check badly. */
const QUICK = new Set(['--help', '-h', '--version', '-V']);

const source = fs.readFileSync(BUNDLE, 'utf8');
const key = `${FORMAT} ${process.version} ${process.arch} ${source.length} ${crc32(source)}`;
const paths = cachePaths();
const cachedData = readCache(paths, key);
const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData });
if ((cachedData === undefined || script.cachedDataRejected) && !process.argv.slice(2).some((arg) => QUICK.has(arg))) {
	// At exit, so that the functions the run compiled are in it (V8 adds the compiled ones).
	process.on('exit', () => {
		try {
			writeCache(paths, key, script.createCachedData());
		} catch {
			// No cache this time; the next run compiles again and tries again.
		}
	});
}
const bundle = new Module(BUNDLE, module);
bundle.filename = BUNDLE;
(script.runInThisContext() as (...args: unknown[]) => void)(bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, __dirname);
