/**
 * What ships: the npm tarball (`npm pack`) holds the two bins (the CLI's as a loader and its
 * bundle), the README, the LICENSE and the rules reference their links point at, and nothing else
 * (no code cache); a global install of it from the tarball alone (offline) pulls no dependency and
 * its bins run; the .vsix (a real `vsce package`) holds the client and server bundles and no CLI,
 * sources or source maps.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import { isBuiltin } from 'module';
import * as path from 'path';
import { REFUSED, ROOT, tempDir } from './run';

function npm(args: string[], cwd = ROOT): string {
	const run = cp.spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
	assert.equal(run.status, 0, `npm ${args.join(' ')} failed: ${run.stderr}`);
	return run.stdout;
}

test('the npm tarball holds the bins, README, LICENSE and docs/rules.md, and no sources, tests or maps', () => {
	const [pack] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as { files: { path: string }[] }[];
	const files = pack.files.map((f) => f.path).sort();
	assert.deepEqual(files, ['LICENSE', 'README.md', 'dist/cli-main.js', 'dist/cli.js', 'dist/server.js', 'docs/rules.md', 'package.json']);
	assert.deepEqual(files.filter((f) => /^test\/|^server\/src|\.map$|\.ts$|node_modules/.test(f)), []);
});

test('package.json has no runtime dependency, and the bundles require nothing but Node\'s own modules', () => {
	const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	assert.deepEqual(Object.keys(manifest.dependencies ?? {}), [], 'the bins are esbuild bundles: whatever they use is inside them');
	for (const bundle of ['dist/cli.js', 'dist/cli-main.js', 'dist/server.js']) {
		const text = fs.readFileSync(path.join(ROOT, bundle), 'utf8');
		const required = [...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
		assert.ok(required.length > 0, `${bundle}: no require() found; the scan is broken`);
		assert.deepEqual([...new Set(required.filter((name) => !isBuiltin(name)))], [], `${bundle} requires modules outside the bundle`);
	}
});

test('a global install from the tarball alone (offline) installs no dependency, and both bins run', async () => {
	const dir = tempDir();
	try {
		const tarball = npm(['pack', '--ignore-scripts', '--pack-destination', dir]).trim().split('\n').pop()!;
		const prefix = path.join(dir, 'prefix');
		npm(['install', '--global', '--offline', '--ignore-scripts', '--prefix', prefix, path.join(dir, tarball)], dir);
		const installed = path.join(prefix, 'lib', 'node_modules', 'libvirt-seclabel');
		assert.ok(fs.existsSync(path.join(installed, 'dist', 'cli.js')));
		assert.equal(fs.existsSync(path.join(installed, 'node_modules')), false, 'no dependency was installed');
		const guest = path.join(dir, 'vm.xml');
		fs.writeFileSync(guest, REFUSED);
		const lint = cp.spawnSync(path.join(prefix, 'bin', 'libvirt-seclabel-lint'), ['--format', 'sarif', guest], { encoding: 'utf8', timeout: 60_000 });
		assert.equal(lint.status, 1, lint.stderr);
		const rule = JSON.parse(lint.stdout).runs[0].tool.driver.rules[0];
		assert.equal(rule.helpUri, `file://${installed}/docs/rules.md#dynamic-relabel-no`, 'the rule links to the rules reference the package ships');
		// The language server answers initialize over stdio.
		const server = cp.spawn(path.join(prefix, 'bin', 'libvirt-seclabel-language-server'), ['--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
		try {
			const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
			server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
			const reply = await new Promise<string>((resolve, reject) => {
				let out = '';
				const timer = setTimeout(() => reject(new Error(`no answer to initialize: ${out}`)), 60_000);
				server.stdout.on('data', (chunk: Buffer) => {
					out += chunk.toString('utf8');
					if (/"id":1/.test(out) && /"capabilities"/.test(out)) {
						clearTimeout(timer);
						resolve(out);
					}
				});
				server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}): ${out}`)); });
			});
			assert.match(reply, /"textDocumentSync"/);
		} finally {
			server.kill();
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the .vsix (vsce package) holds the client and server bundles and what the page and grammar need: no CLI, no maps, no sources', () => {
	const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
	assert.ok(fs.existsSync(vsce), `${vsce} is missing: run npm ci`);
	// Packaged from a copy without the prepublish step, which would rebuild the dist/ other suites
	// are running; the copy keeps .vscodeignore and .npmignore, so the allow-lists decide.
	const dir = tempDir();
	try {
		const stage = path.join(dir, 'stage');
		const skipped = new Set(['node_modules', '.git', '.tools', 'out', 'test-results', 'test', 'server', 'client']);
		fs.cpSync(ROOT, stage, { recursive: true, filter: (source) => !skipped.has(path.relative(ROOT, source).split(path.sep)[0]) });
		const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
		delete manifest.scripts['vscode:prepublish'];
		fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
		const vsix = path.join(dir, 'extension.vsix');
		const run = cp.spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], { cwd: stage, encoding: 'utf8', timeout: 180_000 });
		assert.equal(run.status, 0, `vsce package failed:\n${run.stdout}\n${run.stderr}`);
		const unzip = cp.spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
		assert.equal(unzip.status, 0, `unzip -Z1 failed (apt-get install unzip): ${unzip.stderr}`);
		const files = unzip.stdout.split('\n').filter((entry) => entry.startsWith('extension/')).map((entry) => entry.slice('extension/'.length)).sort();
		const images = fs.readdirSync(path.join(ROOT, 'docs', 'images')).map((name) => `docs/images/${name}`);
		const grammars = fs.readdirSync(path.join(ROOT, 'syntaxes')).map((name) => `syntaxes/${name}`);
		assert.deepEqual(files, ['LICENSE.txt', 'dist/client.js', 'dist/server.js', 'docs/rules.md', 'images/icon.png', 'package.json', 'readme.md', ...images, ...grammars].sort());
		assert.ok(fs.existsSync(path.join(stage, 'dist', 'cli.js')) && fs.existsSync(path.join(stage, 'dist', 'server.js.map')), 'the copy had dist/cli.js and the maps, which the .vsix leaves out');
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
