/**
 * The model of a domain's security labels: which `<seclabel>` elements libvirt reads, where, and in
 * which mode (define-time or live XML). Built once per document version from the XML tree; every
 * rule, completion and hover reads this instead of walking XML.
 */
import { XmlAttribute, XmlDocument, XmlElement, getAttribute, parseXml, prefixBound } from './xmlParser';
import { applyInternalSubset, libvirtText } from './dtdSubset';
import { DATA_STORE, NVRAM_SOURCE, UDP_SECOND_SOURCE_UNREAD } from '../version';
import { hasLiveDirective } from './directives';
import type { Splice } from './incrementalParse';

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
 * `inactive`: the XML `virsh define`, `create` and `attach-device` read: libvirt parses it with
 * VIR_DOMAIN_DEF_PARSE_INACTIVE whatever it says, an `id` on `<domain>` included (a `virsh dumpxml`
 * of a running guest, edited and defined again, is inactive XML).
 * `live`: XML libvirt parses without that flag, so that its live-only rules apply: a `<domstatus>`
 * status file (/run/libvirt/qemu/NAME.xml, read when the daemon starts), a document with a
 * `<!-- libvirt-seclabel: live -->` comment (for a device: meant for `update-device --live`), and a
 * running guest's XML the caller read from a host and says is live ({@link ModelOptions}).
 */
export type DocumentKind = 'inactive' | 'live';

/** What the caller knows about a document that its text does not say. */
export interface ModelOptions {
	/**
	 * The kind, when the caller knows it: `live` for the XML of a running guest read from a host
	 * (`virsh dumpxml` without `--inactive`), `inactive` for a definition. It wins over what the
	 * document says; without it the document decides (see {@link DocumentKind}).
	 */
	readonly kind?: DocumentKind;
}

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
	| { readonly kind: 'chardev'; readonly chardev: ChardevModel }
	/** `<os><nvram type=…><source>`: a storage source libvirt reads seclabels from since 8.5.0. */
	| { readonly kind: 'nvram'; readonly source: StorageSource };

export interface DeviceSeclabel {
	readonly element: XmlElement;
	readonly owner: DeviceSeclabelOwner;
	readonly model?: XmlAttribute;
	readonly relabel?: XmlAttribute;
	readonly labelskip?: XmlAttribute;
	readonly labels: XmlElement[];
	/**
	 * The first libvirt release that reads a seclabel at this place (`<nvram>` 8.5.0, `<dataStore>`
	 * 10.10.0), when not every supported release does; older releases ignore it (parseSites.ts).
	 */
	readonly since?: string;
	/** The first release that no longer reads it (a UDP chardev's second `<source>`: 7.0.0 reads it, 9.0.0 does not). */
	readonly before?: string;
	/**
	 * Before this release the seclabel is parsed (a malformed one is refused) but then replaced:
	 * libvirt 7.0.0 parses each `<source>` of a UDP chardev into the same list, so a second source
	 * with seclabels replaces the first's, which are never validated or used (checked with the 7.0.0
	 * oracle: a refused override in the first source is accepted when the second has a seclabel).
	 */
	readonly replacedBefore?: string;
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
	/** Where the source sits, when it is not a disk's own source or backing chain. */
	readonly role?: 'dataStore' | 'mirror' | 'nvram';
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
	/** The `<dataStore>` inside the top `<source>` (a qcow2 data file), with its own seclabels. */
	dataStore?: StorageSource;
	/**
	 * The `<mirror>` of a block job and its backing chain: libvirt parses it only in live XML, so in
	 * a document `virsh define` reads it stays empty and its seclabels are stray.
	 */
	readonly mirror: StorageSource[];
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
	/**
	 * For the first `<console>` with a serial target, when the domain has a serial port whose source
	 * differs: libvirt replaces the console by a copy of that serial after parsing, so the console's
	 * own seclabels are parsed (and refused when malformed) but never validated or used.
	 */
	aliasOf?: ChardevModel;
}

export interface SeclabelDocument {
	readonly xml: XmlDocument;
	/** Null when the document is not a libvirt domain (no `<domain>` or `<domstatus>` root). */
	readonly domain: XmlElement | null;
	readonly kind: DocumentKind;
	readonly seclabels: DomainSeclabel[];
	readonly disks: DiskModel[];
	readonly chardevs: ChardevModel[];
	/** `<os><nvram>` with a `<source>` (the storage-source form of 8.5.0), when there is one. */
	nvram?: StorageSource;
	/** Every device seclabel libvirt reads, in document order. */
	readonly deviceSeclabels: DeviceSeclabel[];
	/** `<seclabel>` elements in places libvirt never reads. */
	readonly strayseclabels: XmlElement[];
	/**
	 * The `<redirdev>` and `<controller>` children of `<devices>` (no namespace), in document order:
	 * what rules/redirdev-usb-disabled.ts reads on every keystroke, kept here so that it never walks
	 * 100,000 disks. Absent when there are none.
	 */
	readonly usbDevices?: readonly XmlElement[];
	/** Set when the root element is something other than a domain, which is then not parsed. */
	readonly otherRoot?: boolean;
	/**
	 * The root's name when it is a domain's or a fragment's with an unbound prefix (`<q:domain>`,
	 * `<q:disk>`, and no `xmlns:q`): libxml2 keeps the name whole and libvirt refuses the document for
	 * its root, before anything else (rules/root-prefix-unbound.ts). `domain` is then null.
	 */
	readonly refusedRoot?: string;
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

/** Devices SeclabelDocument.usbDevices lists. */
const USB_DEVICE_ELEMENTS = ['redirdev', 'controller'];

/**
 * The local name of the first element, skipping the prolog (XML declaration, comments, processing
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
			if (!match) return undefined;
			// A prefix bound in the root's own start tag is dropped, as libvirt compares the local
			// name (rootName); an unbound one stays, and the root is then another element.
			const colon = match[1].indexOf(':');
			if (colon > 0) {
				const end = text.indexOf('>', lt);
				const declaration = new RegExp(`\\sxmlns:${match[1].slice(0, colon).replace(/[.]/g, '\\.')}\\s*=\\s*(?:"[^"]|'[^'])`);
				if (declaration.test(text.slice(lt, end < 0 ? text.length : end))) {
					return match[1].slice(colon + 1);
				}
			}
			return match[1];
		}
	}
}

/**
 * True for a root name libxml2 keeps whole because its prefix is bound nowhere (`q:domain`,
 * `q:disk`): meant as a domain or an attach-device fragment, refused by libvirt for its name (see
 * SeclabelDocument.refusedRoot).
 */
export function isRefusedRootName(name: string): boolean {
	const colon = name.indexOf(':');
	const local = name.slice(colon + 1);
	return colon > 0 && (local === 'domain' || FRAGMENT_ELEMENTS.includes(local));
}

/** True when the document's root is a libvirt domain (`<domain>` or a `<domstatus>` status file). */
export function looksLikeDomain(text: string): boolean {
	const name = rootElementName(text);
	return name === 'domain' || name === 'domstatus';
}

export function parseSeclabelDocument(text: string, options: ModelOptions = {}): SeclabelDocument {
	return buildModel(parseXml(text), options);
}

/**
 * The root's name as libvirt compares it: libxml2's local name. libvirt checks the root with
 * virXMLNodeNameEqual (the name without its prefix), so `<q:domain xmlns:q='urn:x'>` is a domain
 * whose unprefixed children libvirt reads as usual; with an unbound prefix libxml2 keeps `q:domain`
 * whole, which libvirt refuses as another root (checked with `virsh define` at 7.0.0, 9.0.0, 11.3.0
 * and 12.9.0).
 */
export function rootName(root: XmlElement): string {
	const colon = root.name.indexOf(':');
	return colon > 0 && prefixBound(root, root.name.slice(0, colon)) ? root.name.slice(colon + 1) : root.name;
}

export function buildModel(xml: XmlDocument, options: ModelOptions = {}): SeclabelDocument {
	const root = xml.root;
	// A DOCTYPE with an internal subset changes attribute values and text as libxml2 reads them.
	if (root && xml.text.lastIndexOf('<!DOCTYPE', root.start) >= 0) {
		applyInternalSubset(xml);
	}
	let domain: XmlElement | null = null;
	let kind: DocumentKind = 'inactive';
	const name = root ? rootName(root) : undefined;
	if (root && name === 'domain') {
		// An `id` (a running guest's dump) changes nothing: `virsh define` parses it inactive.
		domain = root;
		kind = hasLiveDirective(xml.text, root.start) ? 'live' : 'inactive';
	} else if (root && name === 'domstatus') {
		domain = firstChild(root, 'domain') ?? null;
		kind = 'live';
	} else if (root && name !== undefined && !root.namespaced && FRAGMENT_ELEMENTS.includes(name)) {
		// A bound prefix (`<q:disk xmlns:q='…'>`) is a fragment too: libvirt takes the device type
		// from the root's local name (virDomainDeviceDefParse; attach-device at 11.3.0 and 12.9.0).
		return buildFragmentModel(xml, root, name, options.kind);
	}
	kind = options.kind ?? kind;
	const model: SeclabelDocument = { xml, domain, kind, seclabels: [], disks: [], chardevs: [], deviceSeclabels: [], strayseclabels: [], ...(name !== undefined && isRefusedRootName(name) ? { refusedRoot: name } : {}) };
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
	const os = firstChild(domain, 'os');
	const nvram = os ? firstChild(os, 'nvram') : undefined;
	// Only the storage-source form (<nvram type='file'><source file=…/>) has a <source>; libvirt
	// ignores a <source> under an untyped <nvram>, whose text is the path.
	if (nvram && getAttribute(nvram, 'type') && firstChild(nvram, 'source')) {
		model.nvram = readStorageSource(nvram, 0, 'nvram', (layer) => ({ kind: 'nvram', source: layer }), model, read, NVRAM_SOURCE.since);
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
			} else if (USB_DEVICE_ELEMENTS.includes(device.name)) {
				((model as { usbDevices?: XmlElement[] }).usbDevices ??= []).push(device);
			}
		}
	}
	markConsoleAlias(model);
	if (model.nvram || model.chardevs.some((chardev) => chardev.type === 'udp') || model.disks.some((disk) => disk.dataStore || disk.mirror.length > 0)) {
		// Sites read out of document order (the nvram before the devices, a data store after its chain).
		model.deviceSeclabels.sort((a, b) => a.element.start - b.element.start);
	}
	collectStraySeclabels(domain, read, model.strayseclabels, xml.text);
	return model;
}

/**
 * An attach-device fragment: the device is read exactly as inside `<devices>`. `attach-device`
 * parses it as define-time XML (VIR_DOMAIN_DEF_PARSE_INACTIVE); a `<!-- libvirt-seclabel:
 * live -->` comment says it is meant for `update-device --live`, which parses it as live XML.
 */
function buildFragmentModel(xml: XmlDocument, root: XmlElement, device: string, given?: DocumentKind): SeclabelDocument {
	const kind = given ?? (hasLiveDirective(xml.text, root.start) ? 'live' : 'inactive');
	const model: SeclabelDocument = { xml, domain: null, kind, seclabels: [], disks: [], chardevs: [], deviceSeclabels: [], strayseclabels: [], fragment: root };
	const read = new Set<XmlElement>();
	if (device === 'disk') {
		model.disks.push(readDisk(root, model, read));
	} else {
		model.chardevs.push(readChardev(root, model, read, device));
	}
	collectStraySeclabels(root, read, model.strayseclabels, xml.text);
	return model;
}

/**
 * What patchModel changed between two versions: the one device whose model was built again (the
 * others are the previous version's objects, their elements moved in place by the incremental
 * parse), where it is, and the text change. The guest summary (workspace/guestSummary.ts) patches
 * itself from this.
 */
export interface ModelPatch {
	readonly previous: SeclabelDocument;
	/** The device element in the new tree, and its span in the previous version's text. */
	readonly device: XmlElement;
	readonly oldDeviceSpan: { readonly start: number; readonly end: number };
	readonly oldDisk?: DiskModel;
	readonly newDisk?: DiskModel;
	readonly oldChardev?: ChardevModel;
	readonly newChardev?: ChardevModel;
	readonly splice: Splice;
}

const modelPatches = new WeakMap<SeclabelDocument, ModelPatch>();

/** How the model of a document was made from the previous version's, when it was patched. */
export function modelPatchOf(doc: SeclabelDocument): ModelPatch | undefined {
	return modelPatches.get(doc);
}

/** How often patchModel patched and why it built the model in full instead: for tests and the bench. */
export const modelPatchStats = { patched: 0, rebuilt: {} as Record<string, number> };

function rebuilt(reason: string): undefined {
	modelPatchStats.rebuilt[reason] = (modelPatchStats.rebuilt[reason] ?? 0) + 1;
	return undefined;
}

/** Whether buildModel sorts the device seclabels (some are read out of document order). */
export function sortsDeviceSeclabels(model: Pick<SeclabelDocument, 'nvram' | 'chardevs' | 'disks'>): boolean {
	return !!model.nvram || model.chardevs.some((chardev) => chardev.type === 'udp') || disksReadOutOfOrder(model.disks);
}

/** Per device seclabel list: whether a seclabel is read only by some releases (`since`, `before`). Asked by every site view (parseSites.ts). */
const versionedLists = new WeakMap<readonly DeviceSeclabel[], boolean>();

export function hasVersionedSeclabels(list: readonly DeviceSeclabel[]): boolean {
	let value = versionedLists.get(list);
	if (value === undefined) {
		value = list.some((seclabel) => seclabel.since !== undefined || seclabel.before !== undefined);
		versionedLists.set(list, value);
	}
	return value;
}

/** Per disk list (a model's, shared by its site views): whether a disk has a data store or a mirror. Asked a few times per keystroke. */
const outOfOrderDisks = new WeakMap<readonly DiskModel[], boolean>();

function disksReadOutOfOrder(disks: readonly DiskModel[]): boolean {
	let value = outOfOrderDisks.get(disks);
	if (value === undefined) {
		value = disks.some((disk) => disk.dataStore !== undefined || disk.mirror.length > 0);
		outOfOrderDisks.set(disks, value);
	}
	return value;
}

/** The index of the device model whose element is `element`, by binary search on the start (the list is in document order). */
function indexByStart<T extends { readonly element: XmlElement }>(list: readonly T[], element: XmlElement): number {
	let low = 0;
	let high = list.length - 1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		const start = list[middle].element.start;
		if (start === element.start) {
			return list[middle].element === element ? middle : list.findIndex((item) => item.element === element);
		}
		if (start < element.start) low = middle + 1; else high = middle - 1;
	}
	return list.findIndex((item) => item.element === element);
}

function insideOf(element: XmlElement, ancestors: readonly XmlElement[]): boolean {
	for (let node: XmlElement | null = element; node; node = node.parent) {
		if (ancestors.includes(node)) {
			return true;
		}
	}
	return false;
}

/** Stray seclabels inside one element (the walk of collectStraySeclabels, on one subtree). */
function straysIn(element: XmlElement, read: Set<XmlElement>): XmlElement[] {
	const out: XmlElement[] = [];
	const pending: XmlElement[] = [element];
	while (pending.length > 0) {
		const node = pending.pop()!;
		if (node.name === 'seclabel') {
			if (!read.has(node)) {
				out.push(node);
			}
			continue;
		}
		for (const child of node.children) {
			pending.push(child);
		}
	}
	return out;
}

/**
 * The model of `xml`, made from `previous` (the model of the version before an incremental parse,
 * see parser/incrementalParse.ts) when the edit lies inside one device of the domain: that device
 * is read again from its new subtree and every other part of the model is the previous one (whose
 * elements the incremental parse moved in place). Undefined when only buildModel is sure to give the
 * same model: the edit is outside every device, a namespace is involved, or the order of the device
 * seclabels would change. The edit-differential test compares every patched model with a fresh one.
 */
export function patchModel(previous: SeclabelDocument, xml: XmlDocument, splice: Splice): SeclabelDocument | undefined {
	const domain = previous.domain;
	if (!domain || previous.fragment || previous.otherRoot || !xml.root) {
		return rebuilt('not a domain');
	}
	// The device element: the child of <devices> (a child of the domain) at or above the new element.
	let device: XmlElement = splice.fresh;
	while (device.parent && !(device.parent.name === 'devices' && !device.parent.namespaced && device.parent.parent === domain)) {
		device = device.parent;
	}
	if (!device.parent) {
		return rebuilt('outside every device');
	}
	const oldDevice = device === splice.fresh ? splice.replaced : device;
	if (device.namespaced || oldDevice.namespaced || device.name !== oldDevice.name) {
		return rebuilt('namespaced device');
	}
	const oldDeviceSpan = { start: device.start, end: device.end - splice.delta };
	const scratch: SeclabelDocument = { ...previous, xml, disks: [], chardevs: [], deviceSeclabels: [], strayseclabels: [] };
	const read = new Set<XmlElement>();
	let disks = previous.disks;
	let chardevs = previous.chardevs;
	let oldDisk: DiskModel | undefined;
	let newDisk: DiskModel | undefined;
	let oldChardev: ChardevModel | undefined;
	let newChardev: ChardevModel | undefined;
	if (device.name === 'disk') {
		const index = indexByStart(previous.disks, oldDevice);
		if (index < 0) {
			return rebuilt('device not in the model');
		}
		oldDisk = previous.disks[index];
		newDisk = readDisk(device, scratch, read);
		disks = previous.disks.slice();
		disks[index] = newDisk;
		if (!disksReadOutOfOrder(previous.disks) && newDisk.dataStore === undefined && newDisk.mirror.length === 0) {
			// No disk had a data store or a mirror, and this one has none either: known without a walk.
			outOfOrderDisks.set(disks, false);
		}
	} else if (CHARDEV_ELEMENTS.includes(device.name)) {
		const index = indexByStart(previous.chardevs, oldDevice);
		if (index < 0) {
			return rebuilt('device not in the model');
		}
		oldChardev = previous.chardevs[index];
		newChardev = readChardev(device, scratch, read);
		chardevs = previous.chardevs.slice();
		chardevs[index] = newChardev;
	}
	let usbDevices = previous.usbDevices;
	if (USB_DEVICE_ELEMENTS.includes(device.name)) {
		// The same device, read again: its element is the new one (its attributes may have changed).
		const index = usbDevices ? usbDevices.indexOf(oldDevice) : -1;
		if (index < 0) {
			return rebuilt('device not in the model');
		}
		usbDevices = usbDevices!.slice();
		(usbDevices as XmlElement[])[index] = device;
	}
	const model: SeclabelDocument = { ...previous, xml, disks, chardevs, deviceSeclabels: previous.deviceSeclabels, strayseclabels: previous.strayseclabels, ...(usbDevices ? { usbDevices } : {}) };
	if (newChardev) {
		// Which console aliases the first serial depends on both: decided again over all of them.
		for (const chardev of chardevs) {
			delete chardev.aliasOf;
		}
		markConsoleAlias(model);
	}
	const owned = (seclabel: DeviceSeclabel) => (oldDisk !== undefined && seclabel.owner.kind === 'disk' && seclabel.owner.disk === oldDisk)
		|| (oldChardev !== undefined && seclabel.owner.kind === 'chardev' && seclabel.owner.chardev === oldChardev);
	if (oldDisk || oldChardev) {
		const sorts = sortsDeviceSeclabels(model);
		if (!sorts && sortsDeviceSeclabels(previous)) {
			return rebuilt('device seclabel order');
		}
		if (sorts) {
			const kept = previous.deviceSeclabels.filter((seclabel) => !owned(seclabel));
			(model as { deviceSeclabels: DeviceSeclabel[] }).deviceSeclabels = [...kept, ...scratch.deviceSeclabels].sort((a, b) => a.element.start - b.element.start);
		} else {
			// In reading order each device's seclabels are together, devices in document order: the
			// device's old ones are the run whose owner starts where it starts (found by binary search),
			// and the new ones take their place.
			const list = previous.deviceSeclabels;
			const ownerStart = (seclabel: DeviceSeclabel) => seclabel.owner.kind === 'disk' ? seclabel.owner.disk.element.start : seclabel.owner.kind === 'chardev' ? seclabel.owner.chardev.element.start : -1;
			const firstFrom = (start: number) => {
				let low = 0;
				let high = list.length;
				while (low < high) {
					const middle = (low + high) >> 1;
					if (ownerStart(list[middle]) < start) low = middle + 1; else high = middle;
				}
				return low;
			};
			const from = firstFrom(device.start);
			const to = firstFrom(device.start + 1);
			for (let i = from; i < to; i++) {
				if (!owned(list[i])) {
					return rebuilt('device seclabel order');
				}
			}
			// concat, not spread: a copy of 200,000 pointers, not an iteration.
			(model as { deviceSeclabels: DeviceSeclabel[] }).deviceSeclabels = list.slice(0, from).concat(scratch.deviceSeclabels, list.slice(to));
		}
	}
	if (model.deviceSeclabels !== previous.deviceSeclabels && !hasVersionedSeclabels(previous.deviceSeclabels) && !hasVersionedSeclabels(scratch.deviceSeclabels)) {
		// The old list had none and the device's new ones none: known without a walk.
		versionedLists.set(model.deviceSeclabels, false);
	}
	// Strays: the previous ones outside the device, and those of its new subtree.
	const ancestors = oldDevice === device ? [device] : [device, oldDevice];
	const strays = previous.strayseclabels.filter((element) => !insideOf(element, ancestors));
	const fresh = straysIn(device, read);
	if (fresh.length > 0 || strays.length !== previous.strayseclabels.length) {
		(model as { strayseclabels: XmlElement[] }).strayseclabels = [...strays, ...fresh].sort((a, b) => a.start - b.start);
	}
	modelPatches.delete(previous);
	modelPatches.set(model, { previous, device, oldDeviceSpan, oldDisk, newDisk, oldChardev, newChardev, splice });
	modelPatchStats.patched++;
	return model;
}

function readDeviceSeclabels(source: XmlElement | undefined, owner: DeviceSeclabelOwner, model: SeclabelDocument, read: Set<XmlElement>, since?: string, before?: string, replacedBefore?: string): DeviceSeclabel[] {
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
			...(since ? { since } : {}),
			...(before ? { before } : {}),
			...(replacedBefore ? { replacedBefore } : {}),
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
		mirror: [],
	};
	disk.layers.push(...readChain(element, (layer) => ({ kind: 'disk', disk, source: layer }), model, read));
	const top = disk.layers[0].source;
	const dataStore = top ? firstChild(top, 'dataStore') : undefined;
	// A <dataStore> is a storage source of its own (type, <format>, <source>); libvirt reads it from 10.10.0.
	if (dataStore) {
		disk.dataStore = readStorageSource(dataStore, 0, 'dataStore', (layer) => ({ kind: 'disk', disk, source: layer }), model, read, DATA_STORE.since);
	}
	const mirror = firstChild(element, 'mirror');
	// libvirt parses <mirror> only without VIR_DOMAIN_DEF_PARSE_INACTIVE (a running block job).
	if (mirror && model.kind === 'live') {
		disk.mirror.push(...readChain(mirror, (layer) => ({ kind: 'disk', disk, source: layer }), model, read, 'mirror'));
	}
	return disk;
}

/**
 * A storage source and the backing chain below it, as virDomainStorageSourceParse and
 * virDomainDiskBackingStoreParse read them. A `<backingStore>` without a `type` (libvirt writes
 * `<backingStore/>` for "no backing file") ends the chain: libvirt reads nothing inside it.
 */
function readChain(container: XmlElement, owner: (layer: StorageSource) => DeviceSeclabelOwner, model: SeclabelDocument, read: Set<XmlElement>, role?: StorageSource['role']): StorageSource[] {
	const layers: StorageSource[] = [];
	let current: XmlElement | undefined = container;
	let depth = 0;
	// The backing chain is a nested list; walk it iteratively so that a pathological depth cannot
	// overflow the stack.
	while (current && depth < 10000) {
		layers.push(readStorageSource(current, depth, depth === 0 ? role : role === 'mirror' ? 'mirror' : undefined, owner, model, read));
		current = firstChild(current, 'backingStore');
		if (current && !getAttribute(current, 'type')) {
			break;
		}
		depth++;
	}
	return layers;
}

function readStorageSource(container: XmlElement, depth: number, role: StorageSource['role'], owner: (layer: StorageSource) => DeviceSeclabelOwner, model: SeclabelDocument, read: Set<XmlElement>, since?: string): StorageSource {
	const source = firstChild(container, 'source');
	// The disk's own format is <driver type>; a backing store, mirror or data store has <format type>.
	const formatElement = depth === 0 && container.name === 'disk' ? firstChild(container, 'driver') : firstChild(container, 'format');
	const seclabels: DeviceSeclabel[] = [];
	const layer: StorageSource = {
		container,
		source,
		type: getAttribute(container, 'type')?.value ?? 'file',
		depth,
		format: formatElement ? getAttribute(formatElement, 'type')?.value ?? undefined : undefined,
		seclabels,
		...(role ? { role } : {}),
	};
	seclabels.push(...readDeviceSeclabels(source, owner(layer), model, read, since));
	return layer;
}

/** `kind` is the element's local name: a fragment's root may carry a bound prefix. */
function readChardev(element: XmlElement, model: SeclabelDocument, read: Set<XmlElement>, kind = element.name): ChardevModel {
	const seclabels: DeviceSeclabel[] = [];
	const source = firstChild(element, 'source');
	const chardev: ChardevModel = {
		element,
		kind,
		type: getAttribute(element, 'type')?.value ?? 'pty',
		source,
		seclabels,
	};
	// libvirt 7.0.0 reads the seclabels of both sources of a UDP chardev (the second's replace the
	// first's when it has any); 9.0.0 only the first's.
	const second = chardev.type === 'udp' ? childElements(element, 'source')[1] : undefined;
	const replaced = second !== undefined && firstChild(second, 'seclabel') !== undefined;
	seclabels.push(...readDeviceSeclabels(source, { kind: 'chardev', chardev }, model, read, undefined, undefined, replaced ? UDP_SECOND_SOURCE_UNREAD.since : undefined));
	if (second) {
		seclabels.push(...readDeviceSeclabels(second, { kind: 'chardev', chardev }, model, read, undefined, UDP_SECOND_SOURCE_UNREAD.since));
	}
	return chardev;
}

/**
 * libvirt's console compatibility (virDomainDefAddConsoleCompat): when the first `<console>` has a
 * serial target (or none) and the domain has a serial port, and the two sources differ, the console
 * of an HVM guest is replaced by a copy of the first serial after parsing, so nothing of its own source (its
 * seclabels included) is validated or used. When the sources are equal it keeps its own source.
 * Checked with `virsh -c test:///default define` (9.0.0): a pty console with a relabel='no'
 * override under a `type='none'` domain label is refused beside a pty serial, accepted beside a
 * file serial; a file console is refused beside a file serial with the same path only.
 */
function markConsoleAlias(model: SeclabelDocument): void {
	if (!model.domain || osType(model) !== 'hvm') {
		// libvirt's compatibility step is for HVM guests only: an lxc (`exe`) or Xen PV guest keeps its
		// console, whose labels are validated (an lxc console with a refused override, checked with the
		// four oracles: refused, where the same console of a kvm guest is accepted).
		return;
	}
	const serial = model.chardevs.find((chardev) => chardev.kind === 'serial');
	const console = model.chardevs.find((chardev) => chardev.kind === 'console');
	if (!serial || !console) {
		return;
	}
	const target = firstChild(console.element, 'target');
	const targetType = target ? getAttribute(target, 'type')?.value ?? 'serial' : 'serial';
	if (targetType !== 'serial' || chardevSourcesEqual(serial, console, model.kind === 'live')) {
		return;
	}
	console.aliasOf = serial;
}

/** The guest's OS type as libvirt reads it (`string(./os/type[1])`): `hvm`, `exe`, `linux`, … */
export function osType(model: SeclabelDocument): string | undefined {
	const os = model.domain && firstChild(model.domain, 'os');
	const type = os && firstChild(os, 'type');
	return type ? libvirtText(model.xml, type) : undefined;
}

/** virDomainChrSourceDefIsEqual for the attributes the inactive parse keeps (a pty's path is live-only). */
function chardevSourcesEqual(a: ChardevModel, b: ChardevModel, live: boolean): boolean {
	if (a.type !== b.type) {
		return false;
	}
	const attribute = (chardev: ChardevModel, name: string) => (chardev.source ? getAttribute(chardev.source, name)?.value ?? null : null);
	const same = (...names: string[]) => names.every((name) => attribute(a, name) === attribute(b, name));
	switch (a.type) {
		case 'pty':
			return !live || same('path');
		case 'file':
			return same('path', 'append');
		case 'dev':
		case 'pipe':
			return same('path');
		case 'unix':
			return same('path', 'mode');
		case 'tcp':
		case 'udp':
			return same('host', 'service', 'mode');
		default:
			return true;
	}
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
	if (owner.kind === 'nvram') {
		return 'NVRAM';
	}
	if (owner.kind === 'disk' && owner.source.role === 'dataStore') {
		return `data store of ${owner.disk.targetDev ? `disk '${owner.disk.targetDev}'` : 'disk'}`;
	}
	if (owner.kind === 'disk' && owner.source.role === 'mirror') {
		return `mirror of ${owner.disk.targetDev ? `disk '${owner.disk.targetDev}'` : 'disk'}`;
	}
	if (owner.kind === 'disk') {
		const where = owner.disk.targetDev ? `disk '${owner.disk.targetDev}'` : 'disk';
		return owner.source.depth > 0 ? `backing store ${owner.source.depth} of ${where}` : where;
	}
	return `${owner.chardev.kind} device`;
}
