/**
 * A client that writes raw bytes to the server bin's stdin, for the tests that must send what a
 * well-behaved protocol library never would: params that are `null` or of the wrong type, requests
 * out of order, and damaged framing. It reads the server's answers with vscode-jsonrpc's reader.
 */
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import { StreamMessageReader, type Message } from 'vscode-languageserver-protocol/node';
import { SERVER, withTimeout } from './lspServer';

export interface RawResponse {
	readonly id: number | string | null;
	readonly result?: unknown;
	readonly error?: { code: number; message: string };
}

export interface RawServer {
	readonly child: cp.ChildProcess;
	/** Every notification and request the server sent, in order. */
	readonly received: { method: string; params?: unknown; id?: number | string }[];
	readonly stderr: () => string;
	/** Writes bytes as they are. */
	write(bytes: string | Buffer): void;
	/** Writes one framed message. */
	send(message: unknown): void;
	/** Sends a request and resolves with its response. */
	request(method: string, params?: unknown, timeoutMs?: number): Promise<RawResponse>;
	/** Sends a request with params exactly as given (even `undefined` leaves the key out). */
	notify(method: string, params?: unknown): void;
	/** Resolves with the next server-to-client message of this method that satisfies `accept`. */
	next(method: string, accept?: (params: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
	/** Resolves with the exit code. */
	exited(timeoutMs?: number): Promise<number | null>;
	kill(): void;
}

export function frame(message: unknown): Buffer {
	const body = Buffer.from(JSON.stringify(message), 'utf8');
	return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

let nextId = 1;

export interface RawOptions {
	preload?: string;
	env?: NodeJS.ProcessEnv;
	/** false: the server's requests are never answered. */
	answerRequests?: boolean;
	/** The response to a request from the server (default: null, or one null per configuration item). */
	answer?: (method: string, params: unknown) => { result: unknown } | { error: { code: number; message: string } };
}

export function spawnRaw(options: RawOptions = {}): RawServer {
	assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run 'npm run build' (npm test builds it first)`);
	const args = [...(options.preload ? ['--require', options.preload] : []), SERVER, '--stdio'];
	const child = cp.spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
	let stderr = '';
	child.stderr!.on('data', (chunk) => { stderr += String(chunk); });
	child.stdin!.on('error', () => undefined);
	const received: { method: string; params?: unknown; id?: number | string }[] = [];
	const pending = new Map<number | string, (response: RawResponse) => void>();
	const waiters: { method: string; accept: (params: unknown) => boolean; resolve: (params: unknown) => void }[] = [];
	const reader = new StreamMessageReader(child.stdout!);
	const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	const write = (bytes: string | Buffer) => {
		if (child.stdin!.writable) child.stdin!.write(bytes);
	};
	reader.listen((message: Message) => {
		const m = message as { id?: number | string; method?: string; params?: unknown; result?: unknown; error?: { code: number; message: string } };
		if (typeof m.method === 'string') {
			received.push({ method: m.method, params: m.params, ...(m.id !== undefined ? { id: m.id } : {}) });
			if (m.id !== undefined && options.answerRequests !== false) {
				// Requests from the server (configuration, registration, progress): answer them as a plain client would.
				const result = m.method === 'workspace/configuration' ? ((m.params as { items?: unknown[] })?.items ?? []).map(() => null) : null;
				write(frame({ jsonrpc: '2.0', id: m.id, ...(options.answer ? options.answer(m.method, m.params) : { result }) }));
			}
			for (const waiter of [...waiters]) {
				if (waiter.method === m.method && waiter.accept(m.params)) {
					waiters.splice(waiters.indexOf(waiter), 1);
					waiter.resolve(m.params);
				}
			}
			return;
		}
		if (m.id !== undefined && m.id !== null && pending.has(m.id)) {
			const resolve = pending.get(m.id)!;
			pending.delete(m.id);
			resolve({ id: m.id, result: m.result, error: m.error });
		}
	});
	return {
		child, received, stderr: () => stderr, write,
		send(message) {
			write(frame(message));
		},
		request(method, params, timeoutMs = 10_000) {
			const id = nextId++;
			const message: Record<string, unknown> = { jsonrpc: '2.0', id, method };
			if (arguments.length >= 2) message.params = params;
			const answered = new Promise<RawResponse>((resolve) => pending.set(id, resolve));
			write(frame(message));
			return withTimeout(answered, timeoutMs, `no answer to ${method} ${JSON.stringify(params)?.slice(0, 100)}; stderr:\n${stderr.slice(-2000)}`);
		},
		notify(method, params) {
			const message: Record<string, unknown> = { jsonrpc: '2.0', method };
			if (arguments.length >= 2) message.params = params;
			write(frame(message));
		},
		next(method, accept = () => true, timeoutMs = 10_000) {
			const already = received.find((message) => message.method === method && accept(message.params));
			if (already) return Promise.resolve(already.params);
			return withTimeout(new Promise((resolve) => waiters.push({ method, accept, resolve })), timeoutMs, `the server sent no matching ${method}`);
		},
		exited(timeoutMs = 10_000) {
			return withTimeout(exit, timeoutMs, `the server did not exit; stderr:\n${stderr.slice(-2000)}`);
		},
		kill() {
			reader.dispose();
			child.kill('SIGKILL');
		},
	};
}
