/**
 * The cross-guest checks: what one document does to the other guests of its host (or fleet). The
 * document's own side is summarised from the parse being checked, so that findings follow the
 * text as typed; the other side comes from the index. Each cross-guest rule file reports its share.
 */
import { stringSeededRandom } from '../util/random';
import type { DiskModel, SeclabelDocument } from '../parser/seclabelModel';
import { freshCategoryPair } from '../features/freshLevel';
import { insertChild } from '../rules/edits';
import type { Finding, Fix, RelatedLocation, RuleContext } from '../rules/rule';
import { dominates } from '../selinux/context';
import { guestLabel, guestWithLabel, summarizeGuest, type DiskUse, type GuestSummary, type LevelUse, type PlacedSpan } from './guestSummary';
import type { GuestLookup } from './workspaceIndex';
import { describeDisk, describeUse, diskGroups, levelGroups, relabelledContent, viewFrom, type Sharer, type SharerView } from './sharers';

export type CrossGuestRuleId = 'shared-image-not-shareable' | 'shareable-mismatch' | 'mcs-level-collision' | 'shared-image-private-categories' | 'shared-image-readonly-relabel';

export interface CrossGuestFinding extends Finding {
	readonly ruleId: CrossGuestRuleId;
}

/** Formats several guests may write at once (rules reference G3): the QEMU driver refuses <shareable/> on other writable formats. */
const SHAREABLE_FORMATS = new Set(['raw']);

const cache = new WeakMap<SeclabelDocument, { uri: string; generation: number; lookup: GuestLookup; findings: CrossGuestFinding[] }>();

/** Reports the findings of one cross-guest rule, when the caller gave a workspace and a URI. */
export function reportCrossGuest(context: RuleContext, ruleId: CrossGuestRuleId): void {
	const lookup = context.workspace?.guests;
	if (!lookup || context.uri === undefined) {
		return;
	}
	for (const finding of crossGuestFindings(context.uri, context.doc, lookup)) {
		if (finding.ruleId === ruleId) {
			const { ruleId: _ruleId, ...plain } = finding;
			context.report(plain);
		}
	}
}

/**
 * Every cross-guest finding for a document, computed once per parse and index generation: the
 * four rules share one pass.
 */
export function crossGuestFindings(uri: string, doc: SeclabelDocument, lookup: GuestLookup): CrossGuestFinding[] {
	const cached = cache.get(doc);
	if (cached && cached.uri === uri && cached.generation === lookup.generation && cached.lookup === lookup) {
		return cached.findings;
	}
	const self = summarizeGuest(uri, doc, lookup.hostOf(uri));
	const findings = self ? computeCrossGuest(self, doc, lookup) : [];
	cache.set(doc, { uri, generation: lookup.generation, lookup, findings });
	return findings;
}

function related(uri: string, at: PlacedSpan, message: string): RelatedLocation {
	return { uri, span: { start: at.start, end: at.end }, range: at.range, message };
}

/** The last path segment of a URI or path, decoded, for action titles. */
export function fileName(uri: string): string {
	const last = uri.replace(/[?#].*$/, '').split('/').filter((segment) => segment !== '').pop() ?? uri;
	try {
		return decodeURIComponent(last);
	} catch {
		return last;
	}
}

/**
 * How many other guests a finding names, links and offers to open. A fleet where hundreds of guests
 * share one image would otherwise give every file hundreds of related entries: output that grows
 * with the square of the number of files (67 MB of JSON for 400 guests).
 */
export const MAX_LISTED = 10;
const MAX_OPEN_FIXES = 3;

/** The names of a view's guests for a message: the first MAX_LISTED, and how many more. */
function listNames<U>(view: SharerView<U>): string {
	const shown = view.names.join(', ');
	return view.nameCount > MAX_LISTED ? `${shown} and ${view.nameCount - MAX_LISTED} more` : shown;
}

/**
 * Other guests named with what they run as, each guest once: a guest seen in its config and its
 * live dump is named by the live one, whose label is the one it really runs with.
 */
function namesWithLabels(view: SharerView<DiskUse>): string {
	const shown = view.names.map((name) => {
		const entries = view.entriesNamed(name);
		return guestWithLabel((entries.find((entry) => entry.guest.live) ?? entries[0]).guest);
	}).join(', ');
	return view.nameCount > MAX_LISTED ? `${shown} and ${view.nameCount - MAX_LISTED} more` : shown;
}

/** Names for a message, each once: several files (copies, live dumps) can describe one name. */
function listPlainNames(names: string[]): string {
	const unique = [...new Set(names)];
	const shown = unique.slice(0, MAX_LISTED).join(', ');
	return unique.length > MAX_LISTED ? `${shown} and ${unique.length - MAX_LISTED} more` : shown;
}

/** The first MAX_LISTED related locations. */
function relatedList<U>(view: SharerView<U>, make: (other: Sharer<U>) => RelatedLocation): RelatedLocation[] {
	return view.first.slice(0, MAX_LISTED).map(make);
}

function openFixes<U extends { uri: string }>(view: SharerView<U>): Fix[] {
	return view.first.slice(0, MAX_OPEN_FIXES).map((other) => openFix(other.use.uri));
}

function openFix(uri: string): Fix {
	return { title: `Open ${fileName(uri)}`, edits: [], command: { title: `Open ${fileName(uri)}`, command: 'vscode.open', arguments: [uri] } };
}

/** The disks that have a top layer, in document order, per parse: a fix per finding must not search them all. */
const disksWithSource = new WeakMap<SeclabelDocument, DiskModel[]>();

/** The disk whose element holds an offset, by binary search (disks do not nest and come in document order). */
function diskAt(doc: SeclabelDocument, offset: number): DiskModel | undefined {
	let disks = disksWithSource.get(doc);
	if (!disks) {
		disks = doc.disks.filter((candidate) => candidate.layers[0]);
		disksWithSource.set(doc, disks);
	}
	let low = 0;
	let high = disks.length - 1;
	let found: DiskModel | undefined;
	while (low <= high) {
		const middle = (low + high) >> 1;
		if (disks[middle].element.start <= offset) {
			found = disks[middle];
			low = middle + 1;
		} else {
			high = middle - 1;
		}
	}
	return found && offset < found.element.end ? found : undefined;
}

function addShareableFix(doc: SeclabelDocument, diskIndex: number): Fix | undefined {
	const model = diskAt(doc, diskIndex);
	if (!model) {
		return undefined;
	}
	const format = model.layers[0].format;
	return {
		title: 'Add <shareable/> to this disk',
		edits: [insertChild(doc.xml.text, model.element, '<shareable/>')],
		// QEMU refuses shared writes to formats other than raw (G3), so the fix is only preferred where it works.
		isPreferred: format === undefined || SHAREABLE_FORMATS.has(format),
	};
}

/** Whether a use list names another document than this one; groups are built only then. */
function usedByOthers(uses: readonly { readonly uri: string }[], uri: string): boolean {
	for (const use of uses) {
		if (use.uri !== uri) {
			return true;
		}
	}
	return false;
}

interface DiskViews {
	readonly all: SharerView<DiskUse>;
	readonly writersUnshared: SharerView<DiskUse>;
	readonly writersShared: SharerView<DiskUse>;
	readonly readersRelabelled: SharerView<DiskUse>;
}

function computeCrossGuest(self: GuestSummary, doc: SeclabelDocument, lookup: GuestLookup): CrossGuestFinding[] {
	const findings: CrossGuestFinding[] = [];
	// Disks of one document on one image share their view of the other guests.
	const views = new Map<string, DiskViews | null>();
	// The index knows when no image of this very summary is used by another guest: no disk to look at.
	const alone = lookup.guest(self.uri) === self && lookup.sharesNothing?.(self.uri) === true;
	for (const disk of alone ? [] : self.disks) {
		const uses = lookup.diskUses(disk.resourceKey);
		if (uses.length <= 1 && (uses.length === 0 || uses[0].uri === self.uri)) {
			// The common case, an image of this guest's one disk alone: nothing to look up or remember.
			continue;
		}
		let view = views.get(disk.resourceKey);
		if (view === undefined) {
			if (!usedByOthers(uses, self.uri)) {
				// An image of this guest alone: no group to build.
				views.set(disk.resourceKey, null);
				continue;
			}
			const groups = diskGroups(lookup, disk.resourceKey);
			view = {
				all: viewFrom(groups.all, self, MAX_LISTED),
				writersUnshared: viewFrom(groups.writersUnshared, self, MAX_LISTED),
				writersShared: viewFrom(groups.writersShared, self, MAX_LISTED),
				readersRelabelled: viewFrom(groups.readersRelabelled, self, MAX_LISTED),
			};
			views.set(disk.resourceKey, view);
		}
		if (view === null || view.all.count === 0) {
			continue;
		}
		if (disk.writable) {
			sharedImageFindings(self, disk, view, doc, findings);
		}
		readonlyRelabelFindings(self, disk, view, findings);
		privateCategoryFindings(disk, view.all, findings);
	}
	for (const level of self.levels) {
		levelCollisionFindings(self, level, lookup, findings);
	}
	return findings;
}

function sharedImageFindings(self: GuestSummary, disk: DiskUse, views: DiskViews, doc: SeclabelDocument, findings: CrossGuestFinding[]): void {
	const empty = views.writersUnshared.count === 0 && views.writersShared.count === 0;
	const unshared = disk.shareable ? undefined : views.writersUnshared;
	const mismatched = disk.shareable ? views.writersUnshared : views.writersShared;
	const shareFix = disk.shareable || empty ? undefined : addShareableFix(doc, disk.at.start);
	if (unshared && unshared.count > 0) {
		const names = namesWithLabels(unshared);
		// libvirt labels only local storage (rules reference J1): a network volume has no label to fight over, only two writers.
		const consequence = disk.network
			? 'libvirt neither labels network storage nor notices, so both guests write the volume at once and corrupt any file system on it that is not made for sharing'
			: self.fragment
				? 'attaching this disk is refused (the image is in use with another label), or, where libvirt cannot remember labels (NFS, remember_owner=0, the session daemon, libvirt before 5.6), it relabels the image with the categories of the guest it is attached to, and the other guest is denied its own disk at once'
				: 'the guest started second is refused the image, or (on NFS, or without remember_owner) relabels it with its own categories and the other guest loses access to its disk';
		findings.push({
			ruleId: 'shared-image-not-shareable',
			span: disk.at,
			message: `${disk.resource} is also a writable image of ${names}, and neither disk is <shareable/>: ${consequence}. Mark both disks <shareable/> (raw images only), or give one guest a copy.`,
			libvirtMessage: disk.network ? undefined : `Requested operation is not valid: Setting different SELinux label on ${disk.resource} which is already in use`,
			related: relatedList(unshared, (other) => related(other.use.uri, other.use.at, `${guestLabel(other.guest)} writes the same image (${describeDisk(other.use)}) without <shareable/>`)),
			fixes: [...(shareFix ? [shareFix] : []), ...openFixes(unshared)],
		});
	}
	if (mismatched.count > 0) {
		const names = listNames(mismatched);
		const message = disk.shareable
			? `${disk.resource} is <shareable/> here but not in ${names}: that guest labels the image with its own categories and takes an exclusive write lock, so this guest loses access to it (or cannot start). Add <shareable/> to the other guest's disk.`
			: `${disk.resource} is <shareable/> in ${names} but not here: this guest labels the image with its private categories and takes an exclusive write lock, which cuts the other guest off (or fails to start). Add <shareable/> to this disk.`;
		findings.push({
			ruleId: 'shareable-mismatch',
			span: disk.at,
			message,
			related: relatedList(mismatched, (other) => related(other.use.uri, other.use.at, other.use.shareable ? `${guestLabel(other.guest)} shares this image (<shareable/>)` : `${guestLabel(other.guest)} uses this image without <shareable/>`)),
			fixes: [...(shareFix ? [shareFix] : []), ...openFixes(mismatched)],
		});
	}
}

/**
 * libvirt's SELinux driver (virSecuritySELinuxSetImageLabelInternal) labels a `<readonly/>` disk and
 * every layer below the top of a chain `virt_content_t:s0`, without remembering the owner and so
 * without the "already in use" check that protects writable images: a read-only or backing use of
 * another guest's writable image silently takes that guest's write access away.
 */
function readonlyRelabelFindings(self: GuestSummary, disk: DiskUse, views: DiskViews, findings: CrossGuestFinding[]): void {
	if (disk.network) {
		return;
	}
	const when = self.fragment ? 'when this device is attached' : 'when this guest starts';
	if (relabelledContent(disk, self)) {
		const writers = views.writersUnshared;
		if (writers.count > 0) {
			const names = namesWithLabels(writers);
			findings.push({
				ruleId: 'shared-image-readonly-relabel',
				span: disk.at,
				message: `${disk.resource} is a writable image of ${names}. This guest uses it ${describeUse(disk)}, so ${when} libvirt relabels it system_u:object_r:virt_content_t:s0 (read-only content) without checking who holds it: the other guest loses write access to its own disk, or, when it starts later, relabels the image with its categories and this guest is denied it. Use a copy (or an overlay over a copy) instead of the other guest's image.`,
				related: relatedList(writers, (other) => related(other.use.uri, other.use.at, `${guestLabel(other.guest)} writes this image (${describeDisk(other.use)})`)),
				fixes: openFixes(writers),
			});
		}
		return;
	}
	if (!disk.writable || disk.shareable) {
		return;
	}
	const readers = views.readersRelabelled;
	if (readers.count > 0) {
		const names = listNames(readers);
		findings.push({
			ruleId: 'shared-image-readonly-relabel',
			span: disk.at,
			message: `${disk.resource} is this guest's writable image, and ${names} also ${readers.count > 1 ? 'use' : 'uses'} it: when ${readers.count > 1 ? 'one of them starts' : 'it starts'} (or the disk is hot-plugged), libvirt relabels the image system_u:object_r:virt_content_t:s0 with no "already in use" check, and this guest is denied its writes.`,
			related: relatedList(readers, (other) => related(other.use.uri, other.use.at, `${guestLabel(other.guest)} uses this image ${describeUse(other.use)}`)),
			fixes: openFixes(readers),
		});
	}
}

function privateCategoryFindings(disk: DiskUse, view: SharerView<DiskUse>, findings: CrossGuestFinding[]): void {
	const label = disk.deviceLevel;
	if (!label || label.value.categories.length === 0) {
		return;
	}
	const denied = view.all().filter((other) => {
		const confinement = other.guest.confinement;
		if (confinement.kind === 'unconfined') {
			return false;
		}
		return confinement.kind === 'random' || !dominates(confinement.level, label.value);
	});
	if (denied.length === 0) {
		return;
	}
	const names = listPlainNames(denied.map((other) => guestLabel(other.guest)));
	findings.push({
		ruleId: 'shared-image-private-categories',
		span: label.at,
		message: `This label gives ${disk.resource} the categories ${label.level}, but ${names} also ${denied.length > 1 ? 'use' : 'uses'} the image and ${denied.length > 1 ? 'run' : 'runs'} without them: SELinux denies ${denied.length > 1 ? 'them' : 'it'} the image once this guest relabels it. A shared image needs a label without private categories (like the s0 label <shareable/> gives it).`,
		related: denied.slice(0, MAX_LISTED).map((other) => {
			const confinement = other.guest.confinement;
			const how = confinement.kind === 'level' ? 'runs at a level that does not include these categories' : 'gets a random category pair at start';
			return related(other.use.uri, other.use.at, `${guestLabel(other.guest)} uses the same image and ${how}`);
		}),
		fixes: label.levelSpan ? [{
			title: `Label the image without categories (${String(label.value.sensitivity)})`,
			edits: [{ span: label.levelSpan, newText: String(label.value.sensitivity) }],
		}] : [],
	});
}

function levelCollisionFindings(self: GuestSummary, level: LevelUse, lookup: GuestLookup, findings: CrossGuestFinding[]): void {
	// A level without categories isolates nothing by design; it is not a pair two guests can collide on.
	if (level.value.categories.length === 0) {
		return;
	}
	if (!usedByOthers(lookup.levelUses(self.hostKey, level.level), self.uri)) {
		return;
	}
	// Two live dynamic labels come from libvirt's own allocator, which keeps them apart on one daemon.
	const groups = levelGroups(lookup, self.hostKey, level.level);
	const colliding = viewFrom(level.kind === 'live' ? groups.notLive : groups.all, self, MAX_LISTED);
	if (colliding.count === 0) {
		return;
	}
	const names = listNames(colliding);
	const fixes: Fix[] = [];
	if (level.kind === 'static' && level.levelSpan) {
		// Levels of every guest in the index, all hosts included: a pair nobody uses anywhere also stays free if guests move.
		const indexed = lookup.usedLevels();
		// The index usually holds this document's levels already; only a stale one needs a copy.
		const used = self.levels.every((own) => indexed.has(own.level)) ? indexed : new Set([...indexed, ...self.levels.map((own) => own.level)]);
		try {
			const sensitivity = String(level.value.sensitivity);
			const pair = freshCategoryPair(used, seededRandom(`${self.uri}\0${level.level}`), { sensitivity, min: 0, max: 1023 });
			fixes.push({ title: `Use the unused level ${pair}`, edits: [{ span: level.levelSpan, newText: pair }], isPreferred: true });
		} catch {
			// Every pair is taken: there is no fix to offer.
		}
	}
	fixes.push(...openFixes(colliding));
	findings.push({
		ruleId: 'mcs-level-collision',
		span: level.at,
		message: `This guest's ${level.kind === 'static' ? 'static' : 'live'} level ${level.level} is also the level of ${names}: guests with the same categories can read and write each other's images and processes, so SELinux no longer isolates them. libvirt never reserves static levels, so it does not notice.`,
		related: relatedList(colliding, (other) => related(other.use.uri, other.use.at, `${guestLabel(other.guest)} runs at ${other.use.level}`)),
		fixes,
	});
}

/**
 * A deterministic random source seeded by a string (FNV-1a, then mulberry32): the same document
 * gets the same suggested pair from one request to the next, so a fix shown is the fix applied.
 */
export const seededRandom = stringSeededRandom;
