/**
 * The CLI's edges, each with the real thing: a Latin-1 file name made as bytes (walked and
 * named), a reader that goes away (`| head -1`, EPIPE), a full disk (`> /dev/full`, ENOSPC), a
 * newline in a file name, a 5 MB attribute name, and file system errors (a symbolic link loop,
 * permission denied as another user, a directory as standard input) as one friendly line each.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { JsonReport } from '../../server/src/cli/lint';
import { guestXml } from '../workspace/guests';
import { CLEAN, REFUSED, runCli, runShell, tempDir } from './run';

const LATIN1_NAME = Buffer.from('g\xe4st.xml', 'latin1');

function rawPath(dir: string, name: Buffer): Buffer {
	return Buffer.concat([Buffer.from(`${dir}/`), name]);
}

test('a Latin-1 file name is found and checked when a directory is walked, and when it is named', () => {
	const dir = tempDir();
	try {
		fs.writeFileSync(rawPath(dir, LATIN1_NAME), REFUSED);
		const walked = runCli([dir]);
		assert.equal(walked.status, 1, walked.stderr);
		assert.equal(walked.stderr, '');
		assert.match(walked.stdout, new RegExp(`^${dir}/g\\\\xE4st\\.xml:\\d+:\\d+: error: unsupported configuration: dynamic label type must use resource relabeling`, 'm'));
		const json = JSON.parse(runCli(['--format', 'json', dir]).stdout) as JsonReport;
		assert.equal(json.files.length, 1);
		assert.equal(json.files[0].path, `${dir}/g\\xE4st.xml`);
		assert.ok(json.files[0].pathBytes && Buffer.from(json.files[0].pathBytes, 'base64').equals(rawPath(dir, LATIN1_NAME)), 'pathBytes gives the raw name');
		// Named on the command line: the bytes reach the process as they are (printf makes them).
		const named = runShell(`"$NODE" "$CLI" "$(printf '%s/g\\344st.xml' "${dir}")"`);
		assert.equal(named.status, 1, named.stderr);
		assert.equal(named.stderr, '', 'not reported as missing');
		assert.match(named.stdout.toString('utf8'), /g\\xE4st\.xml:\d+:\d+: error: .*\[dynamic-relabel-no\]/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('`| head -1` ends the run quietly with its status (EPIPE)', () => {
	const dir = tempDir();
	try {
		// Enough output to fill the pipe many times over, so the writes meet the closed reader.
		for (let i = 0; i < 400; i++) {
			fs.writeFileSync(path.join(dir, `vm${i}.xml`), REFUSED.replace('<name>refused</name>', `<name>vm${i}</name>`));
		}
		const run = runShell(`"$NODE" "$CLI" "${dir}" | head -1; echo "status=\${PIPESTATUS[0]}" >&2`);
		assert.match(run.stdout.toString('utf8'), /^[^\n]+vm0\.xml:\d+:\d+: error: [^\n]+\n$/);
		assert.equal(run.stderr, 'status=1\n', 'no stack trace, no message, the status of the findings');
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('`> /dev/full` ends with one line on stderr and exit 2 (ENOSPC)', () => {
	assert.ok(fs.existsSync('/dev/full'), '/dev/full is missing on this machine');
	const dir = tempDir();
	try {
		fs.writeFileSync(path.join(dir, 'vm.xml'), REFUSED);
		for (const format of ['text', 'json', 'sarif']) {
			const run = runShell(`"$NODE" "$CLI" --format ${format} "${dir}" > /dev/full`);
			assert.equal(run.status, 2, `${format}: ${run.stderr}`);
			assert.equal(run.stderr, 'libvirt-seclabel-lint: cannot write the output: no space left on device\n', format);
		}
		const help = runShell('"$NODE" "$CLI" --help > /dev/full');
		assert.equal(help.status, 2);
		assert.equal(help.stderr, 'libvirt-seclabel-lint: cannot write the output: no space left on device\n');
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('a newline or other control character in a file name is escaped in the path:line:col output', () => {
	const dir = tempDir();
	try {
		fs.writeFileSync(path.join(dir, 'new\nline.xml'), REFUSED);
		fs.writeFileSync(path.join(dir, 'tab\tand\u001besc.xml'), REFUSED.replace('<name>refused</name>', '<name>other</name>'));
		const run = runCli([dir]);
		const lines = run.stdout.trimEnd().split('\n');
		assert.equal(lines.length, 4, run.stdout);
		assert.ok(lines.every((line) => line.startsWith(`${dir}/`)), run.stdout);
		assert.ok(lines.some((line) => line.startsWith(`${dir}/new\\nline.xml:`)), run.stdout);
		assert.ok(lines.some((line) => line.startsWith(`${dir}/tab\\tand\\x1Besc.xml:`)), run.stdout);
		// JSON strings carry the name exactly.
		const json = JSON.parse(runCli(['--format', 'json', dir]).stdout) as JsonReport;
		assert.deepEqual(json.files.map((f) => path.basename(f.path)).sort(), ['new\nline.xml', 'tab\tand\u001besc.xml']);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('a 5 MB attribute name is cut to a readable length in the messages', () => {
	const dir = tempDir();
	try {
		const name = `a${'x'.repeat(5 * 1024 * 1024)}`;
		const file = path.join(dir, 'vm.xml');
		fs.writeFileSync(file, guestXml('big', { seclabel: `  <seclabel type='dynamic' model='selinux' relabel='yes' ${name}='1'/>` }));
		const run = runCli([file]);
		assert.equal(run.status, 0, run.stderr);
		const lines = run.stdout.trimEnd().split('\n');
		assert.ok(lines.length >= 2 && lines.every((line) => line.length < 500), `lines of ${lines.map((l) => l.length).join(', ')} characters`);
		assert.match(run.stdout, /warning: libvirt ignores 'axxx+…\(5242883 characters\)…x+' on this seclabel/);
		const json = JSON.parse(runCli(['--format', 'json', file]).stdout) as JsonReport;
		assert.ok(json.files[0].diagnostics.every((d) => d.message.length < 500));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('ELOOP, ENOTDIR, EISDIR and ENOENT are one friendly line each, and the other files are still checked', () => {
	const dir = tempDir();
	try {
		fs.symlinkSync(path.join(dir, 'loop-b.xml'), path.join(dir, 'loop-a.xml'));
		fs.symlinkSync(path.join(dir, 'loop-a.xml'), path.join(dir, 'loop-b.xml'));
		fs.writeFileSync(path.join(dir, 'good.xml'), REFUSED);
		const run = runCli([path.join(dir, 'loop-a.xml'), path.join(dir, 'good.xml', 'x.xml'), path.join(dir, 'gone.xml'), path.join(dir, 'good.xml')]);
		assert.equal(run.status, 2);
		assert.equal(run.stderr, [
			`libvirt-seclabel-lint: cannot read ${dir}/loop-a.xml: too many levels of symbolic links`,
			`libvirt-seclabel-lint: cannot read ${dir}/good.xml/x.xml: a part of the path is not a directory`,
			`libvirt-seclabel-lint: cannot read ${dir}/gone.xml: no such file or directory`,
			'',
		].join('\n'));
		assert.match(run.stdout, /good\.xml:\d+:\d+: error: /, 'the readable file is checked');
		// A directory as standard input: the read fails with EISDIR.
		const stdinDir = runShell(`"$NODE" "$CLI" - < "${dir}"`);
		assert.equal(stdinDir.status, 2);
		assert.equal(stdinDir.stderr, 'libvirt-seclabel-lint: cannot read <stdin>: is a directory\n');
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('EACCES, for a file and for a directory in a walk, is "permission denied" (run as an unprivileged user)', () => {
	const dir = tempDir();
	try {
		fs.chmodSync(dir, 0o755);
		fs.writeFileSync(path.join(dir, 'secret.xml'), CLEAN, { mode: 0o600 });
		fs.mkdirSync(path.join(dir, 'private'), { mode: 0o700 });
		fs.writeFileSync(path.join(dir, 'private', 'vm.xml'), CLEAN);
		fs.writeFileSync(path.join(dir, 'open.xml'), REFUSED, { mode: 0o644 });
		// As root nothing is denied: drop to nobody (setpriv is util-linux's), as a user would run it.
		const asUser = os.userInfo().uid === 0 ? 'setpriv --reuid=nobody --regid=nogroup --clear-groups ' : '';
		if (!asUser) {
			fs.chmodSync(path.join(dir, 'secret.xml'), 0o000);
			fs.chmodSync(path.join(dir, 'private'), 0o000);
		}
		const run = runShell(`${asUser}"$NODE" "$CLI" "${dir}/secret.xml" "${dir}"`);
		assert.equal(run.status, 2, run.stderr);
		const lines = run.stderr.trimEnd().split('\n').sort();
		assert.deepEqual(lines, [
			`libvirt-seclabel-lint: cannot read ${dir}/private: permission denied`,
			`libvirt-seclabel-lint: cannot read ${dir}/secret.xml: permission denied`,
			`libvirt-seclabel-lint: cannot read ${dir}/secret.xml: permission denied`,
		]);
		assert.match(run.stdout.toString('utf8'), /open\.xml:\d+:\d+: error: /, 'the readable file is checked');
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
