/**
 * The examples/ folder is what a new user opens first (`npm start` serves a copy of it), so each
 * file must show what its comment says. The comment on the first line ends with `Findings: a, b.`
 * (or `Findings: none.` for a good example): the CLI's JSON for the whole folder (the two
 * shared-image guests need each other) must name exactly those rule ids. libvirt's own parser
 * (`virsh -c test:///default define`) is the oracle for the rest: it accepts every file the CLI
 * (with `--driver test`) gives no define-stage finding, refuses the others with the message of that
 * finding, and that message is the one the comment quotes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { rootElementName } from '../../server/src/service/parser/seclabelModel';

const ROOT = resolve(__dirname, '..', '..', '..');
const EXAMPLES = join(ROOT, 'examples');
const CLI = join(ROOT, 'dist', 'cli.js');
const C_LOCALE = { ...process.env, LC_ALL: 'C', LANG: 'C' };

/** The fields of the CLI's JSON output (README, Command line) this test reads. */
interface JsonReport {
	files: { path: string; diagnostics: { code: string; stage: string; message: string; libvirtMessage?: string }[] }[];
}

const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.xml')).sort();

/** The first-line comment of an example, and the rule ids its `Findings:` sentence names. */
function described(name: string): { comment: string; findings: string[] } {
	const first = readFileSync(join(EXAMPLES, name), 'utf8').split('\n')[0];
	const comment = /^<!--\s*(.*?)\s*-->$/.exec(first)?.[1];
	assert.ok(comment, `${name}: the first line must be a comment that says what the example shows`);
	const listed = /Findings: ([a-z0-9, -]+)\.$/.exec(comment)?.[1];
	assert.ok(listed, `${name}: the comment must end with 'Findings: rule-id, ….' or 'Findings: none.'`);
	return { comment, findings: listed === 'none' ? [] : listed.split(/,\s*/).sort() };
}

function lint(args: string[]): JsonReport {
	const result = spawnSync(process.execPath, [CLI, '--format', 'json', ...args, EXAMPLES], { encoding: 'utf8' });
	assert.ok(result.status === 0 || result.status === 1, `the CLI exited ${result.status}: ${result.stderr}`);
	return JSON.parse(result.stdout) as JsonReport;
}

function byName(report: JsonReport): Map<string, JsonReport['files'][number]> {
	return new Map(report.files.map((file) => [file.path.split('/').pop()!, file]));
}

test('the examples folder has good examples and mistakes, all in its README', () => {
	const readme = readFileSync(join(EXAMPLES, 'README.md'), 'utf8');
	assert.ok(files.filter((name) => name.startsWith('good-')).length >= 2, files.join(', '));
	assert.ok(files.length >= 10, files.join(', '));
	for (const name of files) {
		assert.ok(readme.includes(`\`${name}\``), `examples/README.md does not list ${name}`);
	}
});

test('each example raises exactly the findings its comment names (good ones none)', () => {
	const report = byName(lint([]));
	for (const name of files) {
		const file = report.get(name);
		assert.ok(file, `the CLI did not report on ${name}`);
		const codes = [...new Set(file.diagnostics.map((diagnostic) => diagnostic.code))].sort();
		assert.deepEqual(codes, described(name).findings, `${name}: ${JSON.stringify(file.diagnostics.map((d) => `${d.code}: ${d.message}`))}`);
		if (name.startsWith('good-')) {
			assert.deepEqual(codes, [], `${name} is called good`);
		}
	}
});

test('libvirt\'s parser refuses exactly the examples with a define-stage finding, with the message the comment quotes', () => {
	const version = spawnSync('virsh', ['--version'], { encoding: 'utf8', env: C_LOCALE });
	assert.equal(version.status, 0, `virsh is not available (${version.error?.message ?? version.stderr}): install Debian's libvirt-clients (apt-get install libvirt-clients)`);
	const report = byName(lint(['--driver', 'test', '--libvirt-version', version.stdout.trim()]));
	let refused = 0;
	for (const name of files) {
		const text = readFileSync(join(EXAMPLES, name), 'utf8');
		// `virsh define` reads only a <domain>, as inactive XML; a status file (<domstatus>) is live XML,
		// which only the daemon reads. A <domain id='N'> is not skipped: define ignores the id.
		if (rootElementName(text) !== 'domain') {
			assert.match(text, /^[^\n]*\n<domstatus\b/, `${name}: the only examples define cannot read are status files`);
			continue;
		}
		const define = report.get(name)!.diagnostics.find((diagnostic) => diagnostic.stage === 'define');
		const virsh = spawnSync('virsh', ['-q', '-c', 'test:///default', 'define', join(EXAMPLES, name)], { encoding: 'utf8', env: C_LOCALE });
		assert.ok(virsh.status === 0 || virsh.status === 1, `virsh could not run on ${name}: ${virsh.error?.message ?? virsh.stderr}`);
		if (virsh.status === 0) {
			assert.equal(define, undefined, `libvirt accepts ${name}, but the CLI says: ${define?.message}`);
			continue;
		}
		refused++;
		const message = virsh.stderr.trim().split('\n').pop()!.replace(/^error: /, '');
		assert.ok(define, `libvirt refuses ${name} (${message}), the CLI has no define-stage finding`);
		assert.equal(define.libvirtMessage, message, name);
		const quoted = message.replace(/^(unsupported configuration|XML error|invalid argument): /, '');
		assert.ok(described(name).comment.includes(quoted), `${name}: the comment should quote libvirt's message '${quoted}'`);
	}
	assert.ok(refused >= 3, `only ${refused} examples are refused by libvirt`);
});
