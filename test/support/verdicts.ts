/**
 * The conformance corpus's verdict per libvirt version, as each version's own parser gives it
 * (`virsh -c test:///default define`, see test/differential/oracle.ts): test/data/libvirt/VERDICTS.tsv.
 * The manifests record what libvirt 10.7.0's test harness expects; this file records what 7.0.0,
 * 9.0.0, 11.3.0 and 12.9.0 really do with the same files, so the conformance suite can check every
 * version without running virsh, and the differential suite checks the file against the oracles.
 *
 * Columns: `file` (relative to test/data/libvirt), then one per version: `valid`, or `refused: `
 * and libvirt's message with backslash, tab and newline escaped as `\\`, `\t` and `\n` (libxml2's
 * messages span lines, and some of libvirt's end in a space).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CORPUS_DIR } from './corpus';

export const VERDICTS_FILE = path.join(CORPUS_DIR, 'VERDICTS.tsv');

export interface Verdict {
	readonly accepted: boolean;
	readonly message?: string;
}

export interface VerdictTable {
	readonly versions: readonly string[];
	/** file → version → verdict. */
	readonly rows: ReadonlyMap<string, ReadonlyMap<string, Verdict>>;
}

function escape(text: string): string {
	return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

function unescape(text: string): string {
	return text.replace(/\\(\\|t|n)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : '\\'));
}

export function formatVerdict(verdict: Verdict): string {
	return verdict.accepted ? 'valid' : `refused: ${escape(verdict.message ?? '')}`;
}

export function parseVerdict(cell: string): Verdict {
	if (cell === 'valid') {
		return { accepted: true };
	}
	if (!cell.startsWith('refused: ')) {
		throw new Error(`${VERDICTS_FILE}: '${cell}' is neither 'valid' nor 'refused: MESSAGE'`);
	}
	return { accepted: false, message: unescape(cell.slice('refused: '.length)) };
}

export function formatVerdicts(table: VerdictTable): string {
	const lines = [['file', ...table.versions].join('\t')];
	for (const [file, byVersion] of [...table.rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
		lines.push([file, ...table.versions.map((version) => formatVerdict(byVersion.get(version)!))].join('\t'));
	}
	return lines.join('\n') + '\n';
}

export function readVerdicts(): VerdictTable {
	if (!fs.existsSync(VERDICTS_FILE)) {
		throw new Error(`${VERDICTS_FILE} is missing: regenerate it with UPDATE_VERDICTS=1 npm test -- differential/verdicts (needs scripts/setup-libvirt-oracles.sh)`);
	}
	const [header, ...lines] = fs.readFileSync(VERDICTS_FILE, 'utf8').split('\n').filter((line) => line !== '');
	const [, ...versions] = header.split('\t');
	const rows = new Map<string, Map<string, Verdict>>();
	for (const line of lines) {
		const [file, ...cells] = line.split('\t');
		if (cells.length !== versions.length) {
			throw new Error(`${VERDICTS_FILE}: ${file} has ${cells.length} verdicts for ${versions.length} versions`);
		}
		rows.set(file, new Map(versions.map((version, index) => [version, parseVerdict(cells[index])])));
	}
	return { versions, rows };
}

/**
 * The corpus is libvirt 10.7.0's test data, and some of it uses devices older libvirt does not know
 * at all, which it refuses before or regardless of any seclabel: 7.0.0 has no `<audio type='none'>`
 * or `'spice'` (the `<audio>` element came in 7.2.0, NEWS) and no `<input type='evdev'>` (9.0.0 has
 * it; NEWS does not say when it came). Those files say
 * nothing about seclabels there; each must be refused with exactly such a message, and only by the
 * versions before the feature.
 */
export const UNKNOWN_FEATURES: readonly { message: RegExp; before: string }[] = [
	{ message: /^unsupported configuration: unknown audio type '(none|spice)'$/, before: '7.2.0' },
	{ message: /^unsupported configuration: unknown input device type 'evdev'$/, before: '9.0.0' },
];

