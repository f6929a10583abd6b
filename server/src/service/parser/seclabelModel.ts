/**
 * The model of a domain's security labels: which `<seclabel>` elements libvirt reads, where, and in
 * which mode (define-time or live XML). Built once per document version from the XML tree; every
 * rule, completion and hover reads this instead of walking XML.
 */
import { XmlAttribute, XmlDocument, XmlElement, getAttribute, parseXml } from './xmlParser';

/**
 * True when the element is in no XML namespace, the only elements libvirt's XPath queries
 * (`./seclabel`, `./devices/disk`, `string(./label)`) match: one under a default namespace
 * (`xmlns='urn:x'` on it or an ancestor) is invisible to libvirt, like an unknown element.
 */
export function inNoNamespace(element: XmlElement): boolean {
	return !element.namespaced;
}

/** The children of that name that libvirt sees (in no namespace). */
export function childElements(element: XmlElement, name: string): XmlElement[] {
	const result: XmlElement[] = [];
	for (const child of element.children) {
		if (child.name === name && !child.namespaced) {
			result.push(child);
		}
	}
	return result;
}

export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
	for (const child of element.children) {
		if (child.name === name && !child.namespaced) {
			return child;
		}
	}
	return undefined;
}

/**
 * `inactive`: a `<domain>` root, the XML `virsh define` reads (VIR_DOMAIN_DEF_PARSE_INACTIVE).
 * `live`: a `<domain id='N'>` as `virsh dumpxml` prints a running guest, or a `<domstatus>` status
 * file; libvirt parses both without the inactive flag, so its live-only rules apply.
 */
export type DocumentKind = 'inactive' | 'live';

export interface DomainSeclabel {
	readonly element: XmlElement;
	readonly type?: XmlAttribute;
	readonly model?: XmlAttribute;
	readonly relabel?: XmlAttribute;
	readonly labels: XmlElement[];
	readonly imagelabels: XmlElement[];
	readonly baselabels: XmlElement[];
}

/** The element a device seclabel overrides labelling for. */
export type DeviceSeclabelOwner =
	| { readonly kind: 'disk'; readonly disk: DiskModel; readonly source: StorageSource }
	| { readonly kind: 'chardev'; readonly chardev: ChardevModel };

export interface DeviceSeclabel {
	readonly element: XmlElement;
	readonly owner: DeviceSeclabelOwner;
	readonly model?: XmlAttribute;
	readonly relabel?: XmlAttribute;
	readonly labelskip?: XmlAttribute;
	readonly labels: XmlElement[];
}

/** One layer of a disk: the disk's own source (depth 0) or a `<backingStore>` below it. */
export interface StorageSource {
	/** The `<disk>` or `<backingStore>` element that carries the `type` attribute. */
	readonly container: XmlElement;
	readonly source?: XmlElement;
	/** Storage type: file, block, dir, network, volume, nvme, vhostuser, vdpa (file when absent). */
	readonly type: string;
	readonly depth: number;
	/** Image format: `<driver type>` for the disk, `<format type>` for a backing store. */
	readonly format?: string;
	readonly seclabels: DeviceSeclabel[];
}

export interface DiskModel {
	readonly element: XmlElement;
	readonly device: string;
	readonly bus?: string;
	readonly targetDev?: string;
	readonly readonly?: XmlElement;
	readonly shareable?: XmlElement;
	readonly transient?: XmlElement;
	/** The disk itself first, then its backing chain from the top down. */
	readonly layers: StorageSource[];
}

export interface ChardevModel {
	readonly element: XmlElement;
	/** serial, parallel, console or channel. */
	readonly kind: string;
	/** The chardev source type (pty when absent). */
	readonly type: string;
	/** The first `<source>`, the only one libvirt reads seclabels from. */
	readonly source?: XmlElement;
	readonly seclabels: DeviceSeclabel[];
}

export interface SeclabelDocument {
	readonly xml: XmlDocument;
	/** Null when the document is not a libvirt domain (no `<domain>` or `<domstatus>` root). */
	readonly domain: XmlElement | null;
	readonly kind: DocumentKind;
	readonly seclabels: DomainSeclabel[];
	readonly disks: DiskModel[];
	readonly chardevs: ChardevModel[];
	/** Every device seclabel libvirt reads, in document order. */
	readonly deviceSeclabels: DeviceSeclabel[];
	/** `<seclabel>` elements in places libvirt never reads. */
	readonly strayseclabels: XmlElement[];
	/** Set when the root element is something other than a domain, which is then not parsed. */
	readonly otherRoot?: boolean;
	/**
	 * The root device element when the document is an attach-device fragment (`<disk>`, a chardev):
	 * `domain` is then null and the device is the model's only disk or chardev. In a fragment
	 * checked inside its guest (features/attachTarget.ts) `domain` is the guest and this the device.
	 */
	readonly fragment?: XmlElement;
}

/**
 * Roots of the XML `virsh attach-device`, `update-device` and `detach-device` read that carry a
 * device seclabel: libvirt parses the device alone (virDomainDeviceDefParse) and checks it against
 * the guest it is attached to.
 */
export const FRAGMENT_ELEMENTS = ['disk', 'serial', 'parallel', 'console', 'channel'];

export const CHARDEV_ELEMENTS = ['serial', 'parallel', 'console', 'channel'];

/**
 * The name of the first element, skipping the prolog (XML declaration, comments, processing
 * instructions, DOCTYPE), without parsing the rest: how other XML is told apart for next to nothing.
 */
export function rootElementName(text: string): string | undefined {
	let i = 0;
	for (;;) {
		const lt = text.indexOf('<', i);
		if (lt < 0) {
			return undefined;
		}
		if (text.startsWith('<!--', lt)) {
			const close = text.indexOf('-->', lt + 4);
			if (close < 0) return undefined;
			i = close + 3;
		} else if (text.startsWith('<?', lt)) {
			const close = text.indexOf('?>', lt + 2);
			if (close < 0) return undefined;
			i = close + 2;
		} else if (text.startsWith('<!', lt)) {
			// DOCTYPE, possibly with an internal subset: skip to the '>' after any ']'.
			const bracket = text.indexOf('[', lt);
			const gt = text.indexOf('>', lt);
			if (gt < 0) return undefined;
			if (bracket >= 0 && bracket < gt) {
				const close = text.indexOf(']', bracket);
				if (close < 0) return undefined;
				const after = text.indexOf('>', close);
				if (after < 0) return undefined;
				i = after + 1;
			} else {
				i = gt + 1;
			}
		} else {
			const match = /^<([A-Za-z_:][\w:.-]*)/.exec(text.slice(lt, lt + 200));
			return match ? match[1] : undefined;
		}
	}
}

/** True when the document's root is a libvirt domain (`<domain>` or a `<domstatus>` status file). */
export function looksLikeDomain(text: string): boolean {
	const name = rootElementName(text);
	return name === 'domain' || name === 'domstatus';
}

export function parseSeclabelDocument(text: string): SeclabelDocument {
	return buildModel(parseXml(text));
}

export function buildModel(xml: XmlDocument): SeclabelDocument {
	const root = xml.root;
	let domain: XmlElement | null = null;
	let kind: DocumentKind = 'inactive';
	if (root?.name === 'domain') {
		domain = root;
		const id = getAttribute(root, 'id');
		// libvirt formats inactive domains without an id (or with id='-1' in old output).
		if (id && id.value !== null && id.value !== '-1') {
			kind = 'live';
		}
	} else if (root?.name === 'domstatus') {
		domain = firstChild(root, 'domain') ?? null;
		kind = 'live';
	} else if (root && !root.namespaced && FRAGMENT_ELEMENTS.includes(root.name)) {
		return buildFragmentModel(xml, root);
	}
	const model: SeclabelDocument = { xml, domain, kind, seclabels: [], disks: [], chardevs: [], deviceSeclabels: [], strayseclabels: [] };
	if (!domain) {
		return model;
	}
	const read = new Set<XmlElement>();
	for (const element of childElements(domain, 'seclabel')) {
		read.add(element);
		model.seclabels.push({
			element,
			type: getAttribute(element, 'type'),
			model: getAttribute(element, 'model'),
			relabel: getAttribute(element, 'relabel'),
			labels: childElements(element, 'label'),
			imagelabels: childElements(element, 'imagelabel'),
			baselabels: childElements(element, 'baselabel'),
		});
	}
	for (const devices of childElements(domain, 'devices')) {
		for (const device of devices.children) {
			if (!inNoNamespace(device)) {
				continue;
			}
			if (device.name === 'disk') {
				const disk = readDisk(device, model, read);
				model.disks.push(disk);
			} else if (CHARDEV_ELEMENTS.includes(device.name)) {
				model.chardevs.push(readChardev(device, model, read));
			}
		}
	}
	collectStraySeclabels(domain, read, model.strayseclabels, xml.text);
	return model;
}

/**
 * An attach-device fragment: the device is read exactly as inside `<devices>`. `attach-device`
 * parses it as define-time XML (VIR_DOMAIN_DEF_PARSE_INACTIVE); a `<!-- libvirt-seclabel:
 * update-device --live -->` comment says it is meant for `update-device --live`, parsed as live XML.
 */
function buildFragmentModel(xml: XmlDocument, root: XmlElement): SeclabelDocument {
	const live = /<!--\s*libvirt-seclabel:[^>]*update-device\s+--live/.test(xml.text.slice(0, root.start));
	const model: SeclabelDocument = { xml, domain: null, kind: live ? 'live' : 'inactive', seclabels: [], disks: [], chardevs: [], deviceSeclabels: [], strayseclabels: [], fragment: root };
	const read = new Set<XmlElement>();
	if (root.name === 'disk') {
		model.disks.push(readDisk(root, model, read));
	} else {
		model.chardevs.push(readChardev(root, model, read));
	}
	collectStraySeclabels(root, read, model.strayseclabels, xml.text);
	return model;
}

function readDeviceSeclabels(source: XmlElement | undefined, owner: DeviceSeclabelOwner, model: SeclabelDocument, read: Set<XmlElement>): DeviceSeclabel[] {
	if (!source) {
		return [];
	}
	const result: DeviceSeclabel[] = [];
	for (const element of childElements(source, 'seclabel')) {
		read.add(element);
		const seclabel: DeviceSeclabel = {
			element,
			owner,
			model: getAttribute(element, 'model'),
			relabel: getAttribute(element, 'relabel'),
			labelskip: getAttribute(element, 'labelskip'),
			labels: childElements(element, 'label'),
		};
		result.push(seclabel);
		model.deviceSeclabels.push(seclabel);
	}
	return result;
}

function readDisk(element: XmlElement, model: SeclabelDocument, read: Set<XmlElement>): DiskModel {
	const target = firstChild(element, 'target');
	const disk: DiskModel = {
		element,
		device: getAttribute(element, 'device')?.value ?? 'disk',
		bus: target ? getAttribute(target, 'bus')?.value ?? undefined : undefined,
		targetDev: target ? getAttribute(target, 'dev')?.value ?? undefined : undefined,
		readonly: firstChild(element, 'readonly'),
		shareable: firstChild(element, 'shareable'),
		transient: firstChild(element, 'transient'),
		layers: [],
	};
	let container: XmlElement | undefined = element;
	let depth = 0;
	// The backing chain is a nested list; walk it iteratively so that a pathological depth cannot
	// overflow the stack.
	while (container && depth < 10000) {
		const source = firstChild(container, 'source');
		const formatElement = depth === 0 ? firstChild(container, 'driver') : firstChild(container, 'format');
		const layerSeclabels: DeviceSeclabel[] = [];
		const layer: StorageSource = {
			container,
			source,
			type: getAttribute(container, 'type')?.value ?? 'file',
			depth,
			format: formatElement ? getAttribute(formatElement, 'type')?.value ?? undefined : undefined,
			seclabels: layerSeclabels,
		};
		layerSeclabels.push(...readDeviceSeclabels(source, { kind: 'disk', disk, source: layer }, model, read));
		disk.layers.push(layer);
		container = firstChild(container, 'backingStore');
		depth++;
	}
	return disk;
}

function readChardev(element: XmlElement, model: SeclabelDocument, read: Set<XmlElement>): ChardevModel {
	const seclabels: DeviceSeclabel[] = [];
	const source = firstChild(element, 'source');
	const chardev: ChardevModel = {
		element,
		kind: element.name,
		type: getAttribute(element, 'type')?.value ?? 'pty',
		source,
		seclabels,
	};
	seclabels.push(...readDeviceSeclabels(source, { kind: 'chardev', chardev }, model, read));
	return chardev;
}

function collectStraySeclabels(domain: XmlElement, read: Set<XmlElement>, out: XmlElement[], text: string): void {
	// When the text has no more '<seclabel' than were read, there is nothing stray: skip the walk
	// over every element, which is most of the model's cost for a domain with thousands of disks.
	let occurrences = 0;
	for (let at = text.indexOf('<seclabel'); at >= 0 && occurrences <= read.size; at = text.indexOf('<seclabel', at + 9)) {
		occurrences++;
	}
	if (occurrences <= read.size) {
		return;
	}
	const pending: XmlElement[] = [...domain.children];
	while (pending.length > 0) {
		const element = pending.pop()!;
		if (element.name === 'seclabel') {
			if (!read.has(element)) {
				out.push(element);
			}
			// Children of a seclabel are its labels, never further seclabels.
			continue;
		}
		for (const child of element.children) {
			pending.push(child);
		}
	}
	out.sort((a, b) => a.start - b.start);
}

/** The device that owns a device seclabel, for messages ("disk 'vda'", "serial port"). */
export function describeOwner(owner: DeviceSeclabelOwner): string {
	if (owner.kind === 'disk') {
		const where = owner.disk.targetDev ? `disk '${owner.disk.targetDev}'` : 'disk';
		return owner.source.depth > 0 ? `backing store ${owner.source.depth} of ${where}` : where;
	}
	return `${owner.chardev.kind} device`;
}
