/**
 * The `libvirt-seclabel-lint` bin's first file (dist/cli.js): it runs the CLI bundle
 * (dist/cli-main.js, main.ts and all it imports) through V8's code cache, so that a run does not
 * compile again what the build's run compiled: the bundle's top level and every function a check
 * of files calls (issue #12: about a tenth of a run over 1,000 small files, measured in docs/benchmarks.md).
 *
 * The cache, dist/cli-main.js.v8-cache, is written by the build only (esbuild.mjs runs the bin
 * over examples/ with LIBVIRT_SECLABEL_WRITE_CODE_CACHE=1): a user's run reads it and never writes
 * anything, anywhere. It is only an optimisation, so every problem with it means a plain compile:
 * a missing or unreadable file, one written for another bundle or Node (both are in its first
 * line; an npm tarball carries none), or bytes that are not what was written (V8 aborts the
 * process on damaged cache data rather than refusing it, so the loader checks a CRC-32 first).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { crc32 } from 'zlib';
import Module = require('module');

const BUNDLE = path.join(__dirname, 'cli-main.js');
const CACHE = `${BUNDLE}.v8-cache`;
const FORMAT = 'libvirt-seclabel-lint code cache 1';

/** The cached data for this bundle and this Node, when the cache file holds it intact. */
function readCache(key: string): Buffer | undefined {
	let bytes: Buffer;
	try {
		bytes = fs.readFileSync(CACHE);
	} catch {
		return undefined;
	}
	const newline = bytes.indexOf(10);
	const head = newline > 0 ? bytes.subarray(0, newline).toString('latin1') : '';
	const data = bytes.subarray(newline + 1);
	return head === `${key} ${data.length} ${crc32(data)}` ? data : undefined;
}

/** The build's write: atomic (a temporary file renamed), and never an error (no cache is only slower). */
function writeCache(key: string, data: Buffer): void {
	const temporary = `${CACHE}.${process.pid}.tmp`;
	try {
		fs.writeFileSync(temporary, Buffer.concat([Buffer.from(`${key} ${data.length} ${crc32(data)}\n`, 'latin1'), data]), { mode: 0o644 });
		fs.renameSync(temporary, CACHE);
	} catch {
		fs.rmSync(temporary, { force: true, recursive: true });
	}
}

const source = fs.readFileSync(BUNDLE, 'utf8');
const key = `${FORMAT} ${process.version} ${process.arch} ${source.length} ${crc32(source)}`;
const cachedData = readCache(key);
const script = new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData });
if (process.env.LIBVIRT_SECLABEL_WRITE_CODE_CACHE === '1') {
	// At exit, so that the functions the run compiled are in it (V8 adds the compiled ones).
	process.on('exit', () => writeCache(key, script.createCachedData()));
}
const bundle = new Module(BUNDLE, module);
bundle.filename = BUNDLE;
(script.runInThisContext() as (...args: unknown[]) => void)(bundle.exports, Module.createRequire(BUNDLE), bundle, BUNDLE, __dirname);
