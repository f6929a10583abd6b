#!/usr/bin/env node
// The workspace-index budgets of issue #10, for `npm run bench` (which imports this) or alone:
//
//   node scripts/bench-tree.mjs [--keep]
//
// A 40,000-file tree with 1,000 domains (the rest other libvirt XML: networks, pools, volumes) is
// generated in a temporary directory and opened as the workspace folder of the server bin, once
// with the default index bounds and once with libvirtSeclabel.index.maxFiles raised over the
// tree. Measured: the diagnostics of the file opened right after `initialized` (while the index is
// still being built), the server's CPU time and peak memory until the index is complete. The
// reference, from the same run on the same tree, is `grep` reading the start of every file.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { pathToFileURL, fileURLToPath } from 'url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const SERVER = path.join(root, 'dist', 'server.js');
const FILES = 40_000;
const DOMAINS = 1_000;
const PER_DIRECTORY = 500;

function guest(i) {
	return `<domain type='kvm'>\n  <name>tree-guest-${i}</name>\n  <memory unit='KiB'>1048576</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n`
		+ `    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/var/lib/libvirt/images/tree-${i}.qcow2'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n`
		+ `  </devices>\n  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c${i % 1000},c${1000 + Math.floor(i / 1000)}</label>\n  </seclabel>\n</domain>\n`;
}

function other(i) {
	switch (i % 3) {
		case 0: return `<?xml version="1.0"?>\n<!-- generated -->\n<network>\n  <name>net-${i}</name>\n  <forward mode='nat'/>\n  <bridge name='virbr${i % 100}'/>\n  <ip address='10.${i % 250}.0.1' netmask='255.255.255.0'/>\n</network>\n`;
		case 1: return `<pool type='dir'>\n  <name>pool-${i}</name>\n  <target>\n    <path>/var/lib/libvirt/pool-${i}</path>\n  </target>\n</pool>\n`;
		default: return `<volume>\n  <name>vol-${i}.qcow2</name>\n  <capacity unit='G'>10</capacity>\n  <target>\n    <format type='qcow2'/>\n  </target>\n</volume>\n`;
	}
}

/** Writes the tree: domains spread evenly among the other files, 500 files per directory. */
export function generateTree(dir) {
	const every = Math.floor(FILES / DOMAINS);
	let domains = 0;
	for (let i = 0; i < FILES; i++) {
		const sub = path.join(dir, `d${String(Math.floor(i / PER_DIRECTORY)).padStart(3, '0')}`);
		if (i % PER_DIRECTORY === 0) fs.mkdirSync(sub, { recursive: true });
		const isDomain = i % every === every - 1 && domains < DOMAINS;
		if (isDomain) domains++;
		fs.writeFileSync(path.join(sub, `${isDomain ? 'guest' : 'other'}-${String(i).padStart(5, '0')}.xml`), isDomain ? guest(i) : other(i));
	}
	return { files: FILES, domains };
}

function cpuSeconds(pid) {
	const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const ticks = Number(fields[11]) + Number(fields[12]);
	return ticks / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
}

function vmHwmMiB(pid) {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1]) / 1024;
}

/** One server over the tree: time to the opened file's diagnostics, CPU and memory until the index is complete. */
async function measure(tree, settings) {
	const protocol = require('vscode-languageserver-protocol/node');
	const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
	const connection = protocol.createProtocolConnection(new protocol.StreamMessageReader(child.stdout), new protocol.StreamMessageWriter(child.stdin));
	let ended;
	const indexed = new Promise((resolve) => { ended = resolve; });
	const messages = [];
	connection.onRequest(protocol.WorkDoneProgressCreateRequest.type, () => null);
	connection.onRequest(protocol.RegistrationRequest.type, () => null);
	connection.onRequest(protocol.ConfigurationRequest.type, (params) => params.items.map(() => ({ index: settings })));
	connection.onNotification('$/progress', (params) => { if (params.value?.kind === 'end') ended(performance.now()); });
	connection.onNotification(protocol.ShowMessageNotification.type, (params) => messages.push(params.message));
	connection.listen();
	const folder = { uri: pathToFileURL(tree).href, name: 'tree' };
	await connection.sendRequest(protocol.InitializeRequest.type, {
		processId: process.pid, rootUri: folder.uri, workspaceFolders: [folder],
		capabilities: { window: { workDoneProgress: true }, workspace: { workspaceFolders: true, configuration: true, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } },
	});
	await connection.sendNotification(protocol.InitializedNotification.type, {});
	// The user's file is opened while the index is being built, as an editor does.
	const first = fs.readdirSync(path.join(tree, 'd000')).find((name) => name.startsWith('guest'));
	const uri = pathToFileURL(path.join(tree, 'd000', first)).href;
	const text = fs.readFileSync(path.join(tree, 'd000', first), 'utf8');
	const published = new Promise((resolve) => connection.onNotification(protocol.PublishDiagnosticsNotification.type, (params) => { if (params.uri === uri) resolve(performance.now()); }));
	const opened = performance.now();
	await connection.sendNotification(protocol.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text } });
	const diagnosticsAt = await published;
	const indexedAt = await Promise.race([indexed, new Promise((resolve) => setTimeout(() => resolve(undefined), 120_000))]);
	const cpu = cpuSeconds(child.pid);
	const peak = vmHwmMiB(child.pid);
	await connection.sendRequest(protocol.ShutdownRequest.type);
	await connection.sendNotification(protocol.ExitNotification.type);
	connection.dispose();
	return { firstDiagnostics: diagnosticsAt - opened, indexed: indexedAt === undefined ? undefined : indexedAt - opened, cpu, peak, messages };
}

/** The rows for bench.mjs: [measure, ours, reference, budget, pass]. */
export async function benchWorkspaceTree({ keep = false } = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-bench-tree-'));
	try {
		const tree = path.join(dir, 'tree');
		const { files, domains } = generateTree(tree);
		const grepStarted = performance.now();
		spawnSync('grep', ['-rl', '--include=*.xml', '-m1', '<domain', tree], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 26 });
		const grep = performance.now() - grepStarted;
		const rows = [];
		const ms = (value) => (value === undefined ? 'n/a' : `${value.toFixed(0)} ms`);
		for (const [label, settings] of [['default bounds', {}], ['index.maxFiles 10,000', { maxFiles: 10_000 }]]) {
			const run = await measure(tree, settings);
			const capped = run.messages.some((message) => message.includes('index.maxFiles'));
			const what = `tree of ${files.toLocaleString('en')} XML files, ${domains.toLocaleString('en')} domains (${label}${capped ? ', capped with a message' : ''})`;
			rows.push([`${what}: opened file's diagnostics while indexing`, ms(run.firstDiagnostics), '—', '< 200 ms', run.firstDiagnostics < 200]);
			rows.push([`${what}: server CPU until the index is complete (${ms(run.indexed)} wall)`, `${run.cpu.toFixed(2)} s`, `grep -rl '<domain' over the tree ${ms(grep)} wall`, '< 5 s', run.indexed !== undefined && run.cpu < 5]);
			rows.push([`${what}: server peak memory (VmHWM)`, `${run.peak.toFixed(0)} MiB`, '—', '< 150 MB', run.peak * 1024 * 1024 < 150e6]);
		}
		return rows;
	} finally {
		if (!keep) fs.rmSync(dir, { recursive: true, force: true });
	}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	if (!fs.existsSync(SERVER)) {
		console.error(`bench-tree: ${SERVER} is missing: run 'npm run build' first.`);
		process.exit(2);
	}
	const rows = await benchWorkspaceTree({ keep: process.argv.includes('--keep') });
	console.log('| Measure | Ours | Reference (same run, same input) | Budget | Result |');
	console.log('|---|---|---|---|---|');
	for (const [measureName, ours, reference, budget, pass] of rows) console.log(`| ${measureName} | ${ours} | ${reference} | ${budget} | ${pass ? 'PASS' : 'MISS'} |`);
	process.exitCode = rows.some((r) => !r[4]) ? 1 : 0;
}
