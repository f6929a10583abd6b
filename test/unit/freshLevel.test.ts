import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { freshCategoryPair } from '../../server/src/service/features/freshLevel';

/** A random source that returns the given numbers in turn, as Math.random would. */
function sequence(...values: number[]): () => number {
	let index = 0;
	return () => {
		if (index >= values.length) throw new Error('the draw asked for more random numbers than the test gave');
		return values[index++];
	};
}

/** Math.random's value that makes libvirt's virRandomInt(size) return n. */
function draw(n: number, size = 1024): number {
	return (n + 0.5) / size;
}

test('two draws become an ascending pair in the window', () => {
	assert.equal(freshCategoryPair(new Set(), sequence(draw(900), draw(17))), 's0:c17,c900');
	assert.equal(freshCategoryPair(new Set(), sequence(draw(3), draw(5))), 's0:c3,c5');
});

test('equal draws are discarded, as since libvirt 7.5.0 (CVE-2021-3631)', () => {
	assert.equal(freshCategoryPair(new Set(), sequence(draw(8), draw(8), draw(8), draw(9))), 's0:c8,c9');
});

test('a pair already used is drawn again, whether used as a level or as an end of a range', () => {
	const used = new Set(['s0:c1,c2', 's0:c3,c4-s0:c0.c1023']);
	assert.equal(freshCategoryPair(used, sequence(draw(2), draw(1), draw(4), draw(3), draw(5), draw(6))), 's0:c5,c6');
});

test('the window shifts the categories and names the sensitivity', () => {
	const window = { sensitivity: 's2', min: 100, max: 109 };
	assert.equal(freshCategoryPair(new Set(), sequence(draw(9, 10), draw(0, 10)), window), 's2:c100,c109');
});

test('the same random source gives the same pair', () => {
	const seeded = () => {
		let state = 42;
		return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
	};
	assert.equal(freshCategoryPair(new Set(), seeded()), freshCategoryPair(new Set(), seeded()));
});

test('when random draws keep hitting used pairs, the free one left is still found', () => {
	const window = { sensitivity: 's0', min: 0, max: 2 };
	const used = new Set(['s0:c0,c1', 's0:c0,c2']);
	assert.equal(freshCategoryPair(used, () => 0.1, window), 's0:c1,c2');
	assert.throws(() => freshCategoryPair(new Set([...used, 's0:c1,c2']), () => 0.1, window), /Every category pair in s0:c0.c2 is in use/);
	assert.throws(() => freshCategoryPair(new Set(), Math.random, { sensitivity: 's0', min: 5, max: 5 }), /too small/);
});

test('with Math.random every pair is ascending, distinct and inside c0..c1023', () => {
	for (let i = 0; i < 500; i++) {
		const match = /^s0:c(\d+),c(\d+)$/.exec(freshCategoryPair(new Set(), Math.random));
		assert.ok(match);
		const [a, b] = [Number(match[1]), Number(match[2])];
		assert.ok(a < b && a >= 0 && b <= 1023, `${a},${b}`);
	}
});
