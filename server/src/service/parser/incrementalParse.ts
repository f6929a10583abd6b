/**
 * The incremental parse of issue #12: after an edit, only the smallest element that encloses the
 * change is parsed again (with the same parser, on that element's new text alone) and spliced into
 * the previous tree; every element after it has its offsets moved by the edit's length delta. A full
 * parse of a 3.5 MB domain costs tens of milliseconds per keystroke; this costs the edited device.
 *
 * Why this equals a full parse: the text before the element is unchanged, so a forward scan reaches
 * the element's `<` in the same state; the element's new text, parsed alone, must come back as one
 * closed element of the same name, ending exactly at the end of the slice, with no problem at all,
 * so nothing in it reached out of it (an unclosed comment, CDATA or value, an ancestor's end tag
 * all are problems alone); after it the text and the parser's stack are as before. Whatever else
 * could differ is a full parse instead (undefined from {@link reparseXml}): a previous version with
 * a limit or 99 problems, an invalid character inside the element, a DOCTYPE (dtdSubset.ts rewrites the tree), an edit that touches the root's
 * tags or lies in no element's content, markup openers (`<!`, `<?`, `]]>`, `-->`) in the changed
 * text, a namespaced parent, and the limits (counted for the whole document).
 *
 * The previous tree is CONSUMED: its objects are moved in place to the new text (no second tree
 * of 10,000 disks per keystroke). The caller must not use the previous XmlDocument afterwards; the
 * server's parse cache keeps one version per document, and its users re-check the version after
 * every await. test/unit/editDifferential.test.ts compares every incremental tree with a full parse.
 */
import { commonPrefix, commonSuffix } from '../util/commonText';
import { LIBXML_MAX_OPEN, parseXml, type ParseLimits, type XmlAttribute, type XmlDocument, type XmlElement } from './xmlParser';

/** Elements per tree, kept per document so that the limit check does not walk 50,000 elements per edit. */
const elementCounts = new WeakMap<XmlDocument, number>();

/**
 * What an incremental parse replaced, so that the model (seclabelModel.ts patchModel) and what is
 * built from it can be patched too instead of rebuilt: `replaced` (of the previous tree, now
 * detached) was swapped for `fresh`; the text changed in [`changeStart`, `oldChangeEnd`) of the old
 * text, now [`changeStart`, `newChangeEnd`), and everything after moved by `delta`.
 */
export interface Splice {
	/** The previous version's text (the change is relative to it). */
	readonly previousText: string;
	readonly replaced: XmlElement;
	readonly fresh: XmlElement;
	readonly changeStart: number;
	readonly oldChangeEnd: number;
	readonly newChangeEnd: number;
	readonly delta: number;
}

const splices = new WeakMap<XmlDocument, Splice>();

/** The splice that made this tree from the previous version's, when it was parsed incrementally. */
export function spliceOf(doc: XmlDocument): Splice | undefined {
	return splices.get(doc);
}

/** How often each path was taken: for tests and the bench. */
export const reparseStats = { incremental: 0, fallbacks: {} as Record<string, number> };

function fallback(reason: string): undefined {
	reparseStats.fallbacks[reason] = (reparseStats.fallbacks[reason] ?? 0) + 1;
	return undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Levels of elements from this one down (1 for a leaf); bounded by the parser's maxDepth. */
function height(element: XmlElement): number {
	let most = 0;
	for (const child of element.children) most = Math.max(most, height(child));
	return most + 1;
}

function countElements(root: XmlElement): number {
	let count = 0;
	const stack: XmlElement[] = [root];
	while (stack.length > 0) {
		const element = stack.pop()!;
		count++;
		for (const child of element.children) stack.push(child);
	}
	return count;
}

/** The deepest element whose content (after its name, before its end tag) holds [from, to) of the old text. */
function enclosing(root: XmlElement, from: number, to: number): XmlElement | undefined {
	let found: XmlElement | undefined;
	let element: XmlElement | undefined = root;
	while (element) {
		if (!(element.closed && !element.selfClosing && element.endTagStart >= 0 && element.nameEnd <= from && to <= element.endTagStart)) {
			break;
		}
		found = element;
		// Binary search for the last child starting at or before `from`.
		const children: XmlElement[] = element.children;
		let low = 0;
		let high = children.length - 1;
		let candidate = -1;
		while (low <= high) {
			const middle = (low + high) >> 1;
			if (children[middle].start <= from) {
				candidate = middle;
				low = middle + 1;
			} else {
				high = middle - 1;
			}
		}
		element = candidate >= 0 ? children[candidate] : undefined;
	}
	return found;
}

/** Past this many problems the parser stops reporting (xmlParser.ts MAX_PROBLEMS is 100): then a full parse. */
const MAX_KEPT_PROBLEMS = 99;

const MARKUP_OPENERS = /<!|<\?|\]\]>|-->/;

function shiftAttributes(element: XmlElement, delta: number): void {
	for (const attribute of element.attributes) {
		const a = attribute as Mutable<XmlAttribute>;
		a.nameStart += delta;
		a.nameEnd += delta;
		a.valueStart += delta;
		a.valueEnd += delta;
		a.end += delta;
	}
}

function shiftSubtree(root: XmlElement, delta: number): void {
	const stack: XmlElement[] = [root];
	while (stack.length > 0) {
		const element = stack.pop()! as Mutable<XmlElement>;
		element.start += delta;
		element.nameEnd += delta;
		element.startTagEnd += delta;
		if (element.endTagStart >= 0) element.endTagStart += delta;
		element.end += delta;
		shiftAttributes(element, delta);
		for (const child of element.children) stack.push(child);
	}
}

/**
 * The tree of `text` built from the previous version's tree, or undefined when only a full parse
 * is sure to give the same tree. On success the previous tree has become the new one (see above).
 */
export function reparseXml(previous: XmlDocument, text: string, limits: ParseLimits): XmlDocument | undefined {
	const old = previous.text;
	const root = previous.root;
	if (old === text) {
		return fallback('no change');
	}
	if (!root || previous.limit || previous.problems.length >= MAX_KEPT_PROBLEMS || text.length > limits.maxBytes) {
		return fallback('not checkable (no root, a limit, 99 problems, too long)');
	}
	if (previous.tooDeep) {
		return fallback("past libxml2's depth limit");
	}
	if (old.lastIndexOf('<!DOCTYPE', root.start) >= 0) {
		return fallback('DOCTYPE');
	}
	const shorter = Math.min(old.length, text.length);
	const prefix = commonPrefix(old, text, shorter);
	const suffix = commonSuffix(old, text, shorter - prefix);
	const oldEnd = old.length - suffix;
	const newEnd = text.length - suffix;
	const delta = text.length - old.length;
	// A few characters either side: `<!-` + `-` opens a comment though the change is one dash.
	if (MARKUP_OPENERS.test(old.slice(Math.max(0, prefix - 3), oldEnd + 3)) || MARKUP_OPENERS.test(text.slice(Math.max(0, prefix - 3), newEnd + 3))) {
		return fallback('markup opener in the change');
	}
	const target = enclosing(root, prefix, oldEnd);
	if (!target || target === root || !target.parent || target.parent.namespaced) {
		return fallback('no enclosing element below the root');
	}
	// Problems outside the element come back the same from a full parse (the scan reaches the element,
	// and leaves it, in the same state); those inside it are gone, since the element alone has none.
	// Only the invalid-character problem is global (the first in the document): when it was inside,
	// another may now be first.
	for (const problem of previous.problems) {
		const outside = problem.end <= target.start || problem.start >= target.end;
		const inside = problem.start >= target.start && problem.end <= target.end;
		if (!outside && (!inside || problem.message.startsWith('Character U+'))) {
			return fallback('problem across the element');
		}
	}
	let depth = 0;
	for (let node: XmlElement | null = target.parent; node; node = node.parent) depth++;
	const total = elementCounts.get(previous) ?? countElements(root);
	const outside = total - countElements(target);
	const room: ParseLimits = { maxBytes: limits.maxBytes, maxElements: limits.maxElements - outside, maxDepth: limits.maxDepth - depth };
	if (room.maxElements <= 0 || room.maxDepth <= 0) {
		return fallback('room for the limits');
	}
	const slice = text.slice(target.start, target.end + delta);
	const alone = parseXml(slice, room);
	const fresh = alone.root;
	if (alone.limit || alone.problems.length > 0 || !fresh || fresh.name !== target.name || !fresh.closed || fresh.end !== slice.length) {
		return fallback('the element alone is not one clean element');
	}
	if (depth + height(fresh) > LIBXML_MAX_OPEN) {
		// XmlDocument.tooDeep is set by a full parse.
		return fallback("past libxml2's depth limit");
	}
	// Splice: the new element (at its place in the text, under the old parent), the rest moved.
	shiftSubtree(fresh, target.start);
	(fresh as Mutable<XmlElement>).parent = target.parent;
	const siblings = target.parent.children as XmlElement[];
	let index = siblings.indexOf(target, 0);
	siblings[index] = fresh;
	if (delta !== 0) {
		let child: XmlElement = fresh;
		let parent: XmlElement | null = target.parent;
		while (parent) {
			const children = parent.children;
			index = children.indexOf(child);
			for (let k = index + 1; k < children.length; k++) shiftSubtree(children[k], delta);
			const p = parent as Mutable<XmlElement>;
			p.endTagStart += delta;
			p.end += delta;
			child = parent;
			parent = parent.parent;
		}
	}
	const problems = [];
	for (const problem of previous.problems) {
		if (problem.end <= target.start) {
			problems.push(problem);
		} else if (problem.start >= target.end) {
			problems.push(delta === 0 ? problem : { start: problem.start + delta, end: problem.end + delta, message: problem.message });
		}
	}
	const doc: XmlDocument = { text, root, problems };
	elementCounts.set(doc, outside + countElements(fresh));
	// The previous tree's own splice is done with (its users patched from it when it was current);
	// kept, it would hold the text of two versions back for as long as the patched model keeps the
	// previous version (3.5 MB at the bench's domain, issue #12).
	splices.delete(previous);
	splices.set(doc, { previousText: old, replaced: target, fresh, changeStart: prefix, oldChangeEnd: oldEnd, newChangeEnd: newEnd, delta });
	reparseStats.incremental++;
	return doc;
}
