/**
 * Finding and reading the domain XML files of a workspace on disk, for the workspace index. Reads
 * are asynchronous and yield between files, so the server keeps answering while a large tree is
 * indexed; directories are visited once each by real path, so symbolic link loops end.
 */
import * as fs from 'fs';
import * as path from 'path';
import { rootElementName } from '../service/parser/seclabelModel';
import { decodeBytes } from './readDocument';

/** Domain XML is a few kilobytes; anything much larger is not worth reading in the background. */
export const MAX_INDEXED_FILE_BYTES = 4 * 1024 * 1024;
/** A bound on one scan, so that a workspace folder on `/` cannot keep the server busy for ever. */
export const MAX_INDEXED_FILES = 50_000;

/** Directories that never hold domain XML but can hold a great many files. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface ListOptions {
	/** Stop after this many files. */
	readonly limit?: number;
	/** Told about each directory that cannot be read (the server skips them quietly; the CLI reports them). */
	readonly onUnreadable?: (directory: string, reason: string) => void;
}

/** Every `*.xml` file under the roots, in a stable order (depth first, by name); unreadable directories are skipped. */
export async function listXmlFiles(roots: readonly string[], options: ListOptions = {}): Promise<string[]> {
	const limit = options.limit ?? MAX_INDEXED_FILES;
	const files: string[] = [];
	const seen = new Set<string>();
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
			let isDirectory = entry.isDirectory();
			let isFile = entry.isFile();
			if (entry.isSymbolicLink()) {
				try {
					const target = await fs.promises.stat(full);
					isDirectory = target.isDirectory();
					isFile = target.isFile();
				} catch {
					continue;
				}
			}
			if (isDirectory && !SKIPPED_DIRECTORIES.has(entry.name)) {
				subdirectories.push(full);
			} else if (isFile && entry.name.endsWith('.xml')) {
				files.push(full);
				if (files.length >= limit) {
					break;
				}
			}
		}
		stack.push(...subdirectories.reverse());
	}
	return files;
}

/**
 * The text of a file when it is a libvirt domain (or status file) of a sensible size; undefined
 * for other XML, for files too large, and for files that cannot be read. Only the first bytes are
 * looked at before deciding, so other XML costs almost nothing.
 */
export async function readDomainText(file: string): Promise<string | undefined> {
	try {
		const stat = await fs.promises.stat(file);
		if (!stat.isFile() || stat.size > MAX_INDEXED_FILE_BYTES) {
			return undefined;
		}
		const bytes = await fs.promises.readFile(file);
		const { text } = decodeBytes(bytes);
		const root = rootElementName(text);
		return root === 'domain' || root === 'domstatus' ? text : undefined;
	} catch {
		return undefined;
	}
}
