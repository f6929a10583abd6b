#!/usr/bin/env node
// A scratch split of one keystroke on the bench's 3.5 MB domain (bigDomain(10000) of bench.mjs), in
// process, calling the service as server/src/startServer.ts does (previous version handed over):
// text-document update, parse, guest summary + index update, rules, findings → diagnostics, JSON.
// Run after `npm run build`: node scripts/profile-edit.mjs [disks] [edits] [--no-reference]
// [--cpu-profile FILE | --heap-profile FILE]. The references (the model and summary built in full, for scale) are left
// out with --no-reference or a profile. Timings are medians of
// the same run; the machine is shared, so compare figures of one run only.
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
// SECLABEL_OUT: another build's out/server/src/ (say, of the commit before a change), for a before/after in one run.
const out = process.env.SECLABEL_OUT ?? new URL('../out/server/src/', import.meta.url).pathname;
const { TextDocument } = require('vscode-languageserver-textdocument');
const { getSeclabelLanguageService } = require(out + 'service/seclabelLanguageService.js');
const { WorkspaceIndex } = require(out + 'service/workspace/workspaceIndex.js');
const { computeFindings } = require(out + 'service/features/findings.js');
const { toDiagnostic } = require(out + 'service/features/validation.js');
const { summarizeGuest } = require(out + 'service/workspace/guestSummary.js');
const { buildModel } = require(out + 'service/parser/seclabelModel.js');
const { incrementalStats } = require(out + 'service/features/incrementalFindings.js');

function targetName(index) {
	let name = '';
	for (let n = index; ; n = Math.floor(n / 26) - 1) {
		name = String.fromCharCode(97 + (n % 26)) + name;
		if (n < 26) break;
	}
	return `vd${name}`;
}
function bigDomain(disks) {
	const lines = ["<domain type='kvm'>", `  <name>bench-${disks}</name>`, "  <memory unit='KiB'>2097152</memory>", '  <os>', "    <type arch='x86_64'>hvm</type>", '  </os>', '  <devices>'];
	for (let i = 0; i < disks; i++) {
		lines.push("    <disk type='file' device='disk'>", "      <driver name='qemu' type='raw'/>", `      <source file='/var/lib/libvirt/images/bench-disk-${i}.img'>`,
			"        <seclabel model='selinux' relabel='yes'>", `          <label>system_u:object_r:${i % 3 === 2 ? 'virt_content_t' : 'svirt_image_t'}:s0:c100,c200</label>`,
			'        </seclabel>', '      </source>', `      <target dev='${targetName(i)}' bus='virtio'/>`, '    </disk>');
	}
	lines.push('  </devices>', "  <seclabel type='static' model='selinux' relabel='yes'>", '    <label>system_u:system_r:svirt_t:s0:c100,c200</label>', '  </seclabel>', '</domain>', '');
	return lines.join('\n');
}

const disks = Number(process.argv[2] ?? 10000);
const edits = Number(process.argv[3] ?? 40);
const text = bigDomain(disks);
const uri = 'file:///bench/domain.xml';
const service = getSeclabelLanguageService();
const index = new WorkspaceIndex();
// As the server checks an open document: its devices' findings are kept from the first check.
const settings = { workspace: index, documentUri: uri, editing: true };
let document = TextDocument.create(uri, 'xml', 1, text);
let doc = service.parseDocument(document);
index.update(uri, doc);
service.doValidation(document, doc, settings);

// Per rule: each rule's check is wrapped to add up its time during the edits (not the first run).
const { allRules } = require(out + 'service/rules/index.js');
const { extentOf } = require(out + 'service/rules/rule.js');
const ruleTimes = new Map();
/** This edit's time per extent; pushed per edit into groupTimes, for medians. */
let editGroups = new Map();
const groupTimes = new Map();
let timing = false;
for (const rule of allRules) {
	const check = rule.check;
	rule.check = function (context) {
		if (!timing) return check.call(this, context);
		const started = performance.now();
		try {
			return check.call(this, context);
		} finally {
			const group = `${extentOf(rule).unit}${extentOf(rule).reads ? '+domain' : ''} ${rule.id}`;
			ruleTimes.set(group, (ruleTimes.get(group) ?? 0) + performance.now() - started);
			const unit = group.split(' ')[0];
			editGroups.set(unit, (editGroups.get(unit) ?? 0) + performance.now() - started);
		}
	};
}
let measuring = false;
let statsBefore;
function startMeasuring() {
	timing = true;
	measuring = true;
	statsBefore = { ...incrementalStats };
	// An in-thread inspector session handles the message at once.
	if (profileFile) session?.post('Profiler.start');
	// Every allocation of the edits is sampled, the ones collected since too (what the collector has to clear).
	if (heapFile) session?.post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
// --cpu-profile FILE: a V8 CPU profile of the edits alone (not the first parse and check).
const profileFile = process.argv.includes('--cpu-profile') ? process.argv[process.argv.indexOf('--cpu-profile') + 1] : undefined;
// --heap-profile FILE: a sampling heap profile of what the edits allocate (load it in DevTools' Memory tab).
const heapFile = process.argv.includes('--heap-profile') ? process.argv[process.argv.indexOf('--heap-profile') + 1] : undefined;
let session;
if (profileFile || heapFile) {
	const inspector = await import('inspector');
	session = new inspector.Session();
	session.connect();
	session.post(profileFile ? 'Profiler.enable' : 'HeapProfiler.enable');
}

// Two edits before the measured ones: the first check of a document keeps nothing, the first edit
// runs every device once to start keeping (incrementalFindings.ts), as in the bench's first edits.
const warmups = 2;

const marker = text.indexOf('<label>system_u:object_r:svirt_image_t:s0:c', Math.floor(text.length / 2));
const digit = text.indexOf(':s0:c', marker) + 5;
const original = text[digit];
const stages = {};
/** This edit's stages, without the requests and references (in parentheses). */
let editTotal = 0;
const time = (name, run) => {
	const started = performance.now();
	const result = run();
	if (measuring) (stages[name] ??= []).push(performance.now() - started);
	if (!name.startsWith('(')) editTotal += performance.now() - started;
	return result;
};
for (let k = -warmups; k < edits; k++) {
	if (k === 0) startMeasuring();
	const replacement = k % 2 === 0 ? (original === '9' ? '8' : '9') : original;
	const position = document.positionAt(digit);
	editTotal = 0;
	time('text document update', () => TextDocument.update(document, [{ range: { start: position, end: { line: position.line, character: position.character + 1 } }, text: replacement }], document.version + 1));
	doc = time('parse (incremental tree + model)', () => service.parseDocument(document, undefined, doc));
	// What a request right behind the edit costs: served after the parse, before the index and rules.
	time('(request: hover behind the edit)', () => service.doHover(document, position, doc, settings));
	time('(request: completion behind the edit)', () => service.doComplete(document, position, doc, settings));
	time('summary + index update', () => index.update(uri, doc));
	const findings = time('rules (computeFindings)', () => computeFindings(doc, settings));
	const diagnostics = time('findings → diagnostics', () => findings.map((finding) => toDiagnostic(document, finding, { rulesDocumentationUri: 'https://x/rules.md' })));
	time('JSON (publisher key + send)', () => { JSON.stringify(diagnostics); JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version: document.version, diagnostics } }); });
	if (k < 0) continue;
	(stages['total of the stages above (not the requests)'] ??= []).push(editTotal);
	for (const unit of ['document', 'domain', 'device', 'device+domain', 'workspace+domain']) {
		let list = groupTimes.get(unit);
		if (!list) groupTimes.set(unit, list = []);
		list.push(editGroups.get(unit) ?? 0);
	}
	editGroups = new Map();
	// For comparison, outside the total: the model built in full from the same tree, as before the patch.
	if (!profileFile && !heapFile && !process.argv.includes('--no-reference')) {
		time('(reference: buildModel in full)', () => buildModel(doc.xml));
		time('(reference: summary in full)', () => summarizeGuest(uri, { ...doc }));
	}
	if (k === 0) console.error(`${findings.length} findings`);
}
if (session) {
	const fs = await import('fs');
	const [stop, file] = profileFile ? ['Profiler.stop', profileFile] : ['HeapProfiler.stopSampling', heapFile];
	await new Promise((resolve) => session.post(stop, (error, result) => { fs.writeFileSync(file, JSON.stringify(result.profile)); resolve(); }));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [name, values] of Object.entries(stages)) {
	console.log(`${name.padEnd(36)} median ${median(values).toFixed(2).padStart(7)} ms   max ${Math.max(...values).toFixed(2).padStart(7)} ms`);
}

console.log('rules per edit by extent (median):', [...groupTimes].map(([group, list]) => `${group} ${median(list).toFixed(2)} ms`).join(', '));
console.log('slowest rules, mean per edit (the first edit after opening runs every device):', [...ruleTimes].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, t]) => `${name} ${(t / edits).toFixed(2)} ms`).join(', '));
console.log(`device rule results per edit: ${((incrementalStats.devicesKept - statsBefore.devicesKept) / edits).toFixed(0)} kept, ${((incrementalStats.devicesRun - statsBefore.devicesRun) / edits).toFixed(1)} run`);
