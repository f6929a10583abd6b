/**
 * The files the CLI checks, by their raw names. A Linux file name is bytes, not text: a name in
 * Latin-1 (`g\xe4st.xml`) cannot be carried by a JS string, so names are kept as Buffers from
 * argv (read from /proc/self/cmdline) and from the directory walk, and turned into text only for
 * the output. Every file system error becomes the same short reason for the user.
 */
import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_FILE_BYTES, UnreadableFileError } from '../node/readDocument';

/** Directories that never hold domain XML but can hold a great many files (as the server's index). */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface InputFile {
	/** The raw name to open; undefined for standard input. */
	readonly raw?: Buffer;
	/** The name as the output shows it: the exact text when the name is UTF-8, else with `\xHH` for each bad byte. */
	readonly name: string;
	/** Named on the command line (gets a diagnostic when it is not XML at all). */
	readonly named: boolean;
	/** The PATH argument the file came from (its host with --per-host). */
	readonly root: string;
	/** Found by the directory walk as a regular file (its entry's type, or a stat of the link's target). */
	readonly listed?: boolean;
}

/** A short reason for a file system error, as the CLI prints it after `cannot read PATH: `. */
export function describeFsError(error: unknown): string {
	if (error instanceof UnreadableFileError) {
		return error.message;
	}
	const code = (error as NodeJS.ErrnoException)?.code;
	switch (code) {
		case 'ENOENT': return 'no such file or directory';
		case 'ENOTDIR': return 'a part of the path is not a directory';
		case 'EACCES': case 'EPERM': return 'permission denied';
		case 'EISDIR': return 'is a directory';
		case 'ELOOP': return 'too many levels of symbolic links';
		case 'ENAMETOOLONG': return 'file name too long';
		case 'EIO': return 'input/output error';
		case 'ENXIO': case 'ENODEV': return 'no such device';
		case 'EMFILE': case 'ENFILE': return 'too many open files';
		default: {
			// Node's texts look like "EACCES: permission denied, open '/x'": keep the middle part.
			const message = error instanceof Error ? error.message : String(error);
			const middle = /^[A-Z0-9_]+: ([^,]+)(?:,|$)/.exec(message)?.[1];
			return (middle ?? message).split('\n')[0];
		}
	}
}

/** The text of a raw name: itself when it is UTF-8, else each byte that is not UTF-8 as `\xHH`. */
export function nameOf(raw: Buffer): string {
	if (isUtf8Name(raw)) {
		return raw.toString('utf8');
	}
	let out = '';
	for (let i = 0; i < raw.length;) {
		const size = utf8SequenceLength(raw, i);
		if (size === 0) {
			out += `\\x${raw[i].toString(16).toUpperCase().padStart(2, '0')}`;
			i += 1;
		} else {
			out += raw.subarray(i, i + size).toString('utf8');
			i += size;
		}
	}
	return out;
}

/**
 * Whether a raw name is valid UTF-8 (its text then says it exactly): Node's native check, the
 * same answer as decoding and encoding it again (a test compares the two), without the copies.
 */
export function isUtf8Name(raw: Buffer): boolean {
	return isUtf8(raw);
}

function utf8SequenceLength(bytes: Buffer, i: number): number {
	const b = bytes[i];
	const size = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
	if (size === 0 || i + size > bytes.length) {
		return 0;
	}
	for (let k = 1; k < size; k++) {
		if ((bytes[i + k] & 0xc0) !== 0x80) {
			return 0;
		}
	}
	// Overlong three-byte forms and surrogates are not UTF-8 either.
	if (size === 3 && ((b === 0xe0 && bytes[i + 1] < 0xa0) || (b === 0xed && bytes[i + 1] >= 0xa0))) {
		return 0;
	}
	if (size === 4 && ((b === 0xf0 && bytes[i + 1] < 0x90) || (b === 0xf4 && bytes[i + 1] >= 0x90))) {
		return 0;
	}
	return size;
}

/**
 * The raw bytes of this process's arguments after the script, from /proc/self/cmdline (Linux),
 * or undefined when they cannot be read or do not line up with `argv`.
 */
export function rawArguments(argv: readonly string[]): Buffer[] | undefined {
	let cmdline: Buffer;
	try {
		cmdline = fs.readFileSync('/proc/self/cmdline');
	} catch {
		return undefined;
	}
	const parts: Buffer[] = [];
	let start = 0;
	for (let i = 0; i < cmdline.length; i++) {
		if (cmdline[i] === 0) {
			parts.push(cmdline.subarray(start, i));
			start = i + 1;
		}
	}
	if (parts.length < argv.length) {
		return undefined;
	}
	const mine = parts.slice(parts.length - argv.length);
	// Each raw argument must decode to the string Node gave us, or they are not the same list.
	return mine.every((raw, i) => raw.toString('utf8') === argv[i]) ? mine : undefined;
}

/** `path.join` on raw names: it only looks at '/' and '.', which Latin-1 keeps byte for byte. */
function joinRaw(dir: Buffer, name: Buffer): Buffer {
	return Buffer.from(path.join(dir.toString('latin1'), name.toString('latin1')), 'latin1');
}

const XML_SUFFIX = Buffer.from('.xml');

/**
 * Every `*.xml` file under a directory, by raw name, depth first and by name; directories are
 * visited once each by real path (symbolic link loops end), unreadable ones are reported.
 */
export async function walkXmlFiles(root: Buffer, onUnreadable: (name: string, reason: string) => void): Promise<Buffer[]> {
	const files: Buffer[] = [];
	const seen = new Set<string>();
	const stack: Buffer[] = [root];
	while (stack.length > 0) {
		const dir = stack.pop()!;
		let real: string;
		try {
			real = (await fs.promises.realpath(dir, { encoding: 'buffer' })).toString('latin1');
		} catch (error) {
			onUnreadable(nameOf(dir), describeFsError(error));
			continue;
		}
		if (seen.has(real)) {
			continue;
		}
		seen.add(real);
		let entries: fs.Dirent<Buffer>[];
		try {
			entries = await fs.promises.readdir(dir, { withFileTypes: true, encoding: 'buffer' }) as unknown as fs.Dirent<Buffer>[];
		} catch (error) {
			onUnreadable(nameOf(dir), describeFsError(error));
			continue;
		}
		entries.sort((a, b) => Buffer.compare(a.name, b.name));
		const subdirectories: Buffer[] = [];
		for (const entry of entries) {
			const full = joinRaw(dir, entry.name);
			let isDirectory = entry.isDirectory();
			let isFile = entry.isFile();
			if (entry.isSymbolicLink()) {
				try {
					const target = await fs.promises.stat(full);
					isDirectory = target.isDirectory();
					isFile = target.isFile();
				} catch {
					// A dangling link is no file to check (the server's walk skips them too).
					continue;
				}
			}
			if (isDirectory && !SKIPPED_DIRECTORIES.has(entry.name.toString('latin1'))) {
				subdirectories.push(full);
			} else if (isFile && entry.name.length > XML_SUFFIX.length && entry.name.subarray(entry.name.length - XML_SUFFIX.length).equals(XML_SUFFIX)) {
				files.push(full);
			}
		}
		stack.push(...subdirectories.reverse());
	}
	return files;
}

/**
 * Files to check, in a stable order: named files as given, directories searched for *.xml, `-`
 * as standard input (named `stdinName`). A file (named or in a directory) with the same resolved
 * path as `stdinName` is left out: standard input stands for it (an editor's unsaved buffer).
 */
export async function collectInputFiles(paths: readonly string[], rawPaths: readonly (Buffer | undefined)[] | undefined, stdinName: string, onUnreadable: (name: string, reason: string) => void): Promise<InputFile[]> {
	const files: InputFile[] = [];
	const stdinGiven = paths.includes('-');
	const stdinResolved = stdinGiven ? path.resolve(stdinName) : undefined;
	for (let i = 0; i < paths.length; i++) {
		const given = paths[i];
		if (given === '-') {
			files.push({ name: stdinName, named: true, root: stdinName });
			continue;
		}
		const raw = rawPaths?.[i] ?? Buffer.from(given, 'utf8');
		const name = nameOf(raw);
		let stat: fs.Stats;
		try {
			stat = fs.statSync(raw);
		} catch (error) {
			onUnreadable(name, describeFsError(error));
			continue;
		}
		if (!stat.isDirectory()) {
			if (stdinResolved !== undefined && path.resolve(name) === stdinResolved) {
				continue;
			}
			files.push({ raw, name, named: true, root: name });
			continue;
		}
		for (const file of await walkXmlFiles(raw, onUnreadable)) {
			const fileName = nameOf(file);
			if (stdinResolved !== undefined && path.resolve(fileName) === stdinResolved) {
				continue;
			}
			files.push({ raw: file, name: fileName, named: false, root: name, listed: true });
		}
	}
	return files;
}

/** Standard input as bytes, refused past the size limit the files have. */
export async function readStdinBytes(stream: NodeJS.ReadableStream = process.stdin, limit = MAX_FILE_BYTES): Promise<Buffer> {
	if (stream === process.stdin) {
		// Node's stdin stream ends quietly on a directory (`- < /etc`); the read itself says EISDIR.
		let stat: fs.Stats | undefined;
		try {
			stat = fs.fstatSync(0);
		} catch {
			stat = undefined;
		}
		if (stat?.isDirectory()) {
			throw Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' });
		}
	}
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer;
		size += buffer.length;
		if (size > limit) {
			throw new UnreadableFileError(`standard input is over ${limit / 1024 / 1024} MiB; domain XML larger than that is not checked`);
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks);
}
