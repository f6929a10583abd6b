/**
 * What the workspace index keeps of one domain document: the few facts the cross-guest rules
 * compare (which images it writes, whether they are shareable, which MCS levels it runs at), each
 * with a span and a line/character position, never the XML tree or the text. A workspace of
 * thousands of guests then costs kilobytes per guest, and a related location into a file that is
 * not open can still be shown without reading the file again.
 */
import type { DiskModel, SeclabelDocument, StorageSource } from '../parser/seclabelModel';
import { childElements, getAttribute, textContent, trimmedContentSpan, type Span, type XmlElement } from '../parser/xmlParser';
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
	/** Where the level starts and ends inside the label text, for fixes. */
	readonly levelSpan: Span;
}

/**
 * An MCS level a guest's processes run at: `static` from a static label, `live` from the label
 * libvirt generated for a running guest (a `<domain id=…>` dump or a status file).
 */
export interface LevelUse {
	readonly uri: string;
	readonly kind: 'static' | 'live';
	/** Canonical level or range, e.g. `s0:c1,c2`. */
	readonly level: string;
	readonly value: LevelValue;
	readonly at: PlacedSpan;
	/** Where the level starts and ends in the document, for fixes. */
	readonly levelSpan: Span;
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
	const summary = computeSummary(uri, doc, hostKey);
	summaries.set(doc, { uri, hostKey, summary });
	return summary;
}

/**
 * What other documents' findings depend on, as one string: two summaries with the same fingerprint
 * give every other guest the same findings. Cheaper than serialising the summary, whose positions
 * make up most of it.
 */
export function fingerprintOf(summary: GuestSummary): string {
	const parts: string[] = [summary.hostKey, summary.name ?? '', summary.uuid ?? '', summary.live ? 'live' : '', summary.confinement.kind, summary.processLabel ?? ''];
	if (summary.confinement.kind === 'level') {
		parts.push(String(summary.confinement.level.sensitivity), summary.confinement.level.categories.join(','));
	}
	for (const disk of summary.disks) {
		parts.push(`${disk.resourceKey}|${disk.writable ? 'w' : 'r'}${disk.shareable ? 's' : ''}${disk.backingDepth ?? ''}${disk.norelabel ? 'n' : ''}|${disk.targetDev ?? ''}|${disk.deviceLevel?.level ?? ''}|${disk.at.range.start.line}:${disk.at.range.start.character}`);
	}
	for (const level of summary.levels) {
		parts.push(`${level.kind}|${level.level}|${level.at.range.start.line}:${level.at.range.start.character}`);
	}
	return parts.join('\n');
}

function computeSummary(uri: string, doc: SeclabelDocument, hostKey: string): GuestSummary | null {
	const domain = doc.domain ?? doc.fragment;
	if (!domain) {
		return null;
	}
	const text = doc.xml.text;
	const starts = lineStarts(text);
	const place = (span: Span): PlacedSpan => ({ start: span.start, end: span.end, range: { start: positionAt(starts, span.start), end: positionAt(starts, span.end) } });
	const nameElement = childElements(domain, 'name')[0];
	const uuidElement = childElements(domain, 'uuid')[0];
	const name = nameElement ? textContent(text, nameElement).trim() || undefined : undefined;
	const uuid = uuidElement ? textContent(text, uuidElement).trim().toLowerCase().replace(/-/g, '') || undefined : undefined;
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
		const label = labelElement ? textContent(text, labelElement) : '';
		const parsed = label ? labelLevel(label.trim()) : undefined;
		// A dynamic label's <label> is output only: libvirt reads it from live XML alone.
		const counts = type === 'static' || (type === 'dynamic' && live);
		if (labelElement && parsed && counts) {
			const content = trimmedContentSpan(text, labelElement);
			levels.push({
				uri,
				kind: type === 'static' ? 'static' : 'live',
				level: parsed.level,
				value: parsed.value,
				at: place(content),
				levelSpan: { start: content.start + parsed.start, end: content.start + parsed.end },
			});
			confinement = { kind: 'level', level: parsed.clearance };
			processLabel ??= label.trim();
		}
	}

	const disks: DiskUse[] = [];
	for (const disk of doc.disks) {
		const use = diskUse(uri, hostKey, disk, text, place);
		if (use) {
			disks.push(use);
		}
		disks.push(...backingUses(uri, hostKey, disk, place));
	}
	return { uri, hostKey, name, uuid, live, disks, levels, confinement, processLabel, fragment: doc.fragment ? true : undefined };
}

function diskUse(uri: string, hostKey: string, disk: DiskModel, text: string, place: (span: Span) => PlacedSpan): DiskUse | undefined {
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
		deviceLevel: deviceLevelOf(top, text, place),
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
function deviceLevelOf(layer: StorageSource, text: string, place: (span: Span) => PlacedSpan): DeviceLevel | undefined {
	for (const seclabel of layer.seclabels) {
		if (!isSelinuxModel(seclabel.model?.value) || seclabel.relabel?.value === 'no') {
			continue;
		}
		const labelElement = seclabel.labels[0];
		if (!labelElement) {
			continue;
		}
		const parsed = labelLevel(textContent(text, labelElement).trim());
		if (!parsed) {
			continue;
		}
		const content = trimmedContentSpan(text, labelElement);
		return { level: parsed.level, value: parsed.value, at: place(content), levelSpan: { start: content.start + parsed.start, end: content.start + parsed.end } };
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
