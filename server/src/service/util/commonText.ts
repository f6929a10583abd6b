/**
 * The common prefix and suffix of two versions of a document: where an edit lies. The incremental
 * parse and the incremental findings both need it on every keystroke of a large text, so it
 * compares a chunk at a time (string equality of two slices is a native memory compare), the chunk
 * doubling while the texts agree and halving where they differ, then a character at a time.
 * Character by character, 3.5 MB cost about 16 ms; in fixed 4 KB chunks a 35 MB text cost about
 * 6 ms per scan (8,600 slice pairs); doubling up to 1 MB needs a few dozen.
 */

const FIRST_CHUNK = 4096;
const LARGEST_CHUNK = 1 << 20;
const SMALLEST_CHUNK = 64;

/** The length of the common prefix of two texts, at most `limit`. */
export function commonPrefix(a: string, b: string, limit: number): number {
	let at = 0;
	let chunk = FIRST_CHUNK;
	while (chunk >= SMALLEST_CHUNK) {
		if (at + chunk <= limit && a.slice(at, at + chunk) === b.slice(at, at + chunk)) {
			at += chunk;
			chunk = Math.min(chunk * 2, LARGEST_CHUNK);
		} else {
			chunk >>= 1;
		}
	}
	while (at < limit && a.charCodeAt(at) === b.charCodeAt(at)) at++;
	return at;
}

/** The length of the common suffix of two texts, at most `limit`. */
export function commonSuffix(a: string, b: string, limit: number): number {
	let at = 0;
	let chunk = FIRST_CHUNK;
	while (chunk >= SMALLEST_CHUNK) {
		if (at + chunk <= limit && a.slice(a.length - at - chunk, a.length - at) === b.slice(b.length - at - chunk, b.length - at)) {
			at += chunk;
			chunk = Math.min(chunk * 2, LARGEST_CHUNK);
		} else {
			chunk >>= 1;
		}
	}
	while (at < limit && a.charCodeAt(a.length - 1 - at) === b.charCodeAt(b.length - 1 - at)) at++;
	return at;
}
