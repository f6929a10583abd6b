/**
 * The bin's code cache (cli/loader.ts): written after a run that checked files, used by the next
 * run, and never a reason for a different result or a crash: a damaged, stale or foreign cache is
 * compiled past and replaced, and a cache that cannot be written is no error. Runs a copy of the
 * two built files (dist/cli.js and dist/cli-main.js) in a temporary directory, as a user would.
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
	const result = cp.spawnSync(process.execPath, [where.bin, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CACHE_HOME: path.join(where.dir, 'user-cache'), ...env } });
	assert.equal(result.signal, null, `the bin died of ${result.signal}: ${result.stderr}`);
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What the built bin prints for the same files (it may use the repository's own cache: same result). */
function reference(where: Install): string {
	const result = cp.spawnSync(process.execPath, [CLI, '--format', 'json', ...where.guests], { encoding: 'utf8' });
	assert.equal(result.status, 1, result.stderr);
	return result.stdout;
}

test('the first run that checks files writes the cache, the next one uses it and leaves it as it is', () => {
	const where = install();
	const expected = reference(where);
	assert.equal(run(where, ['--version']).status, 0);
	assert.equal(fs.existsSync(where.cache), false, '--version compiles too little to be worth a cache');
	const first = run(where, ['--format', 'json', ...where.guests]);
	assert.equal(first.status, 1, first.stderr);
	assert.equal(first.stdout, expected);
	const written = fs.readFileSync(where.cache);
	assert.match(written.subarray(0, written.indexOf(10)).toString(), new RegExp(`^libvirt-seclabel-lint code cache 1 ${process.version} ${process.arch} \\d+ \\d+ \\d+ \\d+$`));
	assert.ok(written.length > 50_000, `${written.length} bytes: the functions the run compiled are in it`);
	const second = run(where, ['--format', 'json', ...where.guests]);
	assert.deepEqual([second.status, second.stdout, second.stderr], [1, expected, '']);
	assert.ok(fs.readFileSync(where.cache).equals(written), 'an accepted cache is not written again');
});

test('a damaged cache is compiled past and replaced: V8 would abort on it, the CRC-32 refuses it first', () => {
	const where = install();
	const expected = reference(where);
	run(where, ['--format', 'json', ...where.guests]);
	const good = fs.readFileSync(where.cache);
	for (const damage of [(b: Buffer) => { b[Math.floor(b.length / 2)] ^= 0xff; }, (b: Buffer) => { b[b.length - 1] ^= 0x01; }]) {
		const bad = Buffer.from(good);
		damage(bad);
		fs.writeFileSync(where.cache, bad);
		const result = run(where, ['--format', 'json', ...where.guests]);
		assert.deepEqual([result.status, result.stdout, result.stderr], [1, expected, '']);
		assert.ok(fs.readFileSync(where.cache).equals(good) || !fs.readFileSync(where.cache).equals(bad), 'the damaged cache was replaced');
	}
	// Cut short (a full disk), or not a cache at all.
	for (const bad of [good.subarray(0, good.length / 3), Buffer.from('garbage\n')]) {
		fs.writeFileSync(where.cache, bad);
		const result = run(where, ['--format', 'json', ...where.guests]);
		assert.deepEqual([result.status, result.stdout, result.stderr], [1, expected, '']);
	}
});

test('a cache of another bundle is not used: a rebuilt bundle gets a new one', () => {
	const where = install();
	run(where, ['--format', 'json', ...where.guests]);
	const old = fs.readFileSync(where.cache);
	// The same bundle with one more line: what the old cache compiled no longer matches it.
	fs.appendFileSync(path.join(where.dir, 'cli-main.js'), '\n// rebuilt\n');
	const result = run(where, ['--format', 'json', ...where.guests]);
	assert.deepEqual([result.status, result.stdout, result.stderr], [1, reference(where), '']);
	assert.ok(!fs.readFileSync(where.cache).equals(old), 'the cache was written again for the new bundle');
});

test('a cache that cannot be written next to the bundle goes to the user cache directory; nowhere at all is no error', () => {
	const where = install();
	const expected = reference(where);
	// A directory where the cache file would be: neither the write nor the rename can succeed there.
	fs.mkdirSync(where.cache);
	const first = run(where, ['--format', 'json', ...where.guests]);
	assert.deepEqual([first.status, first.stdout, first.stderr], [1, expected, '']);
	const userCache = path.join(where.dir, 'user-cache', 'libvirt-seclabel');
	const files = fs.readdirSync(userCache);
	assert.equal(files.length, 1, files.join(' '));
	assert.match(files[0], /^cli-main-[0-9a-f]+\.v8-cache$/);
	const written = fs.readFileSync(path.join(userCache, files[0]));
	const second = run(where, ['--format', 'json', ...where.guests]);
	assert.deepEqual([second.status, second.stdout], [1, expected]);
	assert.ok(fs.readFileSync(path.join(userCache, files[0])).equals(written), 'read from the user cache, not written again');
	// No writable place at all: XDG_CACHE_HOME is a file.
	const blocked = path.join(where.dir, 'a-file');
	fs.writeFileSync(blocked, '');
	const nowhere = run(where, ['--format', 'json', ...where.guests], { XDG_CACHE_HOME: blocked });
	assert.deepEqual([nowhere.status, nowhere.stdout, nowhere.stderr], [1, expected, '']);
	assert.deepEqual(fs.readdirSync(where.dir).filter((name) => name.endsWith('.tmp')), [], 'no temporary file is left behind');
});
