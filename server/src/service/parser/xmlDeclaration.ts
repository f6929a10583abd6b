/**
 * The XML declaration at the start of a document (`<?xml version='1.0' …?>`), read the way libxml2
 * 2.9 reads it (xmlParseXMLDecl, xmlParseVersionInfo, xmlParseEncodingDecl, xmlParseSDDecl), for
 * its first fatal error: where libxml2 stands, libxml2's words and the project's. One module for
 * both sides so that the tolerant parser (which reports the problem) and libxmlMarkup.ts (which
 * words it as libvirt prints it) cannot disagree on the place. The same code in libxml2 2.9.10 and
 * 2.9.14; every case was checked with `virsh define` (test/differential/xmlWellFormed.test.ts).
 *
 * An encoding other than UTF-8 stops the reading here: whether libxml2 knows it depends on its
 * iconv, and the bytes are checked in libxmlErrors.ts.
 */

export interface XmlDeclarationError {
	/** Where libxml2's input stands when it reports the error. */
	readonly at: number;
	/** libxml2's message, without the final newline. */
	readonly libxml: string;
	/** The project's own wording. */
	readonly message: string;
}

const BLANK = /[ \t\r\n]/;

/** The first error libxml2 finds in the XML declaration at `lt` (the text starts `<?xml` and a blank there). */
export function xmlDeclarationError(text: string, lt: number): XmlDeclarationError | undefined {
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
		const read = quoted(() => match(/[A-Za-z][A-Za-z0-9._-]*/y));
		if (read.error) return read.error;
		// libxml2 reads a UTF-8 (or ASCII-compatible) document; whether it knows another encoding is its iconv's business.
		if (read.value === undefined || !/^utf-?8$/i.test(read.value)) return undefined;
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
