/**
 * The guests of a workspace (or of a fleet of hosts), summarised one document at a time. Inverted
 * maps from a resource and from an MCS level to the guests that use them let an update touch only
 * what changed and name the other documents whose cross-guest findings it may have changed, so an
 * editor re-checks those few documents instead of the whole workspace.
 */
import type { SeclabelDocument } from '../parser/seclabelModel';
import type { WorkspaceContext } from '../types';
import { diskPart, fingerprintOf, levelPart, sameHead, summarizeGuest, summaryPatchOf, type DiskUse, type GuestSummary, type LevelUse, type SummaryPatch } from './guestSummary';

/** What the cross-guest rules read from the index. */
export interface GuestLookup {
	/** Grows with every change, so that findings cached for one document can tell they are stale. */
	readonly generation: number;
	guest(uri: string): GuestSummary | undefined;
	/** The host a document belongs to; `''` (the one host of an editor workspace) when not indexed. */
	hostOf(uri: string): string;
	/** Every use of a resource key, by every indexed guest. */
	diskUses(resourceKey: string): readonly DiskUse[];
	/** Every use of a canonical level on a host, by every indexed guest. */
	levelUses(hostKey: string, level: string): readonly LevelUse[];
	usedLevels(exceptUri?: string): ReadonlySet<string>;
	/** True when no resource of this document is used by another one (then it has no cross-guest disk finding). */
	sharesNothing?(uri: string): boolean;
}

const EMPTY: readonly never[] = [];

function levelKey(hostKey: string, level: string): string {
	return `${hostKey}\0${level}`;
}

/** Adds or removes one document's entries under each key of an inverted map. */
function addEntries<T extends { uri: string }>(map: Map<string, T[]>, key: string, entry: T): void {
	const list = map.get(key);
	if (list) {
		list.push(entry);
	} else {
		map.set(key, [entry]);
	}
}

/** Removes one document's entries under one key: one pass over the key's list, however many entries the document has there. */
function removeEntries<T extends { uri: string }>(map: Map<string, T[]>, key: string, uri: string): void {
	const list = map.get(key);
	if (!list) {
		return;
	}
	const kept = list.filter((entry) => entry.uri !== uri);
	if (kept.length === 0) {
		map.delete(key);
	} else {
		map.set(key, kept);
	}
}

/** The distinct keys of a list, in order: a domain with 10,000 disks on one image has one key, not 10,000. */
function distinctKeys<T>(items: readonly T[], keyOf: (item: T) => string): string[] {
	return [...new Set(items.map(keyOf))];
}

export interface UpdateOptions {
	/**
	 * False when the caller does not need the affected documents (the CLI, a first scan that
	 * rechecks every open document anyway): n guests sharing one image then cost n, not n².
	 */
	readonly affected?: boolean;
}

const NONE: ReadonlySet<string> = new Set();

export class WorkspaceIndex implements WorkspaceContext, GuestLookup {
	private readonly summaries = new Map<string, GuestSummary>();
	/** The serialised summary per document, to skip updates that change nothing. */
	private readonly fingerprints = new Map<string, string>();
	private readonly byResource = new Map<string, DiskUse[]>();
	private readonly byLevel = new Map<string, LevelUse[]>();
	private changes = 0;

	get generation(): number {
		return this.changes;
	}

	/** The index as the cross-guest rules see it through LanguageSettings.workspace. */
	get guests(): GuestLookup {
		return this;
	}

	get size(): number {
		return this.summaries.size;
	}

	uris(): IterableIterator<string> {
		return this.summaries.keys();
	}

	guest(uri: string): GuestSummary | undefined {
		return this.summaries.get(uri);
	}

	hostOf(uri: string): string {
		return this.summaries.get(uri)?.hostKey ?? '';
	}

	diskUses(resourceKey: string): readonly DiskUse[] {
		return this.byResource.get(resourceKey) ?? EMPTY;
	}

	levelUses(hostKey: string, level: string): readonly LevelUse[] {
		return this.byLevel.get(levelKey(hostKey, level)) ?? EMPTY;
	}

	/** The levels other guests of the document's host run at, for picking a pair nobody uses. */
	usedLevels(exceptUri?: string): ReadonlySet<string> {
		// Asked once per colliding guest: cached per generation, so a fleet of colliding guests costs one walk, not one each.
		const cacheKey = exceptUri ?? '\0all';
		if (this.usedLevelsCache?.generation === this.changes && this.usedLevelsCache.key === cacheKey) {
			return this.usedLevelsCache.used;
		}
		const used = this.computeUsedLevels(exceptUri);
		this.usedLevelsCache = { generation: this.changes, key: cacheKey, used };
		return used;
	}

	private usedLevelsCache: { generation: number; key: string; used: ReadonlySet<string> } | undefined;

	private computeUsedLevels(exceptUri?: string): ReadonlySet<string> {
		const host = exceptUri !== undefined ? this.hostOf(exceptUri) : undefined;
		const used = new Set<string>();
		for (const summary of this.summaries.values()) {
			if (summary.uri === exceptUri || (host !== undefined && summary.hostKey !== host)) {
				continue;
			}
			for (const use of summary.levels) {
				used.add(use.level);
			}
			for (const disk of summary.disks) {
				if (disk.deviceLevel) {
					used.add(disk.deviceLevel.level);
				}
			}
		}
		return used;
	}

	/**
	 * Indexes (or re-indexes) a document; a document that is not a domain is removed. Returns the
	 * other documents whose cross-guest findings may have changed: those that share a resource or a
	 * level with the old or the new version of this one.
	 */
	update(uri: string, doc: SeclabelDocument, hostKey = '', options: UpdateOptions = {}): ReadonlySet<string> {
		// An attach-device fragment is a device on its way into a guest, not a guest of its own.
		const summary = doc.fragment ? null : summarizeGuest(uri, doc, hostKey);
		return summary ? this.replace(uri, summary, options) : this.remove(uri, options);
	}

	/** Drops a document (deleted, renamed away, or no longer a domain); returns the documents it affected. */
	remove(uri: string, options: UpdateOptions = {}): ReadonlySet<string> {
		const old = this.summaries.get(uri);
		if (!old) {
			return new Set();
		}
		this.unlink(old);
		this.summaries.delete(uri);
		this.fingerprints.delete(uri);
		this.changes++;
		return options.affected === false ? NONE : this.sharers(uri, [old]);
	}

	private replace(uri: string, summary: GuestSummary, options: UpdateOptions): ReadonlySet<string> {
		const old = this.summaries.get(uri);
		const patch = summaryPatchOf(summary);
		if (old && patch && patch.previous === old && sameHead(old, summary)) {
			return this.patch(uri, old, summary, patch, options);
		}
		const fingerprint = fingerprintOf(summary);
		// After a patch the fingerprint is computed when next needed.
		if ((this.fingerprints.get(uri) ?? (old ? fingerprintOf(old) : undefined)) === fingerprint) {
			if (old) {
				this.fingerprints.set(uri, fingerprint);
			}
			return new Set();
		}
		const oldKeys = new Set(old ? old.disks.map((disk) => disk.resourceKey) : []);
		const newUses = new Map<string, DiskUse[]>();
		for (const disk of summary.disks) {
			const list = newUses.get(disk.resourceKey);
			if (list) list.push(disk); else newUses.set(disk.resourceKey, [disk]);
		}
		if (old) {
			this.unlinkLevels(old);
			for (const key of oldKeys) {
				if (!newUses.has(key)) {
					this.relinkKey(key, uri, true, false, () => removeEntries(this.byResource, key, uri));
				}
			}
		}
		this.summaries.set(uri, summary);
		this.fingerprints.set(uri, fingerprint);
		for (const [key, uses] of newUses) {
			this.relinkKey(key, uri, oldKeys.has(key), true, () => {
				if (oldKeys.has(key)) {
					removeEntries(this.byResource, key, uri);
				}
				for (const disk of uses) {
					addEntries(this.byResource, key, disk);
				}
			});
		}
		for (const use of summary.levels) {
			addEntries(this.byLevel, levelKey(summary.hostKey, use.level), use);
		}
		this.changes++;
		return options.affected === false ? NONE : this.sharers(uri, old ? [old, summary] : [summary]);
	}

	/**
	 * A summary patched from the stored one (guestSummary.ts patchSummary: one device of the guest
	 * changed): only the disk uses it dropped, added or moved are relinked, and only the documents
	 * that share those resources (or the guest's levels, when they changed) are affected. Each
	 * touched list ends as the full relink leaves it: the other documents' entries, then this one's in
	 * summary order.
	 */
	private patch(uri: string, old: GuestSummary, summary: GuestSummary, patch: SummaryPatch, options: UpdateOptions): ReadonlySet<string> {
		// What changed as the fingerprint sees it (a moved use whose position is the same is no change).
		const changedKeys = new Set<string>();
		const replacedChanged = patch.removed.length !== patch.added.length || patch.removed.some((use, index) => diskPart(use) !== diskPart(patch.added[index]));
		if (replacedChanged) {
			for (const use of patch.removed) changedKeys.add(use.resourceKey);
			for (const use of patch.added) changedKeys.add(use.resourceKey);
		}
		for (const [before, after] of patch.moved) {
			if (diskPart(before) !== diskPart(after)) changedKeys.add(before.resourceKey);
		}
		const disksChanged = changedKeys.size > 0;
		const levelsChanged = old.levels.length !== summary.levels.length || old.levels.some((use, index) => levelPart(use) !== levelPart(summary.levels[index]));
		// Lists that hold a replaced object, changed or not.
		const touched = new Set<string>(changedKeys);
		for (const use of patch.removed) touched.add(use.resourceKey);
		for (const use of patch.added) touched.add(use.resourceKey);
		for (const [use] of patch.moved) touched.add(use.resourceKey);
		// The sharers of what changed, looked up before and after the relink (as the full path does with the old and new summary).
		const affected = new Set<string>();
		const collect = (levels: readonly LevelUse[]) => {
			if (options.affected === false) return;
			for (const key of changedKeys) {
				for (const use of this.diskUses(key)) affected.add(use.uri);
			}
			if (levelsChanged) {
				for (const level of distinctKeys(levels, (use) => use.level)) {
					for (const use of this.levelUses(old.hostKey, level)) affected.add(use.uri);
				}
			}
		};
		if (disksChanged || levelsChanged) collect(old.levels);
		if (touched.size > 0) {
			// This document's new uses per touched key, in summary order. When its old entries under a
			// key are exactly the dropped and moved ones, they are the added ones then the moved ones
			// (the summary's order: the device's uses, then those after it); else one pass finds them.
			const byKey = (uses: readonly DiskUse[]) => {
				const map = new Map<string, DiskUse[]>();
				for (const use of uses) {
					const list = map.get(use.resourceKey);
					if (list) list.push(use); else map.set(use.resourceKey, [use]);
				}
				return map;
			};
			const removedByKey = byKey(patch.removed);
			const addedByKey = byKey(patch.added);
			const movedOld = byKey(patch.moved.map(([use]) => use));
			const movedNew = byKey(patch.moved.map(([, use]) => use));
			const lists = new Map<string, { others: DiskUse[]; had: boolean; uses: DiskUse[] | undefined }>();
			let scan = false;
			for (const key of touched) {
				const others: DiskUse[] = [];
				let mineCount = 0;
				for (const entry of this.byResource.get(key) ?? EMPTY) {
					if (entry.uri === uri) mineCount++; else others.push(entry);
				}
				const exact = mineCount === (removedByKey.get(key)?.length ?? 0) + (movedOld.get(key)?.length ?? 0);
				lists.set(key, { others, had: mineCount > 0, uses: exact ? [...(addedByKey.get(key) ?? []), ...(movedNew.get(key) ?? [])] : undefined });
				scan ||= !exact;
			}
			if (scan) {
				const found = new Map<string, DiskUse[]>();
				for (const use of summary.disks) {
					const entry = lists.get(use.resourceKey);
					if (entry && !entry.uses) {
						const list = found.get(use.resourceKey);
						if (list) list.push(use); else found.set(use.resourceKey, [use]);
					}
				}
				for (const [key, entry] of lists) entry.uses ??= found.get(key) ?? [];
			}
			for (const [key, { others, had, uses }] of lists) {
				this.relinkKey(key, uri, had, uses!.length > 0, () => {
					const list = [...others, ...uses!];
					if (list.length === 0) {
						this.byResource.delete(key);
					} else {
						this.byResource.set(key, list);
					}
				});
			}
		}
		// The level uses are new objects each time (they are few): relinked as a whole.
		for (const level of distinctKeys(old.levels, (use) => use.level)) {
			removeEntries(this.byLevel, levelKey(old.hostKey, level), uri);
		}
		for (const use of summary.levels) {
			addEntries(this.byLevel, levelKey(summary.hostKey, use.level), use);
		}
		this.summaries.set(uri, summary);
		this.fingerprints.delete(uri);
		if (!disksChanged && !levelsChanged) {
			return new Set();
		}
		this.changes++;
		collect(summary.levels);
		affected.delete(uri);
		return options.affected === false ? NONE : affected;
	}

	private unlink(summary: GuestSummary): void {
		for (const key of distinctKeys(summary.disks, (disk) => disk.resourceKey)) {
			this.relinkKey(key, summary.uri, true, false, () => removeEntries(this.byResource, key, summary.uri));
		}
		this.unlinkLevels(summary);
	}

	private unlinkLevels(summary: GuestSummary): void {
		for (const level of distinctKeys(summary.levels, (use) => use.level)) {
			removeEntries(this.byLevel, levelKey(summary.hostKey, level), summary.uri);
		}
	}

	/**
	 * Per document, how many of its resource keys another document uses too: a document with none
	 * has no cross-guest disk finding, and the cross-guest rules skip its 10,000 disks.
	 */
	private readonly sharedKeys = new Map<string, number>();

	/** True when no image of this document is used by another indexed document. */
	sharesNothing(uri: string): boolean {
		return !this.sharedKeys.has(uri);
	}

	private bumpShared(uri: string, delta: number): void {
		const count = (this.sharedKeys.get(uri) ?? 0) + delta;
		if (count === 0) {
			this.sharedKeys.delete(uri);
		} else {
			this.sharedKeys.set(uri, count);
		}
	}

	/**
	 * Changes one document's entries under a key (`change`), keeping sharedKeys right in O(1): each
	 * document's entries in a list are together (a list is always the others' entries, then one
	 * document's appended), so a list holds two documents or more exactly when its first and last
	 * entries differ, and only `uri`'s membership changes.
	 */
	private relinkKey(key: string, uri: string, had: boolean, has: boolean, change: () => void): void {
		const before = this.byResource.get(key);
		const wasShared = !!before && before.length > 1 && before[0].uri !== before[before.length - 1].uri;
		const other = before && !wasShared && before.length > 0 && before[0].uri !== uri ? before[0].uri : undefined;
		change();
		const after = this.byResource.get(key);
		const nowShared = !!after && after.length > 1 && after[0].uri !== after[after.length - 1].uri;
		const mine = (nowShared && has ? 1 : 0) - (wasShared && had ? 1 : 0);
		if (mine !== 0) {
			this.bumpShared(uri, mine);
		}
		if (!wasShared && nowShared && other !== undefined) {
			// The one other document of the list now shares the key.
			this.bumpShared(other, 1);
		} else if (wasShared && !nowShared && after && after.length > 0 && after[0].uri !== uri) {
			// The one document left no longer shares it.
			this.bumpShared(after[0].uri, -1);
		}
	}

	/** Other documents that use a resource or a level of any of the given summaries. */
	private sharers(uri: string, summaries: GuestSummary[]): Set<string> {
		const affected = new Set<string>();
		for (const summary of summaries) {
			for (const key of distinctKeys(summary.disks, (disk) => disk.resourceKey)) {
				for (const use of this.diskUses(key)) {
					affected.add(use.uri);
				}
			}
			for (const level of distinctKeys(summary.levels, (use) => use.level)) {
				for (const use of this.levelUses(summary.hostKey, level)) {
					affected.add(use.uri);
				}
			}
		}
		affected.delete(uri);
		return affected;
	}
}
