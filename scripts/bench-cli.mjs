#!/usr/bin/env node
// The CLI over the bench's 1,000 guests against one `xmllint --relaxng` process over the same files
// (issue #12's row "CLI over 1,000 files"), alternated in one loop so that the comparison holds on a
// machine other work keeps busy: every round runs each variant once, in a fresh order, and the
// figures are medians and minima over the rounds, wall and CPU (user + system of the child and its
// threads, from bash's `times`, in ms).
//
//   node scripts/bench-cli.mjs [--runs N] [--files N] [--baseline OTHER/dist/cli.js] [--env NAME=VALUE]... [--keep]
//
// --baseline adds another build's bin (e.g. main's) to the loop; each --env adds the CLI run with
// that variable set (e.g. LIBVIRT_SECLABEL_WORKERS=0, the single-thread path). Needs a build and
// xmllint with libvirt's schemas, like `npm run bench`.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { workspaceGuest } from './bench-guests.mjs';

const root = new URL('..', import.meta.url).pathname;
const CLI = path.join(root, 'dist', 'cli.js');
const SCHEMA = '/usr/share/libvirt/schemas/domain.rng';

const args = process.argv.slice(2);
const option = (name, fallback) => {
	const at = args.indexOf(name);
	return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const RUNS = Number(option('--runs', '15'));
const FILES = Number(option('--files', '1000'));
const BASELINE = option('--baseline', undefined);
const ENVS = args.flatMap((arg, i) => (arg === '--env' && args[i + 1] ? [args[i + 1]] : []));

function fail(message) {
	console.error(`bench-cli: ${message}`);
	process.exit(2);
}
if (!fs.existsSync(CLI)) fail(`${CLI} is missing: run 'npm run build' first.`);
if (!fs.existsSync(SCHEMA)) fail(`${SCHEMA} is missing: install libvirt-clients.`);
if (spawnSync('xmllint', ['--version']).error) fail('xmllint is missing: install libxml2-utils.');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-bench-cli-'));
const workspace = path.join(dir, 'workspace');
fs.mkdirSync(workspace);
for (let i = 0; i < FILES; i++) {
	fs.writeFileSync(path.join(workspace, `guest-${String(i).padStart(4, '0')}.xml`), workspaceGuest(i));
}
const guests = fs.readdirSync(workspace).sort().map((name) => path.join(workspace, name));

/** One run under bash: wall from $EPOCHREALTIME, CPU from `times` (its second line: the children). */
function timed(command, commandArgs, env) {
	const script = 'a=$EPOCHREALTIME; "$@" >/dev/null 2>&1; s=$?; b=$EPOCHREALTIME; times; echo "$a $b $s"';
	const result = spawnSync('bash', ['-c', script, 'bench', command, ...commandArgs], { encoding: 'utf8', env: { ...process.env, ...env } });
	const lines = result.stdout.trim().split('\n');
	const [a, b, status] = lines[2].split(' ');
	const seconds = (text) => { const m = /(\d+)m([\d.]+)s/.exec(text); return Number(m[1]) * 60 + Number(m[2]); };
	const [user, system] = lines[1].split(' ');
	return { wall: (Number(b) - Number(a)) * 1000, cpu: (seconds(user) + seconds(system)) * 1000, status: Number(status) };
}

const variants = [
	{ name: 'node -e 0', command: process.execPath, args: ['-e', '0'] },
	{ name: 'cli --version', command: process.execPath, args: [CLI, '--version'] },
	{ name: `cli --format json (${FILES} files)`, command: process.execPath, args: [CLI, '--format', 'json', workspace], status: [0, 1] },
	...ENVS.map((assignment) => ({ name: `cli --format json, ${assignment}`, command: process.execPath, args: [CLI, '--format', 'json', workspace], env: Object.fromEntries([assignment.split(/=(.*)/s).slice(0, 2)]), status: [0, 1] })),
	...(BASELINE ? [{ name: `baseline ${BASELINE}`, command: process.execPath, args: [BASELINE, '--format', 'json', workspace], status: [0, 1] }] : []),
	{ name: 'xmllint --relaxng (one process)', command: 'xmllint', args: ['--noout', '--relaxng', SCHEMA, ...guests], status: [0] },
];

// Once each first (warms the page cache and checks the verdicts), then the rounds.
for (const variant of variants) {
	const { status } = timed(variant.command, variant.args, variant.env);
	if (variant.status && !variant.status.includes(status)) fail(`${variant.name} exited ${status}`);
}
const samples = new Map(variants.map((variant) => [variant, { wall: [], cpu: [] }]));
for (let round = 0; round < RUNS; round++) {
	// Each round in another order (rotated), so that no variant always follows the same one.
	const order = variants.map((_, k) => variants[(k + round) % variants.length]);
	for (const variant of order) {
		const { wall, cpu } = timed(variant.command, variant.args, variant.env);
		samples.get(variant).wall.push(wall);
		samples.get(variant).cpu.push(cpu);
	}
}

const median = (values) => { const sorted = [...values].sort((x, y) => x - y); return sorted[Math.floor((sorted.length - 1) / 2)]; };
const min = (values) => Math.min(...values);
const f = (values) => `${median(values).toFixed(0)} ms (${min(values).toFixed(0)})`;
console.log(`${os.cpus().length} cores (nproc ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()}), load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, node ${process.version}, ${RUNS} alternated rounds`);
console.log('| median (min) | wall | CPU |');
console.log('|---|---|---|');
for (const variant of variants) {
	const { wall, cpu } = samples.get(variant);
	console.log(`| ${variant.name} | ${f(wall)} | ${f(cpu)} |`);
}
if (args.includes('--keep')) {
	console.error(`bench-cli: files kept in ${workspace}`);
} else {
	fs.rmSync(dir, { recursive: true, force: true });
}
