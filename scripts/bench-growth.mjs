#!/usr/bin/env node
// Growth: each input shape that once made the checks quadratic (issue #13, item 2), for
// `npm run bench` (which imports this) or alone:
//
//   node scripts/bench-growth.mjs
//
// Each shape is checked at n and 4n in this one process, as the CLI does it (index every file,
// then check each against the others, fixes included), and the time ratio 4n / n is the figure:
// linear work gives about 4, quadratic about 16; the budget is 8. The reference, from the same
// run on the same texts, is the ratio of the parse alone, which is linear by construction: a
// loaded machine moves both. Each size is the best of three runs after a warm-up. The shapes'
// findings are asserted in test/workspace/shapes.test.ts; their cost is measured only here, never
// in a timed unit test.
import * as path from 'path';
import { createRequire } from 'module';
import { fileURLToPath } from 'url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const MAX_RATIO = 8;

function load() {
	const out = path.join(root, 'out', 'server', 'src', 'service');
	try {
		return {
			parseSeclabelText: require(path.join(out, 'seclabelLanguageService.js')).parseSeclabelText,
			computeFindings: require(path.join(out, 'features', 'findings.js')).computeFindings,
			WorkspaceIndex: require(path.join(out, 'workspace', 'workspaceIndex.js')).WorkspaceIndex,
			parseLevelRange: require(path.join(out, 'selinux', 'context.js')).parseLevelRange,
		};
	} catch (error) {
		throw new Error(`the compiled service is missing (${error.message.split('\n')[0]}): run \`npm run build\` first`);
	}
}

// The workspace tests' fixtures (test/workspace/guests.ts, compiled to out/), so the bench's shapes
// are the documents test/workspace/shapes.test.ts checks for their findings.
function fixtures() {
	try {
		return require(path.join(root, 'out', 'test', 'workspace', 'guests.js'));
	} catch (error) {
		throw new Error(`the compiled test fixtures are missing (${error.message.split('\n')[0]}): run \`npm run build\` first`);
	}
}
const fileDisk = (file, options) => fixtures().fileDisk(file, options);
const staticLabel = (level) => fixtures().staticLabel(level);
const guestXml = (name, disks = [], seclabel = '') => fixtures().guestXml(name, { disks, seclabel });

function disksOnOneImage(n, separator) {
	const disks = [];
	for (let i = 0; i < n; i++) disks.push(fileDisk('/images/shared.img', { target: `vd${i}` }));
	return guestXml('many', disks).replace(/\n/g, separator);
}

/** The shapes, each with its n: a list of file texts for a size. */
export const SHAPES = [
	{ name: 'disks sharing one image in one document', n: 2500, make: (n) => [disksOnOneImage(n, '\n')] },
	{ name: 'the same with a second guest writing the image (a finding and a fix per disk)', n: 1000, make: (n) => [disksOnOneImage(n, '\n'), guestXml('other', [fileDisk('/images/shared.img')])] },
	{ name: 'the same on one line (indentation must not scan back to the start)', n: 1000, make: (n) => [disksOnOneImage(n, ' '), guestXml('other', [fileDisk('/images/shared.img')])] },
	{
		name: "dynamic seclabels with relabel='no', each with fixes", n: 2500, make: (n) => {
			const labels = [];
			for (let i = 0; i < n; i++) {
				labels.push("  <seclabel type='dynamic' model='selinux' relabel='no'/>");
				labels.push("  <seclabel type='dynamic' model='dac' relabel='no'/>");
			}
			return [guestXml('labels', [], labels.join('\n'))];
		},
	},
	{
		name: 'guests sharing one writable image across files', n: 500, make: (n) => Array.from({ length: n },
			(_, i) => guestXml(`g${i}`, [fileDisk('/images/shared.img')], staticLabel(`s0:c${i % 1000},c${1000 + (i % 23)}`))),
	},
	{ name: 'guests sharing only a read-only ISO', n: 1000, make: (n) => Array.from({ length: n }, (_, i) => guestXml(`g${i}`, [fileDisk('/images/install.iso', { device: 'cdrom', readonly: true })])) },
	{ name: 'guests at one level', n: 500, make: (n) => Array.from({ length: n }, (_, i) => guestXml(`g${i}`, [fileDisk(`/images/g${i}.img`)], staticLabel('s0:c1,c2'))) },
];

function bestOf3(run) {
	let best = Infinity;
	for (let i = 0; i < 3; i++) {
		const start = performance.now();
		run();
		best = Math.min(best, performance.now() - start);
	}
	return best;
}

/**
 * The fuzz harness's scaled worst cases (test/fuzz/harness.ts: deep nesting, 25,000 attributes,
 * 200,000 ampersands, 5,000 seclabels), each checked whole through every entry point (parser,
 * rules, diagnostics, code actions, hover, completion, the CLI's lintText) at a quarter and at full
 * size; the reference is the harness's own: a bare parse of the same text plus one pass over it.
 */
function fuzzWorstCases() {
	let harness;
	try {
		harness = require(path.join(root, 'out', 'test', 'fuzz', 'harness.js'));
	} catch (error) {
		throw new Error(`the compiled fuzz harness is missing (${error.message.split('\n')[0]}): run \`npm run build\` first`);
	}
	harness.judgeTime(false);
	const results = [];
	for (const special of harness.SPECIAL_INPUTS.filter((candidate) => candidate.name.includes('× scale'))) {
		const build = (n) => ({ name: special.name, text: special.build(n / 4) });
		const growth = harness.checkGrowth(special.name, build, 1, 20261122, 2);
		if (growth.failures.length > 0) {
			throw new Error(`${special.name}: ${growth.failures.slice(0, 3).join('; ')}`);
		}
		const reference = harness.referenceMs(special.build(1)) / Math.max(harness.referenceMs(special.build(0.25)), 0.001);
		results.push({ name: special.name.replace(' (× scale)', ''), ratio: growth.ratio, reference });
	}
	return results;
}

/** Rows for the bench table: [measure, ours, reference, budget, pass]. */
export function benchGrowth() {
	const { parseSeclabelText, computeFindings, WorkspaceIndex, parseLevelRange } = load();
	const check = (files) => {
		const index = new WorkspaceIndex();
		const docs = files.map((text, i) => {
			const doc = parseSeclabelText(text);
			index.update(`file:///g/${i}.xml`, doc, '', { affected: false });
			return doc;
		});
		let count = 0;
		docs.forEach((doc, i) => {
			for (const finding of computeFindings(doc, { workspace: index, documentUri: `file:///g/${i}.xml` })) {
				count++;
				void finding.fixes?.length;
			}
		});
		return count;
	};
	const parseOnly = (files) => {
		for (const text of files) parseSeclabelText(text);
	};
	const rows = [];
	const ratios = [];
	for (const shape of SHAPES) {
		const small = shape.make(shape.n);
		const large = shape.make(4 * shape.n);
		check(shape.make(Math.max(1, shape.n >> 2)));
		const t1 = bestOf3(() => check(small));
		const t4 = bestOf3(() => check(large));
		const p1 = bestOf3(() => parseOnly(small));
		const p4 = bestOf3(() => parseOnly(large));
		ratios.push({ shape, ratio: t4 / t1, parse: p4 / p1, t1, t4 });
	}
	// A level of many wide category ranges (`c0.c1023,` repeated): one pass over the category space
	// per level, not per range. parseLevelRange memoises by text, so each run gets a text of its own
	// (the last category differs), built before the clock starts. The reference is a scan of the
	// same text's characters.
	{
		const n = 25_000;
		let variant = 0;
		const make = (count) => `s0:${'c0.c1023,'.repeat(count)}c${variant++ % 1024}`;
		const timeParse = (count) => {
			let best = Infinity;
			for (let i = 0; i < 3; i++) {
				const text = make(count);
				const start = performance.now();
				parseLevelRange(text);
				best = Math.min(best, performance.now() - start);
			}
			return best;
		};
		const scan = (text) => {
			let commas = 0;
			for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 44) commas++;
			return commas;
		};
		timeParse(n >> 2);
		const t1 = timeParse(n);
		const t4 = timeParse(4 * n);
		const small = make(n);
		const large = make(4 * n);
		const p1 = bestOf3(() => scan(small));
		const p4 = bestOf3(() => scan(large));
		ratios.push({ shape: { name: 'a level of n wide category ranges (parseLevelRange; reference: a scan of its characters)' }, ratio: t4 / t1, parse: p4 / p1, t1, t4 });
	}
	const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
	rows.push([
		`growth: ${ratios.length} once-quadratic shapes at n and 4n (index + every file's findings and fixes; the last a level's category ranges), time ratio 4n / n, worst shape`,
		`${worst.ratio.toFixed(1)} (${worst.shape.name}: ${worst.t1.toFixed(0)} → ${worst.t4.toFixed(0)} ms); all: ${ratios.map((r) => r.ratio.toFixed(1)).join(', ')}`,
		`the parse alone of the same texts (the last: a character scan): ${ratios.map((r) => r.parse.toFixed(1)).join(', ')}`,
		`< ${MAX_RATIO} (linear ≈ 4, quadratic ≈ 16)`,
		worst.ratio < MAX_RATIO,
	]);
	const fuzz = fuzzWorstCases();
	const worstFuzz = fuzz.reduce((a, b) => (b.ratio > a.ratio ? b : a));
	rows.push([
		`growth: the fuzz harness's ${fuzz.length} scaled worst cases, every entry point, time ratio full / ¼ size, worst`,
		`${worstFuzz.ratio.toFixed(1)} (${worstFuzz.name}); all: ${fuzz.map((r) => r.ratio.toFixed(1)).join(', ')}`,
		`a bare parse plus a scan of the same texts: ${fuzz.map((r) => r.reference.toFixed(1)).join(', ')}`,
		`< ${MAX_RATIO} (linear ≈ 4, quadratic ≈ 16)`,
		worstFuzz.ratio < MAX_RATIO,
	]);
	return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
	for (const [measure, ours, reference, budget, pass] of benchGrowth()) {
		console.log(`${measure}: ${ours} (reference ${reference}; budget ${budget}) ${pass ? 'PASS' : 'MISS'}`);
	}
}
