/**
 * The server's own garbage collection schedule (server/src/node/heapSchedule.ts): an idle
 * collection runs only after a publish followed by quiet, never after a message from the client,
 * and only when enough garbage is there.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as v8 from 'v8';
import type { Message, MessageReader, MessageWriter } from 'vscode-languageserver/node';
import { configureHeap, GARBAGE_BYTES, HEAP_GROWING_PERCENT, IdleCollector, LARGE_HEAP_BYTES, watchIncoming, watchOutgoing } from '../../server/src/node/heapSchedule';

/** A collector on a hand-driven clock and heap. */
function harness(heap: { used: number }) {
	const timers: { run: () => void; ms: number; cleared: boolean }[] = [];
	let collected = 0;
	const growth: number[] = [];
	const collector = new IdleCollector(() => { collected++; heap.used = 10; }, {
		heapUsed: () => heap.used,
		setGrowingPercent: (percent) => growth.push(percent),
		setTimer: (run, ms) => { const timer = { run, ms, cleared: false }; timers.push(timer); return timer; },
		clearTimer: (timer) => { (timer as { cleared: boolean }).cleared = true; },
	});
	const fire = () => timers.filter((timer) => !timer.cleared).splice(0).forEach((timer) => { timer.cleared = true; timer.run(); });
	return { collector, timers, fire, collected: () => collected, growth };
}

test('a publish followed by quiet collects once, when the garbage is worth it', () => {
	const heap = { used: GARBAGE_BYTES + 100 };
	const { collector, timers, fire, collected } = harness(heap);
	collector.published();
	assert.equal(timers.length, 1);
	assert.equal(timers[0].ms, 1000);
	fire();
	assert.equal(collected(), 1);
	// Right after it, little garbage: the next quiet time collects nothing.
	heap.used += 1024;
	collector.published();
	fire();
	assert.equal(collected(), 1);
	heap.used += GARBAGE_BYTES;
	collector.published();
	fire();
	assert.equal(collected(), 2);
});

test('any message from the client cancels a pending collection', () => {
	const heap = { used: 4 * GARBAGE_BYTES };
	const { collector, fire, collected } = harness(heap);
	collector.published();
	collector.activity();
	fire();
	assert.equal(collected(), 0);
	// A second publish re-arms (one pending timer, not two).
	collector.published();
	collector.published();
	fire();
	assert.equal(collected(), 1);
});

test('the reader and writer wrappers drive the collector: incoming messages are activity, a publish arms it', async () => {
	const heap = { used: 4 * GARBAGE_BYTES };
	const { collector, timers, fire, collected } = harness(heap);
	const noEvent = (() => ({ dispose() {} })) as never;
	let deliver: ((message: Message) => void) | undefined;
	const reader = { onError: noEvent, onClose: noEvent, onPartialMessage: noEvent, listen: (callback: (message: Message) => void) => { deliver = callback; return { dispose() {} }; }, dispose() {} } as unknown as MessageReader;
	const written: Message[] = [];
	const writer = { onError: noEvent, onClose: noEvent, write: async (message: Message) => { written.push(message); }, end() {}, dispose() {} } as unknown as MessageWriter;
	const received: Message[] = [];
	watchIncoming(reader, collector).listen((message) => received.push(message));
	const out = watchOutgoing(writer, collector);
	await out.write({ jsonrpc: '2.0', method: 'window/logMessage', params: {} } as Message);
	assert.equal(timers.length, 0, 'only a publish arms the collection');
	await out.write({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a.xml', diagnostics: [] } } as Message);
	assert.equal(written.length, 2);
	deliver!({ jsonrpc: '2.0', method: 'textDocument/didChange', params: {} } as Message);
	assert.equal(received.length, 1, 'messages pass through');
	fire();
	assert.equal(collected(), 0, 'the didChange after the publish cancelled the collection');
	await out.write({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a.xml', diagnostics: [] } } as Message);
	fire();
	assert.equal(collected(), 1);
});

test('a large heap at a publish fixes the growth factor; a small one gives V8 its own back', () => {
	const heap = { used: 10 * 1024 * 1024 };
	const { collector, growth } = harness(heap);
	collector.published();
	assert.deepEqual(growth, [], 'a small heap keeps V8\'s factor');
	heap.used = LARGE_HEAP_BYTES;
	collector.published();
	assert.deepEqual(growth, [HEAP_GROWING_PERCENT]);
	assert.equal(collector.growingPercent, HEAP_GROWING_PERCENT);
	// Between half the threshold and the threshold nothing changes (no flapping).
	heap.used = LARGE_HEAP_BYTES * 0.6;
	collector.published();
	assert.deepEqual(growth, [HEAP_GROWING_PERCENT]);
	heap.used = LARGE_HEAP_BYTES * 0.4;
	collector.published();
	assert.deepEqual(growth, [HEAP_GROWING_PERCENT, 0]);
	assert.equal(collector.growingPercent, 0);
});

test('configureHeap gives a working full collection', () => {
	const collect = configureHeap();
	assert.equal(typeof collect, 'function');
	let garbage: unknown[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i }));
	const before = v8.getHeapStatistics().used_heap_size;
	garbage = undefined;
	collect!();
	assert.equal(garbage, undefined);
	assert.ok(v8.getHeapStatistics().used_heap_size < before, 'the collection freed the garbage');
});
