/**
 * The bin's code cache (cli/loader.ts): written by the build only (LIBVIRT_SECLABEL_WRITE_CODE_CACHE=1,
 * esbuild.mjs), read by every run, and never written by a user's run nor a reason for a different
 * result or a crash: a damaged, stale or foreign cache is compiled past and left alone. Runs a copy
 * of the two built files (dist/cli.js and dist/cli-main.js) in a temporary directory, as a user would.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI, ONE_WARNING, REFUSED, requireCli, tempDir } from './run';

interface Install { dir: string; bin: string; cache: string; guests: string[] }

function install(): Install {
	requireCli();
	const dir = tempDir();
	for (const name of ['cli.js', 'cli-main.js']) {
		fs.copyFileSync(path.join(path.dirname(CLI), name), path.join(dir, name));
	}
	const guests = [path.join(dir, 'refused.xml'), path.join(dir, 'warned.xml')];
	fs.writeFileSync(guests[0], REFUSED);
	fs.writeFileSync(guests[1], ONE_WARNING);
	return { dir, bin: path.join(dir, 'cli.js'), cache: path.join(dir, 'cli-main.js.v8-cache'), guests };
}

function run(where: Install, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
	const result = cp.spawnSync(process.execPath, [where.bin, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: path.join(where.dir, 'user-cache'), HOME: where.dir, LIBVIRT_SECLABEL_WRITE_CODE_CACHE: '', ...env } });
	assert.equal(result.signal, null, `the bin died of ${result.signal}: ${result.stderr}`);
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What the built bin prints for the same files (it may use the repository's own cache: same result). */
function reference(where: Install): string {
	const result = cp.spawnSync(process.execPath, [CLI, '--format', 'json', ...where.guests], { encoding: 'utf8' });
	assert.equal(result.status, 1, result.stderr);
	return result.stdout;
}

const BUILD = { LIBVIRT_SECLABEL_WRITE_CODE_CACHE: '1' };

/** Every file in the install directory but the guests and the two bins: what the runs wrote. */
function written(where: Install): string[] {
	return fs.readdirSync(where.dir).filter((name) => !['cli.js', 'cli-main.js', 'refused.xml', 'warned.xml'].includes(name)).sort();
}

test("a user's run writes nothing; the build's run writes the cache, which the next runs use as it is", () => {
	const where = install();
	const expected = reference(where);
	for (const args of [['--version'], ['--format', 'json', ...where.guests]]) {
		run(where, args);
	}
	assert.deepEqual(written(where), [], 'a run without the build flag wrote nothing, not even in XDG_CACHE_HOME or HOME');
	const build = run(where, ['--format', 'json', ...where.guests], BUILD);
	assert.deepEqual([build.status, build.stdout, build.stderr], [1, expected, '']);
	assert.deepEqual(written(where), ['cli-main.js.v8-cache']);
	const cache = fs.readFileSync(where.cache);
	assert.match(cache.subarray(0, cache.indexOf(10)).toString(), new RegExp(`^libvirt-seclabel-lint code cache 1 ${process.version} ${process.arch} \\d+ \\d+ \\d+ \\d+$`));
	assert.ok(cache.length > 50_000, `${cache.length} bytes: the functions the run compiled are in it`);
	const second = run(where, ['--format', 'json', ...where.guests]);
	assert.deepEqual([second.status, second.stdout, second.stderr], [1, expected, '']);
	assert.ok(fs.readFileSync(where.cache).equals(cache), 'the cache is read, never written again');
});

test('a damaged cache is compiled past and left alone: V8 would abort on it, the CRC-32 refuses it first', () => {
	const where = install();
	const expected = reference(where);
	run(where, ['--format', 'json', ...where.guests], BUILD);
	const good = fs.readFileSync(where.cache);
	const cut = good.subarray(0, good.length / 3);
	const flipped = [Math.floor(good.length / 2), good.length - 1].map((at) => {
		const bad = Buffer.from(good);
		bad[at] ^= 0xff;
		return bad;
	});
	// Flipped bytes, cut short (a full disk), or not a cache at all.
	for (const bad of [...flipped, cut, Buffer.from('garbage\n')]) {
		fs.writeFileSync(where.cache, bad);
		const result = run(where, ['--format', 'json', ...where.guests]);
		assert.deepEqual([result.status, result.stdout, result.stderr], [1, expected, '']);
		assert.ok(fs.readFileSync(where.cache).equals(bad), 'a user run does not replace it');
	}
});

test('a cache of another bundle is not used, and a rebuild replaces it', () => {
	const where = install();
	run(where, ['--format', 'json', ...where.guests], BUILD);
	const old = fs.readFileSync(where.cache);
	// The same bundle with one more line: what the old cache compiled no longer matches it.
	fs.appendFileSync(path.join(where.dir, 'cli-main.js'), '\n// rebuilt\n');
	const result = run(where, ['--format', 'json', ...where.guests]);
	assert.deepEqual([result.status, result.stdout, result.stderr], [1, reference(where), '']);
	assert.ok(fs.readFileSync(where.cache).equals(old), 'a user run leaves the stale cache alone');
	run(where, ['--format', 'json', ...where.guests], BUILD);
	assert.ok(!fs.readFileSync(where.cache).equals(old), 'the build wrote one for the new bundle');
});

test('a cache the build cannot write is no error and leaves no temporary file', () => {
	const where = install();
	const expected = reference(where);
	// A directory where the cache file would be: the rename cannot replace it.
	fs.mkdirSync(where.cache);
	const result = run(where, ['--format', 'json', ...where.guests], BUILD);
	assert.deepEqual([result.status, result.stdout, result.stderr], [1, expected, '']);
	assert.deepEqual(written(where), ['cli-main.js.v8-cache']);
	assert.ok(fs.statSync(where.cache).isDirectory());
});
