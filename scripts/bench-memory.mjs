#!/usr/bin/env node
// The server's memory on the 3.5 MB domain of `npm run bench`, alone and repeatable (issue #12): the
// bench's measure (a server bin over stdio, open + 100 edits, VmHWM) for one or more builds, run
// alternately in the same session, so that two builds are compared under the same load. Each run
// also reports VmRSS after 2.5 s without messages (the idle collection of node/heapSchedule.ts), the
// edit → diagnostics median, p90 and p95 (--disks 100 is the bench's 35 KB row) and the main-thread GC pauses (a preloaded PerformanceObserver, written
// to a file: stdout is the protocol stream).
//
//   node scripts/bench-memory.mjs [--runs N] [--disks N] [--edits N] [BUILD_ROOT ...]
//
// --disks 100000 --edits 20 is the bench's 35 MB row (its peak is the open's).
// A BUILD_ROOT is a checkout with a build (dist/server.js), e.g. a `git worktree add /tmp/old <commit>`
// with node_modules linked and `npm run build` run in it; the default is this checkout.
// RSS_PRELOAD=FILE.cjs has the server load FILE first (a probe: heap snapshots, space statistics).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { pathToFileURL, fileURLToPath } from 'url';
import { bigDomain } from './bench-domains.mjs';

const require = createRequire(import.meta.url);
const protocol = require('vscode-languageserver-protocol/node');
const here = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const numberOption = (name, fallback) => {
	const at = args.indexOf(name);
	return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const DISKS = numberOption('--disks', 10_000);
const EDITS = numberOption('--edits', 100);
const builds = args.length > 0 ? args : [here];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-bench-memory-'));
const text = bigDomain(DISKS);
const file = path.join(dir, `domain-${DISKS}-disks.xml`);
fs.writeFileSync(file, text);
const preload = path.join(dir, 'gc-pauses.cjs');
fs.writeFileSync(preload, `const fs = require('fs');
const { PerformanceObserver, constants } = require('perf_hooks');
const out = process.env.SECLABEL_GC_PAUSES;
const total = { major: 0, minor: 0, incremental: 0, count: 0 };
new PerformanceObserver((list) => { for (const e of list.getEntries()) { const k = e.detail?.kind; total[k === constants.NODE_PERFORMANCE_GC_MAJOR ? 'major' : k === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : 'incremental'] += e.duration; total.count++; } fs.writeFileSync(out + '.tmp', JSON.stringify(total)); fs.renameSync(out + '.tmp', out); }).observe({ entryTypes: ['gc'] });
`);

function status(pid) {
	const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kib = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(s)[1]) / 1024;
	return { hwm: kib('VmHWM'), rss: kib('VmRSS') };
}

function positionOf(offset) {
	const before = text.slice(0, offset);
	return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}

async function measure(build) {
	const pauses = path.join(dir, `pauses-${process.hrtime.bigint()}.json`);
	const child = spawn(process.execPath, [...(process.env.RSS_PRELOAD ? ['--require', process.env.RSS_PRELOAD] : []), '--require', preload, path.join(build, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, SECLABEL_GC_PAUSES: pauses } });
	const connection = protocol.createProtocolConnection(new protocol.StreamMessageReader(child.stdout), new protocol.StreamMessageWriter(child.stdin));
	const listeners = new Set();
	connection.onNotification(protocol.PublishDiagnosticsNotification.type, (params) => { for (const listener of [...listeners]) listener(params); });
	connection.onRequest(protocol.WorkDoneProgressCreateRequest.type, () => null);
	connection.onRequest(protocol.RegistrationRequest.type, () => null);
	connection.onRequest(protocol.ConfigurationRequest.type, (params) => params.items.map(() => ({})));
	connection.onNotification('$/progress', () => undefined);
	connection.listen();
	await connection.sendRequest(protocol.InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { window: { workDoneProgress: true }, workspace: { workspaceFolders: true, configuration: true } } });
	await connection.sendNotification(protocol.InitializedNotification.type, {});
	const uri = pathToFileURL(file).href;
	const published = (version) => new Promise((resolve) => {
		const listener = (params) => { if (params.uri === uri && params.version === version) { listeners.delete(listener); resolve(); } };
		listeners.add(listener);
	});
	const opened = published(1);
	await connection.sendNotification(protocol.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text } });
	await opened;
	const afterOpen = status(child.pid);
	// The bench's edit: one category digit of a disk label flipped and back, each version awaited.
	const digit = text.indexOf(':s0:c', text.indexOf('<label>system_u:object_r:svirt_image_t:s0:c', Math.floor(text.length / 2))) + 5;
	const position = positionOf(digit);
	const original = text[digit];
	const times = [];
	for (let k = 0, version = 1; k < EDITS; k++) {
		version++;
		const done = published(version);
		const started = performance.now();
		await connection.sendNotification(protocol.DidChangeTextDocumentNotification.type, {
			textDocument: { uri, version },
			contentChanges: [{ range: { start: position, end: { line: position.line, character: position.character + 1 } }, text: k % 2 === 0 ? (original === '9' ? '8' : '9') : original }],
		});
		await done;
		times.push(performance.now() - started);
	}
	const afterEdits = status(child.pid);
	await new Promise((resolve) => setTimeout(resolve, 2500));
	const quiet = status(child.pid);
	const gc = JSON.parse(fs.readFileSync(pauses, 'utf8'));
	await connection.sendRequest(protocol.ShutdownRequest.type);
	await connection.sendNotification(protocol.ExitNotification.type);
	connection.dispose();
	if (process.env.SECLABEL_PRINT_TIMES) console.error(times.map((t) => Math.round(t)).join(" "));
	times.sort((a, b) => a - b);
	return {
		build, openHwm: Math.round(afterOpen.hwm), hwm: Math.round(afterEdits.hwm), rssAfterEdits: Math.round(afterEdits.rss), rssQuiet: Math.round(quiet.rss),
		editMedianMs: Math.round(times[Math.ceil(EDITS / 2) - 1]), editP90Ms: Math.round(times[Math.ceil(EDITS * 0.9) - 1]), editP95Ms: Number(times[Math.ceil(EDITS * 0.95) - 1].toFixed(2)), editMaxMs: Math.round(times[EDITS - 1]), gcPausesMs: { major: Math.round(gc.major), minor: Math.round(gc.minor), incremental: Math.round(gc.incremental) },
	};
}

try {
	console.error(`bench-memory: ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}, node ${process.version}; ${runs} round(s) over ${builds.join(', ')}`);
	for (let round = 0; round < runs; round++) {
		for (const build of builds) {
			console.log(JSON.stringify(await measure(build)));
		}
	}
} finally {
	fs.rmSync(dir, { recursive: true, force: true });
}
