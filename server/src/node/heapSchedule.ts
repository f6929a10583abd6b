/**
 * Garbage collection the language server arranges for itself (issue #12: peak memory while a large
 * domain is edited). Nothing here is a setting or a node flag an editor would have to pass: the
 * server sets what it needs when it starts.
 *
 * Why: every edit of a 3.5 MB domain rebuilds its model, guest summary and findings, tens of MB
 * that live until the next edit and so are promoted out of V8's young generation. V8 lets the old
 * generation grow to 4 times what survived the last full collection before collecting again (its
 * factor for a heap that is collected fast compared to how fast it is filled). Measured with
 * --trace-gc-verbose on the bench's 3.5 MB domain: about 70 MB survive, so the next collection comes
 * at about 300 MB; and in some runs (of both builds, before and after the incremental parse) one
 * collection kept 290 MB and the limit became 1.18 GB: the 1185 MiB VmHWM of the bench. See
 * docs/benchmarks.md.
 *
 * So: (1) while the heap is large (past {@link LARGE_HEAP_BYTES} when diagnostics go out), the growth
 * factor is fixed at {@link HEAP_GROWING_PERCENT} (V8's own `--heap-growing-percent`, read at every
 * collection, so setting it at run time takes effect); a small heap keeps V8's own factor, since
 * more collections there cost time for no memory worth having (indexing 10,000 guests, measured:
 * 0.7–0.85 s with V8's factor, 1.0–1.7 s with 1.3, the same 120–130 MiB peak); and (2) when the
 * server has been idle for {@link IDLE_MS} after publishing diagnostics, with at least
 * {@link GARBAGE_BYTES} more heap in use than after the last full collection, it runs one: a forced
 * collection never sits between an edit and its diagnostics, since any message from the client
 * cancels the pending one and only a publish arms it again.
 */
import * as v8 from 'v8';
import * as vm from 'vm';
import type { DataCallback, Message, MessageReader, MessageWriter } from 'vscode-languageserver/node';

/**
 * The old generation may grow by this much (in percent) past what the last full collection kept.
 * Each full collection's marking runs alongside the edits, so a smaller number trades latency for
 * memory: at 3.5 MB (docs/benchmarks.md, alternating) 60 gave a peak of 314–323 MiB for an edit
 * median about 20% above V8's own factor, 30 gave 217–241 MiB for about 50% more.
 */
export const HEAP_GROWING_PERCENT = 60;

/** The heap in use (bytes) past which the growth factor is fixed; below half of it V8's own applies again. */
export const LARGE_HEAP_BYTES = 96 * 1024 * 1024;

/** Quiet time after diagnostics were published before an idle collection runs. */
export const IDLE_MS = 1000;

/** An idle collection runs only when this much more heap is in use than after the last one. */
export const GARBAGE_BYTES = 32 * 1024 * 1024;

/** Sets V8's growth factor: 0 is V8's own, dynamic one. */
export function setHeapGrowingPercent(percent: number): void {
	v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}

/** V8's full collection (`gc`), or undefined where it cannot be had. */
export function configureHeap(): (() => void) | undefined {
	try {
		v8.setFlagsFromString('--expose-gc');
		// A context made after the flag is set has the `gc` function.
		const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
		return typeof gc === 'function' ? (gc as () => void) : undefined;
	} catch {
		return undefined;
	}
}

export interface IdleCollectorOptions {
	readonly idleMs?: number;
	readonly garbageBytes?: number;
	/** Heap in use now, in bytes (tests pass their own). */
	readonly heapUsed?: () => number;
	readonly setTimer?: (run: () => void, ms: number) => unknown;
	readonly clearTimer?: (timer: unknown) => void;
	/** Sets the growth factor (tests pass their own). */
	readonly setGrowingPercent?: (percent: number) => void;
}

/**
 * At each publish, fixes the growth factor for a large heap (or gives V8's own back to a small one);
 * runs `collect` once the client has been quiet for a while after a publish, when it pays.
 */
export class IdleCollector {
	private timer: unknown;
	private keptAfterLast = 0;
	private readonly idleMs: number;
	private readonly garbageBytes: number;
	private readonly heapUsed: () => number;
	private readonly setTimer: (run: () => void, ms: number) => unknown;
	private readonly clearTimer: (timer: unknown) => void;
	private readonly setGrowingPercent: (percent: number) => void;
	/** How many idle collections ran (for tests and logs). */
	collections = 0;
	/** The growth factor in force, in percent; 0 is V8's own. */
	growingPercent = 0;

	constructor(private readonly collect: () => void, options: IdleCollectorOptions = {}) {
		this.idleMs = options.idleMs ?? IDLE_MS;
		this.garbageBytes = options.garbageBytes ?? GARBAGE_BYTES;
		this.heapUsed = options.heapUsed ?? (() => v8.getHeapStatistics().used_heap_size);
		this.setTimer = options.setTimer ?? ((run, ms) => {
			const timer = setTimeout(run, ms);
			// A pending idle collection must not keep the process alive.
			timer.unref?.();
			return timer;
		});
		this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
		this.setGrowingPercent = options.setGrowingPercent ?? setHeapGrowingPercent;
	}

	/** A message came from the client: work is coming, so no collection now. */
	activity(): void {
		if (this.timer !== undefined) {
			this.clearTimer(this.timer);
			this.timer = undefined;
		}
	}

	/** Diagnostics went out: collect after a quiet {@link IDLE_MS} if enough garbage is there. */
	published(): void {
		this.activity();
		const used = this.heapUsed();
		const percent = used >= LARGE_HEAP_BYTES ? HEAP_GROWING_PERCENT : used < LARGE_HEAP_BYTES / 2 ? 0 : this.growingPercent;
		if (percent !== this.growingPercent) {
			this.growingPercent = percent;
			this.setGrowingPercent(percent);
		}
		this.timer = this.setTimer(() => {
			this.timer = undefined;
			if (this.heapUsed() - this.keptAfterLast < this.garbageBytes) {
				return;
			}
			this.collect();
			this.collections++;
			this.keptAfterLast = this.heapUsed();
		}, this.idleMs);
	}
}

/** The client's messages, each one telling the collector that work is coming. */
export function watchIncoming(inner: MessageReader, collector: IdleCollector | undefined): MessageReader {
	if (!collector) {
		return inner;
	}
	return {
		onError: inner.onError,
		onClose: inner.onClose,
		onPartialMessage: inner.onPartialMessage,
		listen: (callback: DataCallback) => inner.listen((message) => {
			collector.activity();
			callback(message);
		}),
		dispose: () => inner.dispose(),
	};
}

/** The server's messages: a publish of diagnostics arms the idle collection. */
export function watchOutgoing(inner: MessageWriter, collector: IdleCollector | undefined): MessageWriter {
	if (!collector) {
		return inner;
	}
	return {
		onError: inner.onError,
		onClose: inner.onClose,
		write(message: Message): Promise<void> {
			const written = inner.write(message);
			if ((message as { method?: unknown }).method === 'textDocument/publishDiagnostics') {
				collector.published();
			}
			return written;
		},
		end: () => inner.end(),
		dispose: () => inner.dispose(),
	};
}
