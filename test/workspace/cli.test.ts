/**
 * The CLI across files: all files are indexed before any is checked, related entries point at the
 * other file and line, and --per-host compares local images and levels within one directory only.
 * Runs `main()` in process with real files in a temporary directory, and the bundled bin once.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main, type JsonReport } from '../../server/src/cli/lint';
import { fileDisk, guestXml, IMAGES, lineOf, networkDisk, staticLabel, VM1, VM2 } from './guests';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function tree(files: Record<string, string>): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-cli-'));
	for (const [name, text] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
		fs.writeFileSync(path.join(dir, name), text);
	}
	return dir;
}

async function lintJson(args: string[]): Promise<{ code: number; report: JsonReport; stderr: string }> {
	let stdout = '';
	let stderr = '';
	const code = await main(['--format', 'json', ...args], (s) => { stdout += s; }, (s) => { stderr += s; }, '0.0.0');
	return { code, report: JSON.parse(stdout) as JsonReport, stderr };
}

/** Per file (relative to dir): code and the related entries as relative path and one-based line. */
function crossSummary(report: JsonReport, dir: string): Record<string, { code: string; related: string[] }[]> {
	const result: Record<string, { code: string; related: string[] }[]> = {};
	for (const file of report.files) {
		const cross = file.diagnostics.filter((d) => ['shared-image-not-shareable', 'shareable-mismatch', 'mcs-level-collision', 'shared-image-private-categories'].includes(d.code));
		if (cross.length > 0) {
			result[path.relative(dir, file.path)] = cross.map((d) => ({ code: d.code, related: d.related.map((r) => `${path.relative(dir, r.path)}:${r.range.start.line + 1}`) }));
		}
	}
	return result;
}

test('the bug report\'s two guests in one directory: both files are reported, with the other file and line in related', async () => {
	const dir = tree({ 'vm1.xml': VM1, 'vm2.xml': VM2 });
	try {
		const { code, report } = await lintJson([dir]);
		assert.equal(code, 1, 'a start-stage finding is an error');
		assert.deepEqual(crossSummary(report, dir), {
			'vm1.xml': [{ code: 'shared-image-not-shareable', related: [`vm2.xml:${lineOf(VM2, `${IMAGES}/vm1.img`) + 1}`] }],
			'vm2.xml': [{ code: 'shared-image-not-shareable', related: [`vm1.xml:${lineOf(VM1, `${IMAGES}/vm1.img`) + 1}`] }],
		});
		const diagnostic = report.files.find((file) => file.path.endsWith('vm1.xml'))!.diagnostics[0];
		assert.equal(diagnostic.stage, 'start');
		const related = diagnostic.related[0];
		const line = VM2.split('\n')[related.range.start.line];
		assert.equal(line.slice(related.range.start.character, related.range.end.character), `${IMAGES}/vm1.img`);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('files named one by one are compared with each other too, in text output as notes', async () => {
	const dir = tree({ 'a.xml': guestXml('a', { seclabel: staticLabel('s0:c1,c2') }), 'b.xml': guestXml('b', { seclabel: staticLabel('s0:c1,c2') }) });
	try {
		let stdout = '';
		const code = await main([path.join(dir, 'a.xml'), path.join(dir, 'b.xml')], (s) => { stdout += s; }, () => undefined, '0.0.0');
		assert.equal(code, 0, 'a collision is advice (a warning), not an error');
		assert.match(stdout, /a\.xml:\d+:\d+: warning: .*\[mcs-level-collision\]/);
		const labelLine = lineOf(guestXml('b', { seclabel: staticLabel('s0:c1,c2') }), '<label>') + 1;
		assert.match(stdout, new RegExp(`b\\.xml:${labelLine}:\\d+: note: 'b' runs at s0:c1,c2`));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('--per-host: the same local path under two hosts is silent, the same network volume fires, a shared level within a host fires', async () => {
	const local = (name: string) => guestXml(name, { disks: [fileDisk(`${IMAGES}/disk.img`)] });
	const rbd = (name: string) => guestXml(name, { disks: [networkDisk('rbd', 'vms/shared', ['ceph1:6789'], { target: 'vdb' })] });
	const rbdLine = lineOf(rbd('rbd-a'), 'vms/shared') + 1;
	const labelLine = lineOf(guestXml('x', { seclabel: staticLabel('s0:c7,c8') }), '<label>') + 1;
	const webLine = lineOf(local('web'), 'disk.img') + 1;
	const dir = tree({
		'host1/web.xml': local('web'),
		'host2/db.xml': local('db'),
		'host1/rbd-a.xml': rbd('rbd-a'),
		'host2/rbd-b.xml': rbd('rbd-b'),
		'host2/x.xml': guestXml('x', { seclabel: staticLabel('s0:c7,c8') }),
		'host2/y.xml': guestXml('y', { seclabel: staticLabel('s0:c7,c8') }),
		'host1/z.xml': guestXml('z', { seclabel: staticLabel('s0:c7,c8') }),
	});
	try {
		const perHost = await lintJson(['--per-host', path.join(dir, 'host1'), path.join(dir, 'host2')]);
		assert.deepEqual(crossSummary(perHost.report, dir), {
			'host1/rbd-a.xml': [{ code: 'shared-image-not-shareable', related: [`host2/rbd-b.xml:${rbdLine}`] }],
			'host2/rbd-b.xml': [{ code: 'shared-image-not-shareable', related: [`host1/rbd-a.xml:${rbdLine}`] }],
			'host2/x.xml': [{ code: 'mcs-level-collision', related: [`host2/y.xml:${labelLine}`] }],
			'host2/y.xml': [{ code: 'mcs-level-collision', related: [`host2/x.xml:${labelLine}`] }],
		});
		// Without --per-host everything is one host: the local image and z's level collide too.
		const oneHost = await lintJson([path.join(dir, 'host1'), path.join(dir, 'host2')]);
		const summary = crossSummary(oneHost.report, dir);
		assert.deepEqual(summary['host1/web.xml'], [{ code: 'shared-image-not-shareable', related: [`host2/db.xml:${webLine}`] }]);
		assert.deepEqual(summary['host1/z.xml'], [{ code: 'mcs-level-collision', related: [`host2/x.xml:${labelLine}`, `host2/y.xml:${labelLine}`] }]);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('--per-host: a file named directly is a host of its own', async () => {
	const dir = tree({ 'host1/a.xml': guestXml('a', { disks: [fileDisk(`${IMAGES}/disk.img`)] }), 'b.xml': guestXml('b', { disks: [fileDisk(`${IMAGES}/disk.img`)] }) });
	try {
		const perHost = await lintJson(['--per-host', path.join(dir, 'host1'), path.join(dir, 'b.xml')]);
		assert.deepEqual(crossSummary(perHost.report, dir), {});
		const together = await lintJson([path.join(dir, 'host1'), path.join(dir, 'b.xml')]);
		assert.deepEqual(Object.keys(crossSummary(together.report, dir)).sort(), ['b.xml', 'host1/a.xml']);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the bundled bin documents --per-host and reports across files', () => {
	const cli = path.join(ROOT, 'dist', 'cli.js');
	assert.ok(fs.existsSync(cli), `${cli} is missing: run 'npm run build' (npm test builds it first)`);
	const help = cp.spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
	assert.match(help.stdout, /--per-host/);
	const dir = tree({ 'vm1.xml': VM1, 'vm2.xml': VM2 });
	try {
		const run = cp.spawnSync(process.execPath, [cli, '--format', 'json', '--per-host', dir], { encoding: 'utf8' });
		assert.equal(run.status, 1, run.stderr);
		const report = JSON.parse(run.stdout) as JsonReport;
		assert.deepEqual(Object.keys(crossSummary(report, dir)).sort(), ['vm1.xml', 'vm2.xml']);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
