/**
 * What a DOCTYPE's internal subset changes in what libvirt reads, applied to the tolerant parser's
 * tree: libvirt parses with libxml2 (virXMLParse: no XML_PARSE_NOENT, no DTD loading, no
 * validation), and libxml2 still
 * - substitutes internal general entities in attribute values (`type='&t;'` reads as the entity's
 *   text, normalised as attribute values are) and in the text libvirt reads with `string(./label)`
 *   (the XPath string value includes an entity reference's content);
 * - answers xmlGetProp with an ATTLIST default (or #FIXED value) when the attribute is absent;
 * - normalises the value of an attribute declared with a tokenized or enumerated type (leading and
 *   trailing spaces dropped, inner runs collapsed), so `type='  none '` reads as `none`;
 * - expands parameter entities between declarations;
 * - decides white space by an `<!ELEMENT>` declaration: blanks are always dropped in declared
 *   element content (a label of spaces reads as empty) and always kept in `#PCDATA`, `ANY` or
 *   `EMPTY` content (a blank-and-comment label keeps its blanks), the first declaration winning;
 *   `xml:space='preserve'` written on the element or an ancestor keeps them too ({@link libvirtText}).
 * An entity whose replacement text holds elements stays an entity reference node in the tree,
 * which libvirt's XPath child lookups do not look into: such elements are invisible to libvirt
 * (`virsh define` accepts `&s;` standing for a malformed `<seclabel>`).
 * Every one of these was checked with `virsh -c test:///default define` on libvirt 7.0.0, 9.0.0,
 * 11.3.0 and 12.9.0 (all built with libxml2 2.9.x in Debian).
 *
 * Why this is TypeScript and not libxml2 itself: the npm package `libxml2-wasm` (0.7.2, a
 * WebAssembly build of libxml2 2.14) parses a 35 KB domain in 1.5 ms (median) and a 3.5 MB one in
 * 42 ms here, which alone takes most of the 2 ms edit budget of a 35 KB document, needs an async
 * ES-module load with top-level await that the CommonJS bundles cannot do synchronously, and, most
 * of all, is not the libxml2 libvirt runs: its messages differ ("Invalid bytes in character
 * encoding" where Debian's 2.9.14 says "Input is not proper UTF-8, indicate encoding !") and it
 * decodes a UTF-16 document that every libvirt here refuses. So the rules keep the tolerant parser,
 * and this layer runs only for a document with an internal subset, which costs nothing otherwise.
 */
import { LIBXML2_2_9_14, NEWEST_VERSION, parseVersion, since, type Version } from '../version';
import { libxmlErrorInText, type LibxmlError } from './libxmlErrors';
import { entityErrors, entityInAttributeError, entityInContentError } from './libxmlMarkup';
import { decodeText, textContent, type BlankRules, type XmlAttribute, type XmlDocument, type XmlElement, type XmlProblem } from './xmlParser';

interface AttributeDeclaration {
	readonly name: string;
	/** False for CDATA; true for ID, NMTOKEN(S), ENTITY, NOTATION and enumerations, whose values are normalised. */
	readonly tokenized: boolean;
	/** The default or #FIXED value (already normalised), or undefined for #REQUIRED and #IMPLIED. */
	readonly defaultValue?: string;
}

export type ContentKind = 'element' | 'mixed';

export interface IgnoredDeclaration {
	readonly start: number;
	readonly end: number;
	/** What is declared, for the message: `<!ELEMENT label>`, `the attribute type of <seclabel>`. */
	readonly what: string;
	/** Why libxml2 does not use it, and what it prints, if anything. */
	readonly why: string;
}

const PREDEFINED_ENTITIES = new Set(['lt', 'gt', 'amp', 'apos', 'quot']);

export interface InternalSubset {
	/** Internal general entities: name → replacement text (character references already expanded). */
	readonly entities: Map<string, string>;
	/** External general entities, which libvirt never loads (XML_PARSE_NONET, no DTD loading). */
	readonly external: Set<string>;
	/** Element name → attribute declarations, the first declaration of each attribute winning. */
	readonly attributes: Map<string, Map<string, AttributeDeclaration>>;
	/**
	 * Element name → its declared content (`<!ELEMENT …>`, the first declaration winning, as
	 * libxml2's xmlAddElementDecl refuses a redefinition): `element` for element content, `mixed`
	 * for `#PCDATA`, `ANY` and `EMPTY`. libxml2's blank test asks it first (xmlIsMixedElement):
	 * white space is always dropped in element content and always kept in mixed content.
	 */
	readonly content: Map<string, ContentKind>;
	/**
	 * Declarations libxml2 reads and then ignores, in document order: a second declaration of an
	 * element, of an element's attribute or of an entity (the first one applies), and any
	 * declaration of a predefined entity (`lt`, `gt`, `amp`, `apos`, `quot`, which always mean
	 * themselves). Spans cover the declaration's `<!KEYWORD` or the attribute's name.
	 */
	readonly ignored: IgnoredDeclaration[];
	/**
	 * Characters of entity text still to be substituted in this document, shared by every attribute
	 * and text, so that an expansion bomb costs a bounded amount once; past it references stay as written.
	 */
	readonly budget: { remaining: number };
	/** An entity whose full expansion is far larger than the document: libxml2 refuses it as a loop. */
	explosive?: string;
	/** The first entity value libxml2 refuses as it is declared: where it stands (after its quote) and the error. */
	declarationError?: { readonly at: number; readonly message: string };
}

/**
 * The '&' or '%' of an entity value that does not start a reference (xmlParseEntityValue): a name
 * and a ';' must follow it (a character reference `&#…` is not looked at here).
 */
function badReferenceInValue(value: string): string | undefined {
	for (let i = 0; i < value.length; i++) {
		const c = value[i];
		if (c === '%' || (c === '&' && value[i + 1] !== '#')) {
			const name = /^[A-Za-z_:\u00c0-\uffff][\w.:\-\u00b7\u00c0-\uffff]*/.exec(value.slice(i + 1, i + 1000));
			if (!name || value[i + 1 + name[0].length] !== ';') return c;
			i += name[0].length;
		}
	}
	return undefined;
}

/** Beyond this much expanded text libxml2 stops with an entity-amplification error; so does this layer. */
const MAX_EXPANSION = 1_000_000;

const applied = new WeakMap<XmlDocument, InternalSubset | null>();
const done = new WeakSet<XmlDocument>();

/** The internal subset of a document, or null when it has none. */
export function internalSubsetOf(xml: XmlDocument): InternalSubset | null {
	const known = applied.get(xml);
	if (known !== undefined) {
		return known;
	}
	const subset = parseInternalSubset(xml);
	applied.set(xml, subset);
	return subset;
}

/** The internal subset's text and where it starts in the document. */
function subsetText(xml: XmlDocument): { text: string; start: number } | undefined {
	const text = xml.text;
	const limit = xml.root ? xml.root.start : text.length;
	const doctype = text.lastIndexOf('<!DOCTYPE', limit);
	if (doctype < 0) {
		return undefined;
	}
	let quote = 0;
	for (let i = doctype + 9; i < limit; i++) {
		const c = text.charCodeAt(i);
		if (quote) {
			if (c === quote) quote = 0;
		} else if (c === 34 || c === 39) {
			quote = c;
		} else if (c === 62 /* > */) {
			return undefined;
		} else if (c === 91 /* [ */) {
			const end = subsetEnd(text, i + 1, limit);
			return end < 0 ? undefined : { text: text.slice(i + 1, end), start: i + 1 };
		}
	}
	return undefined;
}

function subsetEnd(text: string, from: number, limit: number): number {
	let quote = 0;
	for (let i = from; i < limit; i++) {
		const c = text.charCodeAt(i);
		if (quote) {
			if (c === quote) quote = 0;
		} else if (c === 34 || c === 39) {
			quote = c;
		} else if (text.startsWith('<!--', i)) {
			const close = text.indexOf('-->', i + 4);
			if (close < 0) return -1;
			i = close + 2;
		} else if (c === 93 /* ] */) {
			return i;
		}
	}
	return -1;
}

/** Expands character references only: what an entity value keeps until the entity is used. */
function expandCharacterReferences(value: string): string {
	return value.replace(/&#(x[0-9a-fA-F]+|[0-9]+);/g, (whole, body: string) => {
		const code = body[0] === 'x' ? parseInt(body.slice(1), 16) : parseInt(body, 10);
		return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
	});
}

function parseInternalSubset(xml: XmlDocument): InternalSubset | null {
	const found = subsetText(xml);
	if (found === undefined) {
		return null;
	}
	let text = found.text;
	const subset: InternalSubset = { entities: new Map(), external: new Set(), attributes: new Map(), content: new Map(), ignored: [], budget: { remaining: MAX_EXPANSION } };
	const parameters = new Map<string, string>();
	const declaredElements = new Set<string>();
	let i = 0;
	let expanded = 0;
	// A declaration libxml2 ignores, at its place in the document; only while no parameter entity
	// has been expanded, since the offsets in `text` are the document's only until then.
	const note = (at: number, length: number, what: string, why: string) => {
		if (expanded === 0) {
			const start = found.start + at;
			subset.ignored.push({ start, end: start + length, what, why });
		}
	};
	const name = /[A-Za-z_:][\w.:-]*/y;
	const readName = (): string | undefined => {
		name.lastIndex = i;
		const match = name.exec(text!);
		if (!match) return undefined;
		i = name.lastIndex;
		return match[0];
	};
	const skipSpace = () => {
		while (i < text!.length && /\s/.test(text![i])) i++;
	};
	const readQuoted = (): string | undefined => {
		const quote = text![i];
		if (quote !== '"' && quote !== "'") return undefined;
		const close = text!.indexOf(quote, i + 1);
		if (close < 0) return undefined;
		const value = text!.slice(i + 1, close);
		i = close + 1;
		return value;
	};
	const skipDeclaration = () => {
		let quote = '';
		for (; i < text!.length; i++) {
			const c = text![i];
			if (quote) {
				if (c === quote) quote = '';
			} else if (c === '"' || c === "'") {
				quote = c;
			} else if (c === '>') {
				i++;
				return;
			}
		}
	};
	while (i < text.length) {
		skipSpace();
		if (i >= text.length) break;
		if (text.startsWith('<!--', i)) {
			const close = text.indexOf('-->', i + 4);
			i = close < 0 ? text.length : close + 3;
		} else if (text.startsWith('<?', i)) {
			const close = text.indexOf('?>', i + 2);
			i = close < 0 ? text.length : close + 2;
		} else if (text[i] === '%') {
			// A parameter entity between declarations stands for more declarations.
			i++;
			const reference = readName();
			if (text[i] === ';') i++;
			const value = reference !== undefined ? parameters.get(reference) : undefined;
			if (value !== undefined) {
				expanded += value.length;
				if (expanded > MAX_EXPANSION) break;
				text = ' ' + value + ' ' + text.slice(i);
				i = 0;
			}
		} else if (text.startsWith('<!ENTITY', i)) {
			const declarationStart = i;
			i += 8;
			skipSpace();
			let parameter = false;
			if (text[i] === '%') {
				parameter = true;
				i++;
				skipSpace();
			}
			const entity = readName();
			skipSpace();
			const value = readQuoted();
			if (value !== undefined && expanded === 0 && subset.declarationError === undefined) {
				const bad = badReferenceInValue(value);
				// libxml2 reads the whole value before it looks at its references.
				if (bad) subset.declarationError = { at: found.start + i, message: `EntityValue: '${bad}' forbidden except for entities references` };
			}
			if (entity !== undefined) {
				if (value === undefined) {
					if (!parameter) subset.external.add(entity);
				} else if (parameter) {
					if (!parameters.has(entity)) parameters.set(entity, expandCharacterReferences(value));
				} else if (PREDEFINED_ENTITIES.has(entity)) {
					// libxml2 looks the five predefined entities up before the document's own, so a
					// declaration never replaces them (virsh: `type='&lt;'` under `<!ENTITY lt 'dynamic'>`
					// is refused as '<'; a redeclaration that is not the standard one also prints
					// "xmlAddEntity: invalid redeclaration of predefined entity").
					note(declarationStart, '<!ENTITY'.length, `<!ENTITY ${entity}>`, `libxml2 keeps the predefined entity &${entity}; whatever this declaration says`);
				} else if (!subset.entities.has(entity) && !subset.external.has(entity)) {
					subset.entities.set(entity, expandCharacterReferences(value));
				} else {
					note(declarationStart, '<!ENTITY'.length, `<!ENTITY ${entity}>`, `the first declaration of the entity ${entity} applies`);
				}
			}
			skipDeclaration();
		} else if (text.startsWith('<!ATTLIST', i)) {
			i += 9;
			skipSpace();
			const element = readName();
			const declarations = element !== undefined ? subset.attributes.get(element) ?? new Map<string, AttributeDeclaration>() : undefined;
			for (;;) {
				skipSpace();
				const attributeStart = i;
				const attribute = readName();
				if (attribute === undefined) break;
				skipSpace();
				let tokenized = true;
				if (text[i] === '(') {
					const close = text.indexOf(')', i);
					i = close < 0 ? text.length : close + 1;
				} else {
					const type = readName();
					tokenized = type !== 'CDATA';
					skipSpace();
					if (type === 'NOTATION' && text[i] === '(') {
						const close = text.indexOf(')', i);
						i = close < 0 ? text.length : close + 1;
					}
				}
				skipSpace();
				let defaultValue: string | undefined;
				if (text.startsWith('#REQUIRED', i) || text.startsWith('#IMPLIED', i)) {
					i += text[i + 1] === 'R' ? 9 : 8;
				} else {
					if (text.startsWith('#FIXED', i)) {
						i += 6;
						skipSpace();
					}
					const raw = readQuoted();
					if (raw === undefined) break;
					defaultValue = defaultAttributeValue(raw, tokenized);
				}
				if (declarations && !declarations.has(attribute)) {
					declarations.set(attribute, { name: attribute, tokenized, defaultValue });
				} else if (declarations) {
					note(attributeStart, attribute.length, `the attribute ${attribute} of <${element}>`, `the first declaration applies, and libxml2 prints "validity warning : Attribute ${attribute} of element ${element}: already defined"`);
				}
			}
			if (element !== undefined && declarations && declarations.size > 0) {
				subset.attributes.set(element, declarations);
			}
			skipDeclaration();
		} else if (text.startsWith('<!ELEMENT', i)) {
			// What an element's content is declared as decides which white space libxml2 drops in it.
			const declarationStart = i;
			i += 9;
			skipSpace();
			const element = readName();
			skipSpace();
			let kind: ContentKind | undefined;
			if (text.startsWith('EMPTY', i) || text.startsWith('ANY', i)) {
				kind = 'mixed';
			} else if (text[i] === '(') {
				let j = i + 1;
				while (j < text.length && ' \t\r\n'.includes(text[j])) j++;
				kind = text.startsWith('#PCDATA', j) ? 'mixed' : 'element';
			}
			if (element !== undefined && declaredElements.has(element)) {
				note(declarationStart, '<!ELEMENT'.length, `<!ELEMENT ${element}>`, `the first declaration of <${element}> applies, and libxml2 prints "validity error : Redefinition of element ${element}"`);
			} else if (element !== undefined) {
				declaredElements.add(element);
				if (kind !== undefined) subset.content.set(element, kind);
			}
			skipDeclaration();
		} else if (text.startsWith('<!', i)) {
			// NOTATION declarations change nothing libvirt reads.
			skipDeclaration();
		} else {
			i++;
		}
	}
	subset.explosive = explosiveEntity(subset, xml.text.length, usedEntities(xml, subset));
	return subset;
}

/**
 * The first entity that expands to more than ten times the document (and over 100,000 characters):
 * libxml2 2.9 stops at such amplification with "Detected an entity reference loop" (`virsh define`
 * refuses the classic "billion laughs" that way), where a real domain never has one.
 */
function explosiveEntity(subset: InternalSubset, documentLength: number, used: ReadonlySet<string>): string | undefined {
	const limit = Math.max(100_000, documentLength * 10);
	const sizes = new Map<string, number>();
	const sizeOf = (name: string, depth: number): number => {
		const known = sizes.get(name);
		if (known !== undefined) return known;
		const value = subset.entities.get(name);
		if (value === undefined || depth > 40) return 0;
		sizes.set(name, limit + 1); // A reference back to itself is a loop.
		let size = value.length;
		for (const match of value.matchAll(/&([A-Za-z_:][\w.:-]*);/g)) {
			size += sizeOf(match[1], depth + 1) - match[0].length;
			if (size > limit) break;
		}
		sizes.set(name, Math.min(size, limit + 1));
		return Math.min(size, limit + 1);
	};
	// Only an entity the document uses is expanded: libxml2 accepts a bomb that is only declared.
	for (const name of used) {
		if (subset.entities.has(name) && sizeOf(name, 0) > limit) return name;
	}
	return undefined;
}

/** The tolerant parser's reference problems that name an entity of the subset: the document's uses of it, in order. */
function entityUses(xml: XmlDocument, subset: InternalSubset): { problem: XmlProblem; name: string }[] {
	const uses: { problem: XmlProblem; name: string }[] = [];
	for (const problem of xml.problems) {
		const m = /^Entity '([^']+)' is not defined/.exec(problem.message);
		if (m && subset.entities.has(m[1])) uses.push({ problem, name: m[1] });
	}
	return uses;
}

function usedEntities(xml: XmlDocument, subset: InternalSubset): Set<string> {
	return new Set(entityUses(xml, subset).map((use) => use.name));
}

/** The offsets of the '&' of every reference inside an attribute value of the tree. */
function ampersandsInAttributes(xml: XmlDocument): Set<number> {
	const found = new Set<number>();
	const pending: XmlElement[] = xml.root ? [xml.root] : [];
	while (pending.length > 0) {
		const element = pending.pop()!;
		for (const attribute of element.attributes) {
			if (attribute.value === null) continue;
			for (let amp = xml.text.indexOf('&', attribute.valueStart); amp >= 0 && amp < attribute.valueEnd; amp = xml.text.indexOf('&', amp + 1)) found.add(amp);
		}
		for (const child of element.children) pending.push(child);
	}
	return found;
}

/**
 * The first use of an entity where libxml2 stops (a loop, '<' in an attribute value, an undefined
 * entity in its text, markup that is not well-formed), as a problem at the reference whose libxml2
 * error libxmlMarkup.ts reads from {@link entityErrors}. Each entity is expanded at its first use only.
 */
function firstEntityError(xml: XmlDocument, subset: InternalSubset, uses: { problem: XmlProblem; name: string }[]): XmlProblem | undefined {
	if (uses.length === 0) return undefined;
	const inAttributes = ampersandsInAttributes(xml);
	const checked = new Set<string>();
	for (const use of uses) {
		const amp = use.problem.start;
		const end = xml.text.indexOf(';', amp) + 1;
		if (inAttributes.has(amp)) {
			if (checked.has(use.name) && !(subset.entities.get(use.name) ?? '').includes('<')) continue;
			const message = entityInAttributeError(subset, use.name, checked);
			if (message === undefined) continue;
			const problem: XmlProblem = { start: amp, end, message: `Entity '${use.name}' cannot be used in an attribute value here: libxml2 says "${message}".` };
			entityErrors.set(problem, () => libxmlErrorInText(xml.text, end, `${message}\n`));
			return problem;
		}
		if (checked.has(use.name)) continue;
		const cache = new Map<string, LibxmlError | null | undefined>();
		const errorAt = (version: Version): LibxmlError | null | undefined => {
			// The wording differs between libxml2 2.9.10 and 2.9.14, so each version parses the text again (once).
			const key = since(version, LIBXML2_2_9_14) ? 'new' : 'old';
			if (!cache.has(key)) cache.set(key, entityInContentError(subset, use.name, new Set(checkedBefore), version));
			return cache.get(key);
		};
		const checkedBefore = new Set(checked);
		const result = entityInContentError(subset, use.name, checked, parseVersion(NEWEST_VERSION)!);
		if (result === null) continue;
		const problem: XmlProblem = { start: amp, end, message: `Entity '${use.name}' is not well-formed where it is used here: libxml2 refuses its text.` };
		entityErrors.set(problem, (version) => errorAt(version) ?? undefined);
		return problem;
	}
	return undefined;
}

/**
 * An attribute value as libvirt reads it. libxml2 (xmlParseAttValueComplex, without
 * XML_PARSE_NOENT) turns literal white space into a space, decodes character and predefined
 * references, keeps a reference to a declared entity as a reference, and for a tokenized type trims
 * and collapses the spaces of that string; xmlGetProp then puts the entity's replacement text in,
 * as it is: a tab or a newline it holds (even from `&#9;` in its declaration) stays, and its spaces
 * are neither trimmed nor collapsed (the dtd-entity-* cases of test/differential/sites.test.ts, checked
 * with `virsh define` at all four versions).
 */
export function normaliseAttributeValue(raw: string, subset: InternalSubset, tokenized: boolean): string {
	const budget = subset.budget;
	const replacement = (value: string, depth: number): string => value.replace(/&([^;&\s<]{1,64});/g, (whole, body: string) => {
		const entity = subset.entities.get(body);
		if (entity !== undefined && depth < 40 && (budget.remaining -= entity.length) > 0) {
			return replacement(entity, depth + 1);
		}
		return decodeText(whole);
	});
	// NUL cannot occur in XML text: it stands for each entity reference until the spaces are settled.
	const entities: string[] = [];
	let value = raw.replace(/\r\n/g, '\n').replace(/&([^;&\s<]{1,64});|[\t\n\r]/g, (whole, body: string | undefined) => {
		if (body === undefined) return ' ';
		if (subset.entities.has(body)) {
			entities.push(body);
			return '\u0000';
		}
		return decodeText(whole);
	});
	if (tokenized) value = value.replace(/ {2,}/g, ' ').replace(/^ | $/g, '');
	if (entities.length === 0) return value;
	let next = 0;
	return value.replace(/\u0000/g, () => replacement(`&${entities[next++]};`, 0));
}

/**
 * An ATTLIST default as libvirt reads it: the string xmlParseAttValueComplex stores (white space
 * normalised, character and predefined references decoded, except that `&` is kept as `&#38;`, and
 * an entity reference kept as written), which a defaulted attribute hands to xmlGetProp without
 * parsing it again. So `"&d;"` reads as `&d;` and `"a&amp;b"` as `a&#38;b` (checked with `virsh
 * define`, test/differential/sites.test.ts).
 */
export function defaultAttributeValue(raw: string, tokenized: boolean): string {
	const value = raw.replace(/\r\n/g, '\n').replace(/&([^;&\s<]{1,64});|[\t\n\r]/g, (whole, body: string | undefined) => {
		if (body === undefined) return ' ';
		// A character or predefined reference is decoded (anything else decodeText keeps as written).
		const decoded = decodeText(whole);
		return decoded === '&' ? '&#38;' : decoded;
	});
	return tokenized ? value.replace(/ {2,}/g, ' ').replace(/^ | $/g, '') : value;
}

/**
 * Applies the internal subset to the tree, once per parsed document: entity and default values in
 * the attributes, and the tolerant parser's complaints about entities dropped where libxml2 has none.
 */
export function applyInternalSubset(xml: XmlDocument): void {
	if (done.has(xml)) {
		return;
	}
	done.add(xml);
	const subset = internalSubsetOf(xml);
	if (!subset || !xml.root) {
		return;
	}
	let entityError = firstEntityError(xml, subset, entityUses(xml, subset));
	if (subset.declarationError) {
		const { at, message } = subset.declarationError;
		entityError = { start: at, end: at, message: `This entity value is refused: libxml2 says "${message}".` };
		entityErrors.set(entityError, () => libxmlErrorInText(xml.text, at, `${message}\n`));
	}
	if (entityError) {
		// libxml2 stops at this use, before any amplification is counted.
		subset.explosive = undefined;
		const index = xml.problems.findIndex((other) => other.start > entityError.start);
		xml.problems.splice(index < 0 ? xml.problems.length : index, 0, entityError);
	}
	if (subset.explosive !== undefined) {
		// Nothing is expanded: the tolerant parser's "not expanded" problem stays, with libxml2's reason.
		const at = Math.max(0, xml.text.indexOf(`<!ENTITY ${subset.explosive}`));
		const problem = { start: at, end: at + 8, message: `Entity '${subset.explosive}' expands to more than ten times the document: libxml2 stops with "Detected an entity reference loop" and libvirt refuses the document.` };
		const index = xml.problems.findIndex((other) => other.start > at);
		xml.problems.splice(index < 0 ? xml.problems.length : index, 0, problem);
		return;
	}
	for (let k = xml.problems.length - 1; k >= 0; k--) {
		const problem = xml.problems[k];
		const undefinedEntity = /^Entity '([^']+)' is not defined/.exec(problem.message);
		if (problem.message.startsWith('Entity declarations are not expanded') || (undefinedEntity && subset.entities.has(undefinedEntity[1]))) {
			xml.problems.splice(k, 1);
		}
	}
	const pending: XmlElement[] = [xml.root];
	while (pending.length > 0) {
		const element = pending.pop()!;
		const declarations = subset.attributes.get(element.name);
		for (let k = 0; k < element.attributes.length; k++) {
			const attribute = element.attributes[k];
			const declaration = declarations?.get(attribute.name);
			const amp = attribute.value === null ? -1 : xml.text.indexOf('&', attribute.valueStart);
			if (attribute.value === null || (!declaration?.tokenized && (amp < 0 || amp >= attribute.valueEnd))) {
				continue;
			}
			const raw = xml.text.slice(attribute.valueStart, attribute.valueEnd);
			const value = normaliseAttributeValue(raw, subset, declaration?.tokenized ?? false);
			if (value !== attribute.value) {
				element.attributes[k] = { ...attribute, value };
			}
		}
		if (declarations) {
			for (const declaration of declarations.values()) {
				if (declaration.defaultValue !== undefined && !element.attributes.some((attribute) => attribute.name === declaration.name)) {
					const at = element.nameEnd;
					// Quoted, so that the rules treat it as a written value; its spans are empty, at the element's name.
					const defaulted: XmlAttribute = { name: declaration.name, nameStart: at, nameEnd: at, value: declaration.defaultValue, valueStart: at, valueEnd: at, quote: '"', end: at };
					// An element written without attributes shares the parser's frozen empty array: give it its own.
					if (Object.isFrozen(element.attributes)) {
						(element as { attributes: XmlAttribute[] }).attributes = [defaulted];
					} else {
						element.attributes.push(defaulted);
					}
				}
			}
		}
		for (const child of element.children) {
			pending.push(child);
		}
	}
}

/**
 * What libvirt reads as an element's text (`string(./label)`), with internal entities replaced by
 * their content; the plain {@link textContent} when the document declares none.
 */
export function libvirtText(xml: XmlDocument, element: XmlElement): string {
	const subset = internalSubsetOf(xml);
	const raw = xml.text;
	const blanks: BlankRules = { preserve: spacePreserved(element), content: subset?.content.get(element.name) };
	if (!subset || subset.entities.size === 0 || subset.explosive !== undefined) {
		return textContent(raw, element, blanks);
	}
	// Cached, so that the shared expansion budget gives every caller the same answer.
	const cached = expandedTexts.get(element);
	if (cached !== undefined) {
		return cached;
	}
	const start = element.startTagEnd;
	const end = element.selfClosing ? start : element.endTagStart >= 0 ? element.endTagStart : element.end;
	const budget = subset.budget;
	const expand = (value: string, depth: number): string => value.replace(/&([A-Za-z_:][\w.:-]{0,63});/g, (whole, body: string) => {
		const entity = subset.entities.get(body);
		if (entity === undefined || depth >= 40 || (budget.remaining -= entity.length) <= 0) {
			return whole;
		}
		return expand(entity, depth + 1);
	});
	const content = expand(raw.slice(start, Math.max(start, end)), 0);
	const wrapper = `<x>${content}</x>`;
	const shell: XmlElement = { ...element, start: 0, nameEnd: 2, startTagEnd: 3, endTagStart: wrapper.length - 4, end: wrapper.length, selfClosing: false };
	const value = textContent(wrapper, shell, blanks);
	expandedTexts.set(element, value);
	return value;
}

/**
 * Whether `xml:space='preserve'` is in force on the element: written on it or the nearest
 * ancestor that says `preserve` or `default` (another value changes nothing, and libxml2 only
 * warns). A value only an ATTLIST default gives does not count: libxml2 sets its space stack from
 * the attributes as written (checked with `virsh define` at 7.0.0, 9.0.0, 11.3.0 and 12.9.0).
 */
export function spacePreserved(element: XmlElement): boolean {
	for (let node: XmlElement | null = element; node; node = node.parent) {
		for (const attribute of node.attributes) {
			// A defaulted attribute has no name in the text (applyInternalSubset gives it empty spans).
			if (attribute.name === 'xml:space' && attribute.nameEnd > attribute.nameStart) {
				if (attribute.value === 'preserve') return true;
				if (attribute.value === 'default') return false;
			}
		}
	}
	return false;
}

const expandedTexts = new WeakMap<XmlElement, string>();
