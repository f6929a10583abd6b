/**
 * The extension-host suite (test/e2e/suite) run in code-server by scripts/e2e-code-server.mjs, with
 * each mocha test reported as its own node:test subtest so that CI's summary counts them. Fails with
 * what to install when code-server or chromium is missing.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'path';
import { pathToFileURL } from 'url';

const ROOT = join(__dirname, '..', '..', '..');

interface SuiteOutcome {
	exitCode: number | string;
	results: { host: string; vscodeVersion: string; tests: { title: string; state: string; durationMs: number; error?: string }[] } | null;
	logFile: string;
	hostLog: string;
}

interface CodeServerRunner {
	runCodeServerSuite(options: { timeoutMs?: number; print?: (line: string) => void }): Promise<SuiteOutcome>;
}

test('extension-host suite in code-server (VS Code 1.100)', { timeout: 240000 }, async (t) => {
	const runner = await import(pathToFileURL(join(ROOT, 'scripts', 'e2e-code-server.mjs')).href) as CodeServerRunner;
	const lines: string[] = [];
	const outcome = await runner.runCodeServerSuite({ timeoutMs: 150000, print: (line) => lines.push(line) });
	const results = outcome.results;
	assert.ok(results, `the suite reported no results (exit code ${outcome.exitCode}); its log:\n${lines.join('\n')}`);
	t.diagnostic(`host: code-server, ${results.host}, VS Code ${results.vscodeVersion}`);
	assert.ok(results.tests.length >= 10, `only ${results.tests.length} tests ran`);
	for (const result of results.tests) {
		await t.test(result.title, () => {
			if (result.state !== 'passed') {
				assert.fail(result.error ?? 'failed');
			}
		});
	}
	assert.equal(outcome.exitCode, 0, `mocha exit code; log:\n${lines.filter((line) => !line.startsWith('[exthost info] [')).join('\n')}`);
});
