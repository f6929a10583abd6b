/**
 * Everything the server needs from the machine it runs on, behind one interface so that the
 * adapter stays testable: the libvirt version (`auto`), file reads for policy and extra directories.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';

export interface ServerRuntime {
	/** `virsh --version`, or undefined when virsh is missing or does not answer in time. */
	detectLibvirtVersion(): Promise<string | undefined>;
	/** A file: URI of the rules reference shipped with the server, for diagnostic links. */
	readonly rulesDocumentationUri?: string;
}

/** The only program the server ever runs: fixed arguments, no shell, a short timeout. */
export function detectLibvirtVersion(timeoutMs = 3000): Promise<string | undefined> {
	return new Promise((resolve) => {
		try {
			execFile('virsh', ['--version'], { timeout: timeoutMs, windowsHide: true, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout) => {
				const match = /^\s*(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(stdout ?? '');
				resolve(error || !match ? undefined : match[1]);
			});
		} catch {
			resolve(undefined);
		}
	});
}

/** Finds docs/rules.md next to the bundle (dist/) or the compiled sources (out/server/src/). */
export function findRulesDocumentation(fromDir: string): string | undefined {
	const fs = require('fs') as typeof import('fs');
	for (const candidate of [path.join(fromDir, '..', 'docs', 'rules.md'), path.join(fromDir, '..', '..', '..', 'docs', 'rules.md'), path.join(fromDir, '..', '..', 'docs', 'rules.md')]) {
		if (fs.existsSync(candidate)) {
			return pathToFileURL(candidate).href;
		}
	}
	return undefined;
}

export function nodeRuntime(): ServerRuntime {
	return {
		detectLibvirtVersion: () => detectLibvirtVersion(),
		rulesDocumentationUri: findRulesDocumentation(__dirname),
	};
}
