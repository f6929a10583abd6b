/**
 * The XML declaration at the start of a document (`<?xml version='1.0' …?>`), read the way libxml2
 * 2.9 reads it (xmlParseXMLDecl, xmlParseVersionInfo, xmlParseEncodingDecl, xmlParseSDDecl), for
 * its first fatal error: where libxml2 stands, libxml2's words and the project's. One module for
 * both sides so that the tolerant parser (which reports the problem) and libxmlMarkup.ts (which
 * words it as libvirt prints it) cannot disagree on the place. The same code in libxml2 2.9.10 and
 * 2.9.14; every case was checked with `virsh define` (test/differential/xmlWellFormed.test.ts).
 *
 * A declared encoding is looked up the way libxml2 2.9 looks it up (xmlFindCharEncodingHandler):
 * its own handlers, glibc's iconv, ICU where libxml2 is built with it, its canonical names; a name
 * none of them knows is `Unsupported encoding NAME`, one only ICU knows is refused from
 * LIBXML2_WITHOUT_ICU on (encodingNames.ts has glibc's and ICU's lists). A known encoding other
 * than UTF-8 stops the reading here: the bytes are checked in libxmlErrors.ts.
 */

import { GLIBC_ICONV_NAMES, ICU_CONVERTER_KEYS } from './encodingNames';
import { LIBXML2_WITHOUT_ICU, since, type Version, type VersionChange } from '../version';

export interface XmlDeclarationError {
	/** Where libxml2's input stands when it reports the error. */
	readonly at: number;
	/** libxml2's message, without the final newline. */
	readonly libxml: string;
	/** The project's own wording. */
	readonly message: string;
	/** What the problem covers, when it is more than the character at `at` (the encoding's name). */
	readonly span?: { readonly start: number; readonly end: number };
	/** Set when libvirt refuses the text only from this release on (before it, the declaration is fine). */
	readonly since?: VersionChange;
}

/** How the project's messages for a declared encoding libxml2 refuses begin (libxmlMarkup.ts maps them). */
export const ENCODING_UNKNOWN = 'The encoding';

/** Which of libxml2's lookups knows an encoding name (undefined: none, `Unsupported encoding`). */
export type EncodingLookup = 'native' | 'libxml2' | 'iconv' | 'icu';

/** libxml2's registered handlers (xmlInitCharEncodingHandlers) and the canonical names it maps to them (xmlParseCharEncoding). */
const LIBXML2_NAMES = new Set(['UTF-16LE', 'UTF-16BE', 'ISO-8859-1', 'ASCII', 'US-ASCII', 'HTML', 'ISO-LATIN-1', 'ISO-LATIN-2']);

let glibcNames: Set<string> | undefined;
let icuKeys: Set<string> | undefined;

/** ICU's ucnv_io_stripASCIIForCompare: letters lowercased, digits kept, a zero dropped when it leads a run of digits, everything else dropped. */
export function icuKey(name: string): string {
	let out = '';
	let afterDigit = false;
	for (let i = 0; i < name.length; i++) {
		const c = name.charCodeAt(i);
		if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
			out += String.fromCharCode(c | 0x20);
			afterDigit = false;
		} else if (c === 0x30) {
			const next = name.charCodeAt(i + 1);
			if (!afterDigit && next >= 0x30 && next <= 0x39) continue;
			out += '0';
		} else if (c >= 0x31 && c <= 0x39) {
			out += name[i];
			afterDigit = true;
		} else {
			afterDigit = false;
		}
	}
	return out;
}

/** How libxml2 2.9 finds a handler for the encoding a declaration names, in its order. */
export function encodingLookup(name: string): EncodingLookup | undefined {
	const upper = name.toUpperCase();
	// UTF-8 is read natively, and a UTF-16 label on text already decoded is ignored.
	if (/^UTF-?(?:8|16)$/.test(upper)) return 'native';
	if (LIBXML2_NAMES.has(upper)) return 'libxml2';
	glibcNames ??= new Set(GLIBC_ICONV_NAMES.split(' '));
	if (glibcNames.has(upper)) return 'iconv';
	icuKeys ??= new Set(ICU_CONVERTER_KEYS.split(' '));
	if (icuKeys.has(icuKey(name))) return 'icu';
	return undefined;
}

const BLANK = /[ \t\r\n]/;

/**
 * The first error libxml2 finds in the XML declaration at `lt` (the text starts `<?xml` and a blank
 * there). Without a version (the tolerant parser, which knows none) an encoding only ICU knows is an
 * error marked `since`; with one it is an error or nothing.
 */
export function xmlDeclarationError(text: string, lt: number, target?: Version): XmlDeclarationError | undefined {
	let i = lt + 5;
	const skipBlanks = (): boolean => {
		const from = i;
		while (i < text.length && BLANK.test(text[i])) i++;
		return i > from;
	};
	const error = (libxml: string, message: string): XmlDeclarationError => ({ at: i, libxml, message: `The XML declaration is malformed: ${message}` });
	/** `= 'value'` after a name; the value, or an error. */
	const quoted = (read: () => string | undefined): { value?: string; error?: XmlDeclarationError } => {
		skipBlanks();
		if (text[i] !== '=') return { error: error("expected '='", "'=' expected.") };
		i++;
		skipBlanks();
		const quote = text[i];
		if (quote !== '"' && quote !== "'") return { error: error('String not started expecting \' or "', 'a quoted value expected.') };
		i++;
		const value = read();
		if (text[i] !== quote) return { error: error('String not closed expecting " or \'', 'the value is not closed where it should end.') };
		i++;
		return { value };
	};
	const match = (pattern: RegExp): string | undefined => {
		pattern.lastIndex = i;
		const found = pattern.exec(text);
		if (!found) return undefined;
		i += found[0].length;
		return found[0];
	};
	skipBlanks();
	let version: string | undefined;
	if (text.startsWith('version', i)) {
		i += 7;
		const read = quoted(() => match(/[0-9]\.[0-9]*/y));
		if (read.error) return read.error;
		version = read.value;
	}
	if (version === undefined) return error('Malformed declaration expecting version', "a version first, as in <?xml version='1.0'?>.");
	if (version !== '1.0' && !version.startsWith('1.')) return error(`Unsupported version '${version}'`, `version '${version}' is not XML 1.x.`);
	if (!BLANK.test(text[i] ?? '')) {
		if (text.startsWith('?>', i)) return undefined;
		return error('Blank needed here', 'a blank is needed here.');
	}
	skipBlanks();
	if (text.startsWith('encoding', i)) {
		i += 8;
		let nameStart = i;
		let badName: XmlDeclarationError | undefined;
		const read = quoted(() => {
			nameStart = i;
			const found = match(/[A-Za-z][A-Za-z0-9._-]*/y);
			// xmlParseEncName: a name starts with a letter (so an empty one is refused too).
			if (found === undefined) badName = error('Invalid XML encoding name', 'an encoding name starts with a letter, as in UTF-8.');
			return found;
		});
		if (badName) return badName;
		if (read.error) return read.error;
		const name = read.value;
		if (name !== undefined) {
			const lookup = encodingLookup(name);
			const span = { start: nameStart, end: i - 1 };
			if (lookup === undefined) {
				return { at: i, libxml: `Unsupported encoding ${name}`, message: `${ENCODING_UNKNOWN} '${name}' is unknown to libxml2: neither glibc's iconv nor ICU has it; name one they know, such as UTF-8.`, span };
			}
			if (lookup === 'icu' && (!target || since(target, LIBXML2_WITHOUT_ICU))) {
				return { at: i, libxml: `Unsupported encoding ${name}`, message: `${ENCODING_UNKNOWN} '${name}' is known only to ICU: a libxml2 built without ICU (Debian 13's, with libvirt ${LIBXML2_WITHOUT_ICU.since}) refuses it; use glibc's spelling (UTF-8, ISO-8859-1, …).`, span, since: LIBXML2_WITHOUT_ICU };
			}
		}
		// libxml2 reads a UTF-8 (or ASCII-compatible) document; another encoding ends the reading here.
		if (name === undefined || !/^utf-?8$/i.test(name)) return undefined;
	}
	skipBlanks();
	if (text.startsWith('standalone', i)) {
		i += 10;
		skipBlanks();
		if (text[i] !== '=') return error("expected '='", "'=' expected.");
		i++;
		skipBlanks();
		const quote = text[i];
		if (quote !== '"' && quote !== "'") return error('String not started expecting \' or "', 'a quoted value expected.');
		i++;
		if (text.startsWith('no', i)) i += 2;
		else if (text.startsWith('yes', i)) i += 3;
		else return error("standalone accepts only 'yes' or 'no'", "standalone is 'yes' or 'no'.");
		if (text[i] !== quote) return error('String not closed expecting " or \'', 'the value is not closed where it should end.');
		i++;
	}
	skipBlanks();
	if (text.startsWith('?>', i)) return undefined;
	return error("parsing XML declaration: '?>' expected", "'?>' expected here.");
}
