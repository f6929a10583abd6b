/**
 * Every place libvirt's parser reads a `<seclabel>` (the callers of
 * virSecurityDeviceLabelDefParseXML in domain_conf.c), which of them a given release reads, and
 * what to say about a seclabel written anywhere else.
 *
 * The model (seclabelModel.ts) reads every site any supported release reads, marking the ones that
 * only newer releases read with `since`; {@link siteView} then drops those the target release does
 * not read, so the rules see exactly the seclabels that release parses and every other one is
 * stray. Keeping the version out of the model keeps the parse cache independent of settings.
 *
 * Verdicts from `virsh -c test:///default define` (libvirt 9.0.0): a malformed seclabel is refused
 * in the `<source>` of every disk type (file, block, dir, network, volume, nvme, vhostuser), of every
 * typed `<backingStore>`, of `<os><nvram type=…>`, and in the first `<source>` of a serial,
 * parallel, console or channel device (a UDP chardev's second source included: it is ignored). It is
 * accepted, so never read (9.0.0 and later; 7.0.0 reads a UDP chardev's second source too), inside an untyped `<backingStore>`, a `<mirror>` (parsed only in live
 * XML), a `<dataStore>` (read from 10.10.0), a smartcard, redirdev or RNG `<backend>` source, a
 * vhost-user `<interface>` source, a shmem `<server>`, a TPM `<device>` and a SCSI hostdev source.
 */
import { atLeast, DATA_STORE, NVRAM_SOURCE, since, UDP_SECOND_SOURCE_UNREAD, type Version } from '../version';
import { hasVersionedSeclabels, type SeclabelDocument } from './seclabelModel';
import type { XmlAttribute, XmlElement } from './xmlParser';

/** The places libvirt reads, as the ignored-seclabel message names them. */
export const READ_SITES = "directly under <domain>, in a disk's <source> and in each typed <backingStore>'s, in <os><nvram>'s <source> (from 8.5.0), in a <dataStore>'s <source> (from 10.10.0), in a <mirror>'s sources (live XML only), and in the first <source> of a serial, parallel, console or channel device";

const cache = new WeakMap<SeclabelDocument, Map<string, SeclabelDocument>>();

/** The document as the release parses it: seclabels at sites it does not read move to the stray ones. */
export function siteView(doc: SeclabelDocument, version: Version): SeclabelDocument {
	if (!hasVersionedSeclabels(doc.deviceSeclabels)) {
		return doc;
	}
	let views = cache.get(doc);
	if (!views) {
		views = new Map();
		cache.set(doc, views);
	}
	let view = views.get(version.text);
	if (!view) {
		const unread = doc.deviceSeclabels.filter((seclabel) => (seclabel.since && !atLeast(version, seclabel.since)) || (seclabel.before && atLeast(version, seclabel.before)));
		view = unread.length === 0 ? doc : {
			...doc,
			deviceSeclabels: doc.deviceSeclabels.filter((seclabel) => !unread.includes(seclabel)),
			strayseclabels: [...doc.strayseclabels, ...unread.map((seclabel) => seclabel.element)].sort((a, b) => a.start - b.start),
		};
		views.set(version.text, view);
	}
	return view;
}

function ancestor(element: XmlElement, name: string): XmlElement | undefined {
	for (let node = element.parent; node; node = node.parent) {
		if (node.name === name) {
			return node;
		}
	}
	return undefined;
}

/** True when an ancestor is a `<backingStore>` without a type, where libvirt stops reading a chain. */
function insideUntypedBackingStore(element: XmlElement): boolean {
	for (let node = element.parent; node; node = node.parent) {
		if (node.name === 'backingStore' && !node.attributes.some((attribute) => attribute.name === 'type')) {
			return true;
		}
	}
	return false;
}

const CHARDEV_SOURCE_OWNERS: Record<string, string> = {
	smartcard: 'a <smartcard>',
	redirdev: 'a <redirdev>',
	backend: 'an <rng> backend',
	interface: 'an <interface>',
};

/**
 * Why libvirt ignores a stray seclabel, for the ignored-seclabel diagnostic; undefined when the
 * place has nothing more specific to say than the generic message.
 */
export function strayReason(element: XmlElement, doc: SeclabelDocument, version: Version): string | undefined {
	const parent = element.parent;
	if (element.namespaced) {
		const declaration = defaultNamespaceOf(element);
		return `This <seclabel> is in the XML namespace '${declaration?.attribute.value ?? '?'}' (the xmlns on <${declaration?.element.name ?? '?'}>): libvirt's queries see only elements in no namespace, so it is ignored, with whatever it holds.`;
	}
	const holder = parent?.name === 'source' ? parent.parent : undefined;
	if (holder?.name === 'nvram' && !since(version, NVRAM_SOURCE)) {
		return `libvirt ${version.text} does not read a seclabel in <nvram>'s <source>; ${NVRAM_SOURCE.since} and later do. This one is ignored.`;
	}
	if (holder?.name === 'dataStore' && !since(version, DATA_STORE)) {
		return `libvirt ${version.text} does not read a seclabel in a <dataStore>'s <source>; ${DATA_STORE.since} and later do. This one is ignored.`;
	}
	if (ancestor(element, 'mirror') && doc.kind === 'inactive') {
		return 'libvirt reads <mirror> (a running block copy) only in live XML; the XML `virsh define` reads ignores it, this seclabel included.';
	}
	if (insideUntypedBackingStore(element)) {
		return "A <backingStore> without a type ends the backing chain: libvirt reads nothing inside it, this seclabel included. Give it a type (type='file') if it is a real backing layer.";
	}
	if (holder?.name === 'serial' || holder?.name === 'parallel' || holder?.name === 'channel' || holder?.name === 'console') {
		const sources = holder.children.filter((child) => child.name === 'source');
		if (sources[1] === parent && since(version, UDP_SECOND_SOURCE_UNREAD) && holder.attributes.some((attribute) => attribute.name === 'type' && attribute.value === 'udp')) {
			return `libvirt ${version.text} reads seclabels only in the first <source> of a UDP character device (7.0.0 read both); this one is ignored.`;
		}
	}
	if (holder && CHARDEV_SOURCE_OWNERS[holder.name]) {
		return `libvirt does not read seclabels in the <source> of ${CHARDEV_SOURCE_OWNERS[holder.name]}; this one is ignored. It reads them ${READ_SITES}.`;
	}
	return undefined;
}

/** The `xmlns='…'` declaration in force on an element, and the element that carries it. */
export function defaultNamespaceOf(element: XmlElement): { element: XmlElement; attribute: XmlAttribute } | undefined {
	for (let node: XmlElement | null = element; node; node = node.parent) {
		const attribute = node.attributes.find((candidate) => candidate.name === 'xmlns');
		if (attribute) {
			return { element: node, attribute };
		}
	}
	return undefined;
}
