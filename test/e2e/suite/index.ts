/**
 * The extension-host test entry point, in the shape @vscode/test-electron expects: `run()` runs the
 * mocha suites and settles when they are done. The same module runs in code-server's extension host
 * (scripts/e2e-code-server.mjs). Every test's result is written as JSON to the file named by
 * LIBVIRT_SECLABEL_E2E_RESULTS, when set, and always logged after RESULTS_MARKER, so that the
 * node:test wrapper can report each mocha test on its own.
 */
import * as path from 'path';
import { writeFileSync } from 'fs';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** One mocha test's outcome, as the runners read it from the results file. */
export interface E2eTestResult {
	readonly title: string;
	readonly state: 'passed' | 'failed';
	readonly durationMs: number;
	readonly error?: string;
}

export interface E2eResults {
	readonly host: string;
	readonly vscodeVersion: string;
	readonly tests: E2eTestResult[];
}

/** Prefix of the log line that carries the results as JSON. */
export const RESULTS_MARKER = 'LIBVIRT_SECLABEL_E2E_RESULTS ';

export function run(): Promise<void> {
	const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30000, reporter: 'spec' });
	for (const file of ['extension.test.js', 'diagnostics.test.js', 'features.test.js', 'client.test.js', 'hotplug.test.js', 'restart.test.js']) {
		mocha.addFile(path.join(__dirname, file));
	}
	const resultsFile = process.env.LIBVIRT_SECLABEL_E2E_RESULTS;
	const results: E2eResults = { host: vscode.env.appHost, vscodeVersion: vscode.version, tests: [] };
	return new Promise((resolve, reject) => {
		const runner = mocha.run((failures) => {
			if (resultsFile) {
				writeFileSync(resultsFile, JSON.stringify(results, null, '\t'));
			}
			// Hosts that cannot pass environment variables to the extension host read this line from its log.
			console.log(`${RESULTS_MARKER}${JSON.stringify(results)}`);
			if (failures > 0) {
				reject(new Error(`${failures} of ${results.tests.length} end-to-end tests failed.`));
			} else {
				resolve();
			}
		});
		runner.on('pass', (test) => {
			results.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
		});
		runner.on('fail', (test, error: Error) => {
			results.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: error.stack ?? String(error) });
		});
	});
}
