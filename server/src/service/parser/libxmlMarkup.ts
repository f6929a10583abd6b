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
 * libxml2 2.9.10, 2.9.14, 2.9.14 and 2.9.14: 12.9.0's libvirt links libxml2.so.2, not the chroot's
 * libxml2.so.16); test/differential/xmlErrors.test.ts and xmlWellFormed.test.ts compare them.
 */
import { LIBXML2_2_9_14, since, XML_ERROR_AT_LINE, type Version } from '../version';
import { libxmlErrorInText, type LibxmlError } from './libxmlErrors';
import { ENCODING_UNKNOWN, xmlDeclarationError } from './xmlDeclaration';
import { LIBXML_MAX_OPEN, parseXml, problemApplies, type XmlDocument, type XmlElement, type XmlProblem } from './xmlParser';

/**
 * libxml2's error for a problem that dtdSubset.ts found where the document uses an internal entity
 * (undefined when libxml2 refuses it there in words not known here).
 */
export const entityErrors = new WeakMap<XmlProblem, (version: Version) => LibxmlError | undefined>();

interface Candidate {
	/** Where libxml2's input stands when it reports the problem (or the problem's start, when unknown). */
	readonly offset: number;
	readonly error?: () => LibxmlError;
	/** Reported after the other problems at the same offset (the duplicate check once a tag's attributes are read). */
	readonly late?: boolean;
}

/**
 * The first element nested past libxml2's depth limit, with libxml2's error there. libxml2 (2.9.x,
 * which 12.9.0 links too) parses without XML_PARSE_HUGE in libvirt and refuses a start tag
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

/** libxml2's first error on a document without a root element, when its wording is known. */
export function libxmlNoRootError(doc: XmlDocument, version: Version): LibxmlError | undefined {
	return firstCandidate(doc, version)?.known?.error;
}

/**
 * libxml2's error on a file with no markup at all: "Document is empty" for zero bytes; for blanks
 * only, a '<' wanted at the end, as after a lone comment.
 */
export function libxmlNoMarkupError(text: string, version: Version): LibxmlError {
	return atEnd(text, text === '' ? 'Document is empty' : "Start tag expected, '<' not found", version);
}

/** The first problem libxml2 reaches: its index, its offset, and its error when the wording is known. */
export function firstCandidate(doc: XmlDocument, version: Version): { index: number; offset: number; known?: { index: number; error: LibxmlError } } | undefined {
	let best = -1;
	let bestCandidate: Candidate | undefined;
	doc.problems.forEach((problem, index) => {
		if (!problemApplies(problem, version)) return;
		const candidate = candidateFor(doc, problem, version);
		if (!bestCandidate || candidate.offset < bestCandidate.offset || candidate.offset === bestCandidate.offset && bestCandidate.late && !candidate.late) {
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
const NAME_START = /^[A-Za-z_:\u00c0-\uffff]/;
const QUOTE = /['"]/;
const BLANK = /[ \t\r\n]/;

function mismatch(doc: XmlDocument, open: XmlElement, endTagEnd: number, closing: string): Candidate {
	return at(doc.text, endTagEnd, `Opening and ending tag mismatch: ${open.name} line ${lineOf(doc.text, open.start)} and ${closing}`);
}

function candidateFor(doc: XmlDocument, problem: XmlProblem, version: Version): Candidate {
	const text = doc.text;
	const unknown: Candidate = { offset: problem.start };
	const known = entityErrors.get(problem);
	if (known) {
		// Found by dtdSubset.ts where the document uses an entity; libxml2 meets it at the reference's end.
		const error = known(version);
		return error ? { offset: problem.end, error: () => error } : { offset: problem.end };
	}
	const afterRoot = !!doc.root && doc.root.closed && doc.root.end <= problem.start;
	let m: RegExpExecArray | null;
	if ((m = /^Character U\+([0-9A-F]{4}) is not allowed in XML/.exec(problem.message))) {
		return invalidCharacter(doc, problem.start, parseInt(m[1], 16), afterRoot);
	}
	if ((m = /^Entity '([^']+)' is not defined/.exec(problem.message))) {
		// libxml2 reads the name and the ';' first.
		return at(text, text.indexOf(';', problem.start) + 1, `Entity '${m[1]}' not defined`);
	}
	if ((m = /^Unexpected end tag '([^']+)'/.exec(problem.message)) && !NAME_START.test(m[1]) && !afterRoot) {
		// A name that cannot start a name is no name to libxml2, which then wants the tag's '>'.
		return at(text, problem.start + 2, "expected '>'");
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
		// libxml2 compares the names once the last attribute is read, at the tag's '>' or '/>'; a
		// namespace declaration is checked against the element's earlier ones as soon as its value
		// is read (xmlParseStartTag2), so right after its closing quote, and before any other.
		const element = tagAt(doc, problem.start);
		const name = text.slice(problem.start, problem.end);
		if (element && (name === 'xmlns' || name.startsWith('xmlns:'))) {
			const attribute = element.attributes.find((candidate) => candidate.nameStart === problem.start);
			if (attribute?.quote && text[attribute.end - 1] === attribute.quote) return at(text, attribute.end, `Attribute ${name} redefined`);
		}
		if (!element || !element.startTagClosed) return unknown;
		return { ...at(text, element.startTagEnd - (element.selfClosing ? 2 : 1), `Attribute ${name} redefined`), late: true };
	}
	if ((m = /^Attribute '([^']+)' has no value\.$/.exec(problem.message))) {
		// libxml2 skips the blanks after the name and looks for '='.
		return at(text, skipBlanks(text, problem.end), `Specification mandates value for attribute ${m[1]}`, version);
	}
	if (/^End tag of '[^']+' is not closed\.$/.test(problem.message)) {
		return at(text, skipBlanks(text, problem.end), "expected '>'", version);
	}
	if (/^Comment is not closed\.$/.test(problem.message)) {
		const rest = text.slice(problem.start + 4);
		const found = at(text, text.length, commentNotTerminated(rest), version);
		// libxml2 2.9.10's fast comment scanner hands over to the slow one on the LF of a CR LF, which it then counts again.
		if (since(version, LIBXML2_2_9_14) || !/\r\n$/.test(rest.slice(0, fastCommentEnd(rest)))) return found;
		return { offset: found.offset, error: () => { const error = found.error!(); return { ...error, line: error.line + 1 }; } };
	}
	if (/^'--' is not allowed inside a comment\.$/.test(problem.message)) {
		return doubleHyphen(text, problem.start);
	}
	if (/^CDATA section outside the root element\.$/.test(problem.message)) {
		// Before the root libxml2 takes the '<' for the root's start tag.
		return afterRoot ? at(text, problem.start, 'Extra content at the end of the document') : at(text, problem.start + 1, 'StartTag: invalid element name', version);
	}
	if (/^CDATA section is not closed\.$/.test(problem.message)) {
		return at(text, text.length, cdataNotFinished(text.slice(problem.start + 9)), version);
	}
	if (problem.message.startsWith("']]>' is not allowed in text")) {
		return misplacedCdataEnd(doc, problem.start);
	}
	if (/^Unknown markup declaration: /.test(problem.message) || /^DOCTYPE declaration after the root element\.$/.test(problem.message) || /^A second DOCTYPE declaration\.$/.test(problem.message)) {
		// Neither is a declaration libxml2 knows there: it reads '<' as a start tag, or as extra content.
		return afterRoot ? at(text, problem.start, 'Extra content at the end of the document') : at(text, problem.start + 1, 'StartTag: invalid element name', version);
	}
	if (problem.message.startsWith('The XML declaration is malformed: ') || problem.message.startsWith(`${ENCODING_UNKNOWN} '`)) {
		const declaration = xmlDeclarationError(text, text.charCodeAt(0) === 0xfeff ? 1 : 0, version);
		return declaration ? at(text, declaration.at, declaration.libxml, version) : unknown;
	}
	if (problem.message.startsWith('A processing instruction needs a target name')) {
		return at(text, problem.start + 2, 'xmlParsePI : no target name', version);
	}
	if (/^The XML declaration must come first in the document\.$/.test(problem.message) || problem.message.startsWith('An XML declaration needs its version')) {
		// Not at the very start, `<?xml` is a processing instruction whose target libxml2 refuses.
		return at(text, problem.end, 'XML declaration allowed only at the start of the document', version);
	}
	if (/^'[^']+' is reserved: no processing instruction may be named xml/.test(problem.message)) {
		return at(text, problem.end, 'Invalid PI name', version);
	}
	if ((m = /^The target '([^']+)' of a processing instruction must be followed by white space\.$/.exec(problem.message))) {
		return at(text, problem.end, `ParsePI: PI ${m[1]} space expected`, version);
	}
	if (/^Processing instruction is not closed\.$/.test(problem.message)) {
		const target = /^<\?([A-Za-z_:\u00c0-\uffff][\w.:\-\u00b7\u00c0-\uffff]*)/.exec(text.slice(problem.start, problem.start + 1000));
		// Without a target libxml2 has already stopped at the '<?' (the problem before this one).
		return target ? at(text, text.length, `ParsePI: PI ${target[1]} never end ...`, version) : { offset: text.length };
	}
	if (problem.message.startsWith("An end tag needs the element's name")) {
		// libxml2 reads no name and compares "unparsable" (2.9.10: "unparseable") with the open element.
		const open = openAt(doc, problem.start);
		return open ? mismatch(doc, open, problem.end, since(version, LIBXML2_2_9_14) ? 'unparsable' : 'unparseable') : unknown;
	}
	if (/^Incomplete end tag '<\/'\.$/.test(problem.message)) {
		return at(text, skipBlanks(text, problem.start + 2), "expected '>'", version);
	}
	if (/^Not an XML document: no root element\.$/.test(problem.message)) {
		// Only comments, processing instructions or a DOCTYPE: libxml2 wants the root at the end.
		return at(text, text.length, "Start tag expected, '<' not found", version);
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
	if (/^Unexpected character '.' in the start tag of '[^']+'\.$/.test(problem.message)) {
		// Right after a value libxml2 wants a blank; anywhere else it reads an attribute's name.
		return at(text, problem.start, QUOTE.test(text[problem.start - 1] ?? '') ? 'attributes construct error' : 'error parsing attribute name');
	}
	if (/^Start tag of '[^']+' is not closed\.$/.test(problem.message)) {
		// Cut off by the next tag's '<': after a blank libxml2 expects another attribute's name.
		const element = elementAt(doc, problem.start);
		// (Right after the element's name it expects one too; right after a value it wants a blank.)
		if (element && text[element.startTagEnd] === '<' && (element.attributes.length === 0 || BLANK.test(text[element.startTagEnd - 1]))) {
			return at(text, element.startTagEnd, 'error parsing attribute name');
		}
		if (element && text[element.startTagEnd] === '<' && QUOTE.test(text[element.startTagEnd - 1])) {
			return at(text, element.startTagEnd, 'attributes construct error');
		}
		if (element && element.attributes.length > 0 && element.startTagEnd === text.length && QUOTE.test(text[text.length - 1])) {
			// The input ends right after an attribute's value.
			return at(text, text.length, 'attributes construct error', version);
		}
		if (element && element.startTagEnd === text.length && (element.attributes.length === 0 || BLANK.test(text[text.length - 1]))) {
			// The input ends after the name or a blank: libxml2 stops reading attributes and finds no '>'.
			return at(text, text.length, `Couldn't find end of Start Tag ${element.name} line ${lineOf(text, element.start)}`, version);
		}
		// libxml2 reads the whole tag up to the place where it was cut off before it could say so.
		return element ? { offset: element.startTagEnd } : unknown;
	}
	if (/^Content after the root element\.$/.test(problem.message) || /^Extra content at the end of the document: /.test(problem.message)) {
		return at(text, problem.start, 'Extra content at the end of the document');
	}
	if (problem.message.startsWith("'<' must start a tag")) {
		if (afterRoot) return at(text, problem.start, 'Extra content at the end of the document');
		// Before the root too: libxml2 takes the '<' for the root's start tag.
		return at(text, problem.start + 1, 'StartTag: invalid element name', version);
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
	return atEnd(text, since(version, LIBXML2_2_9_14) ? `Premature end of data in tag ${open.name} line ${lineOf(text, open.start)}` : "EndTag: '</' not found", version);
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
	const cur = since(version, XML_ERROR_AT_LINE) ? text.replace(/[\r\n]+$/, '').length : text.length;
	const shown = libxmlErrorInText(text, cur, `${message}\n`);
	if (cur === 0 && since(version, XML_ERROR_AT_LINE)) {
		// Nothing but line breaks (or nothing): these releases have no line to show, and show none.
		return { ...shown, line, context: '', pointer: '' };
	}
	const context = shown.context === '' && cur === text.length ? '(null)' : shown.context;
	return { ...shown, line, context, pointer: context === '(null)' ? '^' : shown.pointer };
}

/** At most `limit` UTF-8 bytes of the text, as libxml2's `%.50s` prints them (a character cut in two shows as U+FFFD). */
function firstBytes(text: string, limit: number): string {
	const bytes = new TextEncoder().encode(text);
	return bytes.length <= limit ? text : new TextDecoder('utf-8').decode(bytes.subarray(0, limit));
}

/** What libxml2 2.9's fast comment scanner reads (ASCII, tabs, line feeds; CR LF as LF); anything else goes to the slow one. */
const SLOW_COMMENT = /[^\t\n\x20-\x7f]/;

/**
 * `--` inside a comment (xmlParseComment): the fast scanner stops at the first hyphen and quotes the
 * comment up to it (50 bytes at most; no text at all when the comment starts with the hyphens); after a
 * character it does not read (non-ASCII, a lone CR) the slow one reports it after both hyphens, unquoted.
 */
function doubleHyphen(text: string, dashes: number): Candidate {
	const open = text.lastIndexOf('<!--', dashes - 4);
	const content = text.slice(open + 4, dashes).replace(/\r\n/g, '\n');
	if (SLOW_COMMENT.test(content)) return at(text, dashes + 2, "Comment must not contain '--' (double-hyphen)");
	return at(text, dashes, content === '' ? 'Double hyphen within comment' : `Double hyphen within comment: <!--${firstBytes(content, 50)}`);
}

/** Where libxml2 2.9's fast comment scanner stops in a comment's text (CR LF it reads as a line end). */
function fastCommentEnd(content: string): number {
	for (let i = 0; i < content.length; i++) {
		const c = content.charCodeAt(i);
		if (c === 0x0d && content.charCodeAt(i + 1) === 0x0a) {
			i++;
		} else if (!(c === 0x09 || c === 0x0a || (c >= 0x20 && c <= 0x7f))) {
			return i;
		}
	}
	return content.length;
}

/**
 * The end of the input inside a comment. The fast scanner reaches it with nothing to quote; the
 * slow one (from the first character the fast one does not read) quotes the comment without its
 * last two characters, when it got that far.
 */
function commentNotTerminated(rest: string): string {
	const content = rest.replace(/\r\n/g, '\n');
	const slow = content.search(SLOW_COMMENT);
	const chars = Array.from(content);
	const fromSlow = slow < 0 ? 0 : Array.from(content.slice(slow)).length;
	if (slow < 0 || fromSlow < 3) return 'Comment not terminated';
	return `Comment not terminated \n<!--${firstBytes(chars.slice(0, -2).join(''), 50)}`;
}

/**
 * The end of the input inside a CDATA section (xmlParseCDSect): the section's text without its last
 * two characters, 50 bytes at most; with fewer than two characters libxml2 2.9 has no text for the
 * error at all ("Unregistered error message").
 */
function cdataNotFinished(rest: string): string {
	// libxml2 reads CR LF as one LF.
	const chars = Array.from(rest.replace(/\r\n/g, '\n'));
	if (chars.length < 2) return 'Unregistered error message';
	return `CData section not finished\n${firstBytes(chars.slice(0, -2).join(''), 50)}`;
}

/**
 * `]]>` in text (xmlParseCharData). libxml2's fast scanner keeps its input at the start of the run of
 * text (after the last tag, comment or reference) while it counts lines, so the context line and caret
 * are those of the run's start and the line number that of the `]]>`; after a character the fast
 * scanner does not read (non-ASCII) the slow one reports it at the `]]>`.
 */
function misplacedCdataEnd(doc: XmlDocument, at: number): Candidate {
	const text = doc.text;
	const message = "Sequence ']]>' not allowed in content\n";
	const open = openAt(doc, at);
	let i = open ? open.startTagEnd : 0;
	for (const child of open?.children ?? []) if (child.end <= at && child.end > i) i = child.end;
	let run = i;
	while (i < at) {
		const c = text[i];
		if (c === '<') {
			const close = text.startsWith('<!--', i) ? text.indexOf('-->', i + 4) + 3 : text.startsWith('<![CDATA[', i) ? text.indexOf(']]>', i + 9) + 3 : text.startsWith('<?', i) ? text.indexOf('?>', i + 2) + 2 : text.indexOf('>', i) + 1;
			i = run = Math.max(close, i + 1);
		} else if (c === '&') {
			const semi = text.indexOf(';', i);
			i = run = semi < 0 || semi > at ? at : semi + 1;
		} else {
			i++;
		}
	}
	if (SLOW_COMMENT.test(text.slice(run, at).replace(/\r\n/g, '\n'))) return { offset: at, error: () => libxmlErrorInText(text, at, message) };
	// After a CR LF the fast scanner's input stands on the LF: libvirt shows the line before, its caret stopping at the CR.
	const crlf = text.lastIndexOf('\r\n', at - 1);
	const shown = crlf >= run && crlf + 1 < at ? crlf : run;
	return { offset: at, error: () => ({ ...libxmlErrorInText(text, shown, message), line: lineOf(text, at) }) };
}

/** The internal general entities of a document, for the checks of their uses below. */
export interface EntityTable {
	readonly entities: ReadonlyMap<string, string>;
	readonly external: ReadonlySet<string>;
}

const PREDEFINED = new Set(['lt', 'gt', 'amp', 'apos', 'quot']);
/** Entity texts libxml2 2.9 parses inside each other before it calls it a loop. */
const MAX_ENTITY_LEVELS = 20;
/** A wrapper element for an entity's text, parsed as content: a name no entity closes. */
const WRAP_OPEN = '<\u00c0>';
const WRAP_CLOSE = '</\u00c0>';

/**
 * What libxml2 2.9 says at the first use of an internal entity in an attribute value, at the end of
 * the reference in the document (xmlParseAttValueComplex, xmlStringDecodeEntities): an entity whose
 * text holds '<', an undefined entity in its text, or an entity met again while it is being
 * expanded (a loop). Each entity's text is expanded once, at its first use (`checked`).
 */
export function entityInAttributeError(table: EntityTable, name: string, checked: Set<string>): string | undefined {
	const stack: string[] = [];
	const visit = (entity: string): string | undefined => {
		const value = table.entities.get(entity) ?? '';
		if (value.includes('<')) return `'<' in entity '${entity}' is not allowed in attributes values`;
		if (checked.has(entity)) return undefined;
		checked.add(entity);
		stack.push(entity);
		for (const match of value.matchAll(/&([^#;&\s][^;&\s]*);/g)) {
			const inner = match[1];
			if (PREDEFINED.has(inner) || table.external.has(inner)) continue;
			if (!table.entities.has(inner)) return `Entity '${inner}' not defined`;
			if (stack.includes(inner)) return 'Detected an entity reference loop';
			const found = visit(inner);
			if (found) return found;
		}
		stack.pop();
		return undefined;
	};
	return visit(name);
}

/**
 * libxml2 2.9's error at the first use of an internal entity in content, which it parses as a
 * balanced chunk of content in an input of its own (xmlParseBalancedChunkMemoryInternal): the
 * error's line, context and caret are those of the entity's text, libvirt prints `at line N:`.
 * Markup errors are those of a document (a mismatch names the line in the entity text; 2.9.10
 * says line 0); an end tag that closes what the entity did not open is "chunk is not well
 * balanced" at its '<'; an element left open is "Premature end of data in tag" at the end of the
 * text (2.9.10: "chunk is not well balanced"); an entity used inside is parsed there in turn, one
 * level deeper. libxml2 refuses the 21st level (a loop reaches it), in the text of the 20th, after
 * the reference: "Detected an entity reference loop" (so a loop of three entities a, b, c used as
 * `&a;` stops in b's text, the 20th level being b; checked with virsh for loops of one to five).
 * Returns null when libxml2 accepts the entity, undefined when it refuses it in unknown words.
 */
export function entityInContentError(table: EntityTable, name: string, checked: Set<string>, version: Version, stack: string[] = []): LibxmlError | null | undefined {
	const value = table.entities.get(name) ?? '';
	checked.add(name);
	stack.push(name);
	try {
		const wrapped = `${WRAP_OPEN}${value}${WRAP_CLOSE}`;
		const doc = parseXml(wrapped);
		const shift = WRAP_OPEN.length;
		const inValue = (offset: number, message: string): Candidate => {
			const at = Math.max(0, Math.min(value.length, offset - shift));
			return { offset, error: () => (at >= value.length ? atEnd(value, message, version) : libxmlErrorInText(value, at, `${message}\n`)) };
		};
		let best: Candidate | undefined;
		for (const problem of doc.problems) {
			let candidate: Candidate | undefined;
			let m: RegExpExecArray | null;
			if ((m = /^Entity '([^']+)' is not defined/.exec(problem.message)) && (table.entities.has(m[1]) || table.external.has(m[1]))) {
				const inner = m[1];
				const end = wrapped.indexOf(';', problem.start) + 1;
				if (table.external.has(inner) || (checked.has(inner) && !stack.includes(inner))) continue;
				if (stack.length >= MAX_ENTITY_LEVELS) {
					candidate = inValue(end, 'Detected an entity reference loop');
				} else {
					const found = entityInContentError(table, inner, checked, version, stack);
					if (found === null) continue;
					candidate = found ? { offset: end, error: () => found } : { offset: end };
				}
			} else if ((m = /^Unexpected end tag '[^']+': '([^']+)' is open\.$/.exec(problem.message)) && m[1] === '\u00c0') {
				candidate = inValue(problem.start, 'chunk is not well balanced');
			} else if ((m = /^Element '([^']+)' is not closed before '<\/\u00c0>'\.$/.exec(problem.message))) {
				const open = elementAt(doc, problem.start);
				const line = open ? lineOf(value, open.start - shift) : 1;
				candidate = inValue(wrapped.length - WRAP_CLOSE.length, since(version, LIBXML2_2_9_14) ? `Premature end of data in tag ${m[1]} line ${line}` : 'chunk is not well balanced');
			} else if (problem.message.startsWith('CDATA section outside the root element')) {
				continue;
			} else {
				const found = candidateFor(doc, problem, version);
				const error = found.error;
				candidate = {
					offset: found.offset,
					error: error && (() => {
						// The same error in the entity's own text: the wrapper's tag is not on its first line.
						const raw = error();
						const firstLine = raw.line === 1;
						const pointer = firstLine ? raw.pointer.replace(/^-{4}/, '') : raw.pointer;
						let context = firstLine && raw.context.startsWith(WRAP_OPEN) ? raw.context.slice(shift) : raw.context;
						if (context.endsWith(WRAP_CLOSE)) context = context.slice(0, -WRAP_CLOSE.length);
						const message = since(version, LIBXML2_2_9_14) ? raw.message : raw.message.replace(/^(Opening and ending tag mismatch: \S+ line )\d+/, '$10');
						return { ...raw, message, context, pointer };
					}),
				};
			}
			if (!best || candidate.offset < best.offset) best = candidate;
		}
		if (!best) return null;
		const error = best.error?.();
		return error ? { ...error, inEntity: true } : undefined;
	} finally {
		stack.pop();
	}
}

/**
 * A character XML does not allow (a control character, U+FFFE, U+FFFF), worded by the construct
 * libxml2 is reading there: text "PCDATA invalid Char value N", an attribute value "invalid
 * character in attribute value", a comment "xmlParseComment: invalid xmlChar value N" (2.9's slow
 * scanner names the character before when the bad one is the second it reads), a processing
 * instruction "never end", a CDATA section "not finished", a start tag "Couldn't find end of Start
 * Tag" (right after a value the tag's own problem, the missing blank, speaks); U+FFFE and U+FFFF
 * are refused as they are decoded ("Char 0xFFFE out of allowed range"); after the root it is extra
 * content; before it the other problems speak.
 */
function invalidCharacter(doc: XmlDocument, offset: number, code: number, afterRoot: boolean): Candidate {
	const text = doc.text;
	const never: Candidate = { offset: Number.POSITIVE_INFINITY };
	if (afterRoot) return at(text, offset, 'Extra content at the end of the document');
	const open = openAt(doc, offset);
	const tag = tagAt(doc, offset);
	if (!open && !tag) return never;
	if (code >= 0x80) return at(text, offset, `Char 0x${code.toString(16).toUpperCase()} out of allowed range`);
	if (tag) {
		if (tag.attributes.some((attribute) => attribute.quote !== null && attribute.valueStart <= offset && offset < attribute.valueEnd)) return at(text, offset, 'invalid character in attribute value');
		// Right after a value it is the missing blank; elsewhere libxml2 stops reading attributes there.
		return QUOTE.test(text[offset - 1] ?? '') ? never : at(text, offset, `Couldn't find end of Start Tag ${tag.name} line ${lineOf(text, tag.start)}`);
	}
	let i = open!.startTagEnd;
	for (const child of open!.children) if (child.end <= offset && child.end > i) i = child.end;
	while (i < offset) {
		if (text[i] !== '<') {
			i++;
			continue;
		}
		const [opener, closer] = text.startsWith('<!--', i) ? ['<!--', '-->'] : text.startsWith('<![CDATA[', i) ? ['<![CDATA[', ']]>'] : text.startsWith('<?', i) ? ['<?', '?>'] : ['<', '>'];
		const close = text.indexOf(closer, i + opener.length);
		if (close >= 0 && close + closer.length <= offset) {
			i = close + closer.length;
			continue;
		}
		const inside = text.slice(i + opener.length, offset);
		if (opener === '<!--') {
			const chars = Array.from(inside.replace(/\r\n/g, '\n'));
			const slow = chars.findIndex((char) => SLOW_COMMENT.test(char));
			const value = slow >= 0 && slow === chars.length - 1 ? chars[slow].codePointAt(0)! : code;
			return at(text, offset, `xmlParseComment: invalid xmlChar value ${value}`);
		}
		// The section's reader stops at the character, as at the end of the input.
		if (opener === '<![CDATA[') return at(text, offset, cdataNotFinished(inside));
		if (opener === '<?') {
			const target = /^[A-Za-z_:\u00c0-\uffff][\w.:\-\u00b7\u00c0-\uffff]*/.exec(inside);
			return target ? at(text, offset, `ParsePI: PI ${target[0]} never end ...`) : never;
		}
		return never;
	}
	return at(text, offset, `PCDATA invalid Char value ${code}`);
}
