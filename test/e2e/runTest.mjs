#!/usr/bin/env node
// `npm run test:e2e`: runs the extension-host suite (test/e2e/suite) in whichever VS Code works here,
// and says which.
//  - @vscode/test-electron (VS Code desktop) when VSCODE_EXECUTABLE names a VS Code binary, or when
//    VS Code can be downloaded (into .vscode-test/);
//  - otherwise code-server from the npm registry (scripts/e2e-code-server.mjs), the host CI uses.
// E2E_HOST=electron or E2E_HOST=code-server forces one. Exit 0 when every test passed.
import { spawnSync } from 'child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { fileURLToPath } from 'url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SUITE = join(ROOT, 'out', 'test', 'e2e', 'suite', 'index.js');
const forced = process.env.E2E_HOST;

function summary(host, results) {
	const tests = results?.tests ?? [];
	const failed = tests.filter((test) => test.state !== 'passed');
	for (const test of failed) {
		console.log(`FAILED ${test.title}\n${test.error ?? ''}`);
	}
	console.log(`e2e host: ${host}${results ? ` (VS Code ${results.vscodeVersion})` : ''}; ${tests.length - failed.length} passed, ${failed.length} failed`);
	return results && tests.length > 0 && failed.length === 0 ? 0 : 1;
}

/** The VS Code desktop binary to use: VSCODE_EXECUTABLE, or a download; undefined when neither works. */
async function electronExecutable(testElectron) {
	if (process.env.VSCODE_EXECUTABLE) {
		return process.env.VSCODE_EXECUTABLE;
	}
	try {
		return await testElectron.downloadAndUnzipVSCode({ version: '1.100.3', timeout: 15000 });
	} catch (error) {
		console.log(`e2e: VS Code desktop cannot be downloaded here (${error instanceof Error ? error.message : error}); using code-server.`);
		return undefined;
	}
}

async function runInElectron(testElectron, executable) {
	const work = mkdtempSync(join(tmpdir(), 'libvirt-seclabel-electron-'));
	const workspace = join(work, 'workspace');
	const resultsFile = join(work, 'results.json');
	cpSync(join(ROOT, 'test', 'e2e', 'fixtures'), workspace, { recursive: true });
	try {
		console.log(`e2e host: VS Code desktop through @vscode/test-electron (${executable})`);
		await testElectron.runTests({
			vscodeExecutablePath: executable,
			extensionDevelopmentPath: ROOT,
			extensionTestsPath: SUITE,
			extensionTestsEnv: { LIBVIRT_SECLABEL_E2E_RESULTS: resultsFile },
			launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(work, 'data')],
		}).catch((error) => console.error(error instanceof Error ? error.message : error));
		const results = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : null;
		return summary('VS Code desktop (@vscode/test-electron)', results);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

async function runInCodeServer() {
	const { runCodeServerSuite } = await import('../../scripts/e2e-code-server.mjs');
	console.log('e2e host: code-server (scripts/e2e-code-server.mjs)');
	const { results } = await runCodeServerSuite();
	return summary('code-server', results);
}

const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) {
	console.error('test:e2e: the build failed.');
	process.exit(1);
}
try {
	let code;
	if (forced === 'code-server') {
		code = await runInCodeServer();
	} else {
		const testElectron = await import('@vscode/test-electron');
		const executable = await electronExecutable(testElectron);
		if (executable) {
			code = await runInElectron(testElectron, executable);
		} else if (forced === 'electron') {
			console.error('test:e2e: E2E_HOST=electron, but no VS Code: set VSCODE_EXECUTABLE or allow the download.');
			code = 1;
		} else {
			code = await runInCodeServer();
		}
	}
	process.exit(code);
} catch (error) {
	console.error(error instanceof Error ? error.message : error);
	process.exit(2);
}
