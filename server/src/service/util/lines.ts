/**
 * Line lookups by binary search over a text's line-start offsets: the cross-guest summaries place
 * their spans with it and the fixes find a line's indentation with it, so neither scans the text
 * per finding.
 */

/** The index of the line holding `offset`, given the sorted offsets where lines start (the first is 0). */
export function lineIndexAt(starts: ArrayLike<number>, offset: number): number {
	let low = 0;
	let high = starts.length - 1;
	while (low < high) {
		const middle = (low + high + 1) >> 1;
		if (starts[middle] <= offset) {
			low = middle;
		} else {
			high = middle - 1;
		}
	}
	return low;
}
