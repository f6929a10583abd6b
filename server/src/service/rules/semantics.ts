/**
 * How libvirt reads a seclabel's attributes (src/conf/domain_conf.c, virSecurityLabelDefParseXML
 * and virSecurityDeviceLabelDefParseXML), so that every rule interprets them the same way.
 */
import type { DeviceSeclabel, DomainSeclabel } from '../parser/seclabelModel';
import { getAttribute, type XmlAttribute, type XmlElement } from '../parser/xmlParser';
import type { RuleContext } from './rule';
import { NEWEST_VERSION, parseVersion, since, TYPELESS_IS_DYNAMIC, XML_PROP_PARSING, type Version } from '../version';

/**
 * What these helpers read of a rule's context; completion builds one from its settings too. Without
 * a version the helpers answer for the default target (the newest version the rules know).
 */
export type SemanticsContext = Pick<RuleContext, 'doc' | 'driver' | 'hostSecurityModel' | 'live' | 'textOf'> & { readonly version?: Version };

const NEWEST = parseVersion(NEWEST_VERSION)!;

/** `default` is what libvirt stores when the type attribute is missing (rules reference A5). */
export type SeclabelType = 'default' | 'none' | 'dynamic' | 'static';

/** libvirt reads at most this many bytes of a model (VIR_SECURITY_MODEL_BUFLEN - 1). */
export const MODEL_MAX = 256;
/** libvirt reads at most this many bytes of a label (VIR_SECURITY_LABEL_BUFLEN - 1). */
export const LABEL_MAX = 4096;

/**
 * The longest model libvirt keeps: 256 bytes with STRLIM, one less before (virXMLPropStringLimit
 * refused a value of exactly its buffer length minus one).
 */
export function modelLimit(version: Version = NEWEST): number {
	return since(version, XML_PROP_PARSING) ? MODEL_MAX : MODEL_MAX - 1;
}

/** The longest label (and base, image and device label) libvirt keeps: 4096 bytes, 4095 before STRLIM. */
export function labelLimit(version: Version = NEWEST): number {
	return since(version, XML_PROP_PARSING) ? LABEL_MAX : LABEL_MAX - 1;
}

/**
 * What a domain seclabel without `type` is: dynamic, as documented, except from the switch to
 * virXMLPropEnum (which resets the type to 0, `default`, when the attribute is absent) until the
 * release that gave it dynamic as its default again.
 */
export function typelessType(version: Version = NEWEST): 'default' | 'dynamic' {
	return since(version, XML_PROP_PARSING) && !since(version, TYPELESS_IS_DYNAMIC) ? 'default' : 'dynamic';
}

/**
 * True when libvirt drops the value as too long. Its limits count UTF-8 bytes (strlen), not
 * characters, so a label of 2049 'é' is dropped although it has fewer than 4096 characters.
 */
export function exceedsLimit(value: string, limit: number): boolean {
	// One UTF-16 unit never takes more than three UTF-8 bytes, so short values need no counting.
	return value.length * 3 > limit && utf8Length(value) > limit;
}

function utf8Length(value: string): number {
	let bytes = 0;
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		if (code < 0x80) {
			bytes += 1;
		} else if (code < 0x800) {
			bytes += 2;
		} else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			// A surrogate pair is one code point of four bytes.
			bytes += 4;
			i++;
		} else {
			bytes += 3;
		}
	}
	return bytes;
}

export const CHARDEV_TYPES_WITH_SECLABEL = ['pty', 'dev', 'file', 'pipe', 'unix'];

/** The seclabel's type, or null when the attribute holds a value libvirt refuses. */
export function seclabelType(seclabel: DomainSeclabel, version?: Version): SeclabelType | null {
	const value = seclabel.type?.value;
	if (!seclabel.type) {
		return typelessType(version);
	}
	return value === 'none' || value === 'dynamic' || value === 'static' ? value : null;
}

/** A yes/no attribute: true, false, undefined when absent, null when invalid. */
export function yesNo(attribute: XmlAttribute | undefined): boolean | undefined | null {
	if (!attribute) {
		return undefined;
	}
	if (attribute.value === 'yes') {
		return true;
	}
	if (attribute.value === 'no') {
		return false;
	}
	return null;
}

/** The model libvirt stores: null when absent, or when longer than it reads (rules reference B1). */
export function modelOf(seclabel: DomainSeclabel | DeviceSeclabel, version?: Version): string | null {
	const value = seclabel.model?.value;
	if (value === undefined || value === null || exceedsLimit(value, modelLimit(version))) {
		return null;
	}
	return value;
}

/** Effective domain relabel flag after defaults; null when the attribute is invalid. */
export function domainRelabel(seclabel: DomainSeclabel, version?: Version): boolean | null {
	const type = seclabelType(seclabel, version);
	const relabel = yesNo(seclabel.relabel);
	if (relabel === null) {
		return null;
	}
	if (relabel !== undefined) {
		return relabel;
	}
	return !(type === 'static' || type === 'none');
}

/** The value libvirt reads from the first child of that name, or null (empty and too long count as missing). */
export function labelValue(context: SemanticsContext, elements: XmlElement[]): string | null {
	if (elements.length === 0) {
		return null;
	}
	const value = context.textOf(elements[0]);
	return value.length === 0 || exceedsLimit(value, labelLimit(context.version)) ? null : value;
}

/**
 * The model each domain seclabel ends up with after parsing: a lone model-less seclabel gets the
 * host's default model on drivers that have one (the QEMU driver; not the test driver), when it is
 * type none, or dynamic without a baselabel in define-time XML (rules reference C2).
 */
export function effectiveDomainModels(context: SemanticsContext): (string | null)[] {
	const seclabels = context.doc.seclabels;
	const models = seclabels.map((seclabel) => modelOf(seclabel, context.version));
	if (seclabels.length === 1 && models[0] === null && context.driver === 'qemu') {
		const type = seclabelType(seclabels[0], context.version);
		const baselabel = type === 'dynamic' ? labelValue(context, seclabels[0].baselabels) : null;
		if (type === 'none' || (type === 'dynamic' && baselabel === null && !context.live)) {
			models[0] = context.hostSecurityModel;
		}
	}
	return models;
}

/**
 * The effective relabel flag of each domain seclabel after the define-time rewrites: model none
 * (explicit, or the host default given to a lone model-less seclabel) forces type none, relabel no.
 */
export function effectiveDomainRelabels(context: SemanticsContext): (boolean | null)[] {
	const models = effectiveDomainModels(context);
	return context.doc.seclabels.map((seclabel, index) => {
		if (!context.live && models[index] === 'none') {
			return false;
		}
		return domainRelabel(seclabel, context.version);
	});
}

/** A device seclabel's relabel flag: yes when absent, null when invalid. */
export function deviceRelabel(seclabel: DeviceSeclabel): boolean | null {
	const relabel = yesNo(seclabel.relabel);
	return relabel === undefined ? true : relabel;
}

/** libvirt formats a NULL model as `<null>` in device messages and `(null)` in printf-style ones. */
export function modelForMessage(model: string | null, style: 'device' | 'domain'): string {
	if (model !== null) {
		return model;
	}
	return style === 'device' ? '<null>' : '(null)';
}

/**
 * The `id` of a `<domain>` read as define-time XML: the file is a saved `virsh dumpxml` of a running
 * guest, whose generated `<label>` and `<imagelabel>` `virsh define` drops. Undefined for live XML
 * and for a domain without an id (or with libvirt's old inactive `id='-1'`).
 */
export function runningGuestDumpId(context: Pick<SemanticsContext, 'doc' | 'live'>): XmlAttribute | undefined {
	const domain = context.doc.domain;
	if (context.live || !domain || domain !== context.doc.xml.root) {
		return undefined;
	}
	const id = getAttribute(domain, 'id');
	return id && id.value !== null && id.value !== '-1' ? id : undefined;
}
