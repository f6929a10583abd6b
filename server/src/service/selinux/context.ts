/**
 * SELinux security contexts and MLS/MCS levels as the kernel and libsepol read them
 * (security/selinux/ss/mls.c `mls_context_to_sid`, libsepol `mls.c`; see
 * shared/reference/selinux-semantics.md §1). Everything here is pure string work: offsets are
 * relative to the string given, so callers add the offset of the label's content.
 *
 * Names of sensitivities and categories are policy-defined; without a policy this module applies
 * the convention every refpolicy-derived policy follows (`s0`..`s15`, `c0`..`c1023`, exact,
 * lower-case, no leading zeros), which is what Fedora/RHEL targeted and MLS and refpolicy define.
 */
import { ownCopy } from '../util/ownCopy';

/** A piece of the parsed text, with offsets relative to that text. */
export interface Part {
	readonly text: string;
	readonly start: number;
	readonly end: number;
}

export interface ParsedLevel {
	readonly sensitivity: Part;
	/** The categories the level contains, sorted and without duplicates. */
	readonly categories: number[];
	/** The comma-separated items as written (`c3`, `c0.c9`). */
	readonly items: Part[];
	/** The whole level as written. */
	readonly text: Part;
}

/** Why a context or level is refused; the code lets rules pick the problems they report. */
export type ContextProblemCode =
	/** Fewer than two `:` (libsepol: malformed context). */
	| 'malformed'
	/** A user, role, type, sensitivity or category that is empty (`s0:`, `s0:c1,`, `u::t:s0`). */
	| 'empty-part'
	/** Spaces, tabs or line breaks: context strings allow none. */
	| 'whitespace'
	/** A user, role or type that is not an identifier. */
	| 'invalid-name'
	/** A sensitivity that is not `sN` (case, leading zeros, other characters). */
	| 'invalid-sensitivity'
	/** A sensitivity above s15, which no refpolicy-derived policy defines. */
	| 'unknown-sensitivity'
	/** A category that is not `cN`. */
	| 'invalid-category'
	/** A category above c1023, which no refpolicy-derived policy defines. */
	| 'unknown-category'
	/** `cA.cB` with B not after A (`c3.c3`, `c5.c3`). */
	| 'category-range-order'
	/** `cA.cB.cC`: the kernel looks `cB.cC` up as one name. */
	| 'category-range-chained'
	/** More than one `-` in a range. */
	| 'extra-dash'
	/** The high level of a range does not dominate the low level. */
	| 'range-not-dominating';

export interface ContextProblem {
	readonly start: number;
	readonly end: number;
	readonly message: string;
	readonly code: ContextProblemCode;
}

export interface ParsedContext {
	readonly user?: Part;
	readonly role?: Part;
	readonly type?: Part;
	/** Everything after the third `:`, when there is a third `:`. */
	readonly range?: Part;
	readonly low?: ParsedLevel;
	/** The high level; equal to `low` when the range has no `-`. */
	readonly high?: ParsedLevel;
	readonly problems: ContextProblem[];
}

export interface ParsedRange {
	readonly low?: ParsedLevel;
	readonly high?: ParsedLevel;
	readonly problems: ContextProblem[];
}

/** A level by value: what canonical printing and dominance need. */
export interface LevelValue {
	readonly sensitivity: string | Part;
	readonly categories: readonly number[];
}

/** The highest sensitivity number refpolicy-derived MLS policies define (`MLS_SENS = 16`). */
export const MAX_SENSITIVITY = 15;
/** The highest category number Fedora, RHEL and refpolicy define (`MCS_CATS = 1024`). */
export const MAX_CATEGORY = 1023;

const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const SENSITIVITY = /^s(0|[1-9][0-9]*)$/;
const CATEGORY = /^c(0|[1-9][0-9]*)$/;
const WHITESPACE_RUN = /\s+/g;

function part(text: string, start: number, end: number): Part {
	return { text: text.slice(start, end), start, end };
}

/** Every run of whitespace, as problems: context strings never contain any. */
function whitespaceProblems(text: string, offset: number, problems: ContextProblem[]): void {
	for (const match of text.matchAll(WHITESPACE_RUN)) {
		const start = offset + (match.index ?? 0);
		problems.push({ start, end: start + match[0].length, code: 'whitespace', message: 'An SELinux context contains no spaces, tabs or line breaks.' });
	}
}

/** The part without surrounding whitespace: whitespace is reported once, by whitespaceProblems. */
function core(value: Part): Part {
	const leading = value.text.length - value.text.trimStart().length;
	const trimmed = value.text.trim();
	return { text: trimmed, start: value.start + leading, end: value.start + leading + trimmed.length };
}

function hasInnerWhitespace(value: Part): boolean {
	return /\s/.test(value.text);
}

function checkName(value: Part, what: string, problems: ContextProblem[]): void {
	const trimmed = core(value);
	if (trimmed.text.length === 0) {
		problems.push({ start: value.start, end: value.end, code: 'empty-part', message: `The ${what} is empty.` });
		return;
	}
	if (hasInnerWhitespace(trimmed)) {
		return;
	}
	if (!NAME.test(trimmed.text)) {
		problems.push({ start: trimmed.start, end: trimmed.end, code: 'invalid-name', message: `'${trimmed.text}' is not a valid SELinux ${what} name: names start with a letter and contain letters, digits, '_', '-' and '.'.` });
	}
}

/** The number of a sensitivity name (`s3` → 3), or undefined when it is not conventional. */
export function sensitivityNumber(name: string): number | undefined {
	const match = SENSITIVITY.exec(name);
	return match ? Number(match[1]) : undefined;
}

/** The number of a category name (`c12` → 12), or undefined when it is not conventional. */
export function categoryNumber(name: string): number | undefined {
	const match = CATEGORY.exec(name);
	return match ? Number(match[1]) : undefined;
}

function parseCategory(value: Part, problems: ContextProblem[]): number | undefined {
	const trimmed = core(value);
	if (trimmed.text.length === 0) {
		problems.push({ start: value.start, end: value.end, code: 'empty-part', message: 'A category name is missing here (empty item, or a trailing `,` or `.`).' });
		return undefined;
	}
	if (hasInnerWhitespace(trimmed)) {
		return undefined;
	}
	const number = categoryNumber(trimmed.text);
	if (number === undefined) {
		const hint = /^C[0-9]+$/.test(trimmed.text) ? ' Names are case-sensitive: write it in lower case.' : /^c0[0-9]+$/.test(trimmed.text) ? ' Names are exact strings: leading zeros make another name.' : '';
		problems.push({ start: trimmed.start, end: trimmed.end, code: 'invalid-category', message: `'${trimmed.text}' is not a category name: categories are c0 to c${MAX_CATEGORY}.${hint}` });
		return undefined;
	}
	if (number > MAX_CATEGORY) {
		problems.push({ start: trimmed.start, end: trimmed.end, code: 'unknown-category', message: `Category '${trimmed.text}' does not exist: Fedora, RHEL and reference policies define c0 to c${MAX_CATEGORY}.` });
		return undefined;
	}
	return number;
}

/** Parses one level (`s0`, `s0:c1,c5.c9`) that starts at `offset` of the caller's text. */
function parseLevel(text: string, offset: number, problems: ContextProblem[]): ParsedLevel {
	const colon = text.indexOf(':');
	const sensitivityEnd = colon < 0 ? text.length : colon;
	const sensitivity = part(text, 0, sensitivityEnd);
	const trimmedSensitivity = core(sensitivity);
	const shift = (p: Part): Part => ({ text: p.text, start: p.start + offset, end: p.end + offset });
	if (trimmedSensitivity.text.length === 0) {
		problems.push({ start: offset + sensitivity.start, end: offset + Math.max(sensitivity.end, sensitivity.start + (colon < 0 ? 0 : 1)), code: 'empty-part', message: 'The level has no sensitivity (for example s0).' });
	} else if (!hasInnerWhitespace(trimmedSensitivity)) {
		const number = sensitivityNumber(trimmedSensitivity.text);
		if (number === undefined) {
			const hint = /^S[0-9]+$/.test(trimmedSensitivity.text) ? ' Names are case-sensitive: write it in lower case.' : '';
			problems.push({ start: offset + trimmedSensitivity.start, end: offset + trimmedSensitivity.end, code: 'invalid-sensitivity', message: `'${trimmedSensitivity.text}' is not a sensitivity: a level starts with s0 (MCS) or s0 to s${MAX_SENSITIVITY} (MLS).${hint}` });
		} else if (number > MAX_SENSITIVITY) {
			problems.push({ start: offset + trimmedSensitivity.start, end: offset + trimmedSensitivity.end, code: 'unknown-sensitivity', message: `Sensitivity '${trimmedSensitivity.text}' does not exist: MLS policies define s0 to s${MAX_SENSITIVITY}, MCS policies only s0.` });
		}
	}
	const items: Part[] = [];
	// Items are kept as intervals and expanded once at the end, so that a long list of wide ranges
	// (c0.c1023,c0.c1023,…) costs one pass over the category space, not one per item.
	const intervals: [number, number][] = [];
	if (colon >= 0) {
		let itemStart = colon + 1;
		for (;;) {
			const comma = text.indexOf(',', itemStart);
			const itemEnd = comma < 0 ? text.length : comma;
			const item = part(text, itemStart, itemEnd);
			items.push(shift(item));
			const dot = item.text.indexOf('.');
			if (dot < 0) {
				const number = parseCategory(shift(item), problems);
				if (number !== undefined) {
					intervals.push([number, number]);
				}
			} else {
				const first = part(text, itemStart, itemStart + dot);
				const rest = part(text, itemStart + dot + 1, itemEnd);
				if (rest.text.includes('.')) {
					problems.push({ start: offset + item.start, end: offset + item.end, code: 'category-range-chained', message: `'${item.text}' chains two ranges: a category range is exactly cA.cB.` });
				} else {
					const low = parseCategory(shift(first), problems);
					const high = parseCategory(shift(rest), problems);
					if (low !== undefined && high !== undefined) {
						if (high <= low) {
							problems.push({ start: offset + item.start, end: offset + item.end, code: 'category-range-order', message: high === low
								? `'${item.text}' is refused: in cA.cB the second category must come strictly after the first; write c${low}.`
								: `'${item.text}' is refused: in cA.cB the second category must come strictly after the first; write c${high}.c${low}.` });
						} else {
							intervals.push([low, high]);
						}
					}
				}
			}
			if (comma < 0) {
				break;
			}
			itemStart = comma + 1;
		}
	}
	return {
		sensitivity: shift(sensitivity),
		categories: expandIntervals(intervals),
		items,
		text: { text, start: offset, end: offset + text.length },
	};
}

/** The sorted, unique categories a list of inclusive intervals covers. */
function expandIntervals(intervals: [number, number][]): number[] {
	intervals.sort((a, b) => a[0] - b[0]);
	const categories: number[] = [];
	let next = 0;
	for (const [low, high] of intervals) {
		for (let category = Math.max(low, next); category <= high; category++) {
			categories.push(category);
		}
		next = Math.max(next, high + 1);
	}
	return categories;
}

function sensitivityName(sensitivity: string | Part): string {
	return typeof sensitivity === 'string' ? sensitivity : sensitivity.text.trim();
}

/** The categories sorted and without duplicates; parsed levels already are, so they are returned as they are. */
function sortedUnique(categories: readonly number[]): readonly number[] {
	for (let i = 1; i < categories.length; i++) {
		if (categories[i] <= categories[i - 1]) {
			return [...new Set(categories)].sort((x, y) => x - y);
		}
	}
	return categories;
}

/** True when every element of sorted `inner` is in sorted `outer`: one merge pass, no allocation. */
function isSubset(inner: readonly number[], outer: readonly number[]): boolean {
	let j = 0;
	for (const value of inner) {
		while (j < outer.length && outer[j] < value) {
			j++;
		}
		if (j === outer.length || outer[j] !== value) {
			return false;
		}
	}
	return true;
}

/** True when level `a` dominates level `b`: sensitivity at least b's and categories a superset. */
export function dominates(a: LevelValue, b: LevelValue): boolean {
	const sensitivityA = sensitivityNumber(sensitivityName(a.sensitivity));
	const sensitivityB = sensitivityNumber(sensitivityName(b.sensitivity));
	if (sensitivityA === undefined || sensitivityB === undefined) {
		if (sensitivityName(a.sensitivity) !== sensitivityName(b.sensitivity)) {
			return false;
		}
	} else if (sensitivityA < sensitivityB) {
		return false;
	}
	return isSubset(sortedUnique(b.categories), sortedUnique(a.categories));
}

/** True when both levels are the same level. */
export function levelsEqual(a: LevelValue, b: LevelValue): boolean {
	return dominates(a, b) && dominates(b, a);
}

/**
 * Categories as the kernel prints them (`mls_sid_to_context`): sorted, runs of three or more as
 * `cA.cB`, runs of two as `cA,cB`, single ones alone, joined with `,`.
 */
export function formatCategories(categories: readonly number[]): string {
	const sorted = [...new Set(categories)].sort((a, b) => a - b);
	const items: string[] = [];
	let index = 0;
	while (index < sorted.length) {
		let runEnd = index;
		while (runEnd + 1 < sorted.length && sorted[runEnd + 1] === sorted[runEnd] + 1) {
			runEnd++;
		}
		const length = runEnd - index + 1;
		if (length >= 3) {
			items.push(`c${sorted[index]}.c${sorted[runEnd]}`);
		} else {
			for (let i = index; i <= runEnd; i++) {
				items.push(`c${sorted[i]}`);
			}
		}
		index = runEnd + 1;
	}
	return items.join(',');
}

/** A level in the kernel's and libsepol's printed form (`s0:c3,c5`, `s0:c0.c1023`). */
export function canonicalLevel(level: LevelValue): string {
	const categories = formatCategories(level.categories);
	const sensitivity = sensitivityName(level.sensitivity);
	return categories.length > 0 ? `${sensitivity}:${categories}` : sensitivity;
}

/** A range in printed form: one level when low equals high, else `low-high`. */
export function canonicalRange(low: LevelValue, high: LevelValue = low): string {
	return levelsEqual(low, high) ? canonicalLevel(low) : `${canonicalLevel(low)}-${canonicalLevel(high)}`;
}

/** Parses a range (`s0`, `s0:c1,c2`, `s0-s0:c0.c1023`) that starts at `offset` of the caller's text. */
function parseRangeAt(text: string, offset: number, problems: ContextProblem[]): ParsedRange {
	const dash = text.indexOf('-');
	if (dash < 0) {
		const level = parseLevel(text, offset, problems);
		return { low: level, high: level, problems };
	}
	const second = text.indexOf('-', dash + 1);
	if (second >= 0) {
		problems.push({ start: offset + second, end: offset + text.length, code: 'extra-dash', message: 'A range is low-high with one `-`; this second `-` makes the whole context invalid.' });
	}
	const low = parseLevel(text.slice(0, dash), offset, problems);
	const high = parseLevel(text.slice(dash + 1, second >= 0 ? second : text.length), offset + dash + 1, problems);
	const clean = !problems.some((problem) => problem.start >= offset && problem.end <= offset + text.length);
	if (clean && !dominates(high, low)) {
		problems.push({ start: offset, end: offset + text.length, code: 'range-not-dominating', message: `In '${text}' the high level ${canonicalLevel(high)} does not dominate the low level ${canonicalLevel(low)}: it needs a sensitivity at least as high and every category of the low level.` });
	}
	return { low, high, problems };
}

/** Parses a bare range or level with the kernel's level grammar (§1.2); offsets relative to `text`. */
/**
 * Parses are pure functions of the string, and a domain repeats the same few labels on many disks,
 * so results are remembered (and shared: callers must treat them as read-only).
 */
const MEMO_LIMIT = 4096;
const contextMemo = new Map<string, ParsedContext>();
const rangeMemo = new Map<string, ParsedRange>();

function remember<T>(memo: Map<string, T>, text: string, parse: (text: string) => T): T {
	let result = memo.get(text);
	if (result === undefined) {
		if (memo.size >= MEMO_LIMIT) {
			memo.clear();
		}
		// Key and result are kept: both come from a copy, since a slice of the document (the key, or
		// a part of the result cut from it) would keep the version it was cut from alive.
		const own = ownCopy(text);
		result = parse(own);
		memo.set(own, result);
	}
	return result;
}

export function parseLevelRange(text: string): ParsedRange {
	return remember(rangeMemo, text, parseLevelRangeUncached);
}

function parseLevelRangeUncached(text: string): ParsedRange {
	const problems: ContextProblem[] = [];
	whitespaceProblems(text, 0, problems);
	if (text.trim().length === 0) {
		problems.push({ start: 0, end: text.length, code: 'empty-part', message: 'The level is empty.' });
		return { problems };
	}
	return parseRangeAt(text, 0, problems);
}

/**
 * Parses `user:role:type[:range]`: the first three fields end at the first three `:`, the range is
 * everything after the third. A missing range is not a problem here: whether the policy needs one
 * is the caller's question (MCS and MLS policies do).
 */
export function parseContext(text: string): ParsedContext {
	return remember(contextMemo, text, parseContextUncached);
}

function parseContextUncached(text: string): ParsedContext {
	const problems: ContextProblem[] = [];
	whitespaceProblems(text, 0, problems);
	const first = text.indexOf(':');
	const second = first < 0 ? -1 : text.indexOf(':', first + 1);
	if (second < 0) {
		if (text.trim().length === 0) {
			problems.push({ start: 0, end: text.length, code: 'empty-part', message: 'The context is empty.' });
		} else {
			problems.push({ start: 0, end: text.length, code: 'malformed', message: `'${text.trim()}' is not an SELinux context: a context is user:role:type:level, for example system_u:system_r:svirt_t:s0:c1,c2.` });
		}
		return { problems };
	}
	const third = text.indexOf(':', second + 1);
	const user = part(text, 0, first);
	const role = part(text, first + 1, second);
	const type = part(text, second + 1, third < 0 ? text.length : third);
	checkName(user, 'user', problems);
	checkName(role, 'role', problems);
	checkName(type, 'type', problems);
	if (third < 0) {
		return { user, role, type, problems };
	}
	const range = part(text, third + 1, text.length);
	if (range.text.trim().length === 0) {
		problems.push({ start: third, end: text.length, code: 'empty-part', message: 'The level after the last `:` is empty: remove the `:` or write a level such as s0.' });
		return { user, role, type, range, problems };
	}
	const parsed = parseRangeAt(range.text, range.start, problems);
	return { user, role, type, range, low: parsed.low, high: parsed.high, problems };
}

/** The context in canonical form, or undefined when it has problems. */
export function canonicalContext(text: string): string | undefined {
	const parsed = parseContext(text);
	if (parsed.problems.length > 0 || !parsed.user || !parsed.role || !parsed.type) {
		return undefined;
	}
	const head = `${parsed.user.text}:${parsed.role.text}:${parsed.type.text}`;
	return parsed.low && parsed.high ? `${head}:${canonicalRange(parsed.low, parsed.high)}` : head;
}
