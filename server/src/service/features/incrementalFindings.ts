/**
 * Findings kept per device between versions of one document: the pipeline's use of each rule's
 * declared extent (rules/rule.ts, RuleExtent). An edit inside one disk of 10,000 reruns the device
 * rules on that disk only; every other disk's findings are taken from the previous version, found
 * by the disk's text and moved to where the disk is now. A device rule that also reads the domain
 * part (`reads: ['domain']`) is rerun everywhere when that part changed; document, domain and
 * workspace rules always run (they read little, or have caches of their own).
 *
 * Whatever could make a kept finding differ from a fresh one is a full run instead: a finding with
 * a span outside its device (a related location, a fix elsewhere) is never kept, a rule that hit
 * MAX_FINDINGS_PER_RULE is rerun on the whole document, and other settings drop everything. The
 * edit-differential test (test/unit/editDifferential.test.ts) compares every result with a fresh run.
 */
import { modelPatchOf, sortsDeviceSeclabels, type ChardevModel, type DeviceSeclabel, type DiskModel, type SeclabelDocument } from '../parser/seclabelModel';
import type { Span } from '../parser/xmlParser';
import { allRules } from '../rules';
import { commonPrefix, commonSuffix } from '../util/commonText';
import { spliceOf } from '../parser/incrementalParse';
import { extentOf, type Rule } from '../rules/rule';
import { MAX_FINDINGS_PER_RULE, runRuleSet, sortFindings, type ResolvedSettings, type RuleFinding } from './findings';

/** A device's findings with spans relative to the device's start, or null when they cannot be moved. */
type Kept = RuleFinding[] | null;

/**
 * Devices in document order as parallel arrays, found by binary search on the start: no object per
 * device per keystroke. The same columns for this version's devices (DeviceTable) and the
 * previous version's (PreviousRun).
 */
interface DeviceColumns {
	readonly starts: Int32Array;
	readonly ends: Int32Array;
	/** Each device's lines (Device.lines), -1 when it had none. */
	readonly lineStarts: Int32Array;
	readonly lineEnds: Int32Array;
	/** 1 for a disk, 0 for a chardev; the index in the model's disks or chardevs. */
	readonly isDisk: Uint8Array;
	readonly ordinals: Int32Array;
}

/** The previous version's devices, and what was kept of each. */
interface PreviousRun extends DeviceColumns {
	readonly settingsKey: string;
	/** The text has a CR LF line ending somewhere. */
	readonly crlf: boolean;
	readonly text: string;
	readonly pure: readonly Kept[];
	readonly withDomain: readonly Kept[];
}

/** `xml:space` as the ancestors of the devices write it, or '' when they do not (nearly always). */
function devicesSpaceKey(doc: SeclabelDocument): string {
	const domain = doc.domain;
	if (!domain) {
		return '';
	}
	let key = '';
	const devices = domain.children.find((child) => child.name === 'devices');
	for (const element of devices ? [domain, devices] : [domain]) {
		const space = element.attributes.find((attribute) => attribute.name === 'xml:space');
		if (space) key += `|${element.name} xml:space=${space.value ?? ''}`;
	}
	return key;
}

/** The kept findings of a device that had none (most of them): one shared array. */
const NO_FINDINGS: RuleFinding[] = [];

/** The index of the device of the previous run that started at `start`, or -1. */
function previousDeviceAt(run: PreviousRun, start: number): number {
	let low = 0;
	let high = run.starts.length - 1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		const at = run.starts[middle];
		if (at === start) return middle;
		if (at < start) low = middle + 1; else high = middle - 1;
	}
	return -1;
}

/** The last run per document URI; a few documents are open at a time. */
const previousRuns = new Map<string, PreviousRun>();

/** How many device results were moved from a previous version and how many computed: for tests and the bench. */
export const incrementalStats = { devicesKept: 0, devicesRun: 0, tablesPatched: 0 };
const MAX_DOCUMENTS = 16;

const deviceRules = allRules.filter((rule) => extentOf(rule).unit === 'device');
const pureRules = deviceRules.filter((rule) => !extentOf(rule).reads?.includes('domain'));
const domainReadingRules = deviceRules.filter((rule) => extentOf(rule).reads?.includes('domain'));
const otherRules = allRules.filter((rule) => extentOf(rule).unit !== 'device');
const ruleOrder = new Map(allRules.map((rule, index) => [rule, index]));

interface Device {
	readonly span: Span;
	/**
	 * The device with the rest of its first and last lines: fixes take their indentation and line
	 * breaks from there (the edit-differential test found that), so a device is unchanged only when
	 * all of this is. Null when those lines are too long (a one-line document): it is always rerun.
	 */
	readonly lines: Span | null;
	readonly disk?: DiskModel;
	readonly chardev?: ChardevModel;
}

/**
 * This version's devices in document order as parallel arrays (spans, lines, the model's disk or
 * chardev): no object per device per keystroke. A Device object is made only for the few that run.
 */
interface DeviceTable extends DeviceColumns {
	readonly count: number;
	readonly doc: SeclabelDocument;
	/** Set by patchedTable: each row's index in the previous run when its findings may be kept, else -1 (see runIncrementally). */
	readonly previousIndex?: Int32Array;
}

function ownerAt(table: DeviceTable, index: number): DiskModel | ChardevModel {
	return table.isDisk[index] ? table.doc.disks[table.ordinals[index]] : table.doc.chardevs[table.ordinals[index]];
}

/** How much of the device's first and last lines a key may carry besides the device. */
const MAX_LINE_CONTEXT = 240;

function linesOf(text: string, span: Span): Span | null {
	let lineStart = span.start;
	while (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10) {
		if (span.start - --lineStart > MAX_LINE_CONTEXT) return null;
	}
	let lineEnd = span.end;
	while (lineEnd < text.length && text.charCodeAt(lineEnd) !== 10) {
		if (++lineEnd - span.end > MAX_LINE_CONTEXT) return null;
	}
	return { start: lineStart, end: lineEnd };
}

/**
 * The devices of the document; `knownLines(index, table)` writes a device's lines into the table
 * and returns true when it knows them, else they are scanned.
 */
function devicesOf(doc: SeclabelDocument, knownLines: (index: number, table: DeviceTable) => boolean): DeviceTable {
	const text = doc.xml.text;
	const { disks, chardevs } = doc;
	const count = disks.length + chardevs.length;
	const table: DeviceTable = {
		count,
		starts: new Int32Array(count),
		ends: new Int32Array(count),
		lineStarts: new Int32Array(count),
		lineEnds: new Int32Array(count),
		isDisk: new Uint8Array(count),
		ordinals: new Int32Array(count),
		doc,
	};
	// Disks and chardevs each come in document order: merged, not sorted.
	let d = 0;
	let c = 0;
	for (let index = 0; index < count; index++) {
		let element: Span;
		if (c >= chardevs.length || (d < disks.length && disks[d].element.start < chardevs[c].element.start)) {
			table.ordinals[index] = d;
			table.isDisk[index] = 1;
			element = disks[d++].element;
		} else {
			table.ordinals[index] = c;
			element = chardevs[c++].element;
		}
		table.starts[index] = element.start;
		table.ends[index] = element.end;
	}
	for (let index = 0; index < count; index++) {
		if (!knownLines(index, table)) {
			const lines = linesOf(text, ownerAt(table, index).element);
			table.lineStarts[index] = lines ? lines.start : -1;
			table.lineEnds[index] = lines ? lines.end : -1;
		}
	}
	return table;
}

/**
 * The table after a model patch (seclabelModel.ts patchModel) of the model the previous run saw:
 * the same devices (the same objects, moved in place by the parse) but the one that was read
 * again, so the previous run's rows are copied, those after the device moved by the length
 * delta, and only the lines that may have changed scanned, without reading a device of the
 * model. Undefined when the previous run is not of the patched model's previous version.
 */
function patchedTable(doc: SeclabelDocument, usable: PreviousRun | undefined, prefix: number, changedEnd: number, oldChangedEnd: number, delta: number): DeviceTable | undefined {
	const patch = modelPatchOf(doc);
	const count = doc.disks.length + doc.chardevs.length;
	if (!usable || !patch || patch.splice.previousText !== usable.text || usable.starts.length !== count || usable.ordinals.length !== count
		|| patch.previous.disks.length !== doc.disks.length || patch.previous.chardevs.length !== doc.chardevs.length) {
		return undefined;
	}
	const { oldDeviceSpan, device } = patch;
	let row = -1;
	if (patch.newDisk || patch.newChardev) {
		row = previousDeviceAt(usable, oldDeviceSpan.start);
		if (row < 0 || usable.ends[row] !== oldDeviceSpan.end || usable.isDisk[row] !== (patch.newDisk ? 1 : 0)
			|| (patch.newDisk ? doc.disks[usable.ordinals[row]] !== patch.newDisk : doc.chardevs[usable.ordinals[row]] !== patch.newChardev)) {
			return undefined;
		}
	}
	const previousIndex = new Int32Array(count).fill(-1);
	const table: DeviceTable = {
		count,
		previousIndex,
		starts: usable.starts.slice(),
		ends: usable.ends.slice(),
		lineStarts: usable.lineStarts.slice(),
		lineEnds: usable.lineEnds.slice(),
		isDisk: usable.isDisk,
		ordinals: usable.ordinals,
		doc,
	};
	const text = doc.xml.text;
	for (let index = 0; index < count; index++) {
		const start = table.starts[index];
		if (index === row) {
			table.starts[index] = device.start;
			table.ends[index] = device.end;
		} else if (start >= oldDeviceSpan.end) {
			table.starts[index] = start + delta;
			table.ends[index] += delta;
		} else if (table.ends[index] > oldDeviceSpan.start) {
			// A device overlapping the patched one: not the table of a tree of devices.
			return undefined;
		}
		// The lines as knownLines takes them from the previous run, else scanned.
		const lineStart = table.lineStarts[index];
		const lineEnd = table.lineEnds[index];
		const after = table.starts[index] >= changedEnd;
		if (index !== row && lineStart >= 0 && (after ? lineStart > oldChangedEnd : table.ends[index] <= prefix && lineEnd < prefix)) {
			if (after) {
				table.lineStarts[index] = lineStart + delta;
				table.lineEnds[index] = lineEnd + delta;
			}
			// Its lines lie wholly before or after the change (lineStart + delta > changedEnd after it), at this row before.
			previousIndex[index] = index;
		} else {
			const lines = linesOf(text, { start: table.starts[index], end: table.ends[index] });
			table.lineStarts[index] = lines ? lines.start : -1;
			table.lineEnds[index] = lines ? lines.end : -1;
			// As runIncrementally decides it for a table built in full.
			if (lines && (lines.end < prefix || lines.start > changedEnd)) {
				const before = lines.end < prefix;
				const old = previousDeviceAt(usable, before ? table.starts[index] : table.starts[index] - delta);
				if (old >= 0 && usable.ends[old] === (before ? table.ends[index] : table.ends[index] - delta)) previousIndex[index] = old;
			}
		}
	}
	incrementalStats.tablesPatched++;
	return table;
}

/** The Device object of one row of the table (for the few devices that run). */
function deviceAt(table: DeviceTable, index: number): Device {
	const owner = ownerAt(table, index);
	const lines = table.lineStarts[index] >= 0 ? { start: table.lineStarts[index], end: table.lineEnds[index] } : null;
	return table.isDisk[index] ? { span: owner.element, lines, disk: owner as DiskModel } : { span: owner.element, lines, chardev: owner as ChardevModel };
}

/** The index of the device whose span holds the span, by binary search over the table, or -1. */
function tableIndexOf(table: DeviceTable, span: Span): number {
	let low = 0;
	let high = table.count - 1;
	let found = -1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		if (table.starts[middle] <= span.start) {
			found = middle;
			low = middle + 1;
		} else {
			high = middle - 1;
		}
	}
	return found >= 0 && span.end <= table.ends[found] ? found : -1;
}

function within(span: Span, outer: Span): boolean {
	return span.start >= outer.start && span.end <= outer.end;
}

/** True when every offset the finding carries lies inside the device, so that it moves with it. */
function movable(finding: RuleFinding, outer: Span): boolean {
	return within(finding.span, outer)
		&& (finding.related ?? []).every((related) => related.uri !== '' || within(related.span, outer))
		&& (finding.fixes ?? []).every((fix) => fix.edits.every((edit) => within(edit.span, outer)));
}

function shiftSpan(span: Span, delta: number): Span {
	return { start: span.start + delta, end: span.end + delta };
}

function shift(finding: RuleFinding, delta: number, text: string): RuleFinding {
	return {
		...finding,
		span: shiftSpan(finding.span, delta),
		related: finding.related?.map((related) => related.uri === '' ? { ...related, span: shiftSpan(related.span, delta), text } : related),
		fixes: finding.fixes?.map((fix) => ({ ...fix, edits: fix.edits.map((edit) => ({ ...edit, span: shiftSpan(edit.span, delta) })) })),
	};
}

/** The document as device rules see it with only some devices: the rest of the model is shared. */
function viewWith(doc: SeclabelDocument, devices: readonly Device[]): SeclabelDocument {
	if (devices.length * 4 < doc.disks.length + doc.chardevs.length && !sortsDeviceSeclabels(doc)) {
		// A few devices of many, whose seclabels are in reading order (no NVRAM, data store, mirror or
		// UDP chardev, so no seclabel only some releases read, so `doc` is no site view): each
		// device's seclabels are together in the model, in its own reading order.
		const deviceSeclabels: DeviceSeclabel[] = [];
		for (const device of devices) {
			if (device.disk) {
				for (const layer of device.disk.layers) deviceSeclabels.push(...layer.seclabels);
			} else if (device.chardev) {
				deviceSeclabels.push(...device.chardev.seclabels);
			}
		}
		return {
			...doc,
			disks: devices.flatMap((device) => device.disk ? [device.disk] : []),
			chardevs: devices.flatMap((device) => device.chardev ? [device.chardev] : []),
			deviceSeclabels,
		};
	}
	const disks = new Set(devices.map((device) => device.disk).filter((disk): disk is DiskModel => !!disk));
	const chardevs = new Set(devices.map((device) => device.chardev).filter((chardev): chardev is ChardevModel => !!chardev));
	// The NVRAM's seclabels belong to no device (they are in <os>): every view has them, and their findings are outside every device, so always fresh.
	const ownedByView = (seclabel: DeviceSeclabel) => seclabel.owner.kind === 'disk' ? disks.has(seclabel.owner.disk) : seclabel.owner.kind === 'chardev' ? chardevs.has(seclabel.owner.chardev) : true;
	return {
		...doc,
		disks: doc.disks.filter((disk) => disks.has(disk)),
		chardevs: doc.chardevs.filter((chardev) => chardevs.has(chardev)),
		deviceSeclabels: doc.deviceSeclabels.filter(ownedByView),
	};
}

interface ClassRun {
	/** Findings outside every device, fresh. */
	readonly outside: RuleFinding[];
	/** The findings (absolute, fresh or moved) of the devices that have any, by device index. */
	readonly perDevice: Map<number, RuleFinding[]>;
	/** Per device index, what to keep for the next version. */
	readonly kept: Kept[];
	readonly capped: boolean;
}

/**
 * Runs one class of device rules: on the whole document when every device must run, else on a view
 * with just the devices whose findings are not kept.
 */
function runClass(doc: SeclabelDocument, resolved: ResolvedSettings, rules: readonly Rule[], devices: DeviceTable, previousIndex: Int32Array, previousKept: readonly Kept[] | undefined): ClassRun {
	const text = doc.xml.text;
	const perDevice = new Map<number, RuleFinding[]>();
	const count = devices.count;
	// Pushed: a packed array, not a holey `new Array(count)`.
	const kept: Kept[] = [];
	const toRun: number[] = [];
	for (let index = 0; index < count; index++) {
		const old = previousKept ? previousIndex[index] : -1;
		const previous = old >= 0 ? previousKept![old] : undefined;
		if (previous) {
			if (previous.length > 0) {
				const start = devices.starts[index];
				perDevice.set(index, previous.map((finding) => shift(finding, start, text)));
			}
			kept.push(previous);
		} else {
			kept.push(null);
			toRun.push(index);
		}
	}
	incrementalStats.devicesKept += count - toRun.length;
	incrementalStats.devicesRun += toRun.length;
	const view = toRun.length === count ? doc : viewWith(doc, toRun.map((index) => deviceAt(devices, index)));
	const run = runRuleSet(view, resolved, rules);
	const outside: RuleFinding[] = [];
	for (const finding of run.findings) {
		const index = tableIndexOf(devices, finding.span);
		if (index < 0) {
			outside.push(finding);
		} else {
			const list = perDevice.get(index);
			if (list) {
				list.push(finding);
			} else {
				perDevice.set(index, [finding]);
			}
		}
	}
	for (const index of toRun) {
		const span = ownerAt(devices, index).element;
		const findings = perDevice.get(index);
		kept[index] = !findings ? NO_FINDINGS
			: findings.every((finding) => movable(finding, span)) ? findings.map((finding) => shift(finding, -span.start, '')) : null;
	}
	return { outside, perDevice, kept, capped: run.capped.size > 0 };
}

/**
 * Documents checked once so far: the first check of a URI is a plain run with nothing kept, since
 * most documents (every file of a CLI run, a workspace scan) are never checked again; the second
 * (an edit) starts keeping. A document open in an editor (`editing`) keeps from its first check.
 */
const seenOnce = new Set<string>();

export function runIncrementally(doc: SeclabelDocument, resolved: ResolvedSettings, givenKey: string, uri: string, editing = false): RuleFinding[] {
	// xml:space on <domain> or <devices> decides the blanks of every device's labels (dtdSubset.ts
	// spacePreserved), yet it sits outside every device: a change of it keeps nothing.
	const settingsKey = givenKey + devicesSpaceKey(doc);
	if (!editing && !previousRuns.has(uri) && !seenOnce.has(uri)) {
		seenOnce.add(uri);
		if (seenOnce.size > 4096) {
			seenOnce.clear();
		}
		return sortFindings(runRuleSet(doc, resolved, allRules).findings);
	}
	seenOnce.delete(uri);
	const text = doc.xml.text;
	const previous = previousRuns.get(uri);
	const sameSettings = previous && previous.settingsKey === settingsKey ? previous : undefined;
	// What changed: everything between the common prefix and the common suffix of the two versions
	// (the incremental parse found them already when it made this tree from that text).
	let prefix = 0;
	let suffix = 0;
	if (sameSettings) {
		const splice = spliceOf(doc.xml);
		if (splice && splice.previousText === sameSettings.text) {
			prefix = splice.changeStart;
			suffix = text.length - splice.newChangeEnd;
		} else {
			const limit = Math.min(text.length, sameSettings.text.length);
			prefix = commonPrefix(sameSettings.text, text, limit);
			suffix = commonSuffix(sameSettings.text, text, limit - prefix);
		}
	}
	// Fixes write the document's line ending, so it is part of what the kept findings assumed. A
	// CR LF that the previous version (with none) did not have overlaps the change.
	const crlf = sameSettings && !sameSettings.crlf
		? text.slice(Math.max(0, prefix - 1), text.length - suffix + 1).includes('\r\n')
		: text.includes('\r\n');
	const usable = sameSettings && sameSettings.crlf === crlf ? sameSettings : undefined;
	if (!usable) {
		prefix = 0;
		suffix = 0;
	}
	const delta = usable ? text.length - usable.text.length : 0;
	const changedEnd = text.length - suffix;
	const oldChangedEnd = usable ? usable.text.length - suffix : 0;
	/**
	 * A device's lines, taken from the previous run when the device and its lines lay wholly before
	 * or after the change there (then the same scan would find them, moved), else scanned: on a
	 * domain of 100,000 disks the scans were most of the cost of a keystroke's rules.
	 */
	const knownLines = (index: number, table: DeviceTable): boolean => {
		const start = table.starts[index];
		const end = table.ends[index];
		if (usable && (end <= prefix || start >= changedEnd)) {
			const after = start >= changedEnd;
			const old = previousDeviceAt(usable, after ? start - delta : start);
			if (old >= 0 && usable.ends[old] === (after ? end - delta : end)) {
				const lineStart = usable.lineStarts[old];
				const lineEnd = usable.lineEnds[old];
				if (lineStart >= 0 && (after ? lineStart > oldChangedEnd : lineEnd < prefix)) {
					table.lineStarts[index] = after ? lineStart + delta : lineStart;
					table.lineEnds[index] = after ? lineEnd + delta : lineEnd;
					return true;
				}
			}
		}
		return false;
	};
	const devices = patchedTable(doc, usable, prefix, changedEnd, oldChangedEnd, delta) ?? devicesOf(doc, knownLines);
	// Each device's previous index, looked up once for both classes: -1 unless the device and its
	// lines lie wholly before or after the change (and it is where the previous run had it, moved).
	const previousIndex = devices.previousIndex ?? new Int32Array(devices.count).fill(-1);
	if (usable && !devices.previousIndex) {
		for (let index = 0; index < devices.count; index++) {
			const lineStart = devices.lineStarts[index];
			if (lineStart < 0) continue;
			const before = devices.lineEnds[index] < prefix;
			if (!before && !(lineStart > changedEnd)) continue;
			const start = devices.starts[index];
			const end = devices.ends[index];
			const old = previousDeviceAt(usable, before ? start : start - delta);
			if (old >= 0 && usable.ends[old] === (before ? end : end - delta)) previousIndex[index] = old;
		}
	}
	// The domain part is unchanged when the change lies inside one device, in both versions.
	const changedDevice = usable ? tableIndexOf(devices, { start: prefix, end: changedEnd }) : -1;
	const sameDomain = changedDevice >= 0 && devices.starts[changedDevice] < prefix && changedEnd < devices.ends[changedDevice]
		&& usable!.ends[previousDeviceAt(usable!, devices.starts[changedDevice])] === devices.ends[changedDevice] - delta
		|| (!!usable && prefix === text.length && delta === 0);
	const pure = runClass(doc, resolved, pureRules, devices, previousIndex, usable?.pure);
	const withDomain = runClass(doc, resolved, domainReadingRules, devices, previousIndex, sameDomain ? usable!.withDomain : undefined);
	const others = runRuleSet(doc, resolved, otherRules).findings;

	// Catalogue order first (stable sort below), each rule's findings in document order of devices.
	const byRule = new Map<Rule, RuleFinding[]>();
	const add = (finding: RuleFinding) => {
		const list = byRule.get(finding.rule);
		if (list) {
			list.push(finding);
		} else {
			byRule.set(finding.rule, [finding]);
		}
	};
	others.forEach(add);
	for (const run of [pure, withDomain]) {
		run.outside.forEach(add);
		for (const index of [...run.perDevice.keys()].sort((a, b) => a - b)) {
			run.perDevice.get(index)!.forEach(add);
		}
	}
	let capped = pure.capped || withDomain.capped;
	const findings: RuleFinding[] = [];
	for (const rule of [...byRule.keys()].sort((a, b) => ruleOrder.get(a)! - ruleOrder.get(b)!)) {
		const list = byRule.get(rule)!;
		if (list.length > MAX_FINDINGS_PER_RULE && extentOf(rule).unit === 'device') {
			// Which findings a capped rule keeps depends on its order over the whole document.
			capped = true;
			findings.push(...runRuleSet(doc, resolved, [rule]).findings);
		} else {
			findings.push(...list);
		}
	}

	// Offsets fit in 32 bits (a V8 string holds fewer than 2^30 characters); typed arrays cost no
	// object per device. The table's own arrays are kept (a capped run keeps nothing).
	const none = new Int32Array(0);
	const starts = capped ? none : devices.starts;
	const ends = capped ? none : devices.ends;
	const lineStarts = capped ? none : devices.lineStarts;
	const lineEnds = capped ? none : devices.lineEnds;
	const isDisk = capped ? new Uint8Array(0) : devices.isDisk;
	const ordinals = capped ? none : devices.ordinals;
	previousRuns.delete(uri);
	previousRuns.set(uri, { settingsKey, crlf, text, starts, ends, lineStarts, lineEnds, isDisk, ordinals, pure: capped ? [] : pure.kept, withDomain: capped ? [] : withDomain.kept });
	if (previousRuns.size > MAX_DOCUMENTS) {
		previousRuns.delete(previousRuns.keys().next().value!);
	}
	return sortFindings(findings);
}

/** Forgets a document's kept findings (closed, or no longer checked). */
export function forgetFindings(uri: string): void {
	previousRuns.delete(uri);
	seenOnce.delete(uri);
}

/**
 * Runs `run` as if the document had never been checked, then puts its kept findings back: how a
 * test compares an incremental result with a from-scratch one under the same URI (the cross-guest
 * rules need the URI).
 */
export function asIfFresh<T>(uri: string, run: () => T): T {
	const previous = previousRuns.get(uri);
	const seen = seenOnce.has(uri);
	previousRuns.delete(uri);
	seenOnce.delete(uri);
	try {
		return run();
	} finally {
		previousRuns.delete(uri);
		seenOnce.delete(uri);
		if (previous) {
			previousRuns.set(uri, previous);
		}
		if (seen) {
			seenOnce.add(uri);
		}
	}
}
