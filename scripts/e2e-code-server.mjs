#!/usr/bin/env node
// Runs the extension-host test suite (out/test/e2e/suite) inside code-server, the VS Code that can be
// installed from the npm registry (scripts/setup-code-server.sh): the drop-in for @vscode/test-electron
// on machines that cannot download VS Code. code-server loads this repository as the development
// extension and the suite as extensionTestsPath through the workbench's `payload` query, headless
// Chromium (Debian's, driven by playwright-core) opens that page, and the exit code comes back through
// window.codeAutomationExit. Everything runs in a temp dir with its own profile, extensions dir and
// config home, and every process started here is stopped before returning, also on failure.
//
// As a script: node scripts/e2e-code-server.mjs   (exit 0 when every test passed)
// As a module: runCodeServerSuite() → { exitCode, results, logFile }
import { spawn } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { fileURLToPath } from 'url';
import { format } from 'util';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CODE_SERVER = join(ROOT, '.tools', 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SETUP_HINT = 'run scripts/setup-code-server.sh (it installs code-server 4.100.3 into .tools/ and Debian\'s chromium)';

/** Settings for a quiet, offline workbench: no welcome page, trust prompt, update or gallery checks. */
export const QUIET_SETTINGS = {
	'workbench.startupEditor': 'none',
	'workbench.tips.enabled': false,
	'workbench.enableExperiments': false,
	'security.workspace.trust.enabled': false,
	'telemetry.telemetryLevel': 'off',
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	'update.mode': 'none',
	'chat.commandCenter.enabled': false,
	'git.openRepositoryInParentFolders': 'never',
};

/** Chromium flags for a headless run in a container as root. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Throws with what to install when code-server or chromium is missing. */
export function checkTools() {
	if (!existsSync(CODE_SERVER)) {
		throw new Error(`code-server is not installed at ${CODE_SERVER}: ${SETUP_HINT}.`);
	}
	if (!existsSync(CHROMIUM)) {
		throw new Error(`chromium is not installed at ${CHROMIUM}: ${SETUP_HINT}.`);
	}
}

export async function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * A profile in a fresh temp dir: user data with quiet settings, an empty extensions dir and a config
 * home, so that nothing is read from or written to the user's own code-server setup.
 */
export function makeProfile(prefix, settings = {}) {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	const profile = { dir, userData: join(dir, 'data'), extensions: join(dir, 'extensions'), config: join(dir, 'config') };
	mkdirSync(join(profile.userData, 'User'), { recursive: true });
	mkdirSync(profile.extensions, { recursive: true });
	mkdirSync(profile.config, { recursive: true });
	writeFileSync(join(profile.userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, '\t'));
	return profile;
}

function profileEnv(profile) {
	return { ...process.env, XDG_CONFIG_HOME: profile.config, XDG_DATA_HOME: join(profile.dir, 'share'), XDG_CACHE_HOME: join(profile.dir, 'cache') };
}

/** `code-server --install-extension` into the profile's extensions dir. */
export async function installExtension(profile, vsix) {
	const output = await new Promise((resolve, reject) => {
		const child = spawn(CODE_SERVER, ['--user-data-dir', profile.userData, '--extensions-dir', profile.extensions, '--install-extension', vsix], { env: profileEnv(profile) });
		let text = '';
		child.stdout.on('data', (chunk) => (text += chunk));
		child.stderr.on('data', (chunk) => (text += chunk));
		child.on('error', reject);
		child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`code-server --install-extension exited with ${code}:\n${text}`))));
	});
	return output.trim();
}

/**
 * Starts code-server on 127.0.0.1 in its own process group (so that stopping it also stops its
 * extension host and the language server) and waits for /healthz.
 */
export async function startCodeServer(profile, { port, workspace, logFile, auth = 'none', timeoutMs = 30000 }) {
	const log = [];
	const child = spawn(CODE_SERVER, ['--bind-addr', `127.0.0.1:${port}`, '--auth', auth, '--disable-telemetry', '--disable-update-check',
		'--disable-workspace-trust', '--user-data-dir', profile.userData, '--extensions-dir', profile.extensions, ...(workspace ? [workspace] : [])],
	{ env: profileEnv(profile), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	const record = (chunk) => {
		log.push(chunk.toString());
		if (logFile) {
			writeFileSync(logFile, log.join(''));
		}
	};
	child.stdout.on('data', record);
	child.stderr.on('data', record);
	let exited = null;
	child.on('exit', (code, signal) => (exited = signal ?? code));
	const server = {
		url: `http://127.0.0.1:${port}`,
		child,
		log: () => log.join(''),
		stop: () => stopGroup(child),
	};
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (exited !== null) {
			throw new Error(`code-server exited (${exited}) before it answered:\n${server.log()}`);
		}
		try {
			const response = await fetch(`${server.url}/healthz`);
			if (response.ok) {
				return server;
			}
		} catch {
			// Not listening yet.
		}
		if (Date.now() > deadline) {
			await server.stop();
			throw new Error(`code-server did not answer on ${server.url}/healthz within ${timeoutMs} ms:\n${server.log()}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** SIGTERM to the whole process group, SIGKILL after 3 s if anything is left. */
export async function stopGroup(child) {
	if (child.exitCode !== null || child.signalCode !== null) {
		killGroup(child.pid, 'SIGKILL');
		return;
	}
	const exited = new Promise((resolve) => child.once('exit', resolve));
	killGroup(child.pid, 'SIGTERM');
	const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3000);
	await exited;
	clearTimeout(timer);
	// Children that ignored SIGTERM (the extension host, the language server) go too.
	killGroup(child.pid, 'SIGKILL');
}

function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group is already gone.
	}
}

/** Headless Chromium whose config and cache homes are in the profile: it writes nothing under ~/.config. */
export async function launchChromium(profile) {
	const { chromium } = await import('playwright-core');
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, env: profileEnv(profile) });
}

/** The line the suite logs after it ran (test/e2e/suite/index.ts RESULTS_MARKER). */
const RESULTS_MARKER = 'LIBVIRT_SECLABEL_E2E_RESULTS ';

function resultsFromLog(lines) {
	const line = lines.find((candidate) => candidate.startsWith(RESULTS_MARKER));
	return line ? JSON.parse(line.slice(RESULTS_MARKER.length)) : null;
}

/** Log lines of the workbench that say nothing about the extension or the tests. */
const NOISE = /open-vsx|Creating a socket|Service Worker|connection token|builtin extensions cache|Ignoring the error while validating workspace folder/;

/**
 * Runs the suite in code-server's extension host. Resolves with the mocha exit code, the per-test
 * results written by the suite, and the log file; the temp dir is removed unless a test failed.
 */
export async function runCodeServerSuite({ timeoutMs = 150000, print = (line) => console.log(line) } = {}) {
	checkTools();
	const suite = join(ROOT, 'out', 'test', 'e2e', 'suite');
	for (const needed of [join(ROOT, 'dist', 'client.js'), join(ROOT, 'dist', 'server.js'), join(suite, 'index.js')]) {
		if (!existsSync(needed)) {
			throw new Error(`${needed} is missing: run npm run build first.`);
		}
	}
	const profile = makeProfile('libvirt-seclabel-e2e-');
	const workspace = join(profile.dir, 'workspace');
	cpSync(join(ROOT, 'test', 'e2e', 'fixtures'), workspace, { recursive: true });
	const logFile = join(profile.dir, 'code-server.log');
	const hostLog = [];
	let server;
	let browser;
	let exitCode = 'not run';
	const started = Date.now();
	try {
		server = await startCodeServer(profile, { port: await freePort(), logFile });
		browser = await launchChromium(profile);
		const page = await browser.newPage();
		let finish;
		const exited = new Promise((resolve) => (finish = resolve));
		await page.exposeFunction('codeAutomationLog', (type, args) => {
			const line = format(...(args || []));
			hostLog.push(line);
			if (!NOISE.test(line) && !line.startsWith(RESULTS_MARKER)) {
				print(`[exthost ${type}] ${line}`);
			}
		});
		await page.exposeFunction('codeAutomationExit', (code) => finish(code));
		const authority = new URL(server.url).host;
		const payload = JSON.stringify([
			['extensionDevelopmentPath', `vscode-remote://${authority}${ROOT.replace(/\/$/, '')}`],
			['extensionTestsPath', `vscode-remote://${authority}${suite}`],
		]);
		await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
		let timer;
		exitCode = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]);
		clearTimeout(timer);
		print(`code-server e2e: exit code ${exitCode} after ${Date.now() - started} ms`);
	} finally {
		await browser?.close().catch(() => {});
		await server?.stop();
	}
	// code-server's web workbench does not pass extensionEnvironment on to the extension host, so the
	// results come from the line the suite logs.
	const results = resultsFromLog(hostLog);
	if (exitCode === 0 && results) {
		rmSync(profile.dir, { recursive: true, force: true });
	} else {
		writeFileSync(join(profile.dir, 'exthost.log'), hostLog.join('\n'));
		print(`code-server e2e: logs kept in ${profile.dir}`);
	}
	return { exitCode, results, logFile, hostLog: hostLog.join('\n') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	try {
		const { exitCode, results } = await runCodeServerSuite();
		const tests = results?.tests ?? [];
		const failed = tests.filter((test) => test.state !== 'passed').length;
		console.log(`host: code-server (${results?.host ?? '?'}, VS Code ${results?.vscodeVersion ?? '?'}); ${tests.length - failed} passed, ${failed} failed`);
		process.exit(exitCode === 0 && results ? 0 : 1);
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		process.exit(2);
	}
}
