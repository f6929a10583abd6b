/**
 * Reading a domain file from disk into text: encodings, byte order marks, size limits. Problems
 * that make the bytes unreadable as text become findings, not exceptions.
 *
 * Every read goes through openRegularFile / readRegularFile(Sync), shared by the CLI and the server,
 * because a path can name something that never ends or never answers: a FIFO (opening it waits
 * for a writer), a character device (/dev/zero never ends), or a kernel file that is "regular"
 * but blocks or is consumed by reading (/proc/kmsg). Such a read in Node's thread pool also keeps
 * the process from exiting. So a file is opened non-blocking, checked with fstat on the open
 * descriptor (no race with a swapped path), refused unless it is a regular file on a real file
 * system, and read in chunks with a bound on bytes and on time.
 */
import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import { libxmlByteError, type LibxmlError, firstInvalidUtf8 } from '../service/parser/libxmlErrors';

/** Larger files are refused with a message: no libvirt domain comes near this. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface ReadResult {
	readonly text: string;
	/** The bytes began with a UTF-8 byte order mark, which `text` leaves out and libxml2 counts on line 1. */
	readonly byteOrderMark?: boolean;
	/** A problem with the bytes themselves (invalid UTF-8), at a character offset of `text`. */
	readonly encodingProblem?: { readonly offset: number; readonly message: string; readonly libxml2?: LibxmlError };
}

export class UnreadableFileError extends Error {}

/** How long one file may take to read, whatever its size: a local domain file takes microseconds. */
export const MAX_READ_MS = 5000;

/**
 * File systems whose files are kernel interfaces, not documents: their "regular" files report a
 * size of 0 and may block (/proc/kmsg) or change state when read. The numbers are statfs f_type
 * magic values from linux/magic.h.
 */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
	[0x9fa0, '/proc'], [0x62656572, 'sysfs'], [0x64626720, 'debugfs'], [0x74726163, 'tracefs'], [0x73636673, 'securityfs'],
	[0x27e0eb, 'cgroup'], [0x63677270, 'cgroup2'], [0x62656570, 'configfs'], [0xde5e81e4, 'efivarfs'], [0xcafe4a11, 'bpf'], [0x6165676c, 'pstore'],
]);

/** Why a file of this kind is not read, for the message (the same words in the CLI and the server). */
export function describeFileKind(stat: fs.Stats): string {
	if (stat.isDirectory()) return 'is a directory';
	if (stat.isFIFO()) return 'is a FIFO (named pipe), not a regular file';
	if (stat.isCharacterDevice()) return 'is a character device, not a regular file';
	if (stat.isBlockDevice()) return 'is a block device, not a regular file';
	if (stat.isSocket()) return 'is a socket, not a regular file';
	return 'is not a regular file';
}

function pseudoFileSystemOf(file: string | Buffer): string | undefined {
	try {
		return PSEUDO_FILE_SYSTEMS.get(Number(fs.statfsSync(file).type));
	} catch {
		return undefined; // Let the open report what is wrong with the path.
	}
}

async function pseudoFileSystemOfAsync(file: string): Promise<string | undefined> {
	try {
		return PSEUDO_FILE_SYSTEMS.get(Number((await fs.promises.statfs(file)).type));
	} catch {
		return undefined;
	}
}

const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY;

export interface ReadLimits {
	/** Refuse files larger than this (default MAX_FILE_BYTES). */
	readonly maxBytes?: number;
	/** Read only the first `headBytes` bytes (a look at the start of the file), without refusing larger files. */
	readonly headBytes?: number;
	/** Give up after this long (default MAX_READ_MS). */
	readonly timeoutMs?: number;
	/** The pseudo file system (or none) per device number, for a caller that reads many files (one statfs per device). */
	readonly fileSystems?: Map<number, string | undefined>;
	/**
	 * The caller found the path as a regular file in a directory listing (the CLI's walk): that was
	 * the look before opening, so the stat is skipped; the fstat on the open descriptor still
	 * refuses what is not a regular file, and a pseudo file system is refused before any read.
	 */
	readonly listedAsFile?: boolean;
	/** A buffer to read into, for a caller that reads many files (no allocation per file); the result is a copy. */
	readonly scratch?: Buffer;
}

function tooLarge(size: number, maxBytes: number): UnreadableFileError {
	return new UnreadableFileError(`file is ${size >= 1024 * 1024 ? `${Math.round(size / 1024 / 1024)} MiB` : `${size} bytes`}; domain XML larger than ${maxBytes >= 1024 * 1024 ? `${maxBytes / 1024 / 1024} MiB` : `${maxBytes} bytes`} is not checked`);
}

/** The bytes of a regular file, never blocking on what is not one; throws UnreadableFileError. */
export function readRegularFileSync(file: string | Buffer, limits: ReadLimits = {}): Buffer {
	const maxBytes = limits.maxBytes ?? MAX_FILE_BYTES;
	if (!limits.listedAsFile) {
		// A look before opening, so that a FIFO or device is not even opened; the fstat below is what
		// holds when the path is swapped in between.
		let before: fs.Stats;
		try {
			before = fs.statSync(file);
		} catch (error) {
			throw new UnreadableFileError(describeError(error));
		}
		if (!before.isFile()) {
			throw new UnreadableFileError(describeFileKind(before));
		}
		refusePseudoFileSystem(file, before.dev, limits.fileSystems);
	}
	let fd: number;
	try {
		fd = fs.openSync(file, OPEN_FLAGS);
	} catch (error) {
		throw new UnreadableFileError(describeError(error));
	}
	try {
		const stat = fs.fstatSync(fd);
		if (!stat.isFile()) {
			throw new UnreadableFileError(describeFileKind(stat));
		}
		if (limits.listedAsFile) {
			refusePseudoFileSystem(file, stat.dev, limits.fileSystems);
		}
		const limit = limits.headBytes ?? maxBytes;
		if (limits.headBytes === undefined && stat.size > maxBytes) {
			throw tooLarge(stat.size, maxBytes);
		}
		const deadline = Date.now() + (limits.timeoutMs ?? MAX_READ_MS);
		// One byte more than the limit tells a file that grew past it from one that fits.
		const size = Math.min(limit + 1, Math.max(stat.size + 1, 64 * 1024));
		const buffer = limits.scratch && limits.scratch.length >= Math.min(size, 64 * 1024) ? limits.scratch : Buffer.allocUnsafe(size);
		const chunks: Buffer[] = [];
		let total = 0;
		for (;;) {
			let read: number;
			try {
				read = fs.readSync(fd, buffer, 0, Math.min(buffer.length, limit + 1 - total), null);
			} catch (error) {
				throw new UnreadableFileError(describeError(error));
			}
			if (read === 0) break;
			chunks.push(Buffer.from(buffer.subarray(0, read)));
			total += read;
			if (total > limit) {
				if (limits.headBytes !== undefined) return Buffer.concat(chunks).subarray(0, limit);
				throw tooLarge(total, maxBytes);
			}
			if (Date.now() > deadline) {
				throw new UnreadableFileError(`reading took longer than ${(limits.timeoutMs ?? MAX_READ_MS) / 1000} s`);
			}
		}
		return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
	} finally {
		try {
			fs.closeSync(fd);
		} catch {
			// Nothing to do: the descriptor is gone either way.
		}
	}
}

/** Refuses a file of a pseudo file system (/proc, sysfs, …): one statfs per device with `fileSystems`. */
function refusePseudoFileSystem(file: string | Buffer, dev: number, fileSystems: Map<number, string | undefined> | undefined): void {
	let pseudo: string | undefined;
	if (fileSystems?.has(dev)) {
		pseudo = fileSystems.get(dev);
	} else {
		pseudo = pseudoFileSystemOf(file);
		fileSystems?.set(dev, pseudo);
	}
	if (pseudo) {
		throw new UnreadableFileError(`is a kernel interface file (${pseudo}), not a domain file`);
	}
}

/** The asynchronous twin of readRegularFileSync, for the server (which must keep answering). */
export async function readRegularFile(file: string, limits: ReadLimits = {}): Promise<Buffer> {
	const maxBytes = limits.maxBytes ?? MAX_FILE_BYTES;
	const pseudo = await pseudoFileSystemOfAsync(file);
	if (pseudo) {
		throw new UnreadableFileError(`is a kernel interface file (${pseudo}), not a domain file`);
	}
	let before: fs.Stats;
	try {
		before = await fs.promises.stat(file);
	} catch (error) {
		throw new UnreadableFileError(describeError(error));
	}
	if (!before.isFile()) {
		throw new UnreadableFileError(describeFileKind(before));
	}
	let handle: fs.promises.FileHandle;
	try {
		handle = await fs.promises.open(file, OPEN_FLAGS);
	} catch (error) {
		throw new UnreadableFileError(describeError(error));
	}
	try {
		const stat = await handle.stat();
		if (!stat.isFile()) {
			throw new UnreadableFileError(describeFileKind(stat));
		}
		const limit = limits.headBytes ?? maxBytes;
		if (limits.headBytes === undefined && stat.size > maxBytes) {
			throw tooLarge(stat.size, maxBytes);
		}
		const timeoutMs = limits.timeoutMs ?? MAX_READ_MS;
		const deadline = Date.now() + timeoutMs;
		const buffer = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(stat.size + 1, 64 * 1024)));
		const chunks: Buffer[] = [];
		let total = 0;
		for (;;) {
			let read: number;
			try {
				({ bytesRead: read } = await handle.read(buffer, 0, Math.min(buffer.length, limit + 1 - total), null));
			} catch (error) {
				throw new UnreadableFileError(describeError(error));
			}
			if (read === 0) break;
			chunks.push(Buffer.from(buffer.subarray(0, read)));
			total += read;
			if (total > limit) {
				if (limits.headBytes !== undefined) return Buffer.concat(chunks).subarray(0, limit);
				throw tooLarge(total, maxBytes);
			}
			if (Date.now() > deadline) {
				throw new UnreadableFileError(`reading took longer than ${timeoutMs / 1000} s`);
			}
		}
		return Buffer.concat(chunks, total);
	} finally {
		await handle.close().catch(() => undefined);
	}
}

export function readDocumentFile(file: string | Buffer): ReadResult {
	return decodeBytes(readRegularFileSync(file));
}

/**
 * Decodes bytes for display (BOM first, then the XML declaration's encoding, else UTF-8), and says
 * when libvirt cannot read them: it gets the file as a C string that libxml2 reads as UTF-8, so
 * UTF-16 and non-UTF-8 bytes are refused even when the declaration names their encoding.
 */
export function decodeBytes(bytes: Uint8Array): ReadResult {
	const decoded = decodeForDisplay(bytes);
	// Strict UTF-8 without a NUL byte (almost every file) is what libxmlByteError finds nothing in:
	// its check is laxer than UTF-8, and FF/FE (a UTF-16 byte order mark) are never UTF-8. isUtf8
	// is Node's native check; the byte loop of firstInvalidUtf8 runs only on other files.
	const libxml2 = isUtf8(bytes) && bytes.indexOf(0) < 0 ? undefined : libxmlByteError(bytes);
	const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? { byteOrderMark: true } : {};
	if (!libxml2 || decoded.encodingProblem && !decoded.declared) {
		return decoded.encodingProblem ? { text: decoded.text, ...bom, encodingProblem: { ...decoded.encodingProblem, ...(libxml2 ? { libxml2 } : {}) } } : { text: decoded.text, ...bom };
	}
	const utf16 = bytes.length >= 2 && (bytes[0] === 0xff || bytes[0] === 0xfe) || bytes.includes(0);
	const offset = decoded.declared ? new TextDecoder(decoded.declared).decode(bytes.subarray(0, libxml2.byteOffset)).length : 0;
	const message = utf16
		? 'libvirt reads the file as a C string, which ends at its first NUL byte: a UTF-16 file is cut short. Save it as UTF-8.'
		: `libvirt reads domain XML as UTF-8 whatever the XML declaration says (libxml2 2.9 ignores it for an in-memory document): these bytes are not UTF-8. Save the file as UTF-8.`;
	return { text: decoded.text, ...bom, encodingProblem: { offset: utf16 ? 0 : offset, message, libxml2 } };
}

/** One decoder for every file (a decode without `stream` keeps no state between calls). */
const UTF8_FATAL = new TextDecoder('utf-8', { fatal: true });

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
	// The declared encoding is used for display only where the bytes are not UTF-8 (libvirt reads
	// UTF-8 whatever the declaration says) and Node reads ASCII in it as ASCII: the declaration
	// itself was read as ASCII, and a name such as ISO-10646-UCS-2 that Node maps to UTF-16 would
	// turn the whole text into other characters.
	if (declared && declared !== 'utf-8' && declared !== 'utf8' && !isUtf8(body)) {
		try {
			const decoder = new TextDecoder(declared);
			if (!decoder.encoding.startsWith('utf-16')) return { text: decoder.decode(body), declared };
		} catch {
			// An encoding Node does not know: fall through to UTF-8 and report what breaks.
		}
	}
	try {
		return { text: UTF8_FATAL.decode(body) };
	} catch {
		const text = new TextDecoder('utf-8').decode(body);
		const offset = text.indexOf('\uFFFD');
		const byte = firstInvalidUtf8(body);
		return { text, encodingProblem: { offset: Math.max(0, offset), message: `The file is not valid UTF-8 (first bad byte at byte offset ${byte}); libvirt reads domain XML as UTF-8 unless the XML declaration names another encoding.` } };
	}
}

export function describeError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException)?.code;
	switch (code) {
		case 'ENOENT': return 'no such file or directory';
		case 'EACCES': case 'EPERM': return 'permission denied';
		case 'EISDIR': return 'is a directory';
		case 'ELOOP': return 'too many levels of symbolic links';
		case 'ENOTDIR': return 'a part of the path is not a directory';
		case 'ENXIO': return 'no such device or address (a FIFO or socket without a peer)';
		case 'EAGAIN': return 'the file would block (not a regular file)';
		default: return error instanceof Error ? error.message : String(error);
	}
}
