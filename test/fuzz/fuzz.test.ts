/**
 * Bounded, seeded fuzzing inside `npm test` (a few seconds), plus the hand-made worst cases the
 * issue names. Every input must come back without a throw, with every range inside the document.
 * Time is no verdict here (judgeTime(false)): `npm run bench` measures the scaled worst cases at a
 * quarter and at full size (scripts/bench-growth.mjs), and `npm run fuzz -- --seconds 600 --seed N`
 * runs the same harness, with its time bounds, for as long as you like.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkInput, checkShape, judgeTime, loadSeeds, mutate, randomBytesInput, seededRandom, SHAPES, SPECIAL_INPUTS } from './harness';
import { decodeBytes } from '../../server/src/node/readDocument';
import { lintText } from '../../server/src/cli/lint';
import { getSeclabelLanguageService, parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { coded, domain } from '../support/fixture';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
/** Change it to explore; a failure message names the seed and the input so it can be replayed. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const MUTATED_INPUTS = 300;
const RANDOM_INPUTS = 40;

judgeTime(false);

const BAD = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);

test(`${MUTATED_INPUTS} mutated libvirt test domains and ${RANDOM_INPUTS} random byte strings (seed ${SEED})`, () => {
	const seeds = loadSeeds();
	assert.ok(seeds.length >= 100, `expected libvirt's test domains, found ${seeds.length} files`);
	const random = seededRandom(SEED);
	// The first calls compile the service's code; the time bound is about sizes, not start-up.
	for (const seed of seeds.slice(0, 30)) {
		checkInput(seed.bytes.toString('utf8'));
	}
	const failures: string[] = [];
	let characters = 0;
	for (let i = 0; i < MUTATED_INPUTS + RANDOM_INPUTS; i++) {
		const input = i < MUTATED_INPUTS ? mutate(random, seeds) : randomBytesInput(random, 1 + Math.floor(random() * 20_000));
		characters += input.text.length;
		const result = checkInput(input.text, random);
		for (const failure of result.failures) {
			failures.push(`input #${i} (seed ${SEED}) ${input.name}: ${failure}`);
		}
	}
	assert.deepEqual(failures.slice(0, 20), [], `${failures.length} failures`);
	assert.ok(characters > 500_000, `the inputs should add up to a fair amount of text, got ${characters} characters`);
});

for (const special of SPECIAL_INPUTS) {
	test(`worst case: ${special.name}`, () => {
		const text = special.build();
		const result = checkInput(text, seededRandom(SEED), special.entryPoints);
		assert.deepEqual(result.failures, [], `${special.name} (${text.length} characters, ${result.elapsedMs.toFixed(0)} ms, reference ${result.referenceMs.toFixed(1)} ms)`);
	});
}

for (const shape of SHAPES) {
	test(`shape: ${shape.name} (seeded, 4 sizes up to ${shape.n})`, () => {
		const random = seededRandom(SEED);
		for (const n of [1, Math.max(1, shape.n >> 4), Math.max(1, shape.n >> 2), shape.n]) {
			const shapeCase = shape.build(n, random);
			const result = checkShape(shapeCase, random);
			assert.deepEqual(result.failures, [], `${shapeCase.name} (seed ${SEED}, ${shapeCase.text.length} characters, ${result.elapsedMs.toFixed(0)} ms)`);
		}
	});
}

test('an entity bomb is reported, never expanded', () => {
	const bomb = SPECIAL_INPUTS.find((s) => s.name === 'billion laughs')!.build();
	const doc = parseSeclabelText(bomb);
	// virsh define: "Detected an entity reference loop".
	assert.ok(doc.xml.problems.some((p) => /Entity declarations are not expanded/.test(p.message)), JSON.stringify(doc.xml.problems));
	assert.ok(doc.xml.problems.some((p) => /Detected an entity reference loop/.test(p.message)), JSON.stringify(doc.xml.problems));
	const label = doc.seclabels[0]?.element.children.find((c) => c.name === 'label');
	assert.ok(label, 'the seclabel and its label are still read');
	assert.ok(bomb.slice(label.start, label.end).length < 100, 'the label is what was written, not an expansion');
});

test('UTF-16 (both byte orders) and Latin-1 bytes decode to the same text as UTF-8', () => {
	const text = `<?xml version='1.0'?>\n<domain type='kvm'><name>gäst</name><seclabel type='dynamic' model='selinux' relabel='no'/></domain>\n`;
	const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
	const be = Buffer.from(le);
	be.swap16();
	be[0] = 0xfe;
	be[1] = 0xff;
	assert.equal(decodeBytes(le).text, text);
	assert.equal(decodeBytes(be).text, text);
	// libvirt reads the file as a C string, which a UTF-16 file's first NUL byte ends: it is refused.
	assert.equal(decodeBytes(le).encodingProblem?.libxml2?.message, "Start tag expected, '<' not found\n");
	const latinText = text.replace("version='1.0'", "version='1.0' encoding='ISO-8859-1'");
	const latin = decodeBytes(Buffer.from(latinText, 'latin1'));
	assert.equal(latin.text, latinText);
	// libxml2 2.9 reads libvirt's in-memory string as UTF-8 whatever the declaration says (virsh define refuses it).
	assert.match(latin.encodingProblem?.libxml2?.message ?? '', /^Input is not proper UTF-8, indicate encoding !\nBytes: 0xE4 0x73 0x74 0x3C\n$/);
	assert.equal(latin.text[latin.encodingProblem!.offset], '\u00e4');
	assert.deepEqual(coded(latin.text).map((c) => c.text), ["relabel='no'"]);
	// The same Latin-1 bytes without the declaration are not UTF-8: reported at the bad byte, in range.
	const undeclared = decodeBytes(Buffer.from(text, 'latin1'));
	assert.ok(undeclared.encodingProblem, 'invalid UTF-8 must be reported');
	assert.equal(undeclared.text[undeclared.encodingProblem.offset], '\uFFFD');
	const linted = lintText(undeclared.text, 'guest.xml', {}, true, undeclared.encodingProblem);
	assert.equal(linted.diagnostics[0].code, 'xml-not-well-formed');
	assert.deepEqual(linted.diagnostics[0].range.start, { line: 1, character: text.split('\n')[1].indexOf('ä') });
	assert.deepEqual(checkInput(undeclared.text).failures, []);
});

test('CRLF line ends and a byte order mark keep ranges on the right text', () => {
	const crlf = BAD.replace(/\n/g, '\r\n');
	const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf)]);
	const decoded = decodeBytes(bytes);
	assert.equal(decoded.text, crlf, 'a UTF-8 byte order mark is not part of the text');
	// An editor may hand the server text that still starts with U+FEFF: ranges must still be right.
	for (const text of [decoded.text, `\uFEFF${crlf}`]) {
		assert.deepEqual(coded(text), [{ code: 'dynamic-relabel-no', text: "relabel='no'" }]);
		const document = TextDocument.create('file:///crlf.xml', 'xml', 1, text);
		const service = getSeclabelLanguageService();
		const [diagnostic] = service.doValidation(document, service.parseDocument(document));
		assert.equal(document.getText(diagnostic.range), "relabel='no'");
		const linted = lintText(text, 'crlf.xml', {}, true);
		assert.equal(document.getText(linted.diagnostics[0].range), "relabel='no'");
		assert.deepEqual(checkInput(text).failures, []);
	}
});

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
	assert.ok(fs.existsSync(CLI), `${CLI} is missing: run 'npm run build' (npm test builds it first)`);
	const run = cp.spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
	return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('the CLI on binary garbage: one clear error, exit 1, no crash', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-fuzz-'));
	try {
		const random = seededRandom(SEED);
		const garbage = path.join(dir, 'garbage.xml');
		fs.writeFileSync(garbage, Buffer.from(Array.from({ length: 65_536 }, () => Math.floor(random() * 256))));
		const run = runCli(['--format', 'json', garbage]);
		assert.equal(run.status, 1, run.stderr);
		assert.equal(run.stderr, '');
		const report = JSON.parse(run.stdout) as { files: { path: string; diagnostics: { code: string; severity: string; message: string }[] }[] };
		assert.equal(report.files.length, 1);
		const [first] = report.files[0].diagnostics;
		assert.ok(first && ['xml-not-well-formed', 'not-a-domain'].includes(first.code) && first.severity === 'error', JSON.stringify(report.files[0].diagnostics.slice(0, 3)));
		assert.ok(report.files[0].diagnostics.length <= 110, `garbage should not produce a flood of diagnostics: ${report.files[0].diagnostics.length}`);
		const text = runCli([garbage]);
		assert.equal(text.status, 1);
		assert.match(text.stdout, /garbage\.xml:\d+:\d+: error: .*\[(xml-not-well-formed|not-a-domain)\]/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the CLI reports unreadable paths on stderr, exits 2, and still checks the other files', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-unreadable-'));
	try {
		const good = path.join(dir, 'guest.xml');
		fs.writeFileSync(good, BAD);
		const dangling = path.join(dir, 'dangling.xml');
		fs.symlinkSync(path.join(dir, 'no-such-target.xml'), dangling);
		const fifo = path.join(dir, 'fifo.xml');
		const mkfifo = cp.spawnSync('mkfifo', [fifo]);
		assert.equal(mkfifo.status, 0, `mkfifo failed (install coreutils): ${String(mkfifo.stderr)}`);
		const underFile = path.join(good, 'child.xml');
		const loop = path.join(dir, 'loop');
		fs.symlinkSync(loop, loop);
		const missing = path.join(dir, 'missing.xml');
		// Root reads through chmod 000, so the unreadable cases are ones permissions do not decide.
		const run = runCli(['--format', 'json', dangling, fifo, underFile, loop, missing, good]);
		assert.equal(run.status, 2, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
		for (const unreadable of [dangling, fifo, underFile, loop, missing]) {
			assert.ok(run.stderr.includes(`cannot read ${unreadable}`), `stderr should name ${unreadable}:\n${run.stderr}`);
		}
		const report = JSON.parse(run.stdout) as { files: { path: string; diagnostics: { code: string }[] }[] };
		assert.deepEqual(report.files.map((f) => [f.path, f.diagnostics.map((d) => d.code)]), [[good, ['dynamic-relabel-no']]]);
		// A directory holding the same broken entries: the good file is found and checked, the rest reported.
		const walk = runCli(['--format', 'json', dir]);
		assert.deepEqual((JSON.parse(walk.stdout) as typeof report).files.map((f) => f.path), [good]);
		assert.ok(walk.status === 1 || walk.status === 2, walk.stderr);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
