/**
 * libxml2's refusals of a document's bytes, worded as libvirt reports them (virxml.c
 * catchXMLError: libxml2's message, then the line of the input it stopped in and a caret under
 * the place). Only the byte-level ones are here, which the tolerant parser cannot see because it
 * reads decoded text:
 * - virsh hands the file to libvirt as a C string, so everything from the first NUL byte on is
 *   gone: a UTF-16 file is cut after its byte order mark (or its first character);
 * - libxml2 2.9 reads that in-memory string as UTF-8 whatever the XML declaration says, so Latin-1
 *   bytes are refused even under `encoding='ISO-8859-1'`.
 * Every message was checked with `virsh -c test:///default define` on libvirt 7.0.0, 9.0.0, 11.3.0
 * and 12.9.0 (each with Debian's libxml2 2.9.x).
 */
import { FULL_XML_ERRORS, since, XML_ERROR_AT_LINE, type Version } from '../version';

export interface LibxmlError {
	/** 1-based line libxml2 reports. */
	readonly line: number;
	/** libxml2's message, ending with a newline as libxml2 formats it. */
	readonly message: string;
	/** The input line around the error, decoded as UTF-8 (invalid bytes become U+FFFD, as a terminal shows them). */
	readonly context: string;
	/** Dashes (tabs kept) up to the error's byte column, then a caret. */
	readonly pointer: string;
	/** Byte offset of the error in the file. */
	readonly byteOffset: number;
	/**
	 * Set when libxml2 stopped inside an entity's replacement text (its own input, which has no file
	 * name): libvirt then prints `at line N: ` at every version, N and the context line being the
	 * entity text's.
	 */
	readonly inEntity?: boolean;
}

/**
 * libvirt's text for a libxml2 error: `(domain_definition):LINE: ` in 9.0.0 (the parser was given
 * that name as its URL), `at line LINE: ` in 11.3.0 and 12.9.0. Where between the two it changed
 * is not proven; releases from 11.0.0 are taken to use the newer form.
 */
export function formatLibxmlError(error: LibxmlError, version: Version): string {
	const head = error.inEntity || since(version, XML_ERROR_AT_LINE) ? `at line ${error.line}: ` : `(domain_definition):${error.line}: `;
	// No context line at all (an empty document, 11.3.0 and later): the message is all there is,
	// with libxml2's final newline, which libvirt keeps (virsh prints an empty line after it).
	const full = error.context === '' && error.pointer === '' ? `${head}${error.message}` : `${head}${error.message}${error.context}\n${error.pointer}`;
	return since(version, FULL_XML_ERRORS) ? full : cutToBytes(full, LIBVIRT_7_MESSAGE_BYTES);
}

/**
 * A libvirt message made from a libxml2 error on line 1 of a file that starts with a UTF-8 byte
 * order mark: libxml2 reads the mark as part of the line, so its context line starts with it and
 * the caret stands three dashes (its bytes) further on. The text the rules see has no mark (the
 * CLI drops it when it decodes the file), so the CLI applies this to each message; `firstLine` is
 * the text's first line, which tells a document's line 1 from an entity's.
 */
export function withByteOrderMark(message: string, firstLine: string): string {
	const lines = message.split('\n');
	if (lines.length < 3 || !/^(?:\(domain_definition\):1: |at line 1: )/.test(lines[0])) return message;
	const pointer = lines[lines.length - 1];
	if (!pointer.endsWith('^') || lines[lines.length - 2] !== firstLine) return message;
	lines[lines.length - 2] = `\uFEFF${firstLine}`;
	lines[lines.length - 1] = `---${pointer}`;
	return lines.join('\n');
}

/**
 * libvirt 7.0.0 prints at most 1022 bytes of the message (its error buffer; a long context line,
 * e.g. elements nested past libxml2's depth limit on one line, loses its end and the caret). 9.0.0
 * prints all of it; the release between that dropped the limit is not proven.
 */
const LIBVIRT_7_MESSAGE_BYTES = 1022;

function cutToBytes(text: string, limit: number): string {
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.codePointAt(i)!;
		const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
		if (bytes + size > limit) return text.slice(0, i);
		bytes += size;
		if (code >= 0x10000) i++;
	}
	return text;
}

function contextAt(bytes: Uint8Array, offset: number): { context: string; pointer: string } {
	let start = offset;
	while (start > 0 && bytes[start - 1] !== 0x0a && bytes[start - 1] !== 0x0d) start--;
	let end = offset;
	while (end < bytes.length && bytes[end] !== 0x0a && bytes[end] !== 0x0d && bytes[end] !== 0) end++;
	let pointer = '';
	for (let i = start; i < offset && i < end; i++) {
		pointer += bytes[i] === 0x09 ? '\t' : '-';
	}
	return { context: new TextDecoder('utf-8').decode(bytes.subarray(start, end)), pointer: pointer + '^' };
}

function lineOf(bytes: Uint8Array, offset: number): number {
	let line = 1;
	for (let i = 0; i < offset; i++) {
		if (bytes[i] === 0x0a) line++;
	}
	return line;
}

/** The first byte libxml2 refuses as UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
	for (let i = 0; i < bytes.length;) {
		const b = bytes[i];
		const size = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
		if (size === 0 || i + size > bytes.length) return i;
		for (let k = 1; k < size; k++) {
			if ((bytes[i + k] & 0xc0) !== 0x80) return i;
		}
		i += size;
	}
	return -1;
}

/** The error libxml2 stops at for these bytes before any markup problem, when there is one of that kind. */
export function libxmlByteError(file: Uint8Array): LibxmlError | undefined {
	const nul = file.indexOf(0);
	const bytes = nul >= 0 ? file.subarray(0, nul) : file;
	const bom = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
	if (bom) {
		// libxml2 sees a UTF-16 byte order mark and, at most, half a character after it.
		return { line: 1, message: "Start tag expected, '<' not found\n", ...contextAt(bytes, 0), byteOffset: 0 };
	}
	if (nul >= 0 && bytes.length === 1 && bytes[0] === 0x3c) {
		// UTF-16LE without a byte order mark: '<' and then the end of the string.
		return { line: 1, message: 'StartTag: invalid element name\n', ...contextAt(bytes, 1), byteOffset: 1 };
	}
	const bad = firstInvalidUtf8(bytes);
	if (bad < 0) {
		return undefined;
	}
	const shown = Array.from({ length: 4 }, (_, k) => `0x${(bytes[bad + k] ?? 0).toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
	return { line: lineOf(bytes, bad), message: `Input is not proper UTF-8, indicate encoding !\nBytes: ${shown}\n`, ...contextAt(bytes, bad), byteOffset: bad };
}

/** A libxml2 error at a character offset of decoded text (where libxml2's input pointer stood). */
export function libxmlErrorInText(text: string, offset: number, message: string): LibxmlError {
	let line = 1;
	let lineStart = 0;
	for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
		line++;
		lineStart = i + 1;
	}
	const carriage = text.lastIndexOf('\r', offset - 1);
	if (carriage >= lineStart) {
		lineStart = carriage + 1;
	}
	let lineEnd = lineStart;
	while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
	// One dash per UTF-8 byte, counted from the code point (a TextEncoder call per character took
	// seconds on a 2 MB line).
	const dashes: string[] = [];
	let run = 0;
	for (const char of text.slice(lineStart, Math.min(offset, lineEnd))) {
		const code = char.codePointAt(0)!;
		if (code === 0x09) {
			dashes.push('-'.repeat(run), '\t');
			run = 0;
		} else {
			run += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
		}
	}
	dashes.push('-'.repeat(run));
	return { line, message, context: text.slice(lineStart, lineEnd), pointer: dashes.join('') + '^', byteOffset: new TextEncoder().encode(text.slice(0, offset)).length };
}
