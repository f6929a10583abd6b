#!/usr/bin/env node
// `npm test`: builds, then runs every suite (unit, protocol, conformance, differential against
// libvirt, fuzz, grammar, workspace, end-to-end in code-server) in ONE `node --test` run, so that
// the closing summary CI reads counts all of them. Suites that need something missing fail with
// what to install; nothing is skipped.
import { spawnSync } from 'child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = new URL('..', import.meta.url).pathname;

// The suites need virsh, xmllint, code-server and chromium; on a fresh machine install them first
// (the script returns at once when they are there, and says what to install when it cannot).
const setup = spawnSync('bash', [join(root, 'scripts', 'setup-test-deps.sh')], { cwd: root, stdio: 'inherit' });
if (setup.status !== 0) {
	console.error('npm test: the test dependencies could not be installed (see above).');
	process.exit(setup.status ?? 1);
}
// libvirt's real parsers of 7.0.0, 11.3.0 and 12.9.0 in debootstrap chroots (a second when they are
// there; about a minute each the first time, as root): the differential suites ask all four.
const oracles = spawnSync('bash', [join(root, 'scripts', 'setup-libvirt-oracles.sh')], { cwd: root, stdio: 'inherit' });
if (oracles.status !== 0) {
	console.error('npm test: the libvirt oracles could not be set up (see above; scripts/setup-libvirt-oracles.sh needs root and debootstrap).');
	process.exit(oracles.status ?? 1);
}
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
	console.error('npm test: the build failed.');
	process.exit(build.status ?? 1);
}

function findTests(dir) {
	let found = [];
	for (const entry of readdirSync(dir)) {
		const full = join(dir, entry);
		if (statSync(full).isDirectory()) {
			found = found.concat(findTests(full));
		} else if (entry.endsWith('.test.js')) {
			found.push(full);
		}
	}
	return found;
}

// Optional filter: `npm test -- unit` runs only files whose path contains "unit".
const filters = process.argv.slice(2);
const files = findTests(join(root, 'out', 'test')).filter((file) => !file.includes(`${join('out', 'test', 'e2e', 'suite')}`))
	.filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
	.sort();
if (files.length === 0) {
	console.error('npm test: no test files found under out/test.');
	process.exit(1);
}
// Every scratch file of the run (the suites' temporary guests, images, editor configs, browser
// profiles, and whatever the servers and CLIs they start write) goes under one directory that is
// removed at the end: a run used to leave about 40 directories in /tmp, more when a test failed.
// Open to everyone, sticky, as /tmp is: some suites run the CLI as an unprivileged user.
const scratch = mkdtempSync(join(tmpdir(), 'seclabel-test-run-'));
chmodSync(scratch, 0o1777);
let run;
try {
	run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit', env: { ...process.env, TMPDIR: scratch } });
} finally {
	rmSync(scratch, { recursive: true, force: true });
}
process.exit(run.status ?? 1);
