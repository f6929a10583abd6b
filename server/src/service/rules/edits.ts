/**
 * Edits that fixes share: setting and removing attributes, removing and inserting elements, in the
 * document's own quoting and indentation.
 */
import { lineIndexAt } from '../util/lines';
import type { XmlAttribute, XmlElement } from '../parser/xmlParser';
import type { OffsetEdit } from './rule';

function quoteOf(element: XmlElement): string {
	return element.attributes.find((attribute) => attribute.quote)?.quote ?? "'";
}

/** Sets an attribute's value, adding the attribute after the last one when it is missing. */
export function setAttribute(text: string, element: XmlElement, name: string, value: string): OffsetEdit {
	const existing = element.attributes.find((attribute) => attribute.name === name);
	const quote = quoteOf(element);
	if (existing) {
		if (existing.quote && existing.value !== null) {
			return { span: { start: existing.valueStart, end: existing.valueEnd }, newText: value };
		}
		return { span: { start: existing.nameStart, end: Math.max(existing.valueEnd, existing.nameEnd) }, newText: `${name}=${quote}${value}${quote}` };
	}
	const last = element.attributes[element.attributes.length - 1];
	const at = last ? last.end : element.nameEnd;
	void text;
	return { span: { start: at, end: at }, newText: ` ${name}=${quote}${value}${quote}` };
}

/** Removes an attribute together with the white space before it. */
export function removeAttribute(text: string, attribute: XmlAttribute): OffsetEdit {
	let start = attribute.nameStart;
	while (start > 0 && /[ \t\r\n]/.test(text[start - 1])) start--;
	return { span: { start, end: attribute.end }, newText: '' };
}

/** Removes an element; when it stands alone on its lines, the lines go too. */
export function removeElement(text: string, element: XmlElement): OffsetEdit {
	let start = element.start;
	let end = element.end;
	let lineStart = start;
	while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
	let lineEnd = end;
	while (lineEnd < text.length && (text[lineEnd] === ' ' || text[lineEnd] === '\t')) lineEnd++;
	const startsLine = lineStart === 0 || text[lineStart - 1] === '\n';
	const endsLine = lineEnd === text.length || text[lineEnd] === '\n' || text[lineEnd] === '\r';
	if (startsLine && endsLine) {
		start = lineStart;
		end = lineEnd;
		if (text[end] === '\r') end++;
		if (text[end] === '\n') end++;
	}
	return { span: { start, end }, newText: '' };
}

/**
 * Facts about the last text edits were computed for: a document with thousands of findings asks for
 * the line ending and line starts once per finding, and scanning the whole text each time made
 * fixes quadratic (10,000 dynamic seclabels with relabel='no' took 14 s). The text is compared by
 * identity, which is what every finding of one run passes.
 */
let factsText: string | undefined;
let factsEol = '\n';
let factsLineStarts: Int32Array | undefined;

function textFacts(text: string): void {
	if (factsText !== text) {
		factsText = text;
		factsEol = text.includes('\r\n') ? '\r\n' : '\n';
		factsLineStarts = undefined;
	}
}

/** The offset where the line holding `offset` starts, by binary search over the text's line starts. */
function lineStartOf(text: string, offset: number): number {
	textFacts(text);
	if (!factsLineStarts) {
		let count = 1;
		for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
		const starts = new Int32Array(count);
		let k = 1;
		for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts[k++] = at + 1;
		factsLineStarts = starts;
	}
	return factsLineStarts[lineIndexAt(factsLineStarts, offset)];
}

/** The indentation of the line an offset is on. */
export function indentationAt(text: string, offset: number): string {
	const lineStart = lineStartOf(text, Math.min(offset, text.length));
	let i = lineStart;
	while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
	return text.slice(lineStart, i);
}

function eolOf(text: string): string {
	textFacts(text);
	return factsEol;
}

/**
 * Inserts a child as the first child of an element, on its own line, indented one step deeper;
 * a self-closing element is opened up.
 */
export function insertChild(text: string, element: XmlElement, childXml: string): OffsetEdit {
	const eol = eolOf(text);
	const indent = indentationAt(text, element.start);
	const step = /\t/.test(indent) ? '\t' : '  ';
	if (element.selfClosing) {
		// `<seclabel .../>` → `<seclabel ...>` + child + `</seclabel>`.
		let slash = element.startTagEnd - 2;
		while (slash > element.nameEnd && /[ \t]/.test(text[slash - 1])) slash--;
		return {
			span: { start: slash, end: element.startTagEnd },
			newText: `>${eol}${indent}${step}${childXml}${eol}${indent}</${element.name}>`,
		};
	}
	if (element.closed && element.endTagStart === element.startTagEnd) {
		// `<seclabel ...></seclabel>`: the end tag goes on a line of its own, as when opening a self-closing element.
		return { span: { start: element.startTagEnd, end: element.startTagEnd }, newText: `${eol}${indent}${step}${childXml}${eol}${indent}` };
	}
	return { span: { start: element.startTagEnd, end: element.startTagEnd }, newText: `${eol}${indent}${step}${childXml}` };
}

/** Inserts an element right after a sibling, on a line of its own with the sibling's indentation. */
export function insertAfter(text: string, sibling: XmlElement, xml: string): OffsetEdit {
	return { span: { start: sibling.end, end: sibling.end }, newText: `${eolOf(text)}${indentationAt(text, sibling.start)}${xml}` };
}

/** The comment that tells the project a document is live XML (parser/directives.ts). */
export const LIVE_DIRECTIVE = '<!-- libvirt-seclabel: live -->';

/**
 * Marks the document as live XML: the directive comment on its own line right before the root
 * element, for a saved `virsh dumpxml` of a running guest that is kept as a record, not defined.
 */
export function markLive(text: string, root: XmlElement): OffsetEdit {
	return { span: { start: root.start, end: root.start }, newText: `${LIVE_DIRECTIVE}${eolOf(text)}${indentationAt(text, root.start)}` };
}
