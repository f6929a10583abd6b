/**
 * What the workspace index keeps of one domain document: the few facts the cross-guest rules
 * compare (which images it writes, whether they are shareable, which MCS levels it runs at), each
 * with a span and a line/character position, never the XML tree or the text. A workspace of
 * thousands of guests then costs kilobytes per guest, and a related location into a file that is
 * not open can still be shown without reading the file again.
 */
import { modelPatchOf, type DiskModel, type SeclabelDocument, type StorageSource } from '../parser/seclabelModel';
import { childElements, getAttribute, trimmedContentSpan, type Span, type XmlDocument, type XmlElement } from '../parser/xmlParser';
import { libvirtText } from '../parser/dtdSubset';
import { canonicalRange, parseContext, type LevelValue } from '../selinux/context';
import { normalizeLocalPath } from './resourceIdentity';
import { lineIndexAt } from '../util/lines';
import { ownCopy } from '../util/ownCopy';

/** A zero-based line and UTF-16 character, as LSP and the CLI's JSON count them. */
export interface LinePosition {
	readonly line: number;
	readonly character: number;
}

export interface LineRange {
	readonly start: LinePosition;
	readonly end: LinePosition;
}

/** A span of the summarised document together with its position, for related locations. */
export interface PlacedSpan extends Span {
	readonly range: LineRange;
}

/** A disk image (top of the chain) as one guest uses it. */
export interface DiskUse {
	readonly uri: string;
	/**
	 * Who else can touch the same resource: `<host>\0local:<path>` for files and block devices,
	 * `<host>\0volume:<pool>/<volume>` for pool volumes, `network:…` (no host) for network disks,
	 * which a fleet reaches from every host.
	 */
	readonly resourceKey: string;
	/** The resource as a user reads it in a message: a path, `pool/volume`, `rbd:pool/image`. */
	readonly resource: string;
	readonly network: boolean;
	/** Neither `<readonly/>` nor a CD-ROM (libvirt forces those read-only). */
	readonly writable: boolean;
	readonly shareable: boolean;
	readonly targetDev?: string;
	/** The source attribute that names the resource (file, dev, name, volume). */
	readonly at: PlacedSpan;
	/** The level of an SELinux `<label>` override on the image, when it has one. */
	readonly deviceLevel?: DeviceLevel;
	/**
	 * Set for a layer below the top of a `<backingStore>` chain (1 for the first): libvirt labels
	 * those read-only content (`virt_content_t:s0`), like a `<readonly/>` disk.
	 */
	readonly backingDepth?: number;
	/** The top image is `<readonly/>` or a CD-ROM. */
	readonly readonly?: boolean;
	/** A device seclabel with relabel='no' (or a domain that relabels nothing): libvirt leaves the image's label alone. */
	readonly norelabel?: boolean;
}

export interface DeviceLevel {
	/** Canonical level or range. */
	readonly level: string;
	readonly value: LevelValue;
	/** The label's text content. */
	readonly at: PlacedSpan;
	/**
	 * Where the level starts and ends inside the label text, for fixes; absent when the label is not
	 * read as written (an entity, a comment or CDATA in it), where no offset of the level is one in the text.
	 */
	readonly levelSpan?: Span;
}

/**
 * An MCS level a guest's processes run at: `static` from a static label, `live` from the label
 * libvirt generated for a running guest (its live XML read from a host with `--connect`, a status
 * file, or a dump marked `<!-- libvirt-seclabel: live -->`; an `id` alone is not enough).
 */
export interface LevelUse {
	readonly uri: string;
	readonly kind: 'static' | 'live';
	/** Canonical level or range, e.g. `s0:c1,c2`. */
	readonly level: string;
	readonly value: LevelValue;
	readonly at: PlacedSpan;
	/** Where the level starts and ends in the document, for fixes; absent as for DeviceLevel.levelSpan. */
	readonly levelSpan?: Span;
}

/** How a guest's processes are confined by SELinux, which decides what images it can open. */
export type Confinement =
	/** The level the guest's processes can reach: the high end of its label's range. */
	| { readonly kind: 'level'; readonly level: LevelValue }
	/** A dynamic label not yet generated: libvirt draws a random pair at start. */
	| { readonly kind: 'random' }
	/** No SELinux confinement: type none, or model none. */
	| { readonly kind: 'unconfined' };

export interface GuestSummary {
	readonly uri: string;
	readonly hostKey: string;
	/** The domain's `<name>`, when it has one: files of one guest (config and live dump) share it. */
	readonly name?: string;
	readonly uuid?: string;
	readonly live: boolean;
	readonly disks: readonly DiskUse[];
	readonly levels: readonly LevelUse[];
	readonly confinement: Confinement;
	/** The process label a running guest was given, or a static label: how messages name what it runs as. */
	readonly processLabel?: string;
	/** True for an attach-device fragment: a device on its way into a guest, not a guest of its own. */
	readonly fragment?: boolean;
}

/** Start offsets of every line, to turn offsets into positions without keeping the text. */
export function lineStarts(text: string): number[] {
	const starts = [0];
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === 10) {
			starts.push(i + 1);
		} else if (code === 13 && text.charCodeAt(i + 1) !== 10) {
			starts.push(i + 1);
		}
	}
	return starts;
}

export function positionAt(starts: readonly number[], offset: number): LinePosition {
	const line = lineIndexAt(starts, offset);
	return { line, character: offset - starts[line] };
}

/** Whether a seclabel speaks SELinux: `model='selinux'`, or no model on a host whose default is SELinux. */
function isSelinuxModel(model: string | null | undefined): boolean {
	return model === undefined || model === null || model === 'selinux';
}

interface ParsedLabelLevel {
	readonly level: string;
	/** The low level: what files get labelled with. */
	readonly value: LevelValue;
	/** The high level (the low one when there is no range): what MCS checks a process's access with. */
	readonly clearance: LevelValue;
	/** Offsets of the level inside the label text. */
	readonly start: number;
	readonly end: number;
}

/** The canonical level of an SELinux context, or undefined when it is no context or has no level. */
/** Levels by label text: a domain repeats the same few labels on many disks (read-only results). */
const levelMemo = new Map<string, ParsedLabelLevel | null>();

export function labelLevel(label: string): ParsedLabelLevel | undefined {
	let level = levelMemo.get(label);
	if (level === undefined) {
		if (levelMemo.size >= 4096) {
			levelMemo.clear();
		}
		// Key and result from a copy: a slice of the document would keep that version of it alive.
		const own = ownCopy(label);
		level = computeLabelLevel(own) ?? null;
		levelMemo.set(own, level);
	}
	return level ?? undefined;
}

function computeLabelLevel(label: string): ParsedLabelLevel | undefined {
	const parsed = parseContext(label);
	if (parsed.problems.length > 0 || !parsed.low || !parsed.high || !parsed.range) {
		return undefined;
	}
	return {
		level: canonicalRange(parsed.low, parsed.high),
		value: { sensitivity: parsed.low.sensitivity.text, categories: parsed.low.categories },
		clearance: { sensitivity: parsed.high.sensitivity.text, categories: parsed.high.categories },
		start: parsed.range.start,
		end: parsed.range.end,
	};
}

/** Summarises a parsed domain for the index; null when the document is not a domain. */
const summaries = new WeakMap<SeclabelDocument, { uri: string; hostKey: string; summary: GuestSummary | null }>();

/**
 * The guest's summary, computed once per parsed document: the index and the cross-guest rules both
 * ask for it on every edit, and for a domain with thousands of disks it is not free.
 */
export function summarizeGuest(uri: string, doc: SeclabelDocument, hostKey = ''): GuestSummary | null {
	const cached = summaries.get(doc);
	if (cached && cached.uri === uri && cached.hostKey === hostKey) {
		return cached.summary;
	}
	const summary = patchSummary(uri, doc, hostKey) ?? computeSummary(uri, doc, hostKey);
	summaries.set(doc, { uri, hostKey, summary });
	return summary;
}

/** Line starts of each summarised document, so that the next version's can be patched instead of counted again. */
const lineStartsOf = new WeakMap<SeclabelDocument, number[]>();

/**
 * How a summary was patched from the previous version's (see patchSummary): the disk uses it
 * dropped and added, and the later uses it moved (old, new). The workspace index relinks just these.
 */
export interface SummaryPatch {
	readonly previous: GuestSummary;
	readonly removed: readonly DiskUse[];
	readonly added: readonly DiskUse[];
	readonly moved: readonly (readonly [DiskUse, DiskUse])[];
}

const summaryPatches = new WeakMap<GuestSummary, SummaryPatch>();

/** The patch that made this summary from the previous version's, when it was patched. */
export function summaryPatchOf(summary: GuestSummary): SummaryPatch | undefined {
	return summaryPatches.get(summary);
}

/** How often summaries were patched and computed in full: for tests and the bench. */
export const summaryStats = { patched: 0, computed: 0, unmoved: 0 };

/** Whether [from, to) holds a CR: a walk over that range only (indexOf would search on to the end of a 35 MB text). */
function hasCarriageReturn(text: string, from: number, to: number): boolean {
	for (let i = Math.max(0, from), end = Math.min(to, text.length); i < end; i++) {
		if (text.charCodeAt(i) === 13) {
			return true;
		}
	}
	return false;
}

/**
 * The line starts of the new text from the old ones: those before the change kept, those in it
 * counted, those after it moved. Only for changes with no carriage return near them (a lone CR
 * is a line break, CR LF one break: a change there is counted in full).
 */
function patchLineStarts(old: readonly number[], text: string, changeStart: number, oldChangeEnd: number, newChangeEnd: number, delta: number): number[] {
	// Starts up to the change's start: the line break before each lies before the change.
	let low = 0;
	let high = old.length;
	while (low < high) {
		const middle = (low + high) >> 1;
		if (old[middle] <= changeStart) low = middle + 1; else high = middle;
	}
	const starts = old.slice(0, low);
	for (let at = text.indexOf('\n', changeStart); at >= 0 && at < newChangeEnd; at = text.indexOf('\n', at + 1)) {
		starts.push(at + 1);
	}
	let after = low;
	while (after < old.length && old[after] - 1 < oldChangeEnd) after++;
	for (; after < old.length; after++) starts.push(old[after] + delta);
	return starts;
}

/** True when the two texts have line breaks at the same offsets in [from, to). */
function sameLineBreaks(a: string, b: string, from: number, to: number): boolean {
	for (let i = from; i < to; i++) {
		if ((a.charCodeAt(i) === 10) !== (b.charCodeAt(i) === 10)) {
			return false;
		}
	}
	return true;
}

function samePlaced(a: PlacedSpan, b: PlacedSpan): boolean {
	return a.start === b.start && a.end === b.end && a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character
		&& a.range.end.line === b.range.end.line && a.range.end.character === b.range.end.character;
}

/**
 * The summary of a document whose model was patched (parser/seclabelModel.ts patchModel: one
 * device read again): the previous summary's disk uses before the device kept, the device's own
 * computed again, those after it moved by the edit; the domain's few facts (name, levels) computed
 * again. Undefined when it must be computed in full. test/unit/editDifferential.test.ts compares
 * every patched summary with a computed one.
 */
function patchSummary(uri: string, doc: SeclabelDocument, hostKey: string): GuestSummary | undefined {
	const patch = modelPatchOf(doc);
	if (!patch || !doc.domain) {
		return undefined;
	}
	const before = summaries.get(patch.previous);
	const oldStarts = lineStartsOf.get(patch.previous);
	if (!before || before.uri !== uri || before.hostKey !== hostKey || !before.summary || !oldStarts) {
		return undefined;
	}
	const { changeStart, oldChangeEnd, newChangeEnd, delta } = patch.splice;
	const text = doc.xml.text;
	if (hasCarriageReturn(patch.previous.xml.text, changeStart - 1, oldChangeEnd + 1) || hasCarriageReturn(text, changeStart - 1, newChangeEnd + 1)) {
		return undefined;
	}
	// An edit that keeps the length and every line break (a character typed over another) moves nothing after it.
	const nothingMoves = delta === 0 && sameLineBreaks(patch.previous.xml.text, text, changeStart, oldChangeEnd);
	const starts = nothingMoves ? oldStarts : patchLineStarts(oldStarts, text, changeStart, oldChangeEnd, newChangeEnd, delta);
	const place = placer(starts);
	const fresh: DiskUse[] = [];
	if (patch.newDisk) {
		const use = diskUse(uri, hostKey, patch.newDisk, doc.xml, place);
		if (use) {
			fresh.push(use);
		}
		fresh.push(...backingUses(uri, hostKey, patch.newDisk, place));
	}
	const move = (at: PlacedSpan) => place({ start: at.start + delta, end: at.end + delta });
	const disks: DiskUse[] = [];
	const removed: DiskUse[] = [];
	const moved: [DiskUse, DiskUse][] = [];
	let inserted = false;
	const { start: deviceStart, end: deviceEnd } = patch.oldDeviceSpan;
	const previousUses = before.summary.disks;
	if (nothingMoves) {
		// Nothing after the device moves: the uses before it and after it are the previous ones, as
		// the walk below keeps them. Each use lies in its disk, disks in document order, so the
		// device's uses are one run, found by binary search; the list is copied, not walked.
		const firstFrom = (offset: number) => {
			let low = 0;
			let high = previousUses.length;
			while (low < high) {
				const middle = (low + high) >> 1;
				if (previousUses[middle].at.start < offset) low = middle + 1; else high = middle;
			}
			return low;
		};
		const from = firstFrom(deviceStart);
		const to = firstFrom(deviceEnd);
		const disks = previousUses.slice(0, from).concat(fresh, previousUses.slice(to));
		const summary = computeSummary(uri, doc, hostKey, { starts, disks });
		if (summary) {
			summaryPatches.delete(before.summary);
			summaryPatches.set(summary, { previous: before.summary, removed: previousUses.slice(from, to), added: fresh, moved: [] });
			summaryStats.patched++;
			summaryStats.unmoved++;
		}
		return summary ?? undefined;
	}
	for (const use of previousUses) {
		if (use.at.start < deviceStart) {
			disks.push(use);
			continue;
		}
		if (use.at.start < deviceEnd) {
			removed.push(use);
			continue;
		}
		if (!inserted) {
			disks.push(...fresh);
			inserted = true;
		}
		if (nothingMoves) {
			disks.push(use);
			continue;
		}
		const at = move(use.at);
		const deviceLevel = use.deviceLevel ? { ...use.deviceLevel, at: move(use.deviceLevel.at), levelSpan: use.deviceLevel.levelSpan && { start: use.deviceLevel.levelSpan.start + delta, end: use.deviceLevel.levelSpan.end + delta } } : undefined;
		if (delta === 0 && samePlaced(at, use.at) && (!deviceLevel || samePlaced(deviceLevel.at, use.deviceLevel!.at))) {
			disks.push(use);
			continue;
		}
		const next: DiskUse = use.deviceLevel ? { ...use, at, deviceLevel } : { ...use, at };
		moved.push([use, next]);
		disks.push(next);
	}
	if (!inserted) {
		disks.push(...fresh);
	}
	const summary = computeSummary(uri, doc, hostKey, { starts, disks });
	if (summary) {
		// Only the newest patch is ever read: the previous one goes, or each summary would keep every older one alive.
		summaryPatches.delete(before.summary);
		summaryPatches.set(summary, { previous: before.summary, removed, added: fresh, moved });
		summaryStats.patched++;
	}
	return summary ?? undefined;
}

function placer(starts: readonly number[]): (span: Span) => PlacedSpan {
	return (span) => ({ start: span.start, end: span.end, range: { start: positionAt(starts, span.start), end: positionAt(starts, span.end) } });
}

/**
 * What other documents' findings depend on, as one string: two summaries with the same fingerprint
 * give every other guest the same findings. Cheaper than serialising the summary, whose positions
 * make up most of it.
 */
export function fingerprintOf(summary: GuestSummary): string {
	const parts: string[] = [headPart(summary)];
	for (const disk of summary.disks) {
		parts.push(diskPart(disk));
	}
	for (const level of summary.levels) {
		parts.push(levelPart(level));
	}
	return parts.join('\n');
}

/** The guest's own facts in the fingerprint. */
function headPart(summary: GuestSummary): string {
	const parts: string[] = [summary.hostKey, summary.name ?? '', summary.uuid ?? '', summary.live ? 'live' : '', summary.confinement.kind, summary.processLabel ?? ''];
	if (summary.confinement.kind === 'level') {
		parts.push(String(summary.confinement.level.sensitivity), summary.confinement.level.categories.join(','));
	}
	return parts.join('\n');
}

/** True when two summaries agree on the guest's own facts (all of the fingerprint but the disks and levels). */
export function sameHead(a: GuestSummary, b: GuestSummary): boolean {
	return headPart(a) === headPart(b);
}

/** One disk use in the fingerprint. */
export function diskPart(disk: DiskUse): string {
	return `${disk.resourceKey}|${disk.writable ? 'w' : 'r'}${disk.shareable ? 's' : ''}${disk.backingDepth ?? ''}${disk.norelabel ? 'n' : ''}|${disk.targetDev ?? ''}|${disk.deviceLevel?.level ?? ''}|${disk.at.range.start.line}:${disk.at.range.start.character}`;
}

/** One level use in the fingerprint. */
export function levelPart(level: LevelUse): string {
	return `${level.kind}|${level.level}|${level.at.range.start.line}:${level.at.range.start.character}`;
}

/** With `patched`, the line starts and disk uses patchSummary made: only the domain's own facts are computed. */
function computeSummary(uri: string, doc: SeclabelDocument, hostKey: string, patched?: { readonly starts: number[]; readonly disks: DiskUse[] }): GuestSummary | null {
	const domain = doc.domain ?? doc.fragment;
	if (!domain) {
		return null;
	}
	const text = doc.xml.text;
	const starts = patched?.starts ?? lineStarts(text);
	if (!patched) {
		summaryStats.computed++;
	}
	lineStartsOf.set(doc, starts);
	const place = placer(starts);
	const nameElement = childElements(domain, 'name')[0];
	const uuidElement = childElements(domain, 'uuid')[0];
	const name = nameElement ? libvirtText(doc.xml, nameElement).trim() || undefined : undefined;
	const uuid = uuidElement ? libvirtText(doc.xml, uuidElement).trim().toLowerCase().replace(/-/g, '') || undefined : undefined;
	const live = doc.kind === 'live';

	const levels: LevelUse[] = [];
	// Without an SELinux seclabel of its own, a guest on an SELinux host gets a dynamic label.
	let confinement: Confinement = { kind: 'random' };
	let processLabel: string | undefined;
	for (const seclabel of doc.seclabels) {
		const model = seclabel.model?.value;
		const type = seclabel.type?.value ?? 'dynamic';
		if (model === 'none' || (isSelinuxModel(model) && type === 'none')) {
			confinement = { kind: 'unconfined' };
			continue;
		}
		if (!isSelinuxModel(model)) {
			continue;
		}
		const labelElement = seclabel.labels[0];
		const label = labelElement ? libvirtText(doc.xml, labelElement) : '';
		const parsed = label ? labelLevel(label.trim()) : undefined;
		// A dynamic label's <label> is output only: libvirt reads it from live XML alone.
		const counts = type === 'static' || (type === 'dynamic' && live);
		if (labelElement && parsed && counts) {
			const content = trimmedContentSpan(text, labelElement);
			// Offsets into what libvirt reads are offsets into the text only when the two are the same
			// (no entity, comment or CDATA in the label); else the level is the label's whole content.
			const asWritten = text.slice(content.start, content.end) === label.trim();
			levels.push({
				uri,
				kind: type === 'static' ? 'static' : 'live',
				level: parsed.level,
				value: parsed.value,
				at: place(content),
				levelSpan: asWritten ? { start: content.start + parsed.start, end: content.start + parsed.end } : undefined,
			});
			confinement = { kind: 'level', level: parsed.clearance };
			processLabel ??= label.trim();
		}
	}

	let disks = patched?.disks;
	if (!disks) {
		disks = [];
		for (const disk of doc.disks) {
			const use = diskUse(uri, hostKey, disk, doc.xml, place);
			if (use) {
				disks.push(use);
			}
			disks.push(...backingUses(uri, hostKey, disk, place));
		}
	}
	return { uri, hostKey, name, uuid, live, disks, levels, confinement, processLabel, fragment: doc.fragment ? true : undefined };
}

function diskUse(uri: string, hostKey: string, disk: DiskModel, xml: XmlDocument, place: (span: Span) => PlacedSpan): DiskUse | undefined {
	const top = disk.layers[0];
	const identity = top ? resourceOf(top, hostKey) : undefined;
	if (!identity) {
		return undefined;
	}
	return {
		uri,
		resourceKey: identity.key,
		resource: identity.resource,
		network: identity.network,
		writable: !disk.readonly && disk.device !== 'cdrom',
		shareable: !!disk.shareable,
		targetDev: disk.targetDev,
		at: place(identity.at),
		deviceLevel: deviceLevelOf(top, xml, place),
		readonly: !!disk.readonly || disk.device === 'cdrom' || undefined,
		norelabel: layerNoRelabel(top),
	};
}

/** The layers below the top of a disk's chain, each a read-only use of its image. */
function backingUses(uri: string, hostKey: string, disk: DiskModel, place: (span: Span) => PlacedSpan): DiskUse[] {
	const uses: DiskUse[] = [];
	for (const layer of disk.layers) {
		if (layer.depth === 0) {
			continue;
		}
		const identity = resourceOf(layer, hostKey);
		if (!identity) {
			continue;
		}
		uses.push({
			uri,
			resourceKey: identity.key,
			resource: identity.resource,
			network: identity.network,
			writable: false,
			shareable: false,
			targetDev: disk.targetDev,
			at: place(identity.at),
			backingDepth: layer.depth,
			norelabel: layerNoRelabel(layer),
		});
	}
	return uses;
}

/** A device override with relabel='no' on the layer: libvirt leaves that image's label alone. */
function layerNoRelabel(layer: StorageSource): boolean | undefined {
	return layer.seclabels.some((seclabel) => isSelinuxModel(seclabel.model?.value) && seclabel.relabel?.value === 'no') || undefined;
}

interface ResourceIdentity {
	readonly key: string;
	readonly resource: string;
	readonly network: boolean;
	readonly at: Span;
}

function attributeValueSpan(element: XmlElement, name: string): { value: string; span: Span } | undefined {
	const attribute = getAttribute(element, name);
	if (!attribute || attribute.value === null || attribute.value.trim() === '') {
		return undefined;
	}
	return { value: attribute.value, span: { start: attribute.valueStart, end: attribute.valueEnd } };
}

/** The identity of a disk layer's storage; undefined for storage with no comparable name. */
function resourceOf(layer: StorageSource, hostKey: string): ResourceIdentity | undefined {
	const source = layer.source;
	if (!source) {
		return undefined;
	}
	switch (layer.type) {
		case 'file':
		case 'block': {
			const named = attributeValueSpan(source, layer.type === 'file' ? 'file' : 'dev');
			if (!named) {
				return undefined;
			}
			const path = normalizeLocalPath(named.value);
			// A file and a block device with the same path are the same inode, so they share a key.
			return { key: `${hostKey}\0local:${path}`, resource: path, network: false, at: named.span };
		}
		case 'volume': {
			const pool = attributeValueSpan(source, 'pool');
			const volume = attributeValueSpan(source, 'volume');
			if (!pool || !volume) {
				return undefined;
			}
			const resource = `${pool.value}/${volume.value}`;
			return { key: `${hostKey}\0volume:${resource}`, resource, network: false, at: volume.span };
		}
		case 'network': {
			const protocol = attributeValueSpan(source, 'protocol');
			const name = attributeValueSpan(source, 'name');
			if (!protocol || !name) {
				return undefined;
			}
			const servers = childElements(source, 'host').map((host) => {
				const hostName = getAttribute(host, 'name')?.value?.toLowerCase() ?? '';
				const port = getAttribute(host, 'port')?.value ?? '';
				const socket = getAttribute(host, 'socket')?.value ?? '';
				return socket ? `unix:${socket}` : port ? `${hostName}:${port}` : hostName;
			}).sort();
			const where = servers.length > 0 ? ` on ${servers.join(', ')}` : '';
			const resource = `${protocol.value.toLowerCase()}:${name.value}${where}`;
			return { key: `network:${protocol.value.toLowerCase()}:${name.value}@${servers.join(',')}`, resource, network: true, at: name.span };
		}
		default:
			// nvme, vhostuser, vdpa and dir storage have no image libvirt labels per guest.
			return undefined;
	}
}

/** The level of the top image's own SELinux `<label>` override, when it relabels with one. */
function deviceLevelOf(layer: StorageSource, xml: XmlDocument, place: (span: Span) => PlacedSpan): DeviceLevel | undefined {
	const text = xml.text;
	for (const seclabel of layer.seclabels) {
		if (!isSelinuxModel(seclabel.model?.value) || seclabel.relabel?.value === 'no') {
			continue;
		}
		const labelElement = seclabel.labels[0];
		if (!labelElement) {
			continue;
		}
		const value = libvirtText(xml, labelElement).trim();
		const parsed = labelLevel(value);
		if (!parsed) {
			continue;
		}
		const content = trimmedContentSpan(text, labelElement);
		const asWritten = text.slice(content.start, content.end) === value;
		return { level: parsed.level, value: parsed.value, at: place(content), levelSpan: asWritten ? { start: content.start + parsed.start, end: content.start + parsed.end } : undefined };
	}
	return undefined;
}

/**
 * Whether two summaries describe the same guest: a config file and a live dump of it, on one host.
 * libvirt allows one domain per name on a host, so a shared name with a shared UUID, or a shared
 * name between inactive and live XML, is the same guest seen twice, not two guests colliding.
 */
export function sameGuest(a: GuestSummary, b: GuestSummary): boolean {
	// libvirt keeps one guest per name on a host (defining a second one fails), so two files of one
	// host with the same name are copies of one guest: its config and a live dump, or an edited copy.
	// A shared UUID alone does not make one guest: a config cloned under a new name keeps it, and that
	// clone writing the original's image is exactly what the cross-guest rules are for.
	return a.hostKey === b.hostKey && !!a.name && a.name === b.name;
}

/**
 * A guest and what it runs as, for messages that tell the user whose disk is at stake:
 * `'vm1' (running as system_u:system_r:svirt_t:s0:c219,c564)`.
 */
export function guestWithLabel(guest: GuestSummary): string {
	if (!guest.processLabel) {
		return guestLabel(guest);
	}
	return `${guestLabel(guest)} (${guest.live ? 'running as' : 'static label'} ${guest.processLabel})`;
}

/** A short name for a guest in messages: its domain name, else its file. */
export function guestLabel(guest: GuestSummary): string {
	return guest.name ? `'${guest.name}'` : guest.uri;
}
