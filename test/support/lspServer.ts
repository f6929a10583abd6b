/**
 * The bundled language server over stdio, for protocol-level tests: spawning it, waiting for the
 * diagnostics it publishes, and shutting it down, in one place for every suite in test/server.
 */
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
	createProtocolConnection, ExitNotification, PublishDiagnosticsNotification, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
	type ProtocolConnection, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([promise, new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); })]).finally(() => clearTimeout(timer));
}

export interface ServerProcess {
	readonly child: cp.ChildProcess;
	readonly connection: ProtocolConnection;
	/** Every diagnostics notification, in arrival order. */
	readonly published: PublishDiagnosticsParams[];
	/** What the server wrote to stderr so far (empty when it inherits the test's stderr). */
	readonly stderr: () => string;
	/** The next diagnostics published for `uri` that satisfy `accept` (published from now on). */
	nextDiagnostics(uri: string, accept?: (params: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
	/** The diagnostics of one version of a document, already published or still to come. */
	diagnosticsOfVersion(uri: string, version: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
	/** shutdown, exit, and the process's exit code. */
	stop(): Promise<number | null>;
}

/** Starts `dist/server.js --stdio` (optionally with `--require PRELOAD`) and starts listening. */
export function spawnServer(options: { preload?: string; inheritStderr?: boolean } = {}): ServerProcess {
	assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run 'npm run build' (npm test builds it first)`);
	const args = [...(options.preload ? ['--require', options.preload] : []), SERVER, '--stdio'];
	const child = cp.spawn(process.execPath, args, { stdio: ['pipe', 'pipe', options.inheritStderr ? 'inherit' : 'pipe'] });
	let stderr = '';
	child.stderr?.on('data', (chunk) => { stderr += String(chunk); });
	const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
	const published: PublishDiagnosticsParams[] = [];
	const waiters: { uri: string; accept: (params: PublishDiagnosticsParams) => boolean; resolve: (params: PublishDiagnosticsParams) => void }[] = [];
	connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
		published.push(params);
		for (const waiter of [...waiters]) {
			if (waiter.uri === params.uri && waiter.accept(params)) {
				waiters.splice(waiters.indexOf(waiter), 1);
				waiter.resolve(params);
			}
		}
	});
	connection.listen();
	const next = (uri: string, accept: (params: PublishDiagnosticsParams) => boolean, timeoutMs: number, what: string) =>
		withTimeout(new Promise<PublishDiagnosticsParams>((resolve) => waiters.push({ uri, accept, resolve })), timeoutMs, what);
	return {
		child,
		connection,
		published,
		stderr: () => stderr,
		nextDiagnostics(uri, accept = () => true, timeoutMs = 10_000) {
			return next(uri, accept, timeoutMs, `no matching diagnostics published for ${uri}`);
		},
		diagnosticsOfVersion(uri, version, timeoutMs = 20_000) {
			const already = published.find((params) => params.uri === uri && params.version === version);
			return already ? Promise.resolve(already) : next(uri, (params) => params.version === version, timeoutMs, `no diagnostics for ${uri} version ${version}`);
		},
		async stop() {
			const exited = child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
			try {
				await withTimeout(connection.sendRequest(ShutdownRequest.type), 5000, 'the server did not answer shutdown');
				await connection.sendNotification(ExitNotification.type);
				return await withTimeout(exited, 5000, 'the server did not exit after shutdown/exit');
			} finally {
				connection.dispose();
				child.kill();
			}
		},
	};
}
