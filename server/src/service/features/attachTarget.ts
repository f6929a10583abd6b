/**
 * An attach-device fragment checked as part of the guest it is attached to. libvirt parses the
 * device alone, then validates and labels it with that guest's definition (its seclabels decide
 * whether a device override is allowed and which MCS level the device must fit). Rather than teach
 * every rule about a second document, the fragment is placed into the guest's `<devices>` and the
 * rules run on that whole domain, exactly as they run on any domain; only the findings inside the
 * fragment are kept, moved back to the fragment's own offsets.
 */
import { buildModel, childElements, type SeclabelDocument } from '../parser/seclabelModel';
import { directiveWords } from '../parser/directives';
import { parseXml, type Span, type XmlElement } from '../parser/xmlParser';
import type { Finding, Fix, RelatedLocation } from '../rules/rule';
import type { AttachTarget } from '../types';

/** A fragment placed into its guest, with the arithmetic to move offsets between the two texts. */
export interface ComposedFragment {
	/** The guest with the fragment as its last device. */
	readonly doc: SeclabelDocument;
	/** Where the fragment's root starts in the composed text. */
	readonly insertAt: number;
	/** Composed offset minus fragment offset, inside the fragment. */
	readonly shift: number;
	/** How many characters the composed text has more than the guest's own text. */
	readonly added: number;
	readonly length: number;
}

const composed = new WeakMap<SeclabelDocument, { target: AttachTarget; result: ComposedFragment | null }>();

/**
 * The fragment inside its guest; null when the guest's XML is not a domain. A running guest's
 * generated dynamic label stands for the level it runs at: written as static (same length), so that
 * the rules judge the device against that level while the device itself keeps the fragment's own
 * parse mode (attach-device parses it as define-time XML even for a running guest).
 */
export function composeWithTarget(fragment: SeclabelDocument, target: AttachTarget): ComposedFragment | null {
	const cached = composed.get(fragment);
	if (cached && cached.target === target) {
		return cached.result;
	}
	const result = compose(fragment, target);
	composed.set(fragment, { target, result });
	return result;
}

const guests = new WeakMap<AttachTarget, SeclabelDocument>();

/**
 * The guest's own model (a host's running guest as live XML), parsed once per target object:
 * every fragment attached to one target (the CLI's --attach-to, which also checks with it that the
 * file is a domain) shares the parse. A caller that has already parsed the guest's text with the
 * same options (the CLI checks the guest too) passes its tree.
 */
export function targetGuest(target: AttachTarget, parsed?: SeclabelDocument): SeclabelDocument {
	let guest = guests.get(target);
	if (!guest) {
		guest = parsed && parsed.xml.text === target.text && !parsed.otherRoot ? parsed : buildModel(parseXml(target.text), target.live ? { kind: 'live' } : {});
		guests.set(target, guest);
	}
	return guest;
}

/**
 * The fragment's text with its root's bound prefix (`<q:disk xmlns:q='…'>`) turned into blanks
 * after the name: attach-device reads the device by its local name, while inside the guest's
 * `<devices>` a prefixed element is no device at all. Blanks keep every offset where it was.
 */
function unprefixed(root: XmlElement, text: string): string {
	const colon = root.name.indexOf(':');
	if (colon <= 0) {
		return text;
	}
	const local = root.name.slice(colon + 1);
	const pad = ' '.repeat(colon + 1);
	let result = `<${local}${pad}${text.slice(1 + root.name.length)}`;
	if (root.endTagStart >= 0) {
		const at = root.endTagStart - root.start;
		result = `${result.slice(0, at)}</${local}${pad}${result.slice(at + 2 + root.name.length)}`;
	}
	return result;
}

function compose(fragment: SeclabelDocument, target: AttachTarget): ComposedFragment | null {
	const root = fragment.fragment;
	const guest = targetGuest(target);
	if (!root || !guest.domain) {
		return null;
	}
	let guestText = target.text;
	if (guest.kind === 'live') {
		for (const seclabel of guest.seclabels) {
			const type = seclabel.type;
			if (type && type.value === 'dynamic' && seclabel.labels.length > 0) {
				// 'static' is one shorter than 'dynamic': a space after the attribute keeps every offset.
				guestText = `${guestText.slice(0, type.valueStart)}static${guestText.slice(type.valueEnd, type.end)} ${guestText.slice(type.end)}`;
			}
		}
	}
	const deviceText = unprefixed(root, fragment.xml.text.slice(root.start, root.end));
	const devices = childElements(guest.domain, 'devices')[0];
	let insertAt: number;
	let before: string;
	let after: string;
	if (devices && devices.endTagStart >= 0) {
		insertAt = devices.endTagStart;
		before = '';
		after = '';
	} else if (guest.domain.endTagStart >= 0 && !devices) {
		insertAt = guest.domain.endTagStart;
		before = '<devices>';
		after = '</devices>';
	} else {
		return null;
	}
	const text = `${guestText.slice(0, insertAt)}${before}${deviceText}${after}${guestText.slice(insertAt)}`;
	const doc = buildModel(parseXml(text), { kind: fragment.kind });
	const start = insertAt + before.length;
	const device = [...doc.disks, ...doc.chardevs].find((candidate) => candidate.element.start === start)?.element;
	// The device is parsed as the fragment says (attach-device: define-time), whatever the guest is;
	// `fragment` marks which device of the composed guest is the one being attached.
	return { doc: { ...doc, fragment: device }, insertAt: start, shift: start - root.start, added: before.length + deviceText.length + after.length, length: deviceText.length };
}

function inside(composedFragment: ComposedFragment, span: Span): boolean {
	return span.start >= composedFragment.insertAt && span.end <= composedFragment.insertAt + composedFragment.length;
}

function back(composedFragment: ComposedFragment, span: Span): Span {
	return { start: span.start - composedFragment.shift, end: span.end - composedFragment.shift };
}

/**
 * A finding of the composed domain as the fragment's own: null when it is about the guest, not the
 * device. Related locations in the guest point into the guest's file; fixes that edit the guest are
 * dropped (the fragment is the document being edited).
 */
export function findingInFragment<T extends Finding>(composedFragment: ComposedFragment, target: AttachTarget, finding: T): T | null {
	if (!inside(composedFragment, finding.span)) {
		return null;
	}
	const related: RelatedLocation[] | undefined = finding.related?.map((location) => {
		if (location.uri !== '') {
			return location;
		}
		if (inside(composedFragment, location.span)) {
			return { ...location, span: back(composedFragment, location.span) };
		}
		const span = location.span.start >= composedFragment.insertAt
			? { start: location.span.start - composedFragment.added, end: location.span.end - composedFragment.added }
			: location.span;
		return { uri: target.uri, span, text: target.text, message: `${location.message} (in the guest this device is attached to)` };
	});
	const fixes: Fix[] | undefined = finding.fixes
		?.filter((fix) => fix.edits.every((edit) => inside(composedFragment, edit.span)))
		.map((fix) => ({ ...fix, edits: fix.edits.map((edit) => ({ ...edit, span: back(composedFragment, edit.span) })) }));
	return { ...finding, span: back(composedFragment, finding.span), related, fixes };
}

/**
 * The guest named by `<!-- libvirt-seclabel: attach-to NAME -->` before a fragment's root (the
 * editor's way to say which guest the device goes to; the CLI also has `--attach-to`).
 */
export function attachToDirective(doc: SeclabelDocument): string | undefined {
	const root = doc.fragment;
	if (!root) {
		return undefined;
	}
	const words = directiveWords(doc.xml.text, root.start);
	const at = words.indexOf('attach-to');
	return at >= 0 ? words[at + 1] : undefined;
}
