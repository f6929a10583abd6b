/**
 * The comparison the explorers share (explore-sites.mjs, explore-corpus.mjs): every case defined by
 * every libvirt oracle present (test/differential/oracle.ts's defineAll, two versions at a time)
 * and linted by the CLI at that version (`--driver test --libvirt-version V`); a disagreement is a
 * verdict that differs, a refusal whose message is the libvirtMessage of no define-stage diagnostic,
 * or one whose message is not the first in libvirt's parse order (test/differential/parseOrder.ts).
 * Disagreements are bucketed by the shape of the messages and printed with examples, then a line per
 * version. Needs `npm run build`.
 */
import { createRequire } from 'module';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath } from 'url';

const require = createRequire(import.meta.url);
/** The checkout, whose build (out/, dist/) the explorers load. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'out', 'test', 'differential');
if (!fs.existsSync(path.join(OUT, 'oracle.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
	console.error('build first: npm run build');
	process.exit(2);
}
const { defineAll, lintJson, ORACLE_VERSIONS } = require(path.join(OUT, 'oracle.js'));
const { compareKeys, parseOrderKey } = require(path.join(OUT, 'parseOrder.js'));
const { parseSeclabelText } = require(path.join(ROOT, 'out', 'server', 'src', 'service', 'seclabelLanguageService.js'));

/** A module of the build (a path under out/), for the explorers' generators. */
export function built(...parts) {
	return require(path.join(ROOT, 'out', ...parts));
}

/**
 * The explorers' command line: --seed N, --count N (default `count`), --versions A,B (default
 * every oracle), --keep DIR, --show N, --quiet.
 */
export function explorerOptions(count) {
	const args = process.argv.slice(2);
	const option = (name, fallback) => {
		const index = args.indexOf(`--${name}`);
		return index >= 0 ? args[index + 1] : fallback;
	};
	return {
		seed: Number(option('seed', '1')),
		count: Number(option('count', String(count))),
		versions: option('versions', ORACLE_VERSIONS.join(',')).split(','),
		keep: option('keep', undefined),
		show: Number(option('show', '3')),
		quiet: args.includes('--quiet'),
	};
}

function firstInParseOrder(xml, diagnostics, version) {
	const doc = parseSeclabelText(xml);
	const lineStarts = [0];
	for (let i = 0; i < xml.length; i++) if (xml[i] === '\n') lineStarts.push(i + 1);
	const offsetAt = (position) => (lineStarts[position.line] ?? xml.length) + position.character;
	const keyed = diagnostics.map((diagnostic) => ({ diagnostic, key: parseOrderKey(doc, diagnostic.code, offsetAt(diagnostic.range.start), version) }));
	if (keyed.some((entry) => !entry.key)) return { unknown: keyed.filter((entry) => !entry.key).map((entry) => entry.diagnostic.code) };
	keyed.sort((a, b) => compareKeys(a.key, b.key));
	return { first: keyed[0]?.diagnostic };
}

/** A message with its quoted or numeric particulars taken out, for bucketing. */
function shape(message) {
	return (message ?? '').replace(/'[^']*'/g, "'…'").replace(/\b\d+\b/g, 'N').replace(/\s+/g, ' ').slice(0, 160);
}

/**
 * Runs the cases ({ name, xml }[]) through the oracles and the CLI and prints the disagreements.
 * `ignore(verdict, version)` leaves a case out at a version (counted apart), e.g. a refusal for a
 * device that release does not know, which says nothing about seclabels.
 */
export async function compareWithOracles(cases, { seed, versions, keep, show = 3, quiet = false, ignore = () => false }) {
	const dir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'libvirt-seclabel-explore-'));
	fs.mkdirSync(dir, { recursive: true });
	for (const each of cases) fs.writeFileSync(path.join(dir, each.name), each.xml);
	const files = cases.map((each) => path.join(dir, each.name));
	const started = Date.now();
	const results = new Map();
	// Two versions at a time: the machine is shared.
	const queue = [...versions];
	await Promise.all([0, 1].map(async () => {
		while (queue.length) {
			const version = queue.shift();
			const [verdicts, report] = await Promise.all([defineAll(files, version), lintJson([dir], ['--driver', 'test', '--libvirt-version', version])]);
			results.set(version, { verdicts, report });
			if (!quiet) console.error(`libvirt ${version}: done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
		}
	}));
	const buckets = new Map();
	const perVersion = {};
	for (const version of versions) {
		const { verdicts, report } = results.get(version);
		const byName = new Map(report.files.map((file) => [path.basename(file.path), file.diagnostics.filter((d) => d.stage === 'define')]));
		// unorderedCodes: the rules whose place in libvirt's order parseOrder.ts does not know, and in how many refusals.
		const stats = { cases: cases.length, ignored: 0, refused: 0, verdict: 0, message: 0, order: 0, unordered: 0, unorderedCodes: new Map() };
		perVersion[version] = stats;
		for (const each of cases) {
			const verdict = verdicts.get(path.join(dir, each.name));
			if (ignore(verdict, version)) {
				stats.ignored++;
				continue;
			}
			const ours = byName.get(each.name) ?? [];
			if (!verdict.accepted) stats.refused++;
			let kind;
			let key;
			if (verdict.accepted && ours.length) {
				kind = 'verdict';
				key = `libvirt accepts; product: ${[...new Set(ours.map((d) => d.code))].join(', ')}`;
			} else if (!verdict.accepted && !ours.length) {
				kind = 'verdict';
				key = `libvirt refuses: ${shape(verdict.message)}; product accepts`;
			} else if (!verdict.accepted && !ours.some((d) => d.libvirtMessage === verdict.message)) {
				kind = 'message';
				key = `libvirt: ${shape(verdict.message)}; product: ${[...new Set(ours.map((d) => `${d.code}: ${shape(d.libvirtMessage)}`))].join(' | ')}`;
			} else if (!verdict.accepted) {
				const { first, unknown } = firstInParseOrder(each.xml, ours, version);
				if (unknown) {
					stats.unordered++;
					for (const code of new Set(unknown)) stats.unorderedCodes.set(code, (stats.unorderedCodes.get(code) ?? 0) + 1);
				} else if (first && first.libvirtMessage !== verdict.message) {
					kind = 'order';
					key = `libvirt first: ${shape(verdict.message)}; product's first: ${first.code}: ${shape(first.libvirtMessage)}`;
				}
			}
			if (!kind) continue;
			stats[kind]++;
			const bucketKey = `${kind}: ${key}`;
			let bucket = buckets.get(bucketKey);
			if (!bucket) buckets.set(bucketKey, bucket = { versions: new Map(), examples: [] });
			bucket.versions.set(version, (bucket.versions.get(version) ?? 0) + 1);
			if (bucket.examples.length < show && !bucket.examples.some((e) => e.name === each.name)) {
				bucket.examples.push({ name: each.name, version, libvirt: verdict.accepted ? 'accepted' : verdict.message, ours: ours.map((d) => `${d.code}: ${d.libvirtMessage}`) });
			}
		}
	}
	const sorted = [...buckets.entries()].sort((a, b) => [...b[1].versions.values()].reduce((x, y) => x + y, 0) - [...a[1].versions.values()].reduce((x, y) => x + y, 0));
	for (const [key, bucket] of sorted) {
		console.log(`\n== ${key}\n   ${[...bucket.versions.entries()].map(([v, n]) => `${v}: ${n}`).join(', ')}`);
		for (const example of bucket.examples) {
			console.log(`   - ${example.name} at ${example.version}\n     libvirt: ${example.libvirt}\n     product: ${example.ours.join(' ; ') || '(none)'}`);
		}
	}
	console.log(`\nseed ${seed}, ${cases.length} cases${keep ? ` in ${dir}` : ''}`);
	for (const [version, stats] of Object.entries(perVersion)) {
		const bad = stats.verdict + stats.message + stats.order;
		console.log(`${version}: ${stats.ignored ? `${stats.ignored} left out, ` : ''}refused ${stats.refused}; verdict disagreements ${stats.verdict}, message not ours ${stats.message}, not first ${stats.order} (order unknown for ${stats.unordered}); agreement ${(100 * (1 - stats.verdict / Math.max(1, stats.cases - stats.ignored))).toFixed(1)} % verdicts, ${(100 * (1 - (stats.message + stats.order) / Math.max(1, stats.refused))).toFixed(1)} % messages; ${bad} in all`);
		if (stats.unorderedCodes.size > 0) console.log(`  order unknown: ${[...stats.unorderedCodes].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ')}`);
	}
	if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}
