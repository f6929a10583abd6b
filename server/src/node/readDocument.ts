/**
 * Reading a domain file from disk into text: encodings, byte order marks, size limits. Problems
 * that make the bytes unreadable as text become findings, not exceptions.
 */
import * as fs from 'fs';
import { libxmlByteError, type LibxmlError } from '../service/parser/libxmlErrors';

/** Larger files are refused with a message: no libvirt domain comes near this. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface ReadResult {
	readonly text: string;
	/** A problem with the bytes themselves (invalid UTF-8), at a character offset of `text`. */
	readonly encodingProblem?: { readonly offset: number; readonly message: string; readonly libxml2?: LibxmlError };
}

export class UnreadableFileError extends Error {}

export function readDocumentFile(file: string): ReadResult {
	let stat: fs.Stats;
	try {
		stat = fs.statSync(file);
	} catch (error) {
		throw new UnreadableFileError(describeError(error));
	}
	if (!stat.isFile()) {
		throw new UnreadableFileError('not a regular file');
	}
	if (stat.size > MAX_FILE_BYTES) {
		throw new UnreadableFileError(`file is ${Math.round(stat.size / 1024 / 1024)} MiB; domain XML larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB is not checked`);
	}
	let bytes: Buffer;
	try {
		bytes = fs.readFileSync(file);
	} catch (error) {
		throw new UnreadableFileError(describeError(error));
	}
	return decodeBytes(bytes);
}

/**
 * Decodes bytes for display (BOM first, then the XML declaration's encoding, else UTF-8), and says
 * when libvirt cannot read them: it gets the file as a C string that libxml2 reads as UTF-8, so
 * UTF-16 and non-UTF-8 bytes are refused even when the declaration names their encoding.
 */
export function decodeBytes(bytes: Uint8Array): ReadResult {
	const decoded = decodeForDisplay(bytes);
	const libxml2 = libxmlByteError(bytes);
	if (!libxml2 || decoded.encodingProblem && !decoded.declared) {
		return decoded.encodingProblem ? { text: decoded.text, encodingProblem: { ...decoded.encodingProblem, ...(libxml2 ? { libxml2 } : {}) } } : { text: decoded.text };
	}
	const utf16 = bytes.length >= 2 && (bytes[0] === 0xff || bytes[0] === 0xfe) || bytes.includes(0);
	const offset = decoded.declared ? new TextDecoder(decoded.declared).decode(bytes.subarray(0, libxml2.byteOffset)).length : 0;
	const message = utf16
		? 'libvirt reads the file as a C string, which ends at its first NUL byte: a UTF-16 file is cut short. Save it as UTF-8.'
		: `libvirt reads domain XML as UTF-8 whatever the XML declaration says (libxml2 2.9 ignores it for an in-memory document): these bytes are not UTF-8. Save the file as UTF-8.`;
	return { text: decoded.text, encodingProblem: { offset: utf16 ? 0 : offset, message, libxml2 } };
}

function decodeForDisplay(bytes: Uint8Array): ReadResult & { declared?: string } {
	if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
		return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), declared: 'utf-16le' };
	}
	if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
		return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), declared: 'utf-16be' };
	}
	// UTF-16 without a byte order mark: '<' (or the declaration's '<') with a NUL beside it.
	if (bytes.length >= 4 && bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) {
		return { text: new TextDecoder('utf-16le').decode(bytes), declared: 'utf-16le' };
	}
	if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x3c && bytes[2] === 0 && bytes[3] !== 0) {
		return { text: new TextDecoder('utf-16be').decode(bytes), declared: 'utf-16be' };
	}
	let body = bytes;
	if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
		body = bytes.subarray(3);
	}
	const head = Buffer.from(body.subarray(0, 200)).toString('latin1');
	const declared = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
	if (declared && declared !== 'utf-8' && declared !== 'utf8') {
		try {
			return { text: new TextDecoder(declared).decode(body), declared };
		} catch {
			// An encoding Node does not know: fall through to UTF-8 and report what breaks.
		}
	}
	try {
		return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
	} catch {
		const text = new TextDecoder('utf-8').decode(body);
		const offset = text.indexOf('\uFFFD');
		const byte = firstInvalidUtf8Byte(body);
		return { text, encodingProblem: { offset: Math.max(0, offset), message: `The file is not valid UTF-8 (first bad byte at byte offset ${byte}); libvirt reads domain XML as UTF-8 unless the XML declaration names another encoding.` } };
	}
}

function firstInvalidUtf8Byte(bytes: Uint8Array): number {
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

function describeError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException)?.code;
	switch (code) {
		case 'ENOENT': return 'no such file or directory';
		case 'EACCES': case 'EPERM': return 'permission denied';
		case 'EISDIR': return 'is a directory';
		case 'ELOOP': return 'too many levels of symbolic links';
		default: return error instanceof Error ? error.message : String(error);
	}
}
