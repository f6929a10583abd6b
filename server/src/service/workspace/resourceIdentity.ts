/**
 * Telling when two guests name the same image without asking the file system: the service is pure,
 * and the files may live on another host. Symbolic links and bind mounts are therefore invisible;
 * what is caught is the same path spelled differently.
 */

/**
 * A POSIX path with `.` and `..` resolved and repeated or trailing slashes removed, the way
 * `path.posix.normalize` does it, except that `..` above the root stays at the root (the kernel
 * resolves `/../x` to `/x`).
 */
export function normalizeLocalPath(value: string): string {
	const absolute = value.startsWith('/');
	const parts: string[] = [];
	for (const segment of value.split('/')) {
		if (segment === '' || segment === '.') {
			continue;
		}
		if (segment === '..') {
			if (parts.length > 0 && parts[parts.length - 1] !== '..') {
				parts.pop();
			} else if (!absolute) {
				parts.push('..');
			}
			continue;
		}
		parts.push(segment);
	}
	const joined = parts.join('/');
	if (absolute) {
		return `/${joined}`;
	}
	return joined === '' ? '.' : joined;
}
