/**
 * Bounded memory (issue #13, item 3): past a limit on elements, depth or length a document gets one
 * `document-too-large` finding and nothing else is built; below it, the tree costs a bounded number
 * of bytes per element. The server keeps serving such a document and takes the limits from
 * `libvirtSeclabel.limits.*`; the CLI reports it and exits 2.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { DEFAULT_PARSE_LIMITS, parseXml } from '../../../server/src/service/parser/xmlParser';
import { parseSeclabelText } from '../../../server/src/service/seclabelLanguageService';
import { computeFindings } from '../../../server/src/service/features/findings';
import { ROOT, spawnServer } from '../../support/lspServer';

function flat(n: number): string {
	return `<domain type='kvm'>\n  <name>flat</name>\n${'<a/>'.repeat(n)}\n</domain>\n`;
}

function deep(n: number): string {
	return `<domain type='kvm'>\n  <name>deep</name>\n${'<a>'.repeat(n)}${'</a>'.repeat(n)}\n</domain>\n`;
}

test('past maxElements the document is not built and gets one finding at the element that crossed the limit', () => {
	const limits = { ...DEFAULT_PARSE_LIMITS, maxElements: 1000 };
	assert.equal(parseXml(flat(990), limits).limit, undefined);
	const text = flat(1000);
	const xml = parseXml(text, limits);
	assert.ok(xml.limit, 'the limit is reported');
	assert.equal(xml.root, null);
	assert.deepEqual(xml.problems, []);
	assert.equal(text.slice(xml.limit.start, xml.limit.end), '<a');
	const findings = computeFindings(parseSeclabelText(text, limits));
	assert.deepEqual(findings.map((finding) => [finding.rule.id, finding.stage, finding.severity]), [['document-too-large', 'advice', 'warning']]);
	assert.match(findings[0].message, /more than 1,000 elements .*libvirtSeclabel\.limits\.maxElements/);
	// The rule can be turned off like any other.
	assert.deepEqual(computeFindings(parseSeclabelText(text, limits), { rules: { 'document-too-large': 'off' } }), []);
});

test('past maxDepth and maxBytes the same', () => {
	const depthLimited = parseXml(deep(1200));
	assert.match(depthLimited.limit?.message ?? '', /nested more than 1,000 deep/);
	assert.equal(parseXml(deep(900)).limit, undefined);
	const bytesLimited = parseXml(flat(300), { ...DEFAULT_PARSE_LIMITS, maxBytes: 1000 });
	assert.match(bytesLimited.limit?.message ?? '', /past the limit of .*maxBytes/);
	assert.deepEqual(bytesLimited.limit && [bytesLimited.limit.start, bytesLimited.limit.end], [0, 0]);
});

/** Bytes the heap keeps for a parsed tree, measured with collections forced before and after. */
function retainedBytes(text: string): number {
	v8.setFlagsFromString('--expose-gc');
	const gc = vm.runInNewContext('gc') as () => void;
	gc();
	const before = process.memoryUsage().heapUsed;
	const doc = parseSeclabelText(text);
	gc();
	const after = process.memoryUsage().heapUsed;
	assert.ok(doc.domain);
	return after - before;
}

test('the tree costs a bounded number of bytes per element: shared empty arrays, exact-size child lists, interned names', () => {
	const n = 200_000;
	const perElement = retainedBytes(flat(n)) / n;
	// An element object is about 140 bytes (206 when each had its own empty arrays); a fresh empty attribute and child array each, or a child
	// list with its growth slack, would add 30 to 70 bytes more per element.
	assert.ok(perElement < 160, `${perElement.toFixed(0)} bytes per <a/>`);
	const withAttributes = `<domain type='kvm'>\n${"<disk type='file' device='disk'/>".repeat(n / 2)}\n</domain>\n`;
	const perDisk = retainedBytes(withAttributes) / (n / 2);
	assert.ok(perDisk < 520, `${perDisk.toFixed(0)} bytes per <disk> with two attributes`);
});

test('the CLI reports a document past a limit and exits 2; the others are still checked', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-limits-'));
	try {
		fs.writeFileSync(path.join(dir, 'deep.xml'), deep(5000));
		fs.writeFileSync(path.join(dir, 'good.xml'), "<domain type='kvm'>\n  <name>good</name>\n  <seclabel type='dynamic' model='selinux' relabel='no'/>\n</domain>\n");
		const run = cp.spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), '--format', 'json', dir], { encoding: 'utf8' });
		assert.equal(run.status, 2, run.stderr);
		assert.match(run.stderr, /deep\.xml: not checked: Elements are nested more than 1,000 deep/);
		const report = JSON.parse(run.stdout) as { files: { path: string; diagnostics: { code: string }[] }[] };
		const codes = Object.fromEntries(report.files.map((file) => [path.basename(file.path), file.diagnostics.map((d) => d.code)]));
		assert.deepEqual(codes['deep.xml'], ['document-too-large']);
		assert.ok(codes['good.xml'].includes('dynamic-relabel-no'));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the server publishes one diagnostic for a document past its limit, keeps serving, and reads the limit from its settings', async () => {
	const server = spawnServer();
	try {
		await server.connection.sendRequest('initialize', {
			processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null,
			initializationOptions: { settings: { limits: { maxElements: 500 } } },
		});
		await server.connection.sendNotification('initialized', {});
		const uri = 'file:///limits/flat.xml';
		await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'xml', version: 1, text: flat(600) } });
		const limited = await server.diagnosticsOfVersion(uri, 1);
		assert.deepEqual(limited.diagnostics.map((d) => d.code), ['document-too-large']);
		const message = limited.diagnostics[0].message;
		assert.match(typeof message === 'string' ? message : message.value, /more than 500 elements/);
		// An edit that brings it under the limit is checked as usual.
		const small = "<domain type='kvm'>\n  <name>small</name>\n  <seclabel type='dynamic' model='selinux' relabel='no'/>\n</domain>\n";
		await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: small }] });
		const checked = await server.diagnosticsOfVersion(uri, 2);
		assert.ok(checked.diagnostics.some((d) => d.code === 'dynamic-relabel-no'));
		const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 4 } });
		assert.ok(hover, 'the server still answers a hover');
		assert.equal(await server.stop(), 0);
	} finally {
		server.child.kill();
	}
});
