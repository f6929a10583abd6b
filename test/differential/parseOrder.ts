/**
 * The order in which libvirt meets the define-time errors the project reports, so that the
 * differential test can check not only that libvirt's message is among ours but that it is the one
 * libvirt reaches first (libvirt stops at its first error; the project reports all of them).
 *
 * The order, from domain_conf.c and domain_validate.c and confirmed with
 * `virsh -c test:///default define` on hand-written probes:
 * 0. the domain's name (virDomainDefParseIDs: `missing name information` before a bad seclabel);
 * 1. domain seclabels, one after another (virSecurityLabelDefsParseXML), each through type,
 *    relabel, the relabel/type checks, label, imagelabel, then the duplicate-model check;
 * 2. the model checks over all domain seclabels (missing model, missing model with several);
 * 2½. the `<nvram>` source's seclabels (the `<os>` element is read before the devices);
 * 3. devices by kind (disks, then parallel, serial, console and channel ports), each in document
 *    order; in a disk the top `<source>` before its backing chain, whatever the document order; in a
 *    character device the `<source>` count before its seclabels; in each seclabel the duplicate
 *    model, relabel, labelskip, label-with-relabel-no, then relabel-without-label checks; a
 *    backing store's type, format and source before the seclabels of that layer; a `<dataStore>`
 *    (its format, then its seclabels) after the top source's seclabels;
 * 4. the console compatibility step (a second serial console), then validation after everything
 *    is parsed: disks before character devices, and in a vhost-user disk the
 *    readonly/shareable/transient check before the seclabel cross-check, and a character
 *    device's missing path before its seclabel cross-check, an empty disk after its cross-check;
 *    in 7.0.0 (DISK_SOURCE_VALIDATED) an empty disk is refused while it is parsed. Disks are
 *    validated in the order virDomainDiskInsert gave them while parsing, not in document order:
 *    each disk goes before the first disk of the same `bus` attribute with a higher target index
 *    (vda < vdb < vdaa), else after the last of that bus, else at the end (diskValidationOrder).
 *    Every release agrees on this (probed at 7.0.0, 9.0.0, 11.3.0 and 12.9.0: an empty `vda`
 *    written after a `vdb` with a refused override is reported first; bus-less disks compare as one
 *    bus, `sda` before `vdb`, since the bus is derived from the name only after the insertion).
 *
 * One step differs by version: libvirt 7.0.0 walks a character device's children in document
 * order, parsing each `<source>`'s seclabels as it meets them and refusing an extra `<source>`
 * only when it reaches it (its virDomainChrSourceDefParseXML); 9.0.0 counts the sources first
 * (virXPathNodeSet). The rewrite is proven only between those two oracles, so it is placed with
 * the other XML-parsing rewrites (XML_PROP_PARSING).
 */
import { firstChild, osType, type DeviceSeclabel, type SeclabelDocument } from '../../server/src/service/parser/seclabelModel';
import { getAttribute, type XmlElement } from '../../server/src/service/parser/xmlParser';
import { DISK_SOURCE_VALIDATED, NEWEST_VERSION, parseVersion, since, XML_PROP_PARSING } from '../../server/src/service/version';

const DOMAIN_SECLABEL_RULES = ['seclabel-type-invalid', 'relabel-invalid', 'dynamic-relabel-no', 'none-relabel-yes', 'model-none-type', 'label-missing', 'imagelabel-missing', 'duplicate-model'];
const DOMAIN_MODEL_RULES = ['model-missing', 'model-missing-multiple'];
const DEVICE_SECLABEL_RULES = ['device-duplicate-model', 'relabel-invalid', 'labelskip-invalid', 'device-label-relabel-no', 'device-relabel-without-label'];
// In each device's validation: the LUN and vhost-user checks, a removed protocol, the data store's, the chardev source's
// (path and address share virDomainChrSourceDefValidate), the seclabel cross-check, the empty disk.
// A removed protocol (sheepdog) is refused in its disk's validation, before the disk's cross-check
// (11.3.0 and 12.9.0: an earlier disk's override is reported first, a later disk's after it).
const VALIDATION_RULES = ['disk-lun-invalid', 'vhostuser-disk-flags', 'disk-protocol-removed', 'data-store-invalid', 'chardev-source-path-missing', 'device-override-needs-relabel', 'disk-source-missing'];
const VALIDATION_ALIASES: Record<string, string> = { 'chardev-source-attribute-missing': 'chardev-source-path-missing' };
const PARSE_KIND_ORDER = ['disk', 'parallel', 'serial', 'console', 'channel'];
// Validation walks the devices as virDomainDeviceInfoIterateFlags does: disks, then serial,
// parallel, channel and console ports (every release: a channel's missing path is reported before
// a console's, a serial's before a parallel's), then the other devices (a USB redirdev).
const VALIDATION_KIND_ORDER = ['disk', 'serial', 'parallel', 'channel', 'console'];

function contains(element: XmlElement, offset: number): boolean {
	return element.start <= offset && offset < element.end;
}

/** The child of `<devices>` that holds the offset. */
function deviceAt(doc: SeclabelDocument, offset: number): XmlElement | undefined {
	return [...doc.disks.map((disk) => disk.element), ...doc.chardevs.map((chardev) => chardev.element)].find((element) => contains(element, offset));
}

function deviceSeclabelAt(doc: SeclabelDocument, offset: number): DeviceSeclabel | undefined {
	return doc.deviceSeclabels.find((seclabel) => contains(seclabel.element, offset));
}

/**
 * Where in a disk's chain a seclabel is read: the top source 0, each backing layer its depth; a
 * `<dataStore>` (inside the top `<source>`) once the top source's own seclabels are read, before the
 * backing chain (11.3.0 and 12.9.0 report a duplicate in the top source before the data store's
 * missing format).
 */
const DATA_STORE_DEPTH = 0.5;

function depthOf(seclabel: DeviceSeclabel | undefined): number {
	if (!seclabel || seclabel.owner.kind !== 'disk') return 0;
	return seclabel.owner.source.role === 'dataStore' ? DATA_STORE_DEPTH : seclabel.owner.source.depth;
}

/**
 * A sort key for a define-stage diagnostic, or undefined when the rule has no known place in
 * libvirt's order (the caller then does not check which message comes first).
 */
export function parseOrderKey(doc: SeclabelDocument, code: string, offset: number, version: string = NEWEST_VERSION): number[] | undefined {
	if (code === 'root-prefix-unbound') {
		// virXMLParseHelper (9.0.0 on; virDomainDefParseNode before) checks the root before any of it is read.
		return [-2];
	}
	if (code === 'domain-name-missing') {
		// virDomainDefParseIDs reads the name before anything else of the domain.
		return [-1];
	}
	const sourcesCountedFirst = since(parseVersion(version)!, XML_PROP_PARSING);
	const domainIndex = doc.seclabels.findIndex((seclabel) => contains(seclabel.element, offset));
	if (domainIndex >= 0 && DOMAIN_SECLABEL_RULES.includes(code)) {
		return [0, domainIndex, DOMAIN_SECLABEL_RULES.indexOf(code)];
	}
	if (DOMAIN_MODEL_RULES.includes(code)) {
		return [1, DOMAIN_MODEL_RULES.indexOf(code), offset];
	}
	if (code === 'redirdev-usb-disabled') {
		// Validated with the other devices, after the disks and the character devices.
		return [3, VALIDATION_KIND_ORDER.length, offset, 0, 0, 0];
	}
	const seclabel = deviceSeclabelAt(doc, offset);
	if (seclabel?.owner.kind === 'nvram' && DEVICE_SECLABEL_RULES.includes(code)) {
		// <os> is parsed after the domain seclabels and before the devices (9.0.0, 11.3.0 and 12.9.0:
		// an NVRAM seclabel's bad relabel is reported after a domain seclabel's bad type, before a
		// disk's duplicate model).
		const siblings = seclabel.element.parent ? seclabel.element.parent.children : [];
		return [1.5, siblings.indexOf(seclabel.element), DEVICE_SECLABEL_RULES.indexOf(code)];
	}
	const device = deviceAt(doc, offset);
	if (!device) {
		return undefined;
	}
	if (code === 'storage-source-invalid') {
		// Checked when the parser reaches that layer, before the layer's own seclabels.
		const disk = doc.disks.find((candidate) => candidate.element === device);
		if (disk?.dataStore && contains(disk.dataStore.container, offset)) {
			return [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, DATA_STORE_DEPTH, -1, 0];
		}
		const layer = disk ? [...disk.layers].reverse().find((candidate) => contains(candidate.container, offset)) : undefined;
		return [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, layer ? layer.depth : 0, -1, 0];
	}
	// A disk or chardev type libvirt does not know stops it before anything inside the device.
	if (code === 'vhostuser-disk-unsupported' || code === 'chardev-type-invalid') {
		return [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, -2, 0, 0];
	}
	const chardev = device.name !== 'disk';
	// 7.0.0 reads the second UDP source's seclabels when it reaches that source.
	if (code === 'chardev-udp-source-seclabel') {
		return [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, 0, offset, 0, 0];
	}
	if (code === 'chardev-source-count') {
		// The diagnostic sits on the extra <source>, which the old walk meets after the earlier sources.
		return sourcesCountedFirst ? [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, -1, 0, 0, 0] : [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, 0, offset, -1, 0];
	}
	if (seclabel && DEVICE_SECLABEL_RULES.includes(code)) {
		const siblings = seclabel.element.parent ? seclabel.element.parent.children : [];
		if (chardev && !sourcesCountedFirst) {
			return [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, 0, seclabel.element.parent?.start ?? 0, siblings.indexOf(seclabel.element), DEVICE_SECLABEL_RULES.indexOf(code)];
		}
		return [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, depthOf(seclabel), siblings.indexOf(seclabel.element), DEVICE_SECLABEL_RULES.indexOf(code)];
	}
	if (code === 'chardev-spicevmc-target') {
		// Checked while the device is parsed, once its <source> (and its seclabels) is read.
		return [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, 1, 0, 0, 0];
	}
	if (code === 'console-serial-not-first') {
		// The console compatibility step runs after parsing and before validation.
		return [3, -1, device.start];
	}
	// 7.0.0 refuses an empty disk while parsing it: after its own source's seclabels, before its backing chain.
	if (code === 'disk-source-missing' && !since(parseVersion(version)!, DISK_SOURCE_VALIDATED)) {
		return [2, PARSE_KIND_ORDER.indexOf(device.name), device.start, 0, Number.MAX_SAFE_INTEGER, 0];
	}
	const validation = VALIDATION_ALIASES[code] ?? code;
	const validationKind = movedToSerials(doc, device) ? 'serial' : device.name;
	const validatedAt = device.name === 'disk' ? diskValidationOrder(doc).get(device) ?? device.start : device.start;
	if (code === 'vhostuser-disk-flags') {
		// virDomainDiskVhostUserValidate: the bus, the backing store, readonly (a cdrom's too), shareable, transient.
		const at = device.children.find((child) => contains(child, offset))?.name ?? 'readonly';
		const rank = ['target', 'backingStore', 'readonly', 'shareable', 'transient'].indexOf(at);
		return [3, 0, validatedAt, VALIDATION_RULES.indexOf(validation), rank < 0 ? 2 : rank, 0];
	}
	if (VALIDATION_RULES.includes(validation)) {
		return [3, VALIDATION_KIND_ORDER.indexOf(validationKind), validatedAt, VALIDATION_RULES.indexOf(validation), depthOf(seclabel), seclabel ? seclabel.element.start : 0];
	}
	return undefined;
}

/**
 * The console compatibility step moves an HVM guest's first console with a serial target (or none)
 * into the serial ports when there is none, so it is validated as the first serial (every release:
 * such a console's missing path is reported before a parallel port's refused override).
 */
function movedToSerials(doc: SeclabelDocument, device: XmlElement): boolean {
	const first = doc.chardevs.find((chardev) => chardev.kind === 'console');
	if (device.name !== 'console' || first?.element !== device || osType(doc) !== 'hvm' || doc.chardevs.some((chardev) => chardev.kind === 'serial')) {
		return false;
	}
	const target = firstChild(device, 'target');
	return (target ? getAttribute(target, 'type')?.value ?? 'serial' : 'serial') === 'serial';
}

/** virDiskNameToIndex: the letters after a known prefix in base 26 (vda 0, vdz 25, vdaa 26), -1 when not a disk name. */
export function diskNameIndex(name: string): number {
	const prefix = ['fd', 'hd', 'vd', 'sd', 'xvd', 'ubd'].find((candidate) => name.startsWith(candidate));
	if (prefix === undefined) {
		return -1;
	}
	let index = 0;
	let i = prefix.length;
	for (let letters = 0; i < name.length && name[i] >= 'a' && name[i] <= 'z'; i++, letters++) {
		index = (index + (letters < 1 ? 0 : 1)) * 26 + (name.charCodeAt(i) - 97);
	}
	return /^[0-9]*$/.test(name.slice(i)) ? index : -1;
}

const diskOrders = new WeakMap<SeclabelDocument, Map<XmlElement, number>>();

/** Each disk's place in libvirt's list after parsing (virDomainDiskInsert), the order it validates them in. */
export function diskValidationOrder(doc: SeclabelDocument): Map<XmlElement, number> {
	let order = diskOrders.get(doc);
	if (!order) {
		const list: { element: XmlElement; bus: string; index: number }[] = [];
		for (const disk of doc.disks) {
			const target = firstChild(disk.element, 'target');
			const entry = { element: disk.element, bus: (target && getAttribute(target, 'bus')?.value) ?? '', index: diskNameIndex((target && getAttribute(target, 'dev')?.value) ?? '') };
			let insertAt = -1;
			for (let i = list.length - 1; i >= 0; i--) {
				if (list[i].bus === entry.bus && list[i].index > entry.index) {
					insertAt = i;
				} else if (list[i].bus === entry.bus && insertAt === -1) {
					insertAt = i + 1;
				}
			}
			list.splice(insertAt < 0 ? list.length : insertAt, 0, entry);
		}
		order = new Map(list.map((entry, i) => [entry.element, i]));
		diskOrders.set(doc, order);
	}
	return order;
}

export function compareKeys(a: readonly number[], b: readonly number[]): number {
	for (let i = 0; i < Math.min(a.length, b.length); i++) {
		if (a[i] !== b[i]) {
			return a[i] - b[i];
		}
	}
	return a.length - b.length;
}
