/**
 * `npm start` opens a copy of examples/ (scripts/demo-workspace.mjs), made anew at each start: the
 * demo must never edit the tracked examples, and a second start must not inherit the first one's edits.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { pathToFileURL } from 'url';

const ROOT = resolve(__dirname, '..', '..', '..');
const EXAMPLES = join(ROOT, 'examples');

interface DemoWorkspace { refreshDemoWorkspace(examplesDir: string, demoDir: string): string }

test('npm start serves a fresh copy of examples/, and the next start undoes the last demo\'s edits', async () => {
	const { refreshDemoWorkspace } = await import(pathToFileURL(join(ROOT, 'scripts', 'demo-workspace.mjs')).href) as DemoWorkspace;
	const demo = mkdtempSync(join(tmpdir(), 'libvirt-seclabel-demo-'));
	try {
		const workspace = refreshDemoWorkspace(EXAMPLES, demo);
		assert.notEqual(resolve(workspace), resolve(EXAMPLES));
		assert.ok(resolve(workspace).startsWith(`${resolve(demo)}/`), workspace);
		assert.deepEqual(readdirSync(workspace).sort(), readdirSync(EXAMPLES).sort());
		const fixed = join(workspace, 'dynamic-relabel-no.xml');
		const original = readFileSync(join(EXAMPLES, 'dynamic-relabel-no.xml'), 'utf8');
		assert.equal(readFileSync(fixed, 'utf8'), original);
		// What a demo does: a quick fix saved into the copy, and a new file.
		writeFileSync(fixed, original.replace("relabel='no'", "relabel='yes'"));
		writeFileSync(join(workspace, 'scratch.xml'), '<domain/>');
		assert.equal(readFileSync(join(EXAMPLES, 'dynamic-relabel-no.xml'), 'utf8'), original, 'the tracked example is untouched');
		assert.equal(refreshDemoWorkspace(EXAMPLES, demo), workspace);
		assert.equal(readFileSync(fixed, 'utf8'), original, 'the next start begins from the committed example');
		assert.equal(existsSync(join(workspace, 'scratch.xml')), false);
	} finally {
		rmSync(demo, { recursive: true, force: true });
	}
});

test('scripts/start.mjs opens the copy, not examples/ itself', () => {
	const script = readFileSync(join(ROOT, 'scripts', 'start.mjs'), 'utf8');
	assert.match(script, /refreshDemoWorkspace\(examples, demo\)/);
	assert.doesNotMatch(script, /workspace: examples\b|encodeURIComponent\(examples\)/);
});
