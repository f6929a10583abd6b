/**
 * A tolerant, offset-precise XML parser: the only module that knows how XML is read.
 *
 * Why not a library: the design card named `@xmldom/xmldom`, which parses 3–6 MB/s on this
 * machine and stops at the first fatal error; `saxes` is fast but gives up on half-typed markup.
 * A language server sees half-typed XML on every keystroke and must answer within a few
 * milliseconds on a 35 KB domain and within a fraction of `xmllint`'s time on a 3.5 MB one
 * (see docs/benchmarks.md), so this is a single forward scan built on `indexOf`, in the shape of
 * vscode-html-languageservice's scanner. It never expands entities (so entity bombs cost nothing),
 * never recurses (so deep nesting cannot overflow the stack) and turns every well-formedness
 * problem into a {@link XmlProblem} instead of throwing. `@xmldom/xmldom` stays in the test suite
 * as an oracle for well-formed input.
 *
 * libxml2 itself (the npm package libxml2-wasm) was measured as the layer that says what libvirt
 * sees and not adopted: 1.5 ms for a 35 KB domain is most of the edit budget, and its libxml2 2.14
 * words errors and decodes UTF-16 unlike the 2.9.x every libvirt release here runs. What libxml2
 * changes for libvirt is applied on top of this tree instead: attribute lookup by local name
 * ({@link getAttribute}), blank text ({@link textContent}), the internal DTD subset (dtdSubset.ts)
 * and byte-level refusals (libxmlErrors.ts); see docs/parsing.md.
 */
import { xmlDeclarationError } from './xmlDeclaration';
import { since, type Version, type VersionChange } from '../version';

import { ownCopy } from '../util/ownCopy';

/** A half-open range of offsets into the document text. */
export interface Span {
	readonly start: number;
	readonly end: number;
}

export interface XmlAttribute {
	readonly name: string;
	readonly nameStart: number;
	readonly nameEnd: number;
	/** The decoded value, or null when the attribute has no `=value` part. */
	readonly value: string | null;
	/** Offsets of the raw value inside the quotes (or of the unquoted value). */
	readonly valueStart: number;
	readonly valueEnd: number;
	readonly quote: '"' | "'" | null;
	/** Offset just after the attribute: after its closing quote, or where an unterminated value stops. */
	readonly end: number;
}

export interface XmlElement {
	readonly name: string;
	/** Offset of `<`. */
	readonly start: number;
	readonly nameEnd: number;
	/** Offset just after the start tag's `>` (or where the unterminated start tag was cut off). */
	startTagEnd: number;
	/** Offset of the end tag's `<`, or -1 for self-closing and unclosed elements. */
	endTagStart: number;
	/** Offset just after the element (after its end tag, or where it was implicitly closed). */
	end: number;
	selfClosing: boolean;
	/** False when the document ended, or an ancestor's end tag came, before this element's end tag. */
	closed: boolean;
	/** False when the start tag itself has no `>`. */
	startTagClosed: boolean;
	readonly attributes: XmlAttribute[];
	readonly children: XmlElement[];
	readonly parent: XmlElement | null;
	/**
	 * True when a default namespace (`xmlns='…'`) is in force here. libvirt's XPath lookups match
	 * only elements in no namespace, so such elements are invisible to it.
	 */
	namespaced: boolean;
}

export interface XmlProblem extends Span {
	readonly message: string;
	/** Set when libvirt refuses the text only from this release on: before it the problem is none (problemApplies). */
	readonly since?: VersionChange;
}

/** Whether libvirt of this version refuses what the problem describes. */
export function problemApplies(problem: XmlProblem, version: Version): boolean {
	return !problem.since || since(version, problem.since);
}

/** Whether libvirt of this version refuses the text as libxml2 reads it, before any of its content is read. */
export function refusedByLibxml(xml: XmlDocument, version: Version): boolean {
	return xml.problems.some((problem) => problemApplies(problem, version));
}

export interface XmlDocument {
	readonly text: string;
	/** The first top-level element. */
	readonly root: XmlElement | null;
	/** Well-formedness problems, in document order. */
	readonly problems: XmlProblem[];
	/**
	 * Set when the text is past a limit (bytes, elements, depth): the document is then not
	 * checked at all (root null, no problems), and this says why, at the place the limit was hit.
	 */
	readonly limit?: XmlProblem;
	/** The first element opened with LIBXML_MAX_OPEN others open: libxml2 refuses it (libxmlMarkup.ts). */
	readonly tooDeep?: XmlElement;
}

/** Elements libxml2 (without XML_PARSE_HUGE) lets be open when it reads a start tag; checked with virsh. */
export const LIBXML_MAX_OPEN = 257;

/**
 * Bounds on what one parse may build, so that memory stays proportional to a domain, not to
 * whatever a file holds: 21 million `<a>` elements in 63 MB once took the CLI to a V8 heap abort.
 * A real domain has a few elements per device; the defaults allow a 35 MB domain of 100,000 disks.
 */
export interface ParseLimits {
	/** Text length in UTF-16 code units. */
	readonly maxBytes: number;
	readonly maxElements: number;
	readonly maxDepth: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = { maxBytes: 64 * 1024 * 1024, maxElements: 1_000_000, maxDepth: 1_000 };

/** Thrown inside the parser when a limit is hit; never escapes parseXml. */
class LimitReached {
	constructor(readonly problem: XmlProblem) {}
}

/**
 * Shared by every element without attributes or children: most leaves have no children and many
 * elements no attributes, and an empty array each costs as much as a small element. Frozen, so a
 * caller that pushes onto one fails loudly instead of corrupting every other element.
 */
const NO_ATTRIBUTES: XmlAttribute[] = Object.freeze([]) as unknown as XmlAttribute[];
const NO_CHILDREN: XmlElement[] = Object.freeze([]) as unknown as XmlElement[];

/** The parser's view of an element: the same object, with the arrays it fills in. */
interface MutableElement extends XmlElement {
	attributes: XmlAttribute[];
	children: XmlElement[];
}

const enum Ch {
	Tab = 9, LF = 10, CR = 13, Space = 32, Bang = 33, DQuote = 34, Amp = 38, SQuote = 39,
	Slash = 47, Colon = 58, Semi = 59, Lt = 60, Eq = 61, Gt = 62, Question = 63, A = 65, Z = 90,
	Underscore = 95, a = 97, z = 122, Dash = 45, Dot = 46, Zero = 48, Nine = 57,
}

function isWhitespace(c: number): boolean {
	return c === Ch.Space || c === Ch.LF || c === Ch.Tab || c === Ch.CR;
}

function isNameStart(c: number): boolean {
	return (c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z) || c === Ch.Underscore || c === Ch.Colon || c >= 0xc0;
}

function isNameChar(c: number): boolean {
	return isNameStart(c) || (c >= Ch.Zero && c <= Ch.Nine) || c === Ch.Dash || c === Ch.Dot || c === 0xb7;
}

/** Characters XML 1.0 forbids anywhere in a document (libxml2 refuses them). */
const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** How many problems one document may report; past this the rest of the file is noise. */
const MAX_PROBLEMS = 100;

export function parseXml(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): XmlDocument {
	if (text.length > limits.maxBytes) {
		return limitedDocument(text, { start: 0, end: 0, message: `The document is ${Math.round(text.length / 1024 / 1024)} MiB long, past the limit of ${Math.round(limits.maxBytes / 1024 / 1024)} MiB (libvirtSeclabel.limits.maxBytes): it is not checked.` });
	}
	try {
		return new XmlParser(text, limits).parse();
	} catch (error) {
		if (error instanceof LimitReached) {
			return limitedDocument(text, error.problem);
		}
		throw error;
	}
}

function limitedDocument(text: string, limit: XmlProblem): XmlDocument {
	return { text, root: null, problems: [], limit };
}

/**
 * Finds the next occurrence of one character at or after an offset, remembering the last answer.
 * The parser's searches move forward, so an answer still ahead is reused: without this, a document
 * with no '&' (or a start tag with thousands of attributes) is rescanned to its end once per text
 * node (or attribute), which is quadratic in its size.
 */
class ForwardSearch {
	private from = -1;
	private at = -1;

	constructor(private readonly text: string, private readonly char: string) {}

	next(from: number): number {
		if (this.from < 0 || from < this.from || (this.at >= 0 && from > this.at)) {
			this.from = from;
			this.at = this.text.indexOf(this.char, from);
		}
		return this.at;
	}
}

class XmlParser {
	private pos = 0;
	private readonly len: number;
	private readonly problems: XmlProblem[] = [];
	private tooDeep: XmlElement | undefined;
	private readonly stack: XmlElement[] = [];
	/** How many elements of each name are on the stack, so an end tag that matches none costs O(1). */
	private readonly openNames = new Map<string, number>();
	private root: XmlElement | null = null;
	private rootClosed = false;
	private readonly ampersands: ForwardSearch;
	private readonly lessThans: ForwardSearch;
	private readonly doubleQuotes: ForwardSearch;
	private readonly singleQuotes: ForwardSearch;
	/** `]]>`, which text may not contain (searched forward like the characters above). */
	private readonly cdataEnds: ForwardSearch;
	private doctypeSeen = false;
	private elementCount = 0;
	/** Element and attribute names, one string per distinct name instead of one per occurrence. */
	private readonly names = new Map<string, string>();

	constructor(private readonly text: string, private readonly limits: ParseLimits = DEFAULT_PARSE_LIMITS) {
		this.len = text.length;
		this.ampersands = new ForwardSearch(text, '&');
		this.lessThans = new ForwardSearch(text, '<');
		this.doubleQuotes = new ForwardSearch(text, '"');
		this.singleQuotes = new ForwardSearch(text, "'");
		this.cdataEnds = new ForwardSearch(text, ']]>');
	}

	parse(): XmlDocument {
		const text = this.text;
		const invalid = INVALID_CHAR.exec(text);
		if (invalid) {
			const code = invalid[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
			this.problem(invalid.index, invalid.index + 1, `Character U+${code} is not allowed in XML; is this a binary file?`);
		}
		while (this.pos < this.len && this.problems.length < MAX_PROBLEMS) {
			const lt = text.indexOf('<', this.pos);
			const textEnd = lt < 0 ? this.len : lt;
			if (textEnd > this.pos) {
				this.scanText(this.pos, textEnd);
			}
			if (lt < 0) {
				this.pos = this.len;
				break;
			}
			this.pos = lt;
			const next = text.charCodeAt(lt + 1);
			if (next === Ch.Bang) {
				this.scanBang();
			} else if (next === Ch.Question) {
				this.scanProcessingInstruction();
			} else if (next === Ch.Slash) {
				this.scanEndTag();
			} else if (isNameStart(next)) {
				this.scanStartTag();
			} else {
				this.problem(lt, lt + 1, "'<' must start a tag; write '&lt;' for a literal '<'.");
				this.pos = lt + 1;
			}
		}
		while (this.stack.length > 0) {
			const open = this.stack.pop()!;
			finishChildren(open);
			open.closed = false;
			open.end = this.len;
			this.problem(open.start, open.nameEnd, `Element '${open.name}' is not closed.`);
		}
		if (!this.root) {
			const firstContent = text.search(/\S/);
			if (firstContent >= 0 && this.problems.length === 0) {
				this.problem(firstContent, Math.min(this.len, firstContent + 1), 'Not an XML document: no root element.');
			}
		}
		return this.tooDeep ? { text, root: this.root, problems: this.problems, tooDeep: this.tooDeep } : { text, root: this.root, problems: this.problems };
	}

	private problem(start: number, end: number, message: string, since?: VersionChange): void {
		if (this.problems.length < MAX_PROBLEMS) {
			// Clamped to the text: a problem at the very end (`<a b=`) must not point past it.
			const from = Math.min(start, this.len);
			this.problems.push({ start: from, end: Math.min(this.len, Math.max(from, end)), message, ...(since ? { since } : {}) });
		}
	}

	private scanText(start: number, end: number): void {
		const text = this.text;
		if (this.stack.length === 0) {
			for (let i = start; i < end; i++) {
				// A byte order mark at the very start is not content (editors usually strip it already).
				if (!isWhitespace(text.charCodeAt(i)) && !(i === 0 && text.charCodeAt(0) === 0xfeff)) {
					const message = this.root ? 'Content after the root element.' : 'Text before the root element.';
					this.problem(i, end, message);
					return;
				}
			}
			return;
		}
		const cdataEnd = this.cdataEnds.next(start);
		if (cdataEnd >= 0 && cdataEnd + 3 <= end) {
			this.problem(cdataEnd, cdataEnd + 3, "']]>' is not allowed in text; write ']]&gt;'.");
		}
		let amp = this.ampersands.next(start);
		while (amp >= 0 && amp < end) {
			const refEnd = checkReference(text, amp, end);
			if (refEnd < 0) {
				this.problem(amp, Math.min(end, amp + 1), referenceProblem(text, amp, end));
				amp = this.ampersands.next(amp + 1);
			} else {
				amp = this.ampersands.next(refEnd);
			}
		}
	}

	private scanBang(): void {
		const text = this.text;
		const lt = this.pos;
		if (text.startsWith('<!--', lt)) {
			const close = text.indexOf('-->', lt + 4);
			const dashes = text.indexOf('--', lt + 4);
			if (dashes >= 0 && dashes < (close < 0 ? this.len : close)) {
				this.problem(dashes, dashes + 2, "'--' is not allowed inside a comment.");
			}
			if (close < 0) {
				this.problem(lt, lt + 4, 'Comment is not closed.');
				this.pos = this.len;
			} else {
				this.pos = close + 3;
			}
		} else if (text.startsWith('<![CDATA[', lt)) {
			const close = text.indexOf(']]>', lt + 9);
			if (this.stack.length === 0) {
				this.problem(lt, lt + 9, 'CDATA section outside the root element.');
			}
			if (close < 0) {
				this.problem(lt, lt + 9, 'CDATA section is not closed.');
				this.pos = this.len;
			} else {
				this.pos = close + 3;
			}
		} else if (text.startsWith('<!DOCTYPE', lt)) {
			this.scanDoctype();
		} else {
			this.problem(lt, lt + 2, "Unknown markup declaration: expected '<!--', '<![CDATA[' or '<!DOCTYPE'.");
			this.pos = lt + 2;
		}
	}

	private scanDoctype(): void {
		const text = this.text;
		const lt = this.pos;
		let i = lt + 9;
		let quote = 0;
		let subsetStart = -1;
		for (; i < this.len; i++) {
			const c = text.charCodeAt(i);
			if (quote) {
				if (c === quote) quote = 0;
			} else if (c === Ch.DQuote || c === Ch.SQuote) {
				quote = c;
			} else if (c === 91 /* [ */ && subsetStart < 0) {
				subsetStart = i;
				const subsetEnd = findSubsetEnd(text, i + 1);
				if (subsetEnd < 0) {
					i = this.len;
					break;
				}
				i = subsetEnd;
			} else if (c === Ch.Gt) {
				break;
			}
		}
		if (i >= this.len) {
			this.problem(lt, lt + 9, 'DOCTYPE declaration is not closed.');
			this.pos = this.len;
			return;
		}
		if (this.root) {
			this.problem(lt, i + 1, 'DOCTYPE declaration after the root element.');
		} else if (this.doctypeSeen) {
			this.problem(lt, i + 1, 'A second DOCTYPE declaration.');
		}
		this.doctypeSeen = true;
		if (subsetStart >= 0) {
			const entity = text.slice(subsetStart, i).search(/<!ENTITY/);
			if (entity >= 0) {
				// Entities are never expanded here, which is what keeps "billion laughs" harmless.
				// dtdSubset.ts then applies what libxml2 does with them for libvirt (and drops this
				// problem), within a fixed budget, once the tree is built.
				this.problem(subsetStart + entity, subsetStart + entity + 8,
					'Entity declarations are not expanded; libvirt domain XML should not declare entities.');
			}
		}
		this.pos = i + 1;
	}

	private scanProcessingInstruction(): void {
		const text = this.text;
		const lt = this.pos;
		const close = text.indexOf('?>', lt + 2);
		// libxml2 reads an XML declaration only at the very start (a byte order mark aside).
		const first = lt === 0 || (lt === 1 && text.charCodeAt(0) === 0xfeff);
		const targetEnd = isNameStart(text.charCodeAt(lt + 2)) ? this.scanName(lt + 2) : lt + 2;
		const target = text.slice(lt + 2, targetEnd);
		if (target === '') {
			this.problem(lt, lt + 2, "A processing instruction needs a target name right after '<?'.");
		} else if (target === 'xml' && first && isWhitespace(text.charCodeAt(targetEnd))) {
			const declaration = xmlDeclarationError(text, lt);
			if (declaration) this.problem(declaration.span?.start ?? declaration.at, declaration.span?.end ?? declaration.at + 1, declaration.message, declaration.since);
			// No value in a declaration holds '>': like libxml2, a declaration that lacks its '?' ends there.
			const gt = text.indexOf('>', lt);
			if (declaration && gt >= 0 && (close < 0 || gt < close + 1)) {
				this.pos = gt + 1;
				return;
			}
		} else if (target === 'xml') {
			this.problem(lt, targetEnd, first ? "An XML declaration needs its version: <?xml version='1.0'?>." : 'The XML declaration must come first in the document.');
		} else if (target.length === 3 && target.toLowerCase() === 'xml' && target !== 'xml') {
			this.problem(lt, targetEnd, `'${target}' is reserved: no processing instruction may be named xml, in any case.`);
		} else if (target !== 'xml' && !isWhitespace(text.charCodeAt(targetEnd)) && !text.startsWith('?>', targetEnd)) {
			this.problem(lt, targetEnd, `The target '${target}' of a processing instruction must be followed by white space.`);
		}
		if (close < 0) {
			this.problem(lt, lt + 2, 'Processing instruction is not closed.');
			this.pos = this.len;
			return;
		}
		this.pos = close + 2;
	}

	private scanName(from: number): number {
		const text = this.text;
		let i = from;
		while (i < this.len && isNameChar(text.charCodeAt(i))) i++;
		return i;
	}

	/**
	 * Names and attribute values are copies of their own (util/ownCopy.ts): the tree outlives its
	 * text, since the incremental parse moves it on to every later version, and a slice would keep
	 * the version it was cut from alive (+3.3 MB per edit in another element, measured).
	 */
	private intern(name: string): string {
		const known = this.names.get(name);
		if (known !== undefined) {
			return known;
		}
		const own = ownCopy(name);
		if (this.names.size < 10_000) {
			this.names.set(own, own);
		}
		return own;
	}

	private scanStartTag(): void {
		const text = this.text;
		const start = this.pos;
		const nameEnd = this.scanName(start + 1);
		const name = this.intern(text.slice(start + 1, nameEnd));
		const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1] : null;
		if (++this.elementCount > this.limits.maxElements) {
			throw new LimitReached({ start, end: nameEnd, message: `The document has more than ${this.limits.maxElements.toLocaleString('en-US')} elements (libvirtSeclabel.limits.maxElements): it is not checked. A libvirt domain has a few elements per device.` });
		}
		if (this.stack.length >= this.limits.maxDepth) {
			throw new LimitReached({ start, end: nameEnd, message: `Elements are nested more than ${this.limits.maxDepth.toLocaleString('en-US')} deep here (libvirtSeclabel.limits.maxDepth): the document is not checked. A libvirt domain nests a few levels deep.` });
		}
		const element: MutableElement = {
			name, start, nameEnd, startTagEnd: nameEnd, endTagStart: -1, end: nameEnd,
			selfClosing: false, closed: true, startTagClosed: false, attributes: NO_ATTRIBUTES, children: NO_CHILDREN, parent,
			namespaced: parent ? parent.namespaced : false,
		};
		if (this.stack.length >= LIBXML_MAX_OPEN && !this.tooDeep) this.tooDeep = element;
		// Attributes are collected here and stored as an exact-size array (or the shared empty one).
		const attributes: XmlAttribute[] = [];
		if (parent) {
			const siblings = (parent as MutableElement).children;
			if (siblings === NO_CHILDREN) {
				(parent as MutableElement).children = [element];
			} else {
				siblings.push(element);
			}
		} else if (!this.root) {
			this.root = element;
		} else {
			this.problem(start, nameEnd, this.rootClosed
				? `Extra content at the end of the document: a second root element '${name}'.`
				: `Second root element '${name}'.`);
		}
		let i = nameEnd;
		// Duplicate names are looked up in the attribute list; a set is built only for huge tags.
		let seen: Set<string> | undefined;
		for (;;) {
			const wsStart = i;
			while (i < this.len && isWhitespace(text.charCodeAt(i))) i++;
			if (i >= this.len) {
				this.problem(start, nameEnd, `Start tag of '${name}' is not closed.`);
				element.startTagEnd = i;
				element.closed = false;
				break;
			}
			const c = text.charCodeAt(i);
			if (c === Ch.Gt) {
				element.startTagEnd = i + 1;
				element.startTagClosed = true;
				break;
			}
			if (c === Ch.Slash && text.charCodeAt(i + 1) === Ch.Gt) {
				element.startTagEnd = i + 2;
				element.startTagClosed = true;
				element.selfClosing = true;
				break;
			}
			if (c === Ch.Lt) {
				// Half-typed tag: stop here so that the next tag is still read as a tag.
				this.problem(start, nameEnd, `Start tag of '${name}' is not closed.`);
				element.startTagEnd = i;
				element.closed = false;
				break;
			}
			if (!isNameStart(c)) {
				this.problem(i, i + 1, `Unexpected character '${text[i]}' in the start tag of '${name}'.`);
				i++;
				continue;
			}
			if (wsStart === i) {
				this.problem(i, i + 1, `Attributes of '${name}' must be separated by white space.`);
			}
			const attrNameEnd = this.scanName(i);
			const attrName = this.intern(text.slice(i, attrNameEnd));
			if (!seen && attributes.length >= 16) {
				seen = new Set(attributes.map((attribute) => attribute.name));
			}
			if (seen ? seen.has(attrName) : attributes.some((attribute) => attribute.name === attrName)) {
				this.problem(i, attrNameEnd, `Attribute '${attrName}' is given twice.`);
			}
			seen?.add(attrName);
			let j = attrNameEnd;
			while (j < this.len && isWhitespace(text.charCodeAt(j))) j++;
			if (text.charCodeAt(j) !== Ch.Eq) {
				this.problem(i, attrNameEnd, `Attribute '${attrName}' has no value.`);
				attributes.push({ name: attrName, nameStart: i, nameEnd: attrNameEnd, value: null, valueStart: attrNameEnd, valueEnd: attrNameEnd, quote: null, end: attrNameEnd });
				i = attrNameEnd;
				continue;
			}
			j++;
			while (j < this.len && isWhitespace(text.charCodeAt(j))) j++;
			const q = text.charCodeAt(j);
			if (q === Ch.DQuote || q === Ch.SQuote) {
				const close = (q === Ch.DQuote ? this.doubleQuotes : this.singleQuotes).next(j + 1);
				const lt = this.lessThans.next(j + 1);
				if (close < 0 || (lt >= 0 && lt < close)) {
					// An unterminated value: take it up to the end of the line so a half-typed
					// attribute does not swallow the rest of the document.
					let stop = j + 1;
					while (stop < this.len && text.charCodeAt(stop) !== Ch.LF && text.charCodeAt(stop) !== Ch.Lt && text.charCodeAt(stop) !== Ch.Gt) stop++;
					this.problem(j, stop, `Value of attribute '${attrName}' is not closed.`);
					attributes.push({ name: attrName, nameStart: i, nameEnd: attrNameEnd, value: ownCopy(decodeText(text.slice(j + 1, stop))), valueStart: j + 1, valueEnd: stop, quote: q === Ch.DQuote ? '"' : "'", end: stop });
					i = stop;
					continue;
				}
				const raw = text.slice(j + 1, close);
				if (raw.indexOf('&') >= 0) {
					this.checkReferencesIn(j + 1, close);
				}
				attributes.push({ name: attrName, nameStart: i, nameEnd: attrNameEnd, value: ownCopy(decodeAttributeValue(raw)), valueStart: j + 1, valueEnd: close, quote: q === Ch.DQuote ? '"' : "'", end: close + 1 });
				i = close + 1;
			} else {
				let stop = j;
				while (stop < this.len && !isWhitespace(text.charCodeAt(stop)) && text.charCodeAt(stop) !== Ch.Gt && text.charCodeAt(stop) !== Ch.Lt && !(text.charCodeAt(stop) === Ch.Slash && text.charCodeAt(stop + 1) === Ch.Gt)) stop++;
				this.problem(j, Math.max(stop, j + 1), `Value of attribute '${attrName}' must be quoted.`);
				attributes.push({ name: attrName, nameStart: i, nameEnd: attrNameEnd, value: ownCopy(text.slice(j, stop)), valueStart: j, valueEnd: stop, quote: null, end: Math.max(stop, attrNameEnd) });
				i = stop;
			}
		}
		if (attributes.length > 0) {
			element.attributes = attributes.slice();
		}
		element.end = element.startTagEnd;
		this.pos = element.startTagEnd;
		for (const attribute of element.attributes) {
			if (attribute.name === 'xmlns') {
				element.namespaced = !!attribute.value;
			}
		}
		// A start tag cut off by the next '<' is being typed: what follows belongs to its parent, so
		// the element is taken as empty instead of swallowing the rest of the document.
		if (!element.selfClosing && element.startTagClosed) {
			this.stack.push(element);
			this.openNames.set(name, (this.openNames.get(name) ?? 0) + 1);
		} else if (element === this.root) {
			this.rootClosed = true;
		}
	}

	private popElement(): XmlElement {
		const element = this.stack.pop()!;
		finishChildren(element);
		this.openNames.set(element.name, this.openNames.get(element.name)! - 1);
		return element;
	}

	private checkReferencesIn(start: number, end: number): void {
		const text = this.text;
		let amp = this.ampersands.next(start);
		while (amp >= 0 && amp < end) {
			const refEnd = checkReference(text, amp, end);
			if (refEnd < 0) {
				this.problem(amp, amp + 1, referenceProblem(text, amp, end));
				amp = this.ampersands.next(amp + 1);
			} else {
				amp = this.ampersands.next(refEnd);
			}
		}
	}

	private scanEndTag(): void {
		const text = this.text;
		const start = this.pos;
		const nameEnd = this.scanName(start + 2);
		const name = text.slice(start + 2, nameEnd);
		let i = nameEnd;
		while (i < this.len && isWhitespace(text.charCodeAt(i))) i++;
		let end: number;
		if (text.charCodeAt(i) === Ch.Gt) {
			end = i + 1;
		} else {
			this.problem(start, nameEnd, name ? `End tag of '${name}' is not closed.` : "Incomplete end tag '</'.");
			end = i;
		}
		this.pos = Math.max(end, start + 2);
		if (!name) {
			if (end > i) this.problem(start, end, "An end tag needs the element's name: '</>'.");
			return;
		}
		let match = -1;
		for (let k = (this.openNames.get(name) ?? 0) > 0 ? this.stack.length - 1 : -1; k >= 0; k--) {
			if (this.stack[k].name === name) {
				match = k;
				break;
			}
		}
		if (match < 0) {
			this.problem(start, end, this.stack.length > 0
				? `Unexpected end tag '${name}': '${this.stack[this.stack.length - 1].name}' is open.`
				: `Unexpected end tag '${name}'.`);
			return;
		}
		while (this.stack.length - 1 > match) {
			const open = this.popElement();
			open.closed = false;
			open.end = start;
			this.problem(open.start, open.nameEnd, `Element '${open.name}' is not closed before '</${name}>'.`);
		}
		const element = this.popElement();
		element.endTagStart = start;
		element.end = end;
		if (element === this.root) {
			this.rootClosed = true;
		}
	}
}

/** Trims a closed element's child list to its exact size: growth leaves up to half again as spare capacity. */
function finishChildren(element: XmlElement): void {
	const mutable = element as MutableElement;
	if (mutable.children.length > 1) {
		mutable.children = mutable.children.slice();
	}
}

function findSubsetEnd(text: string, from: number): number {
	let quote = 0;
	for (let i = from; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (quote) {
			if (c === quote) quote = 0;
		} else if (c === Ch.DQuote || c === Ch.SQuote) {
			quote = c;
		} else if (c === 93 /* ] */) {
			return i;
		}
	}
	return -1;
}

/** Returns the offset after a valid `&...;` reference at `amp`, or -1. */
function checkReference(text: string, amp: number, limit: number): number {
	const semi = semicolonNear(text, amp, Math.min(limit, amp + 13));
	if (semi < 0 || semi >= limit || semi - amp > 12) {
		return -1;
	}
	const body = text.slice(amp + 1, semi);
	if (body in PREDEFINED_ENTITIES) {
		return semi + 1;
	}
	if (/^#[0-9]+$/.test(body) || /^#x[0-9a-fA-F]+$/.test(body)) {
		const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
		return isXmlChar(code) ? semi + 1 : -1;
	}
	return -1;
}

/**
 * The first ';' after `amp` and before `limit`, or -1. The search is bounded because a reference is
 * short: an unbounded indexOf per '&' would rescan the rest of a document full of bare ampersands.
 */
function semicolonNear(text: string, amp: number, limit: number): number {
	for (let i = amp + 1; i < limit; i++) {
		if (text.charCodeAt(i) === Ch.Semi) {
			return i;
		}
	}
	return -1;
}

function referenceProblem(text: string, amp: number, limit: number): string {
	const semi = semicolonNear(text, amp, Math.min(limit, amp + 41));
	if (semi >= 0 && semi < limit && semi - amp <= 40 && /^[A-Za-z_][\w.-]*$/.test(text.slice(amp + 1, semi))) {
		return `Entity '${text.slice(amp + 1, semi)}' is not defined; only &lt; &gt; &amp; &apos; &quot; and character references are.`;
	}
	if (semi >= 0 && semi < limit && text.charCodeAt(amp + 1) === 35 /* # */) {
		return `Invalid character reference '${text.slice(amp, semi + 1)}'.`;
	}
	return "'&' must start a reference; write '&amp;' for a literal '&'.";
}

function isXmlChar(code: number): boolean {
	return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function decodeReference(body: string): string | undefined {
	const predefined = PREDEFINED_ENTITIES[body];
	if (predefined !== undefined) {
		return predefined;
	}
	if (/^#[0-9]+$/.test(body)) {
		const code = parseInt(body.slice(1), 10);
		return isXmlChar(code) ? String.fromCodePoint(code) : undefined;
	}
	if (/^#x[0-9a-fA-F]+$/.test(body)) {
		const code = parseInt(body.slice(2), 16);
		return isXmlChar(code) ? String.fromCodePoint(code) : undefined;
	}
	return undefined;
}

/** Decodes character and predefined entity references; unknown references are kept as written. */
export function decodeText(raw: string): string {
	if (raw.indexOf('&') < 0) {
		return raw;
	}
	return raw.replace(/&([^;&\s<]{1,12});/g, (whole, body: string) => decodeReference(body) ?? whole);
}

/** Attribute values are also normalised: each literal tab, CR or LF becomes a space (XML 1.0 §3.3.3). */
function decodeAttributeValue(raw: string): string {
	const normalised = /[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, ' ') : raw;
	return decodeText(normalised);
}

/**
 * The attribute libvirt reads for that name: the first whose local name it is. libvirt looks
 * attributes up with xmlGetProp, which ignores namespaces, so `x:relabel` (with `x` bound by an
 * `xmlns:x`) counts as `relabel` when it comes first; with an unbound prefix libxml2 keeps the
 * whole `x:relabel` as the name, which then matches nothing (checked with `virsh define`).
 */
export function getAttribute(element: XmlElement, name: string): XmlAttribute | undefined {
	for (const attribute of element.attributes) {
		if (attribute.name === name) {
			return attribute;
		}
		const prefixLength = attribute.name.length - name.length - 1;
		if (prefixLength > 0 && attribute.name.charCodeAt(prefixLength) === Ch.Colon && attribute.name.endsWith(name) && prefixBound(element, attribute.name.slice(0, prefixLength))) {
			return attribute;
		}
	}
	return undefined;
}

/** True when a namespace prefix is declared on the element or an ancestor (`xml` always is). */
export function prefixBound(element: XmlElement, prefix: string): boolean {
	if (prefix === 'xml') {
		return true;
	}
	if (prefix === 'xmlns' || prefix.includes(':')) {
		return false;
	}
	const declaration = `xmlns:${prefix}`;
	for (let node: XmlElement | null = element; node; node = node.parent) {
		for (const attribute of node.attributes) {
			if (attribute.name === declaration) {
				return !!attribute.value;
			}
		}
	}
	return false;
}

export function childElements(element: XmlElement, name: string): XmlElement[] {
	return element.children.filter((child) => child.name === name);
}

export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
	for (const child of element.children) {
		if (child.name === name) {
			return child;
		}
	}
	return undefined;
}

/** The span of an element's content (between its tags); empty for self-closing elements. */
export function contentSpan(element: XmlElement): Span {
	if (element.selfClosing) {
		return { start: element.startTagEnd, end: element.startTagEnd };
	}
	const end = element.endTagStart >= 0 ? element.endTagStart : element.end;
	return { start: element.startTagEnd, end: Math.max(element.startTagEnd, end) };
}

/**
 * What besides the heuristic decides libxml2's blank test for an element's text (areBlanks):
 * `xml:space='preserve'` in force, and the content its `<!ELEMENT>` declaration gives
 * (dtdSubset.ts `libvirtText` fills both in; without a DTD and xml:space the heuristic alone).
 */
export interface BlankRules {
	readonly preserve: boolean;
	readonly content?: 'element' | 'mixed';
}

const NO_BLANK_RULES: BlankRules = { preserve: false };
const BLANK_RUN = /^[ \t\r\n]+$/;

/**
 * The XPath string value of an element (what libvirt reads with `string(./label)`): all descendant
 * text and CDATA, references decoded, comments and tags left out, and white space dropped where
 * libxml2 drops it as a blank node (libvirt parses with XML_PARSE_NOBLANKS; see {@link isDroppedBlank}).
 */
export function textContent(text: string, element: XmlElement, blanks: BlankRules = NO_BLANK_RULES): string {
	const span = contentSpan(element);
	const raw = text.slice(span.start, span.end);
	// xml:space='preserve' in force, or content declared mixed (#PCDATA, ANY, EMPTY): libxml2 keeps
	// every blank; declared element content: it drops every blank, the element's only text included.
	const keepAll = blanks.preserve || blanks.content === 'mixed';
	const dropAll = !keepAll && blanks.content === 'element';
	const dropped = (run: string, nodesBefore: number, lastIsText: boolean, firstIsText: boolean) =>
		!keepAll && (dropAll ? BLANK_RUN.test(run) : isDroppedBlank(run, nodesBefore, lastIsText, firstIsText));
	if (raw.indexOf('<') < 0) {
		return dropAll && BLANK_RUN.test(raw) ? '' : decodeText(raw);
	}
	let out = '';
	let i = 0;
	// What libxml2's blank test looks at: whether any node came before, the kind of the last one and of the first.
	let nodes = 0;
	let lastIsText = false;
	let firstIsText = false;
	while (i < raw.length) {
		const lt = raw.indexOf('<', i);
		if (lt < 0) {
			const tail = raw.slice(i);
			if (!dropped(tail, nodes, lastIsText, firstIsText)) {
				out += decodeText(tail);
			}
			break;
		}
		const run = raw.slice(i, lt);
		if (run !== '') {
			if (!dropped(run, nodes, lastIsText, firstIsText)) {
				out += decodeText(run);
				firstIsText ||= nodes === 0;
				nodes++;
				lastIsText = true;
			}
		}
		nodes++;
		lastIsText = false;
		if (raw.startsWith('<![CDATA[', lt)) {
			const close = raw.indexOf(']]>', lt + 9);
			out += raw.slice(lt + 9, close < 0 ? raw.length : close);
			i = close < 0 ? raw.length : close + 3;
		} else if (raw.startsWith('<!--', lt)) {
			const close = raw.indexOf('-->', lt + 4);
			i = close < 0 ? raw.length : close + 3;
		} else {
			const close = raw.indexOf('>', lt + 1);
			i = close < 0 ? raw.length : close + 1;
		}
	}
	return out;
}

/**
 * libxml2's areBlanks() (2.9 to 2.14) for a run of text followed by markup inside an element without
 * a DTD declaration: white space alone is dropped unless a text node came right before it or the
 * element's first child is text; the white space of an element with no other content is kept (that
 * case never reaches here: it has no markup). So `<label> </label>` keeps its space, while
 * `<label>\n  <!-- x -->\n</label>` reads as empty, and libvirt then says "security label is
 * missing" (checked with `virsh define` on libvirt 7.0.0 to 12.9.0).
 */
function isDroppedBlank(run: string, nodesBefore: number, lastIsText: boolean, firstIsText: boolean): boolean {
	if (!BLANK_RUN.test(run)) {
		return false;
	}
	return !(nodesBefore > 0 && (lastIsText || firstIsText));
}

/**
 * The span of the meaningful text of a leaf element: its content without surrounding white space.
 * When the content has markup or references, the whole content span is returned.
 */
export function trimmedContentSpan(text: string, element: XmlElement): Span {
	const span = contentSpan(element);
	let start = span.start;
	let end = span.end;
	while (start < end && isWhitespace(text.charCodeAt(start))) start++;
	while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
	return { start, end };
}
