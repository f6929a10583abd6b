/**
 * A copy of a string cut from a document that does not keep the document alive. V8 keeps a slice
 * of 13 characters or more as a view into the string it was cut from, and that view keeps the whole
 * string alive. Anything that outlives one version of a 3.5 MB document (the tree, which the
 * incremental parse moves on to every later version; memo tables keyed by label text) would hold a
 * whole old version per string: +3.3 MB of live heap per edit, measured (docs/benchmarks.md).
 */
const MIN_SLICED_LENGTH = 13;

/** The same characters in a string of their own (a concatenation, flattened when sliced). */
export function ownCopy(value: string): string {
	return value.length < MIN_SLICED_LENGTH ? value : (' ' + value).slice(1);
}
