/**
 * Who else uses one resource or one MCS level, digested once per index generation, so that the
 * cross-guest rules stay linear in the workspace. Asking the index "which other guests use this
 * image" once per disk of every guest walked every use of the image each time: 10,000 guests
 * sharing one read-only ISO took 47 s, 10,000 disks on one image inside one document 2 s. A group
 * keeps the first use per document (what the findings name), its guest, and the documents per
 * name as messages list them; a view for one guest leaves out that guest and its copies (the same
 * name on the same host) without walking the others.
 */
import { guestLabel, sameGuest, type DiskUse, type GuestSummary, type LevelUse } from './guestSummary';
import type { GuestLookup } from './workspaceIndex';

export interface Sharer<U> {
	readonly guest: GuestSummary;
	readonly use: U;
}

export interface SharerGroup<U> {
	/** The first use per document, in index order, of documents the index has a summary of. */
	readonly entries: readonly Sharer<U>[];
	/** Entry indexes per name as messages print it. */
	readonly byName: ReadonlyMap<string, readonly number[]>;
	/** Entry indexes per guest label (`'name'` or the URI): where a guest's copies are found. */
	readonly byGuest: ReadonlyMap<string, readonly number[]>;
	/** Entry index per document. */
	readonly byUri: ReadonlyMap<string, number>;
}

/** What one guest's findings need of a group: the others in order (up to a limit), how many, and their names. */
export interface SharerView<U> {
	readonly count: number;
	/** The first `limit` other guests' entries. */
	readonly first: readonly Sharer<U>[];
	/** The first `limit` distinct names, in order. */
	readonly names: readonly string[];
	/** How many distinct names the others have in all. */
	readonly nameCount: number;
	/** Every other guest's entry; walks the group, for the rare finding that must filter them all. */
	all(): Sharer<U>[];
	/** The other guests' entries under one of `names`. */
	entriesNamed(name: string): Sharer<U>[];
}

function push(map: Map<string, number[]>, key: string, index: number): void {
	const list = map.get(key);
	if (list) {
		list.push(index);
	} else {
		map.set(key, [index]);
	}
}

function buildGroup<U extends { readonly uri: string }>(uses: readonly U[], lookup: GuestLookup, keep: (use: U, guest: GuestSummary) => boolean, nameOf: (sharer: Sharer<U>) => string): SharerGroup<U> {
	const entries: Sharer<U>[] = [];
	const byName = new Map<string, number[]>();
	const byGuest = new Map<string, number[]>();
	const byUri = new Map<string, number>();
	for (const use of uses) {
		if (byUri.has(use.uri)) {
			continue;
		}
		const guest = lookup.guest(use.uri);
		if (!guest || !keep(use, guest)) {
			continue;
		}
		const index = entries.length;
		const sharer = { guest, use };
		entries.push(sharer);
		byUri.set(use.uri, index);
		push(byName, nameOf(sharer), index);
		push(byGuest, guestLabel(guest), index);
	}
	return { entries, byName, byGuest, byUri };
}

/**
 * The group seen from one guest: without the guest's own document and its copies (the same name on
 * the same host, see sameGuest). Those all carry the guest's label or sit at its URI, so they are
 * found through the maps, not by walking the group.
 */
export function viewFrom<U>(group: SharerGroup<U>, self: GuestSummary, limit: number): SharerView<U> {
	const excluded = new Set<number>();
	const own = group.byUri.get(self.uri);
	if (own !== undefined) {
		excluded.add(own);
	}
	for (const index of group.byGuest.get(guestLabel(self)) ?? []) {
		if (sameGuest(self, group.entries[index].guest)) {
			excluded.add(index);
		}
	}
	const nameIndex = nameIndexOf(group);
	let removedNames = 0;
	for (const name of new Set([...excluded].map((index) => nameIndex[index]))) {
		if (group.byName.get(name)!.every((index) => excluded.has(index))) {
			removedNames++;
		}
	}
	const first: Sharer<U>[] = [];
	const names: string[] = [];
	const seenNames = new Set<string>();
	const nameCount = group.byName.size - removedNames;
	const wantedNames = Math.min(limit, nameCount);
	for (let index = 0; index < group.entries.length && (first.length < limit || seenNames.size < wantedNames); index++) {
		if (excluded.has(index)) {
			continue;
		}
		if (first.length < limit) {
			first.push(group.entries[index]);
		}
		const name = nameIndex[index];
		if (!seenNames.has(name) && seenNames.size < limit) {
			seenNames.add(name);
			names.push(name);
		}
	}
	return {
		count: group.entries.length - excluded.size,
		first,
		names,
		nameCount,
		all: () => group.entries.filter((_, index) => !excluded.has(index)),
		entriesNamed: (name) => (group.byName.get(name) ?? []).filter((index) => !excluded.has(index)).map((index) => group.entries[index]),
	};
}

const nameIndexes = new WeakMap<SharerGroup<unknown>, string[]>();

/** The name of each entry, by index (the inverse of byName), built once per group. */
function nameIndexOf<U>(group: SharerGroup<U>): readonly string[] {
	let names = nameIndexes.get(group);
	if (!names) {
		names = new Array<string>(group.entries.length);
		for (const [name, indexes] of group.byName) {
			for (const index of indexes) {
				names[index] = name;
			}
		}
		nameIndexes.set(group, names);
	}
	return names;
}

export interface DiskGroups {
	/** Every other document using the resource, with its first disk on it. */
	readonly all: SharerGroup<DiskUse>;
	/** Those whose first disk on it writes it without <shareable/>. */
	readonly writersUnshared: SharerGroup<DiskUse>;
	/** Those whose first disk on it writes it with <shareable/>. */
	readonly writersShared: SharerGroup<DiskUse>;
	/** Those whose first disk on it is content libvirt relabels read-only (a read-only disk, a backing layer). */
	readonly readersRelabelled: SharerGroup<DiskUse>;
}

export interface LevelGroups {
	/** Every document at the level, with its first use of it. */
	readonly all: SharerGroup<LevelUse>;
	/** Those with a use of it that is not a live dynamic label, which a live guest collides with. */
	readonly notLive: SharerGroup<LevelUse>;
}

interface GroupCache {
	readonly generation: number;
	readonly disks: Map<string, DiskGroups>;
	readonly levels: Map<string, LevelGroups>;
}

const caches = new WeakMap<GuestLookup, GroupCache>();

function cacheOf(lookup: GuestLookup): GroupCache {
	let cache = caches.get(lookup);
	if (!cache || cache.generation !== lookup.generation) {
		cache = { generation: lookup.generation, disks: new Map(), levels: new Map() };
		caches.set(lookup, cache);
	}
	return cache;
}

export function diskNameOf(sharer: Sharer<DiskUse>): string {
	return guestLabel(sharer.guest);
}

export function levelNameOf(sharer: Sharer<LevelUse>): string {
	return levelName(guestLabel(sharer.guest), sharer.use.kind);
}

/** Whether libvirt relabels this use of an image read-only content: a `<readonly/>` or CD-ROM top, or a backing layer. */
export function relabelledContent(use: DiskUse, guest: GuestSummary): boolean {
	return !use.writable && !use.shareable && !use.norelabel && !use.network && guest.confinement.kind !== 'unconfined';
}

export function describeDisk(disk: DiskUse): string {
	return disk.targetDev ? `disk '${disk.targetDev}'` : 'a disk';
}

export function describeUse(use: DiskUse): string {
	if (use.backingDepth !== undefined) {
		return `as backing layer ${use.backingDepth} of ${describeDisk(use)}`;
	}
	return `read-only (${describeDisk(use)})`;
}

function readerNameOf(sharer: Sharer<DiskUse>): string {
	return `${guestLabel(sharer.guest)} (${describeUse(sharer.use)})`;
}

export function levelName(label: string, kind: LevelUse['kind']): string {
	return `${label} (${kind === 'static' ? 'static label' : 'running with a dynamic label'})`;
}

export function diskGroups(lookup: GuestLookup, resourceKey: string): DiskGroups {
	const cache = cacheOf(lookup);
	let groups = cache.disks.get(resourceKey);
	if (!groups) {
		const all = buildGroup(lookup.diskUses(resourceKey), lookup, () => true, diskNameOf);
		const firstUses = all.entries.map((entry) => entry.use);
		groups = {
			all,
			writersUnshared: buildGroup(firstUses, lookup, (use) => use.writable && !use.shareable, diskNameOf),
			writersShared: buildGroup(firstUses, lookup, (use) => use.writable && use.shareable, diskNameOf),
			readersRelabelled: buildGroup(firstUses, lookup, relabelledContent, readerNameOf),
		};
		cache.disks.set(resourceKey, groups);
	}
	return groups;
}

export function levelGroups(lookup: GuestLookup, hostKey: string, level: string): LevelGroups {
	const cache = cacheOf(lookup);
	const key = `${hostKey}\0${level}`;
	let groups = cache.levels.get(key);
	if (!groups) {
		const uses = lookup.levelUses(hostKey, level);
		groups = {
			all: buildGroup(uses, lookup, () => true, levelNameOf),
			notLive: buildGroup(uses, lookup, (use) => use.kind !== 'live', levelNameOf),
		};
		cache.levels.set(key, groups);
	}
	return groups;
}
