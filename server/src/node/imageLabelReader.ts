/**
 * Reads the labels images carry on disk (`security.selinux` and libvirt's remember-owner
 * attributes), only when the user turned it on (`--read-image-labels`,
 * `libvirtSeclabel.readImageLabels`). Nothing is ever written.
 *
 * Why `getfattr` (Debian's `attr` package) and not an npm module: Node has no xattr API, the
 * maintained modules (`fs-xattr`, `xattr`) build native code at install time, which a .vsix that
 * bundles one JavaScript file cannot carry. `getfattr` takes many paths per process, so 1,000
 * images cost a few processes (measured by `npm run bench`), with a fixed argument list (no shell)
 * and a timeout. `trusted.*` attributes are visible to root only (CAP_SYS_ADMIN): run as another
 * user, the reference count is simply not seen, which the result says.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import { REFCOUNT_XATTR, REMEMBERED_XATTR, SELINUX_XATTR, TIMESTAMP_XATTR, type ImageLabel } from '../service/workspace/imageLabels';

export interface ImageLabelReaderOptions {
	/** The getfattr binary (default `getfattr` on PATH). */
	readonly getfattr?: string;
	/** Paths per getfattr process (default 200). */
	readonly batch?: number;
	readonly timeoutMs?: number;
}

export class ImageLabelReadError extends Error {}

/** statfs(2) magic numbers of file systems where libvirt cannot keep its trusted.* attributes. */
const NETWORK_FILE_SYSTEMS = new Map<number, string>([
	[0x6969, 'NFS'],
	[0xff534d42, 'CIFS'],
	[0xfe534d42, 'SMB2'],
	[0x517b, 'SMB'],
	[0x00c36400, 'Ceph'],
	[0x65735546, 'FUSE (GlusterFS, sshfs, …)'],
	[0x47504653, 'GPFS'],
	[0x0bd00bd0, 'Lustre'],
]);

/** Undoes getfattr's escaping of file names (`\ooo` octal for special bytes, `\\`). */
function unescapeName(name: string): string {
	const bytes: number[] = [];
	const raw = Buffer.from(name, 'utf8');
	for (let i = 0; i < raw.length; i++) {
		if (raw[i] === 0x5c && i + 3 < raw.length + 1 && /^[0-7]{3}$/.test(raw.subarray(i + 1, i + 4).toString('latin1'))) {
			bytes.push(parseInt(raw.subarray(i + 1, i + 4).toString('latin1'), 8));
			i += 3;
		} else if (raw[i] === 0x5c && raw[i + 1] === 0x5c) {
			bytes.push(0x5c);
			i++;
		} else {
			bytes.push(raw[i]);
		}
	}
	return Buffer.from(bytes).toString('utf8');
}

function decodeHex(value: string): string {
	const hex = value.startsWith('0x') ? value.slice(2) : value;
	return Buffer.from(hex, 'hex').toString('utf8').replace(/\0+$/, '');
}

/** Parses `getfattr -d -e hex` output into attributes per path. */
export function parseGetfattr(stdout: string): Map<string, Map<string, string>> {
	const result = new Map<string, Map<string, string>>();
	let current: Map<string, string> | undefined;
	for (const line of stdout.split('\n')) {
		if (line.startsWith('# file: ')) {
			current = new Map();
			result.set(unescapeName(line.slice(8)), current);
		} else if (current && line.includes('=')) {
			const eq = line.indexOf('=');
			current.set(line.slice(0, eq), decodeHex(line.slice(eq + 1)));
		}
	}
	return result;
}

function getfattr(paths: string[], options: ImageLabelReaderOptions): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(options.getfattr ?? 'getfattr', ['--absolute-names', '--dump', '--encoding=hex', '--match=^(security\\.selinux|trusted\\.libvirt\\.security\\.)', '--', ...paths], {
			timeout: options.timeoutMs ?? 30000,
			maxBuffer: 64 * 1024 * 1024,
			env: { ...process.env, LC_ALL: 'C' },
			windowsHide: true,
		}, (error, stdout) => {
			if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
				reject(new ImageLabelReadError('cannot run getfattr to read image labels (install the attr package: apt-get install attr)'));
			} else if (error && (error as { killed?: boolean }).killed) {
				reject(new ImageLabelReadError('getfattr did not answer in time'));
			} else {
				// Exit status 1 means some file had no attribute or could not be read; the others are in stdout.
				resolve(stdout);
			}
		});
	});
}

/** Reads the labels of local image paths (absolute, normalised); each path once. */
export async function readImageLabels(paths: Iterable<string>, options: ImageLabelReaderOptions = {}): Promise<ImageLabel[]> {
	const results: ImageLabel[] = [];
	const toRead: { path: string; networkFs?: string }[] = [];
	for (const path of new Set(paths)) {
		if (!path.startsWith('/')) {
			continue;
		}
		try {
			fs.statSync(path);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			results.push({ path, status: code === 'ENOENT' ? 'missing' : 'unreadable', reason: code === 'ENOENT' ? 'no such file' : String((error as Error).message) });
			continue;
		}
		let networkFs: string | undefined;
		try {
			networkFs = NETWORK_FILE_SYSTEMS.get(Number(fs.statfsSync(path).type));
		} catch {
			networkFs = undefined;
		}
		toRead.push({ path, networkFs });
	}
	const batch = Math.max(1, options.batch ?? 200);
	for (let i = 0; i < toRead.length; i += batch) {
		const slice = toRead.slice(i, i + batch);
		const attributes = parseGetfattr(await getfattr(slice.map((entry) => entry.path), options));
		for (const { path, networkFs } of slice) {
			const found = attributes.get(path);
			const ref = found?.get(REFCOUNT_XATTR);
			const refCount = ref !== undefined && /^\d+$/.test(ref) ? Number(ref) : undefined;
			results.push({
				path,
				status: 'ok',
				selinux: found?.get(SELINUX_XATTR),
				remembered: found?.get(REMEMBERED_XATTR),
				refCount,
				timestamp: found?.get(TIMESTAMP_XATTR),
				networkFs,
			});
		}
	}
	return results;
}
