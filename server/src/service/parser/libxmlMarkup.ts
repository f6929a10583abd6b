/**
 * libxml2's first markup error for a document that is not well-formed, worded and placed as
 * libvirt prints it (see libxmlErrors.ts for the wording of libvirt's prefix and context line).
 * libxml2 stops at its first fatal error and libvirt reports only that one, so exactly one of the
 * tolerant parser's problems gets libxml2's message: the one whose libxml2 position comes first.
 *
 * The tolerant parser (xmlParser.ts) finds some problems at another place than libxml2 (an element
 * left open is reported at its start tag, libxml2 reports it at the end tag that closes its parent,
 * or at the end of the input); the mapping from the parser's problem to libxml2's position is here,
 * so the parser's recovery stays as it is. Every message and caret position below was read from
 * `virsh -c test:///default define` of libvirt 7.0.0, 9.0.0, 11.3.0 and 12.9.0 (linked with Debian's
 * libxml2 2.9.10, 2.9.14, 2.9.14 and libxml2.so.16); test/differential/xmlErrors.test.ts compares them.
 */
import { atLeast, type Version } from '../version';
import { libxmlErrorInText, type LibxmlError } from './libxmlErrors';
import { LIBXML_MAX_OPEN, type XmlDocument, type XmlElement, type XmlProblem } from './xmlParser';

interface Candidate {
	/** Where libxml2's input stands when it reports the problem (or the problem's start, when unknown). */
	readonly offset: number;
	readonly error?: () => LibxmlError;
}

/**
 * The first element nested past libxml2's depth limit, with libxml2's error there. libxml2 (2.9.x,
 * and libxml2.so.16 of 12.9.0) parses without XML_PARSE_HUGE in libvirt and refuses a start tag
 * when LIBXML_MAX_OPEN (257) elements are open: the 258th level (the root is the first) is
 * "Excessive depth in document: 256 use XML_PARSE_HUGE option", at the tag's '<'. The parser
 * notes the element as it opens it (one comparison per element), so nothing is walked here.
 */
export function libxmlDepthError(doc: XmlDocument): { element: XmlElement; error: () => LibxmlError } | undefined {
	const element = doc.tooDeep;
	return element ? { element, error: () => libxmlErrorInText(doc.text, element.start, `Excessive depth in document: ${LIBXML_MAX_OPEN - 1} use XML_PARSE_HUGE option\n`) } : undefined;
}

/** The index of the problem libvirt reports first and libxml2's error for it, when its wording is known. */
export function libxmlMarkupError(doc: XmlDocument, version: Version): { index: number; error: LibxmlError } | undefined {
	return firstCandidate(doc, version)?.known;
}

/** The first problem libxml2 reaches: its index, its offset, and its error when the wording is known. */
export function firstCandidate(doc: XmlDocument, version: Version): { index: number; offset: number; known?: { index: number; error: LibxmlError } } | undefined {
	let best = -1;
	let bestCandidate: Candidate | undefined;
	doc.problems.forEach((problem, index) => {
		const candidate = candidateFor(doc, problem, version);
		if (!bestCandidate || candidate.offset < bestCandidate.offset) {
			best = index;
			bestCandidate = candidate;
		}
	});
	if (!bestCandidate) return undefined;
	return { index: best, offset: bestCandidate.offset, known: bestCandidate.error ? { index: best, error: bestCandidate.error() } : undefined };
}

function lineOf(text: string, offset: number): number {
	let line = 1;
	for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
	return line;
}

function at(text: string, offset: number, message: string, version?: Version): Candidate {
	if (offset >= text.length && version) {
		return { offset, error: () => atEnd(text, message, version) };
	}
	return { offset, error: () => libxmlErrorInText(text, offset, `${message}\n`) };
}

function skipBlanks(text: string, offset: number): number {
	while (offset < text.length && BLANK.test(text[offset])) offset++;
	return offset;
}

/** Every element in document order (the tree under the root), built once per document. */
const ordered = new WeakMap<XmlDocument, XmlElement[]>();
function elements(doc: XmlDocument): XmlElement[] {
	let list = ordered.get(doc);
	if (!list) {
		list = [];
		const stack: XmlElement[] = doc.root ? [doc.root] : [];
		while (stack.length > 0) {
			const element = stack.pop()!;
			list.push(element);
			for (let i = element.children.length - 1; i >= 0; i--) stack.push(element.children[i]);
		}
		ordered.set(doc, list);
	}
	return list;
}

/** The last element that starts before the offset (elements are in order of their start). */
function lastBefore(doc: XmlDocument, offset: number): XmlElement | undefined {
	const list = elements(doc);
	let low = 0;
	let high = list.length;
	while (low < high) {
		const mid = (low + high) >> 1;
		if (list[mid].start < offset) low = mid + 1;
		else high = mid;
	}
	return low > 0 ? list[low - 1] : undefined;
}

function elementAt(doc: XmlDocument, start: number): XmlElement | undefined {
	const found = lastBefore(doc, start + 1);
	return found && found.start === start ? found : undefined;
}

/** The innermost element whose content holds the offset: the one open there. */
function openAt(doc: XmlDocument, offset: number): XmlElement | undefined {
	for (let element = lastBefore(doc, offset) ?? null; element; element = element.parent) {
		if (!element.selfClosing && element.startTagClosed && element.startTagEnd <= offset && offset < element.end) return element;
	}
	return undefined;
}

/** The element whose start tag holds the offset. */
function tagAt(doc: XmlDocument, offset: number): XmlElement | undefined {
	const element = lastBefore(doc, offset);
	return element && offset < element.startTagEnd ? element : undefined;
}

const NAME_CHAR = /[\w.:\-\u00b7\u00c0-\uffff]/;
const QUOTE = /['"]/;
const BLANK = /[ \t\r\n]/;

function mismatch(doc: XmlDocument, open: XmlElement, endTagEnd: number, closing: string): Candidate {
	return at(doc.text, endTagEnd, `Opening and ending tag mismatch: ${open.name} line ${lineOf(doc.text, open.start)} and ${closing}`);
}

function candidateFor(doc: XmlDocument, problem: XmlProblem, version: Version): Candidate {
	const text = doc.text;
	const unknown: Candidate = { offset: problem.start };
	const afterRoot = !!doc.root && doc.root.closed && doc.root.end <= problem.start;
	let m: RegExpExecArray | null;
	if ((m = /^Entity '([^']+)' is not defined/.exec(problem.message))) {
		// libxml2 reads the name and the ';' first.
		return at(text, text.indexOf(';', problem.start) + 1, `Entity '${m[1]}' not defined`);
	}
	if ((m = /^Unexpected end tag '([^']+)': '[^']+' is open\./.exec(problem.message))) {
		// The tag is read up to its '>' before the names are compared.
		const open = openAt(doc, problem.start);
		return open ? mismatch(doc, open, problem.end, m[1]) : unknown;
	}
	if (/^Unexpected end tag '[^']+'\.$/.test(problem.message) && afterRoot) {
		return at(text, problem.start, 'Extra content at the end of the document');
	}
	if ((m = /^Element '[^']+' is not closed before '<\/([^']+)>'\./.exec(problem.message))) {
		// libxml2 names the innermost open element at the end tag that closes an ancestor.
		const open = elementAt(doc, problem.start);
		const gt = open ? text.indexOf('>', open.end) : -1;
		return open && gt >= 0 ? mismatch(doc, open, gt + 1, m[1]) : unknown;
	}
	if (/^Element '[^']+' is not closed\.$/.test(problem.message)) {
		// Still open at the end of the input: libxml2 names the innermost one.
		const open = elementAt(doc, problem.start);
		return open ? { offset: text.length, error: () => prematureEnd(text, open, version) } : unknown;
	}
	if (/^Attribute '[^']+' is given twice\.$/.test(problem.message)) {
		// libxml2 compares the names once the last attribute is read, at the tag's '>' or '/>'.
		const element = tagAt(doc, problem.start);
		if (!element || !element.startTagClosed) return unknown;
		const name = text.slice(problem.start, problem.end);
		return at(text, element.startTagEnd - (element.selfClosing ? 2 : 1), `Attribute ${name} redefined`);
	}
	if ((m = /^Attribute '([^']+)' has no value\.$/.exec(problem.message))) {
		// libxml2 skips the blanks after the name and looks for '='.
		return at(text, skipBlanks(text, problem.end), `Specification mandates value for attribute ${m[1]}`, version);
	}
	if (/^End tag of '[^']+' is not closed\.$/.test(problem.message)) {
		return at(text, skipBlanks(text, problem.end), "expected '>'", version);
	}
	if (/^Comment is not closed\.$/.test(problem.message)) {
		return at(text, text.length, 'Comment not terminated', version);
	}
	if (/^Text before the root element\.$/.test(problem.message)) {
		return at(text, problem.start, "Start tag expected, '<' not found");
	}
	if (/^Value of attribute '[^']+' must be quoted\.$/.test(problem.message)) {
		return at(text, problem.start, 'AttValue: " or \' expected');
	}
	if (/^Value of attribute '[^']+' is not closed\.$/.test(problem.message)) {
		// libxml2 reads the value up to its quote and refuses a '<' on the way.
		const quote = text[problem.start];
		const lt = text.indexOf('<', problem.start + 1);
		const close = text.indexOf(quote, problem.start + 1);
		return lt >= 0 && (close < 0 || lt < close) ? at(text, lt, "Unescaped '<' not allowed in attributes values") : unknown;
	}
	if (/^Attributes of '[^']+' must be separated by white space\.$/.test(problem.message) && QUOTE.test(text[problem.start - 1] ?? '')) {
		return at(text, problem.start, 'attributes construct error');
	}
	if (/^Unexpected character '.' in the start tag of '[^']+'\.$/.test(problem.message) && QUOTE.test(text[problem.start - 1] ?? '')) {
		return at(text, problem.start, 'attributes construct error');
	}
	if (/^Start tag of '[^']+' is not closed\.$/.test(problem.message)) {
		// Cut off by the next tag's '<': after a blank libxml2 expects another attribute's name.
		const element = elementAt(doc, problem.start);
		if (element && element.attributes.length > 0 && text[element.startTagEnd] === '<' && BLANK.test(text[element.startTagEnd - 1])) {
			return at(text, element.startTagEnd, 'error parsing attribute name');
		}
		if (element && element.attributes.length > 0 && element.startTagEnd === text.length && QUOTE.test(text[text.length - 1])) {
			// The input ends right after an attribute's value.
			return at(text, text.length, 'attributes construct error', version);
		}
		// libxml2 reads the whole tag up to the place where it was cut off before it could say so.
		return element ? { offset: element.startTagEnd } : unknown;
	}
	if (/^Content after the root element\.$/.test(problem.message) || /^Extra content at the end of the document: /.test(problem.message)) {
		return at(text, problem.start, 'Extra content at the end of the document');
	}
	if (problem.message.startsWith("'<' must start a tag")) {
		if (afterRoot) return at(text, problem.start, 'Extra content at the end of the document');
		return doc.root ? at(text, problem.start + 1, 'StartTag: invalid element name') : unknown;
	}
	if (/^Invalid character reference '/.test(problem.message) && text[problem.start] === '&') {
		return charRef(text, problem.start) ?? unknown;
	}
	if (problem.message.startsWith("'&' must start a reference")) {
		const next = text[problem.start + 1] ?? '';
		if (next === '#') return charRef(text, problem.start) ?? unknown;
		if (!NAME_CHAR.test(next) || /[\d.\-]/.test(next)) return at(text, problem.start + 1, 'xmlParseEntityRef: no name');
		let end = problem.start + 1;
		while (end < text.length && NAME_CHAR.test(text[end])) end++;
		return at(text, end, "EntityRef: expecting ';'");
	}
	return unknown;
}

/**
 * libxml2 2.9's xmlParseCharRef on `&#…` at `amp`: the digits are read up to ';'; the first
 * character that is not a digit is "CharRef: invalid hexadecimal/decimal value" there; otherwise,
 * past the ';', a value of 0x110000 or more is "character reference out of bounds" and one that is
 * not an XML Char "invalid xmlChar value N" (libvirt prints only the first error).
 */
function charRef(text: string, amp: number): Candidate | undefined {
	const hex = text[amp + 2] === 'x';
	let i = amp + (hex ? 3 : 2);
	let value = 0;
	for (; i < text.length && text[i] !== ';'; i++) {
		const digit = hex ? /[0-9a-fA-F]/.test(text[i]) : /[0-9]/.test(text[i]);
		if (!digit) return at(text, i, `CharRef: invalid ${hex ? 'hexadecimal' : 'decimal'} value`);
		value = Math.min(0x110000, value * (hex ? 16 : 10) + parseInt(text[i], 16));
	}
	if (i >= text.length) return undefined;
	if (value >= 0x110000) return at(text, i + 1, 'xmlParseCharRef: character reference out of bounds');
	const isChar = value === 0x9 || value === 0xa || value === 0xd || (value >= 0x20 && value <= 0xd7ff) || (value >= 0xe000 && value <= 0xfffd) || (value >= 0x10000 && value <= 0x10ffff);
	return isChar ? undefined : at(text, i + 1, `xmlParseCharRef: invalid xmlChar value ${value}`);
}

/**
 * The end of the input inside an open element. libxml2 2.9.10 (libvirt 7.0.0 on Debian 11) says
 * "EndTag: '</' not found", 2.9.14 (9.0.0 and later) "Premature end of data in tag X line N". This
 * is libxml2's version, not libvirt's; releases from 9.0.0 are taken to come with the newer one.
 */
function prematureEnd(text: string, open: XmlElement, version: Version): LibxmlError {
	return atEnd(text, atLeast(version, '9.0.0') ? `Premature end of data in tag ${open.name} line ${lineOf(text, open.start)}` : "EndTag: '</' not found", version);
}

/**
 * An error at the end of the input. In libvirt 7.0.0 and 9.0.0 the input stands at the terminating
 * NUL: after a final newline libvirt's context line is empty and printed as "(null)". In 11.3.0 and
 * 12.9.0 it stands on the last line that is not empty, at its end (11.3.0 links the same libxml2
 * 2.9.14 as 9.0.0, so this is libvirt's change, taken at 11.0.0 with the `at line N:` prefix; not
 * proven in between). The line number stays that of the end of the input.
 */
function atEnd(text: string, message: string, version: Version): LibxmlError {
	const line = lineOf(text, text.length);
	const cur = atLeast(version, '11.0.0') ? text.replace(/[\r\n]+$/, '').length : text.length;
	const shown = libxmlErrorInText(text, cur, `${message}\n`);
	const context = shown.context === '' && cur === text.length ? '(null)' : shown.context;
	return { ...shown, line, context, pointer: context === '(null)' ? '^' : shown.pointer };
}
