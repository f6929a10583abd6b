/**
 * The fuzzing harness shared by the bounded fuzz test (test/fuzz/fuzz.test.ts) and the long-run
 * script (scripts/fuzz.mjs): a seeded generator of hostile inputs built from libvirt's own test
 * domains, and one check that runs every entry point of the service on an input and lists what
 * went wrong (a throw, a range outside the document, a time past the size-proportional bound).
 */
import { mulberry32, type Random } from '../../server/src/service/util/random';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from 'vscode-languageserver-types';
import { parseSeclabelText, getSeclabelLanguageService } from '../../server/src/service/seclabelLanguageService';
import { computeFindings } from '../../server/src/service/features/findings';
import { decodeBytes } from '../../server/src/node/readDocument';
import { lintText } from '../../server/src/cli/lint';
import type { LanguageSettings } from '../../server/src/service/types';
import { CORPUS_DIR } from '../support/corpus';

export const CONFORMANCE_DIR = CORPUS_DIR;

/** The project's seeded PRNG (mulberry32): the same seed gives the same inputs on every machine. */
export type { Random };
export const seededRandom = mulberry32;

function below(random: Random, n: number): number {
	return Math.floor(random() * n);
}

export interface Seed { readonly name: string; readonly bytes: Buffer }

/** libvirt's test domains, the material every mutation starts from. */
export function loadSeeds(dir = CONFORMANCE_DIR): Seed[] {
	if (!fs.existsSync(dir)) {
		throw new Error(`The fuzz seeds are missing: ${dir} should hold libvirt's test domains (test/data/libvirt in the repository).`);
	}
	const seeds: Seed[] = [];
	const stack = [dir];
	while (stack.length > 0) {
		const current = stack.pop()!;
		for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
			const full = path.join(current, entry.name);
			if (entry.isDirectory()) {
				stack.push(full);
			} else if (entry.isFile() && entry.name.endsWith('.xml')) {
				seeds.push({ name: path.relative(dir, full), bytes: fs.readFileSync(full) });
			}
		}
	}
	if (seeds.length === 0) {
		throw new Error(`No *.xml seeds under ${dir}.`);
	}
	return seeds;
}

/** Markup fragments that steer byte-level mutations towards the parser's and the rules' edge cases. */
const FRAGMENTS = [
	'<', '>', '/>', '</', '"', "'", '&', '&amp;', '&#0;', '&#x110000;', '&lt', '<!--', '-->', '<![CDATA[', ']]>', '<?xml', '?>',
	'<!DOCTYPE domain [<!ENTITY a "aaaa">]>', '<seclabel', '</seclabel>', "<seclabel type='dynamic' model='selinux' relabel='no'/>",
	"<seclabel model='dac' relabel='yes'><label>+0:+0</label></seclabel>", '<label>', '</label>', '<imagelabel>', '<baselabel>',
	'<shareable/>', '<readonly/>', "relabel='", "model='", "type='static'", "labelskip='yes'", 's0:c1,c2', 'system_u:system_r:svirt_t:s0',
	'<disk', '</disk>', '<source', '<backingStore', '<devices>', '</domain>', '<domain>', '\r\n', '\r', '\uFEFF', '\u0000', '\uD800', '\uFFFF', '\t',
];

export interface FuzzInput { readonly name: string; readonly text: string }

/** One mutated input: a seed with a random mix of byte and markup damage, decoded like the CLI does. */
export function mutate(random: Random, seeds: readonly Seed[]): FuzzInput {
	const seed = seeds[below(random, seeds.length)];
	let bytes = Buffer.from(seed.bytes);
	const steps: string[] = [];
	const rounds = 1 + below(random, 4);
	for (let round = 0; round < rounds; round++) {
		const at = below(random, bytes.length + 1);
		switch (below(random, 9)) {
			case 0:
				steps.push(`truncate@${at}`);
				bytes = bytes.subarray(0, at);
				break;
			case 1: {
				const flips = 1 + below(random, 8);
				steps.push(`flip×${flips}`);
				for (let k = 0; k < flips && bytes.length > 0; k++) {
					bytes[below(random, bytes.length)] ^= 1 << below(random, 8);
				}
				break;
			}
			case 2: {
				const noise = Buffer.from(Array.from({ length: 1 + below(random, 64) }, () => below(random, 256)));
				steps.push(`noise@${at}`);
				bytes = Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)]);
				break;
			}
			case 3: {
				const length = below(random, Math.max(1, bytes.length - at));
				steps.push(`delete@${at}+${length}`);
				bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + length)]);
				break;
			}
			case 4: case 5: {
				const fragment = FRAGMENTS[below(random, FRAGMENTS.length)];
				steps.push(`insert@${at}:${JSON.stringify(fragment)}`);
				bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(fragment), bytes.subarray(at)]);
				break;
			}
			case 6: {
				// A region of another seed spliced in: plausible markup in implausible places.
				const other = seeds[below(random, seeds.length)].bytes;
				const from = below(random, other.length);
				const piece = other.subarray(from, from + below(random, 400));
				steps.push(`splice@${at}`);
				bytes = Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
				break;
			}
			case 7: {
				// A region repeated: many disks, many seclabels, long runs of the same tag.
				const length = below(random, 300);
				const times = 1 + below(random, 20);
				steps.push(`repeat@${at}+${length}×${times}`);
				const region = bytes.subarray(at, at + length);
				bytes = Buffer.concat([bytes.subarray(0, at + length), ...Array.from({ length: times }, () => region), bytes.subarray(at + length)]);
				break;
			}
			default: {
				// Encoding damage: a UTF-16 byte order mark, a stray Latin-1 byte or an encoding declaration.
				const choice = below(random, 3);
				steps.push(`encoding:${choice}`);
				if (choice === 0) bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), bytes]);
				else if (choice === 1) bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe9]), bytes.subarray(at)]);
				else bytes = Buffer.concat([Buffer.from("<?xml version='1.0' encoding='ISO-8859-1'?>\n"), bytes]);
			}
		}
	}
	return { name: `${seed.name} [${steps.join(', ')}]`, text: decodeBytes(bytes).text };
}

/** Purely random bytes, decoded: what `cat /bin/ls > guest.xml` produces. */
export function randomBytesInput(random: Random, length: number): FuzzInput {
	const bytes = Buffer.from(Array.from({ length }, () => below(random, 256)));
	return { name: `random bytes ×${length}`, text: decodeBytes(bytes).text };
}

/**
 * The time one input may take through every entry point: a fixed allowance for small inputs plus a
 * linear cost per character. Measured throughput is about 20-60 ns per character for a whole
 * check on this machine; 1.5 µs leaves a wide margin for slow CI runners, while a quadratic blow-up
 * (100,000-deep nesting, 10 MB lines) overshoots it by orders of magnitude.
 */
export function timeBoundMs(length: number): number {
	return 250 + length * 0.0015;
}

const SETTINGS_VARIANTS: LanguageSettings[] = [
	{},
	{ driver: 'test', libvirtVersion: '9.0.0' },
	{ hostSecurityModel: 'apparmor', libvirtVersion: '10.7.0', rules: { 'model-missing': 'off' } },
	{ hostSecurityModel: 'none', reportNonDomain: true },
];

export interface CheckResult {
	readonly elapsedMs: number;
	readonly boundMs: number;
	/** Everything that went wrong; empty when the input was handled correctly. */
	readonly failures: string[];
}

function positionInside(document: TextDocument, position: Position): boolean {
	if (!(position.line >= 0 && position.character >= 0 && position.line < document.lineCount)) {
		return false;
	}
	const lineStart = document.offsetAt({ line: position.line, character: 0 });
	const nextLineStart = position.line + 1 < document.lineCount ? document.offsetAt({ line: position.line + 1, character: 0 }) : document.getText().length;
	return position.character <= nextLineStart - lineStart;
}

function rangeInside(document: TextDocument, range: Range): boolean {
	return positionInside(document, range.start) && positionInside(document, range.end) && document.offsetAt(range.start) <= document.offsetAt(range.end);
}

/**
 * Runs one input through the parser, the rules (with several settings), diagnostics, code actions,
 * hover and completion at a few offsets, and the CLI's lintText, and checks the answers' ranges.
 */
export function checkInput(text: string, random: Random = seededRandom(text.length), entryPoints: 'all' | 'cli' = 'all'): CheckResult {
	const failures: string[] = [];
	const length = text.length;
	const spanInside = (what: string, span: { start: number; end: number }) => {
		if (!(Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= length)) {
			failures.push(`${what} span [${span.start}, ${span.end}) is not inside [0, ${length}]`);
		}
	};
	const service = getSeclabelLanguageService();
	const started = performance.now();
	try {
		const document = TextDocument.create('file:///fuzz/input.xml', 'xml', 1, text);
		if (entryPoints === 'cli') {
			// The CLI's path alone (one parse, the rules, positions): for inputs too big to run every entry point on in a unit test.
			checkLinted(document, lintText(text, '/fuzz/input.xml', {}, true), failures);
			return finish(performance.now() - started, length, failures);
		}
		const doc = parseSeclabelText(text);
		for (const problem of doc.xml.problems) {
			spanInside('XML problem', problem);
		}
		const settings = SETTINGS_VARIANTS[Math.floor(random() * SETTINGS_VARIANTS.length)];
		for (const finding of computeFindings(doc, settings)) {
			spanInside(`finding ${finding.rule.id}`, finding.span);
			for (const related of finding.related ?? []) {
				if (!related.uri || related.uri === document.uri) {
					spanInside(`related location of ${finding.rule.id}`, related.span);
				}
			}
			for (const fix of finding.fixes ?? []) {
				for (const edit of fix.edits) {
					spanInside(`fix '${fix.title}' of ${finding.rule.id}`, edit.span);
				}
			}
		}
		const diagnostics = service.doValidation(document, doc, settings);
		for (const diagnostic of diagnostics) {
			if (!rangeInside(document, diagnostic.range)) {
				failures.push(`diagnostic ${String(diagnostic.code)} range ${JSON.stringify(diagnostic.range)} is outside the document`);
			}
		}
		const whole = { start: document.positionAt(0), end: document.positionAt(length) };
		for (const action of service.doCodeActions(document, whole, { diagnostics, only: undefined }, doc, settings)) {
			for (const edits of Object.values(action.edit?.changes ?? {})) {
				for (const edit of edits) {
					if (!rangeInside(document, edit.range)) {
						failures.push(`code action '${action.title}' edits ${JSON.stringify(edit.range)}, outside the document`);
					}
				}
			}
		}
		// Cursor offsets: the ends, random places, and the places where labels and levels are written.
		const offsets = [0, length, Math.floor(random() * (length + 1)), Math.floor(random() * (length + 1))];
		for (const needle of ['<seclabel', "relabel='", 'model=', '<label>', 's0:c']) {
			const at = text.indexOf(needle);
			if (at >= 0) offsets.push(Math.min(length, at + Math.floor(needle.length / 2) + 1));
		}
		for (const offset of offsets) {
			const position = document.positionAt(offset);
			const hover = service.doHover(document, position, doc, settings);
			if (hover?.range && !rangeInside(document, hover.range)) {
				failures.push(`hover at ${offset} has range ${JSON.stringify(hover.range)} outside the document`);
			}
			const completion = service.doComplete(document, position, doc, settings);
			for (const item of completion.items) {
				const edit = item.textEdit;
				const range = edit && ('range' in edit ? edit.range : edit.replace);
				if (range && !rangeInside(document, range)) {
					failures.push(`completion '${item.label}' at ${offset} edits ${JSON.stringify(range)}, outside the document`);
				}
			}
		}
		checkLinted(document, lintText(text, '/fuzz/input.xml', settings, true), failures);
	} catch (error) {
		failures.push(`threw: ${error instanceof Error ? error.stack : String(error)}`);
	}
	return finish(performance.now() - started, length, failures);
}

function checkLinted(document: TextDocument, linted: ReturnType<typeof lintText>, failures: string[]): void {
	for (const diagnostic of linted.diagnostics) {
		if (!rangeInside(document, diagnostic.range)) {
			failures.push(`CLI diagnostic ${diagnostic.code} range ${JSON.stringify(diagnostic.range)} is outside the document`);
		}
	}
}

function finish(elapsedMs: number, length: number, failures: string[]): CheckResult {
	const boundMs = timeBoundMs(length);
	if (elapsedMs > boundMs) {
		failures.push(`took ${elapsedMs.toFixed(1)} ms for ${length} characters; the bound is ${boundMs.toFixed(1)} ms`);
	}
	return { elapsedMs, boundMs, failures };
}

/**
 * Hand-made worst cases the issue names; each is built, not read, so the test needs no fixtures.
 * `scale` multiplies the repetitive ones: 1 in npm test (a few seconds in all), more in long runs,
 * where a cost that grows faster than the input shows up as a time-bound failure.
 */
export const SPECIAL_INPUTS: { readonly name: string; readonly entryPoints?: 'cli'; build(scale?: number): string }[] = [
	{
		name: 'a 10 MB single line',
		entryPoints: 'cli',
		build() {
			const disk = "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/d.img'><seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0:c1,c2</label></seclabel></source><target dev='vda' bus='virtio'/></disk>";
			return `<domain type='kvm'><name>g</name><devices>${disk.repeat(Math.ceil(10_000_000 / disk.length))}</devices><seclabel type='dynamic' model='selinux' relabel='no'/></domain>`;
		},
	},
	{ name: '100,000-deep nesting, closed', build: () => `<domain type='kvm'>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}<seclabel type='none'/></domain>` },
	{ name: '100,000-deep nesting, never closed', build: () => `<domain type='kvm'><devices>${'<disk><source><seclabel>'.repeat(33_334)}` },
	{ name: '100,000-deep nesting, then 100,000 end tags that match nothing (× scale)', build: (scale = 1) => `<domain type='kvm'>${'<a>'.repeat(100_000 * scale)}${'</b>'.repeat(100_000 * scale)}</domain>` },
	{ name: '100,000 nested unterminated attribute values', build: () => `<domain type='kvm'>${"<seclabel model='".repeat(100_000)}</domain>` },
	{
		name: 'billion laughs',
		build() {
			const entities = ['<!ENTITY lol "lol">'];
			for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
			return `<?xml version="1.0"?>\n<!DOCTYPE domain [\n${entities.join('\n')}\n]>\n<domain type='kvm'><name>&lol9;</name><seclabel type='static' model='selinux' relabel='yes'><label>&lol9;</label></seclabel></domain>\n`;
		},
	},
	{ name: 'a 10,000-character label', build: () => `<domain type='kvm'><name>g</name><seclabel type='static' model='selinux' relabel='yes'><label>system_u:system_r:svirt_t:s0:${'c1,'.repeat(3333)}c2</label></seclabel></domain>` },
	{ name: 'a 1 MB attribute value', build: () => `<domain type='kvm'><seclabel type='dynamic' model='${'x'.repeat(1_000_000)}' relabel='yes'/></domain>` },
	{ name: 'a 1 MB unterminated attribute value', build: () => `<domain type='kvm'><seclabel type='dynamic' model='${'x'.repeat(1_000_000)}` },
	{ name: '25,000 attributes on one seclabel (× scale)', build: (scale = 1) => `<domain type='kvm'><seclabel ${Array.from({ length: 25_000 * scale }, (_, i) => `a${i}='${i}'`).join(' ')}/></domain>` },
	{ name: '200,000 bare ampersands (× scale)', build: (scale = 1) => `<domain type='kvm'><name>${'&'.repeat(200_000 * scale)}</name><seclabel model='${'&amp'.repeat(50_000 * scale)}'/></domain>` },
	{ name: '5,000 seclabels in one domain (× scale)', build: (scale = 1) => `<domain type='kvm'>${"<seclabel type='dynamic' model='selinux'/>".repeat(5_000 * scale)}</domain>` },
	{ name: '100,000 unclosed comments and CDATA openers', build: () => `<domain type='kvm'>${'<!-- <![CDATA[ <?pi '.repeat(100_000)}` },
	{ name: '1 MB of NUL characters', build: () => `<domain type='kvm'>${'\u0000'.repeat(1_000_000)}</domain>` },
];
