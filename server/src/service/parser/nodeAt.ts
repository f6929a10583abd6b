/**
 * Finds what is under a cursor: the innermost element, and whether the offset is on its name, on an
 * attribute's name or value, or in its text.
 */
import type { XmlAttribute, XmlDocument, XmlElement } from './xmlParser';

export type NodeAtOffset =
	| { readonly kind: 'element-name'; readonly element: XmlElement }
	| { readonly kind: 'attribute-name'; readonly element: XmlElement; readonly attribute: XmlAttribute }
	| { readonly kind: 'attribute-value'; readonly element: XmlElement; readonly attribute: XmlAttribute }
	| { readonly kind: 'start-tag'; readonly element: XmlElement }
	| { readonly kind: 'content'; readonly element: XmlElement };

/** The innermost element whose extent contains the offset (end inclusive, for a cursor at the end). */
export function elementAt(xml: XmlDocument, offset: number): XmlElement | undefined {
	let current = xml.root;
	if (!current || offset < current.start || offset > current.end) {
		return undefined;
	}
	for (;;) {
		const children: XmlElement[] = current.children;
		// Children are in document order: binary search for the last one starting at or before the offset.
		let low = 0;
		let high = children.length - 1;
		let found: XmlElement | undefined;
		while (low <= high) {
			const mid = (low + high) >> 1;
			if (children[mid].start <= offset) {
				found = children[mid];
				low = mid + 1;
			} else {
				high = mid - 1;
			}
		}
		// A cursor right after a closed element's '>' is outside it; an unclosed element extends to its end.
		if (found && (offset < found.end || (offset === found.end && (!found.closed || !found.startTagClosed)))) {
			current = found;
			continue;
		}
		return current;
	}
}

export function nodeAt(xml: XmlDocument, offset: number): NodeAtOffset | undefined {
	const element = elementAt(xml, offset);
	if (!element) {
		return undefined;
	}
	if (offset < element.startTagEnd || !element.startTagClosed && offset <= element.startTagEnd) {
		if (offset <= element.nameEnd) {
			return { kind: 'element-name', element };
		}
		for (const attribute of element.attributes) {
			if (offset >= attribute.nameStart && offset <= attribute.nameEnd) {
				return { kind: 'attribute-name', element, attribute };
			}
			if (attribute.value !== null && offset >= attribute.valueStart && offset <= attribute.valueEnd) {
				return { kind: 'attribute-value', element, attribute };
			}
		}
		return { kind: 'start-tag', element };
	}
	if (element.endTagStart >= 0 && offset >= element.endTagStart) {
		return { kind: 'element-name', element };
	}
	return { kind: 'content', element };
}
