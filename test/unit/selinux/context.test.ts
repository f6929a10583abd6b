/**
 * The level grammar against the table of shared/reference/selinux-semantics.md §1.2, whose rows were
 * checked against libsepol 3.4: every valid row must parse clean and print the canonical form the
 * kernel prints, every invalid one must be refused with the problem that explains it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ContextProblemCode, canonicalContext, canonicalLevel, canonicalRange, dominates, formatCategories, parseContext, parseLevelRange } from '../../../server/src/service/selinux/context';

const VALID: [string, string][] = [
	['s0:c1,c2', 's0:c1,c2'],
	['s0:c5,c3', 's0:c3,c5'],
	['s0:c3,c3', 's0:c3'],
	['s0:c3.c4', 's0:c3,c4'],
	['s0:c3.c5', 's0:c3.c5'],
	['s0:c0,c1,c2,c3,c4,c5,c6,c7,c8,c9', 's0:c0.c9'],
	['s0:c1,c0.c3,c7', 's0:c0.c3,c7'],
	['s0:c2,c4,c5,c6,c8', 's0:c2,c4.c6,c8'],
	['s0-s0:c0.c9', 's0-s0:c0.c9'],
	['s0-s0', 's0'],
	['s0:c1-s0:c1', 's0:c1'],
	['s0:c1-s0:c1,c2', 's0:c1-s0:c1,c2'],
	['s0:c0.c1023', 's0:c0.c1023'],
	['s0-s0:c0.c1023', 's0-s0:c0.c1023'],
	['s0', 's0'],
	['s2:c0-s15:c0.c1023', 's2:c0-s15:c0.c1023'],
];

const INVALID: [string, ContextProblemCode][] = [
	['s0:c3.c3', 'category-range-order'],
	['s0:c5.c3', 'category-range-order'],
	['s0:c0.c9-s0', 'range-not-dominating'],
	['s0:c1-s0:c2', 'range-not-dominating'],
	['s1-s0', 'range-not-dominating'],
	['s0 - s0:c0.c9', 'whitespace'],
	['s0:', 'empty-part'],
	['s0:c1,', 'empty-part'],
	['s0:c1.c3.c5', 'category-range-chained'],
	['s0-s0-s0', 'extra-dash'],
	['s0:c01', 'invalid-category'],
	['s0:C1', 'invalid-category'],
	['S0', 'invalid-sensitivity'],
	['s0:c1024', 'unknown-category'],
	['s16', 'unknown-sensitivity'],
	['s0:c1,,c2', 'empty-part'],
	['-s0', 'empty-part'],
];

for (const [input, canonical] of VALID) {
	test(`level ${input} is valid and prints as ${canonical}`, () => {
		const parsed = parseLevelRange(input);
		assert.deepEqual(parsed.problems, []);
		assert.ok(parsed.low && parsed.high);
		assert.equal(canonicalRange(parsed.low, parsed.high), canonical);
	});
}

for (const [input, code] of INVALID) {
	test(`level ${input} is refused (${code})`, () => {
		const codes = parseLevelRange(input).problems.map((problem) => problem.code);
		assert.ok(codes.includes(code), `expected ${code}, got ${JSON.stringify(codes)}`);
	});
}

test('problem offsets point at the offending part', () => {
	const text = 'system_u:object_r:svirt_image_t:s0:c5.c3,c7';
	const parsed = parseContext(text);
	assert.equal(parsed.problems.length, 1);
	const [problem] = parsed.problems;
	assert.equal(text.slice(problem.start, problem.end), 'c5.c3');
	assert.equal(problem.code, 'category-range-order');
});

test('a context splits at the first three colons and keeps the range whole', () => {
	const text = 'system_u:system_r:svirt_t:s0-s0:c0.c1023';
	const parsed = parseContext(text);
	assert.deepEqual(parsed.problems, []);
	assert.deepEqual([parsed.user?.text, parsed.role?.text, parsed.type?.text, parsed.range?.text], ['system_u', 'system_r', 'svirt_t', 's0-s0:c0.c1023']);
	assert.equal(text.slice(parsed.range?.start, parsed.range?.end), 's0-s0:c0.c1023');
	assert.equal(parsed.low?.sensitivity.text, 's0');
	assert.deepEqual(parsed.low?.categories, []);
	assert.equal(parsed.high?.categories.length, 1024);
	assert.equal(text.slice(parsed.high?.text.start, parsed.high?.text.end), 's0:c0.c1023');
});

test('a context without a level parses without problems and without a range', () => {
	const parsed = parseContext('system_u:system_r:svirt_t');
	assert.deepEqual(parsed.problems, []);
	assert.equal(parsed.range, undefined);
	assert.equal(parsed.type?.text, 'svirt_t');
});

test('malformed contexts, empty parts, whitespace', () => {
	assert.deepEqual(parseContext('svirt_t').problems.map((p) => p.code), ['malformed']);
	assert.deepEqual(parseContext('system_u::svirt_t:s0').problems.map((p) => p.code), ['empty-part']);
	assert.deepEqual(parseContext('system_u:system_r:svirt_t:').problems.map((p) => p.code), ['empty-part']);
	const spaced = ' system_u:system_r:svirt_t:s0:c1,c2\n';
	const problems = parseContext(spaced).problems;
	assert.deepEqual(problems.map((p) => p.code), ['whitespace', 'whitespace']);
	assert.deepEqual(problems.map((p) => spaced.slice(p.start, p.end)), [' ', '\n']);
	assert.deepEqual(parseContext('system_u:system_r:9virt_t:s0').problems.map((p) => p.code), ['invalid-name']);
});

test('canonical forms of whole contexts', () => {
	assert.equal(canonicalContext('system_u:system_r:svirt_t:s0:c5,c3'), 'system_u:system_r:svirt_t:s0:c3,c5');
	assert.equal(canonicalContext('system_u:object_r:svirt_image_t:s0-s0'), 'system_u:object_r:svirt_image_t:s0');
	assert.equal(canonicalContext('system_u:object_r:svirt_image_t:s0:c3.c3'), undefined);
});

test('formatCategories writes runs of three or more as ranges and pairs as lists', () => {
	assert.equal(formatCategories([5, 3]), 'c3,c5');
	assert.equal(formatCategories([3, 4]), 'c3,c4');
	assert.equal(formatCategories([2, 3, 4]), 'c2.c4');
	assert.equal(formatCategories([1, 1, 2, 3, 9, 10]), 'c1.c3,c9,c10');
	assert.equal(formatCategories([]), '');
	assert.equal(canonicalLevel({ sensitivity: 's0', categories: [1023, 1022] }), 's0:c1022,c1023');
});

test('dominance needs a sensitivity at least as high and a superset of categories', () => {
	const level = (text: string) => {
		const parsed = parseLevelRange(text);
		assert.ok(parsed.low);
		return parsed.low;
	};
	assert.equal(dominates(level('s0:c1,c2'), level('s0:c1')), true);
	assert.equal(dominates(level('s0:c1'), level('s0:c1,c2')), false);
	assert.equal(dominates(level('s0:c1,c2'), level('s0:c1,c3')), false);
	assert.equal(dominates(level('s1'), level('s0')), true);
	assert.equal(dominates(level('s0:c0.c1023'), level('s0:c41,c264')), true);
	assert.equal(dominates({ sensitivity: 's0', categories: [] }, { sensitivity: 's1', categories: [] }), false);
});

// Its cost at n and 4n ranges is a growth row of `npm run bench` (scripts/bench-growth.mjs).
test('a long list of wide ranges gives each category once and keeps every item', () => {
	const text = `s0:${'c0.c1023,'.repeat(100_000)}c1`;
	const parsed = parseLevelRange(text);
	assert.deepEqual(parsed.problems, []);
	assert.equal(parsed.low?.categories.length, 1024);
	assert.equal(parsed.low?.items.length, 100_001);
});

test('dominance accepts categories in any order', () => {
	assert.equal(dominates({ sensitivity: 's0', categories: [5, 3, 3] }, { sensitivity: 's0', categories: [3] }), true);
	assert.equal(dominates({ sensitivity: 's0', categories: [5, 3] }, { sensitivity: 's0', categories: [4, 3] }), false);
});
