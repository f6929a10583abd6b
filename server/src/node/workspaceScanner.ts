/**
 * Finding and reading the domain XML files of a workspace on disk, for the workspace index. Reads
 * are asynchronous and yield between files, so the server keeps answering while a large tree is
 * indexed; directories are visited once each by real path, so symbolic link loops end.
 *
 * The server may only read under the roots it was given (the workspace folders and
 * `libvirtSeclabel.extraDomainDirs`), so with `confine` a symbolic link is resolved and followed
 * only when its target is inside a root; what is skipped (links out, loops, FIFOs and devices named
 * *.xml) is told to `onSkipped` for the log. Whether a file is a domain is decided from its first
 * bytes, so a tree of other XML costs one small read per file, never a parse.
 */
import * as fs from 'fs';
import * as path from 'path';
import { rootElementName } from '../service/parser/seclabelModel';
import { decodeBytes, describeFileKind, readRegularFile, readRegularFileSync, UnreadableFileError } from './readDocument';

/** Domain XML is a few kilobytes; anything much larger is not worth reading in the background. */
export const MAX_INDEXED_FILE_BYTES = 4 * 1024 * 1024;
/** A bound on one scan, so that a workspace folder on `/` cannot keep the server busy for ever. */
export const MAX_INDEXED_FILES = 50_000;
/** How much of a file is looked at to find its root element (more only when a long prolog hides it). */
export const SNIFF_BYTES = 4096;
const SNIFF_MAX_BYTES = 64 * 1024;

/** Directories that never hold domain XML but can hold a great many files. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface ListOptions {
	/** Stop after this many files. */
	readonly limit?: number;
	/** Told about each directory that cannot be read (the server skips them quietly; the CLI reports them). */
	readonly onUnreadable?: (directory: string, reason: string) => void;
	/** Follow symbolic links only to targets inside the (real paths of the) roots; report the others to onSkipped. */
	readonly confine?: boolean;
	/** Only the files directly in each root, not its subdirectories. */
	readonly shallow?: boolean;
	/** Told about each entry named *.xml (or link) that is not listed, and why. */
	readonly onSkipped?: (file: string, reason: string) => void;
	/** Set to true when the limit cut the listing short. */
	readonly truncated?: { value: boolean };
}

/** `file` is `root` or below it (both real, absolute paths). */
export function isInside(file: string, root: string): boolean {
	return file === root || file.startsWith(root.endsWith('/') ? root : `${root}/`);
}

async function realRoots(roots: readonly string[]): Promise<string[]> {
	const real: string[] = [];
	for (const root of roots) {
		try {
			real.push(await fs.promises.realpath(root));
		} catch {
			// A root that does not exist has nothing to list.
		}
	}
	return real;
}

/** Every `*.xml` file under the roots, in a stable order (depth first, by name); unreadable directories are skipped. */
export async function listXmlFiles(roots: readonly string[], options: ListOptions = {}): Promise<string[]> {
	const limit = options.limit ?? MAX_INDEXED_FILES;
	const files: string[] = [];
	const seen = new Set<string>();
	const confinedTo = options.confine ? await realRoots(roots) : [];
	const allowed = (real: string) => !options.confine || confinedTo.some((root) => isInside(real, root));
	const stack = [...roots].reverse();
	while (stack.length > 0 && files.length < limit) {
		const dir = stack.pop()!;
		let real: string;
		try {
			real = await fs.promises.realpath(dir);
		} catch {
			continue;
		}
		if (seen.has(real)) {
			continue;
		}
		seen.add(real);
		let entries: fs.Dirent[];
		try {
			entries = await fs.promises.readdir(dir, { withFileTypes: true });
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			options.onUnreadable?.(dir, code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String((error as Error).message));
			continue;
		}
		entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
		const subdirectories: string[] = [];
		for (const entry of entries) {
			const full = path.join(dir, entry.name);
			const isXml = entry.name.endsWith('.xml');
			let isDirectory = entry.isDirectory();
			let isFile = entry.isFile();
			if (entry.isSymbolicLink()) {
				if (options.shallow && !isXml) {
					continue;
				}
				let target: string;
				let stat: fs.Stats;
				try {
					target = await fs.promises.realpath(full);
					stat = await fs.promises.stat(target);
				} catch (error) {
					const code = (error as NodeJS.ErrnoException).code;
					if (isXml || code === 'ELOOP') {
						options.onSkipped?.(full, code === 'ELOOP' ? 'a symbolic link loop' : code === 'ENOENT' ? 'a dangling symbolic link' : String((error as Error).message));
					}
					continue;
				}
				if (!allowed(target)) {
					if (isXml || stat.isDirectory()) {
						options.onSkipped?.(full, `links to ${target}, outside the workspace folders and libvirtSeclabel.extraDomainDirs`);
					}
					continue;
				}
				isDirectory = stat.isDirectory();
				isFile = stat.isFile();
				if (isXml && !isFile && !isDirectory) {
					options.onSkipped?.(full, describeFileKind(stat));
					continue;
				}
			} else if (isXml && !isFile && !isDirectory) {
				options.onSkipped?.(full, entry.isFIFO() ? 'is a FIFO (named pipe), not a regular file' : entry.isCharacterDevice() ? 'is a character device, not a regular file'
					: entry.isBlockDevice() ? 'is a block device, not a regular file' : entry.isSocket() ? 'is a socket, not a regular file' : 'is not a regular file');
				continue;
			}
			if (isDirectory) {
				if (!options.shallow && !SKIPPED_DIRECTORIES.has(entry.name)) {
					subdirectories.push(full);
				}
			} else if (isFile && isXml) {
				files.push(full);
				if (files.length >= limit) {
					if (options.truncated) options.truncated.value = true;
					break;
				}
			}
		}
		stack.push(...subdirectories.reverse());
	}
	if (stack.length > 0 && files.length >= limit && options.truncated) {
		options.truncated.value = true;
	}
	return files;
}

/** What reading a workspace file found: the text of a domain, or why there is none. */
export interface DomainFile {
	/** The whole text, when the file is a libvirt domain (or status file). */
	readonly text?: string;
	/** Why the file could not be read (not a regular file, too large, gone); undefined for other XML. */
	readonly refused?: string;
}

/** A cheap look at the first bytes: the root element's name, or undefined when it is not in them. */
export function sniffRootElement(head: Uint8Array): string | undefined {
	return rootElementName(decodeBytes(head).text);
}

/**
 * Reads a file when it is a libvirt domain (or status file) of a sensible size. Only the first bytes
 * are read before deciding, so other XML costs almost nothing; nothing that is not a regular file
 * is ever opened for reading.
 */
export async function readDomainFile(file: string): Promise<DomainFile> {
	try {
		let head = await readRegularFile(file, { headBytes: SNIFF_BYTES });
		let root = sniffRootElement(head);
		if (root === undefined && head.length === SNIFF_BYTES) {
			// A long comment or DOCTYPE before the root element: look a little further, once.
			head = await readRegularFile(file, { headBytes: SNIFF_MAX_BYTES });
			root = sniffRootElement(head);
		}
		if (root !== 'domain' && root !== 'domstatus') {
			return {};
		}
		const bytes = await readRegularFile(file, { maxBytes: MAX_INDEXED_FILE_BYTES });
		return { text: decodeBytes(bytes).text };
	} catch (error) {
		return { refused: error instanceof UnreadableFileError ? error.message : String(error) };
	}
}

/**
 * readDomainFile without the thread pool, for a scan of many files: a sniff costs five system calls
 * and no promise, so a tree of 40,000 files stays within its CPU budget. The scan runs it in
 * slices and yields between them; what is read is a regular file on a local file system (the
 * listing and the checks of readRegularFileSync refuse the rest before opening).
 */
export function readDomainFileSync(file: string, fileSystems?: Map<number, string | undefined>): DomainFile {
	try {
		let head = readRegularFileSync(file, { headBytes: SNIFF_BYTES, fileSystems });
		let root = sniffRootElement(head);
		if (root === undefined && head.length === SNIFF_BYTES) {
			head = readRegularFileSync(file, { headBytes: SNIFF_MAX_BYTES, fileSystems });
			root = sniffRootElement(head);
		}
		if (root !== 'domain' && root !== 'domstatus') {
			return {};
		}
		return { text: decodeBytes(readRegularFileSync(file, { maxBytes: MAX_INDEXED_FILE_BYTES, fileSystems })).text };
	} catch (error) {
		return { refused: error instanceof UnreadableFileError ? error.message : String(error) };
	}
}

/**
 * The text of a file when it is a libvirt domain (or status file) of a sensible size; undefined
 * for other XML, for files too large, and for files that cannot be read.
 */
export async function readDomainText(file: string): Promise<string | undefined> {
	return (await readDomainFile(file)).text;
}
