/**
 * commonPrefix / commonSuffix (util/commonText.ts): where an edit lies, found a chunk at a time.
 * Checked against the character-by-character definition on edits at every kind of place: the
 * ends, chunk boundaries of every size, inside long equal runs, and with a limit.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { commonPrefix, commonSuffix } from '../../../server/src/service/util/commonText';

function naivePrefix(a: string, b: string, limit: number): number {
	let at = 0;
	while (at < limit && a.charCodeAt(at) === b.charCodeAt(at)) at++;
	return at;
}

function naiveSuffix(a: string, b: string, limit: number): number {
	let at = 0;
	while (at < limit && a.charCodeAt(a.length - 1 - at) === b.charCodeAt(b.length - 1 - at)) at++;
	return at;
}

test('the common prefix and suffix are those of the definition, wherever the edit is', () => {
	let seed = 7;
	const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
	const base = Array.from({ length: 3_000_000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join('');
	const places = [0, 1, 63, 64, 65, 4095, 4096, 4097, 8191, 1 << 20, (1 << 20) + 4096, base.length - 4097, base.length - 1];
	for (let k = 0; k < 40; k++) places.push(Math.floor(random() * base.length));
	for (const at of places) {
		for (const [removed, inserted] of [[1, 'Z'], [0, 'XY'], [3, ''], [5000, 'q']] as const) {
			const edited = base.slice(0, at) + inserted + base.slice(Math.min(base.length, at + removed));
			const shorter = Math.min(base.length, edited.length);
			const prefix = commonPrefix(base, edited, shorter);
			assert.equal(prefix, naivePrefix(base, edited, shorter), `prefix, edit at ${at}`);
			assert.equal(commonSuffix(base, edited, shorter - prefix), naiveSuffix(base, edited, shorter - prefix), `suffix, edit at ${at}`);
		}
	}
	// Equal texts, a limit inside them, and empty ones.
	assert.equal(commonPrefix(base, base, base.length), base.length);
	assert.equal(commonSuffix(base, base, 12345), 12345);
	assert.equal(commonPrefix(base, base, 100_001), 100_001);
	assert.equal(commonPrefix('', '', 0), 0);
	assert.equal(commonSuffix('abc', 'xbc', 3), 2);
});
