/**
 * The command line as `util.parseArgs` reads it: short flags, `--name=value`, `--` ending the
 * options, `-` as standard input (with --stdin-filename for its name), --max-warnings as eslint
 * has it, and every usage error as exit 2 with one line on stderr. Mostly through the real bin.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseArguments, UsageError, type LintOptions } from '../../server/src/cli/lint';
import type { JsonReport } from '../../server/src/cli/lint';
import { CLEAN, ONE_WARNING, REFUSED, runCli, tempDir } from './run';

function parsed(argv: string[]): LintOptions {
	const options = parseArguments(argv);
	assert.ok(typeof options === 'object', `expected options, got ${options}`);
	return options;
}

test('short flags, --name=value and the value after the flag mean the same', () => {
	for (const argv of [['-f', 'json', 'a.xml'], ['-fjson', 'a.xml'], ['--format', 'json', 'a.xml'], ['--format=json', 'a.xml']]) {
		const options = parsed(argv);
		assert.equal(options.format, 'json', argv.join(' '));
		assert.deepEqual(options.paths, ['a.xml'], argv.join(' '));
	}
	assert.equal(parseArguments(['-h']), 'help');
	assert.equal(parseArguments(['-V']), 'version');
	assert.equal(parseArguments(['a.xml', '--version']), 'version');
	const every = parsed(['--libvirt-version', '9.0.0', '--host-security-model', 'apparmor', '--driver', 'test', '--selinux-root', '/srv/p', '--per-host', '--rule', 'type-missing=off', '--rule=label-ignored=error', '--max-warnings', '3', 'x']);
	assert.deepEqual(every.settings, { libvirtVersion: '9.0.0', hostSecurityModel: 'apparmor', driver: 'test', rules: { 'type-missing': 'off', 'label-ignored': 'error' } });
	assert.equal(every.selinuxRoot, '/srv/p');
	assert.equal(every.perHost, true);
	assert.equal(every.maxWarnings, 3);
});

test("'--' ends the options and '-' is a path (standard input), before and after it", () => {
	const options = parsed(['-', '--', '--format', '-x.xml']);
	assert.deepEqual(options.paths, ['-', '--format', '-x.xml']);
	assert.equal(options.format, 'text', 'after --, --format is a file name');
	assert.deepEqual(parsed(['--stdin-filename', 'vm.xml', '--', '-']).paths, ['-']);
});

test('each usage error is one line on stderr and exit 2', () => {
	const cases: [string[], RegExp][] = [
		[[], /no PATH given/],
		[['--nope', 'a.xml'], /unknown option '--nope'/],
		[['-x', 'a.xml'], /unknown option '-x'/],
		[['--format'], /--format needs a value/],
		[['--format', '--per-host', 'a.xml'], /--format needs a value \(for one that starts with '-', write --format=--per-host\)/],
		[['--format', 'xml', 'a.xml'], /unknown format 'xml'/],
		[['--per-host=yes', 'a.xml'], /--per-host takes no value/],
		[['--max-warnings', 'many', 'a.xml'], /--max-warnings many: use a number/],
		[['--max-warnings=-1', 'a.xml'], /--max-warnings -1: use a number/],
		[['--rule', 'no-such-rule=off', 'a.xml'], /unknown rule 'no-such-rule'/],
		[['--libvirt-version', '9', 'a.xml'], /'9' is not a version/],
		[['-', '-'], /standard input \('-'\) can be named only once/],
		[['--stdin-filename', 'vm.xml', 'a.xml'], /--stdin-filename names standard input, but no PATH is '-'/],
	];
	for (const [argv, reason] of cases) {
		const run = runCli(argv);
		assert.equal(run.status, 2, `${argv.join(' ')}: ${run.stderr}`);
		assert.equal(run.stdout, '', argv.join(' '));
		assert.match(run.stderr, /^libvirt-seclabel-lint: [^\n]+\n$/, `${argv.join(' ')}: one line, got ${JSON.stringify(run.stderr)}`);
		assert.match(run.stderr, reason, argv.join(' '));
	}
	assert.throws(() => parseArguments(['--nope', 'a.xml']), UsageError);
});

test('--help lists every option with its short flag, --version prints the package version', () => {
	const help = runCli(['--help']);
	assert.equal(help.status, 0);
	for (const option of ['-f, --format', '--stdin-filename PATH', '--max-warnings N', '--per-host', '--rule ID=LEVEL', '-h, --help', '-V, --version']) {
		assert.ok(help.stdout.includes(option), `--help lacks ${option}`);
	}
	const version = runCli(['-V']);
	assert.equal(version.stdout, `${JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version}\n`);
});

test("'-' reads standard input through a real pipe; --stdin-filename names it and stands for that file in a directory", () => {
	const dir = tempDir();
	try {
		const plain = runCli(['-'], { input: REFUSED });
		assert.equal(plain.status, 1, plain.stderr);
		assert.match(plain.stdout, /^<stdin>:\d+:\d+: error: unsupported configuration: dynamic label type must use resource relabeling \[dynamic-relabel-no\]$/m);

		// The on-disk copy is clean, the buffer piped in (the editor's unsaved text) is not: stdin wins.
		const vm = path.join(dir, 'vm.xml');
		fs.writeFileSync(vm, CLEAN);
		fs.writeFileSync(path.join(dir, 'other.xml'), CLEAN.replace('<name>clean</name>', '<name>other</name>'));
		const named = runCli(['--format', 'json', '--stdin-filename', vm, '-', dir, vm], { input: REFUSED });
		assert.equal(named.status, 1, named.stderr);
		const report = JSON.parse(named.stdout) as JsonReport;
		assert.deepEqual(report.files.map((f) => [path.basename(f.path), f.diagnostics.map((d) => d.code)]), [['vm.xml', ['dynamic-relabel-no']], ['other.xml', []]]);
		assert.equal(report.files[0].path, vm);

		const empty = runCli(['-'], { input: '' });
		assert.equal(empty.status, 1);
		// libvirt's words first (libxml2's, for the default target), the project's in the note.
		assert.match(empty.stdout, /^<stdin>:1:1: error: at line 1: Document is empty \[not-a-domain\]$/m);
		assert.match(empty.stdout, /^<stdin>:1:1: note: refused by libvirt: The file is empty/m);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('--max-warnings N: exit 1 with a line saying so only when there are more than N warnings', () => {
	const dir = tempDir();
	try {
		fs.writeFileSync(path.join(dir, 'a.xml'), ONE_WARNING);
		fs.writeFileSync(path.join(dir, 'b.xml'), ONE_WARNING.replace('<name>warned</name>', '<name>warned2</name>'));
		const none = runCli([dir]);
		assert.equal(none.status, 0, 'warnings alone do not fail the run');
		assert.equal((none.stdout.match(/: warning: /g) ?? []).length, 2, none.stdout);
		assert.equal(none.stderr, '');
		const atLimit = runCli(['--max-warnings', '2', dir]);
		assert.equal(atLimit.status, 0, atLimit.stderr);
		assert.equal(atLimit.stderr, '');
		const over = runCli(['--max-warnings=1', dir]);
		assert.equal(over.status, 1);
		assert.equal(over.stderr, 'libvirt-seclabel-lint: 2 warnings, more than --max-warnings 1 allows\n');
		assert.equal(over.stdout, none.stdout, 'the findings are printed as usual');
		const zero = runCli(['--max-warnings', '0', '--format', 'json', dir]);
		assert.equal(zero.status, 1);
		JSON.parse(zero.stdout);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
