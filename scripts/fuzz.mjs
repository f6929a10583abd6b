#!/usr/bin/env node
// `npm run fuzz -- --seconds 600 --seed N`: the long-run fuzzer. It runs the same harness as the
// bounded test in `npm test` (test/fuzz/harness.ts, compiled to out/) for as long as asked: mutated
// libvirt test domains, random bytes, the hand-made worst cases scaled up, and the shapes of issue #13
// (shared images, relabel='no' fixes, workspaces over few images, parse limits, fragments, DTDs,
// namespaces, encodings) at random sizes, with one growth check at n and 4n per round. Every failure is
// printed with the seed and the input's number, and the input is saved so it can be replayed.
//
//   --seconds S   how long to run (default 60)
//   --seed N      the first seed (default: the time); each round uses seed, seed+1, …
//   --scale K     how much to scale the worst cases (default 4)
//   --out DIR     where failing inputs are written (default: a new temporary directory)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { spawnSync } from 'child_process';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const option = (name, fallback) => {
	const at = args.indexOf(name);
	return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const seconds = Number(option('--seconds', '60'));
const firstSeed = Number(option('--seed', String(Date.now() % 1_000_000_000)));
const scale = Number(option('--scale', '4'));
if (![seconds, firstSeed, scale].every(Number.isFinite)) {
	console.error('Usage: npm run fuzz -- [--seconds S] [--seed N] [--scale K] [--out DIR]');
	process.exit(2);
}

const harnessPath = path.join(root, 'out', 'test', 'fuzz', 'harness.js');
if (!fs.existsSync(harnessPath)) {
	const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
	if (build.status !== 0 || !fs.existsSync(harnessPath)) {
		console.error(`fuzz: ${harnessPath} is missing and the build failed; run 'npm run build'.`);
		process.exit(2);
	}
}
const { checkGrowth, checkInput, checkShape, loadSeeds, mutate, randomBytesInput, seededRandom, SHAPES, SPECIAL_INPUTS } = require(harnessPath);
const outDir = option('--out', undefined) ?? fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-fuzz-'));
fs.mkdirSync(outDir, { recursive: true });

let failed = 0;
let inputs = 0;
let characters = 0;
let slowest = { ratio: 0, name: '' };
function record(name, text, result, seed, index, others = []) {
	inputs++;
	characters += text.length;
	const ratio = result.elapsedMs / result.boundMs;
	if (ratio > slowest.ratio) slowest = { ratio, name: `${name} (${text.length} characters, ${result.elapsedMs.toFixed(0)} ms)` };
	if (result.failures.length === 0) return;
	failed++;
	const file = path.join(outDir, `failure-${seed}-${index}.xml`);
	fs.writeFileSync(file, text);
	// A workspace case: the other guests beside it, numbered.
	others.forEach((other, i) => fs.writeFileSync(path.join(outDir, `failure-${seed}-${index}-other-${i}.xml`), other));
	console.log(`FAIL seed ${seed} input #${index}: ${name}\n  saved as ${file}${others.length ? ` (+ ${others.length} other guests beside it)` : ''}`);
	for (const failure of result.failures.slice(0, 5)) console.log(`  ${failure.split('\n')[0]}`);
}

/** A growth check in a fresh process, for telling load noise from a real super-linear cost. */
function growthAlone(shapeIndex, shapeSeed, n, seed) {
	const script = `const h = require(${JSON.stringify(harnessPath)}); const shape = h.SHAPES[${shapeIndex}];
		const g = h.checkGrowth(shape.name, (size) => shape.build(size, h.seededRandom(${shapeSeed})), ${n}, ${seed});
		process.stdout.write(JSON.stringify(g));`;
	const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 600_000 });
	try {
		return JSON.parse(run.stdout);
	} catch {
		return { ratio: NaN, failures: [`the growth check alone did not finish: ${run.status} ${run.signal ?? ''} ${run.stderr.split('\n')[0]}`] };
	}
}
const noise = [];

const seeds = loadSeeds();
const deadline = Date.now() + seconds * 1000;
console.log(`fuzz: ${seeds.length} seed files, ${seconds} s from seed ${firstSeed}, worst cases × ${scale}; failures go to ${outDir}`);

// The worst cases first, scaled: they are the likeliest to show a cost that is not linear.
for (const [index, special] of SPECIAL_INPUTS.entries()) {
	const text = special.build(scale);
	record(`worst case: ${special.name} × ${scale}`, text, checkInput(text, seededRandom(firstSeed), special.entryPoints), firstSeed, `special-${index}`);
}
// The issue's shapes at their default parse limits: a million flat elements, nesting a thousand times too deep.
for (const [index, shape] of SHAPES.entries()) {
	if (!/past max(Elements|Depth)/.test(shape.name)) continue;
	const shapeCase = shape.build(shape.name.includes('Elements') ? 1_000_001 : 1_000_000, seededRandom(firstSeed));
	const limited = { ...shapeCase, options: {} };
	record(`shape at the default limits: ${shapeCase.name.replace(/ over max.*/, '')}`, limited.text, checkShape(limited, seededRandom(firstSeed)), firstSeed, `limits-${index}`);
}
let growths = 0;
for (let seed = firstSeed; Date.now() < deadline; seed++) {
	const random = seededRandom(seed);
	for (let index = 0; index < 200 && Date.now() < deadline; index++) {
		if (index % 10 === 4) {
			// One of the issue's shapes at a random size up to scale times the bounded test's.
			const shape = SHAPES[Math.floor(random() * SHAPES.length)];
			const shapeCase = shape.build(1 + Math.floor(random() * shape.n * scale), random);
			record(`shape: ${shapeCase.name}`, shapeCase.text, checkShape(shapeCase, random), seed, index, shapeCase.others);
		} else if (index === 100) {
			// Once a round, a shape at n and 4n: the ratio shows a cost that grows faster than the input.
			const shape = SHAPES[(seed - firstSeed) % SHAPES.length];
			const shapeSeed = Math.floor(random() * 2 ** 32);
			const n = Math.max(1, Math.floor(shape.n * scale / 4));
			let growth = checkGrowth(shape.name, (size) => shape.build(size, seededRandom(shapeSeed)), n, seed);
			growths++;
			if (growth.failures.length > 0 && growth.failures.every((failure) => failure.includes('which is not linear'))) {
				// Rerun alone, in a fresh process: the load of this long run (its heap, other processes)
				// can stretch the larger size; a cost that really grows faster than the input fails there too.
				const alone = growthAlone(SHAPES.indexOf(shape), shapeSeed, n, seed);
				if (alone.failures.length === 0) {
					noise.push(`growth: ${shape.name} at ${n} (ratio ${growth.ratio.toFixed(1)} here, ${alone.ratio.toFixed(1)} alone)`);
					growth = alone;
				}
			}
			const text = shape.build(4 * n, seededRandom(shapeSeed)).text;
			record(`growth: ${shape.name} at ${n} and ${4 * n} (ratio ${growth.ratio.toFixed(1)})`, text, { elapsedMs: 0, boundMs: 1, failures: growth.failures }, seed, index);
		} else {
			const input = index % 20 === 19 ? randomBytesInput(random, 1 + Math.floor(random() * 100_000)) : mutate(random, seeds);
			record(input.name, input.text, checkInput(input.text, random), seed, index);
		}
	}
}
for (const line of noise) console.log(`load noise (failed in this run, passed alone in a fresh process): ${line}`);
console.log(`fuzz: ${inputs} inputs (${growths} of them growth checks at n and 4n), ${(characters / 1e6).toFixed(1)} M characters, ${failed} failing; closest to its time bound: ${(slowest.ratio * 100).toFixed(0)}% for ${slowest.name}`);
process.exitCode = failed > 0 ? 1 : 0;
