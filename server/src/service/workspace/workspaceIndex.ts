/**
 * The guests of a workspace (or of a fleet of hosts), summarised one document at a time. Inverted
 * maps from a resource and from an MCS level to the guests that use them let an update touch only
 * what changed and name the other documents whose cross-guest findings it may have changed, so an
 * editor re-checks those few documents instead of the whole workspace.
 */
import type { SeclabelDocument } from '../parser/seclabelModel';
import type { WorkspaceContext } from '../types';
import { fingerprintOf, summarizeGuest, type DiskUse, type GuestSummary, type LevelUse } from './guestSummary';

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
	update(uri: string, doc: SeclabelDocument, hostKey = ''): ReadonlySet<string> {
		// An attach-device fragment is a device on its way into a guest, not a guest of its own.
		const summary = doc.fragment ? null : summarizeGuest(uri, doc, hostKey);
		return summary ? this.replace(uri, summary) : this.remove(uri);
	}

	/** Drops a document (deleted, renamed away, or no longer a domain); returns the documents it affected. */
	remove(uri: string): ReadonlySet<string> {
		const old = this.summaries.get(uri);
		if (!old) {
			return new Set();
		}
		this.unlink(old);
		this.summaries.delete(uri);
		this.fingerprints.delete(uri);
		this.changes++;
		return this.sharers(uri, [old]);
	}

	private replace(uri: string, summary: GuestSummary): ReadonlySet<string> {
		const fingerprint = fingerprintOf(summary);
		if (this.fingerprints.get(uri) === fingerprint) {
			return new Set();
		}
		const old = this.summaries.get(uri);
		if (old) {
			this.unlink(old);
		}
		this.summaries.set(uri, summary);
		this.fingerprints.set(uri, fingerprint);
		for (const disk of summary.disks) {
			addEntries(this.byResource, disk.resourceKey, disk);
		}
		for (const use of summary.levels) {
			addEntries(this.byLevel, levelKey(summary.hostKey, use.level), use);
		}
		this.changes++;
		return this.sharers(uri, old ? [old, summary] : [summary]);
	}

	private unlink(summary: GuestSummary): void {
		for (const disk of summary.disks) {
			removeEntries(this.byResource, disk.resourceKey, summary.uri);
		}
		for (const use of summary.levels) {
			removeEntries(this.byLevel, levelKey(summary.hostKey, use.level), summary.uri);
		}
	}

	/** Other documents that use a resource or a level of any of the given summaries. */
	private sharers(uri: string, summaries: GuestSummary[]): Set<string> {
		const affected = new Set<string>();
		for (const summary of summaries) {
			for (const disk of summary.disks) {
				for (const use of this.diskUses(disk.resourceKey)) {
					affected.add(use.uri);
				}
			}
			for (const level of summary.levels) {
				for (const use of this.levelUses(summary.hostKey, level.level)) {
					affected.add(use.uri);
				}
			}
		}
		affected.delete(uri);
		return affected;
	}
}
