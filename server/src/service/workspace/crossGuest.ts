/**
 * The cross-guest checks: what one document does to the other guests of its host (or fleet). The
 * document's own side is summarised from the parse being checked, so that findings follow the
 * text as typed; the other side comes from the index. Each cross-guest rule file reports its share.
 */
import { stringSeededRandom } from '../util/random';
import type { SeclabelDocument } from '../parser/seclabelModel';
import { freshCategoryPair } from '../features/freshLevel';
import { insertChild } from '../rules/edits';
import type { Finding, Fix, RelatedLocation, RuleContext } from '../rules/rule';
import { dominates } from '../selinux/context';
import { guestLabel, guestWithLabel, sameGuest, summarizeGuest, type DiskUse, type GuestSummary, type LevelUse, type PlacedSpan } from './guestSummary';
import type { GuestLookup } from './workspaceIndex';

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

/** The guests, other than this one, that use the same resource, each with its first such disk. */
function otherDiskUses(self: GuestSummary, disk: DiskUse, lookup: GuestLookup): { guest: GuestSummary; use: DiskUse }[] {
	const result: { guest: GuestSummary; use: DiskUse }[] = [];
	const seen = new Set<string>();
	for (const use of lookup.diskUses(disk.resourceKey)) {
		if (use.uri === self.uri || seen.has(use.uri)) {
			continue;
		}
		const guest = lookup.guest(use.uri);
		if (!guest || sameGuest(self, guest)) {
			continue;
		}
		seen.add(use.uri);
		result.push({ guest, use });
	}
	return result;
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

/** Guest names for a message, each once: several files (copies, live dumps) can describe one name. */
/**
 * How many other guests a finding names, links and offers to open. A fleet where hundreds of guests
 * share one image would otherwise give every file hundreds of related entries: output that grows
 * with the square of the number of files (67 MB of JSON for 400 guests).
 */
export const MAX_LISTED = 10;
const MAX_OPEN_FIXES = 3;

/**
 * Other guests named with what they run as, each guest once: a guest seen in its config and its
 * live dump is named by the live one, whose label is the one it really runs with.
 */
function namesWithLabels(others: { guest: GuestSummary }[]): string {
	const byName = new Map<string, GuestSummary>();
	for (const { guest } of others) {
		const key = guestLabel(guest);
		const known = byName.get(key);
		if (!known || (guest.live && !known.live)) {
			byName.set(key, guest);
		}
	}
	return listNames([...byName.values()].map(guestWithLabel));
}

function listNames(names: string[]): string {
	const unique = [...new Set(names)];
	const shown = unique.slice(0, MAX_LISTED).join(', ');
	return unique.length > MAX_LISTED ? `${shown} and ${unique.length - MAX_LISTED} more` : shown;
}

/** The first MAX_LISTED related locations. */
function relatedList<T>(others: T[], make: (other: T) => RelatedLocation): RelatedLocation[] {
	return others.slice(0, MAX_LISTED).map(make);
}

function openFixes(others: { use: { uri: string } }[]): Fix[] {
	return others.slice(0, MAX_OPEN_FIXES).map((other) => openFix(other.use.uri));
}

function describeDisk(disk: DiskUse): string {
	return disk.targetDev ? `disk '${disk.targetDev}'` : 'a disk';
}

function openFix(uri: string): Fix {
	return { title: `Open ${fileName(uri)}`, edits: [], command: { title: `Open ${fileName(uri)}`, command: 'vscode.open', arguments: [uri] } };
}

function addShareableFix(doc: SeclabelDocument, diskIndex: number): Fix | undefined {
	const model = doc.disks.find((candidate) => candidate.layers[0] && candidate.element.start <= diskIndex && diskIndex < candidate.element.end);
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

function computeCrossGuest(self: GuestSummary, doc: SeclabelDocument, lookup: GuestLookup): CrossGuestFinding[] {
	const findings: CrossGuestFinding[] = [];
	for (const disk of self.disks) {
		const others = otherDiskUses(self, disk, lookup);
		if (others.length === 0) {
			continue;
		}
		if (disk.writable) {
			sharedImageFindings(self, disk, others.filter((other) => other.use.writable), doc, findings);
		}
		readonlyRelabelFindings(self, disk, others, findings);
		privateCategoryFindings(disk, others, findings);
	}
	for (const level of self.levels) {
		levelCollisionFindings(self, level, lookup, findings);
	}
	return findings;
}

function sharedImageFindings(self: GuestSummary, disk: DiskUse, writers: { guest: GuestSummary; use: DiskUse }[], doc: SeclabelDocument, findings: CrossGuestFinding[]): void {
	const unshared = writers.filter((other) => !disk.shareable && !other.use.shareable);
	const mismatched = writers.filter((other) => disk.shareable !== other.use.shareable);
	const shareFix = disk.shareable ? undefined : addShareableFix(doc, disk.at.start);
	if (unshared.length > 0) {
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
	if (mismatched.length > 0) {
		const names = listNames(mismatched.map((other) => guestLabel(other.guest)));
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

/** Whether libvirt relabels this use of an image read-only content: a `<readonly/>` or CD-ROM top, or a backing layer. */
function relabelledContent(guest: GuestSummary, use: DiskUse): boolean {
	return !use.writable && !use.shareable && !use.norelabel && !use.network && guest.confinement.kind !== 'unconfined';
}

function describeUse(use: DiskUse): string {
	if (use.backingDepth !== undefined) {
		return `as backing layer ${use.backingDepth} of ${describeDisk(use)}`;
	}
	return `read-only (${describeDisk(use)})`;
}

/**
 * libvirt's SELinux driver (virSecuritySELinuxSetImageLabelInternal) labels a `<readonly/>` disk and
 * every layer below the top of a chain `virt_content_t:s0`, without remembering the owner and so
 * without the "already in use" check that protects writable images: a read-only or backing use of
 * another guest's writable image silently takes that guest's write access away.
 */
function readonlyRelabelFindings(self: GuestSummary, disk: DiskUse, others: { guest: GuestSummary; use: DiskUse }[], findings: CrossGuestFinding[]): void {
	if (disk.network) {
		return;
	}
	const when = self.fragment ? 'when this device is attached' : 'when this guest starts';
	if (relabelledContent(self, disk)) {
		const writers = others.filter((other) => other.use.writable && !other.use.shareable);
		if (writers.length > 0) {
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
	const readers = others.filter((other) => relabelledContent(other.guest, other.use));
	if (readers.length > 0) {
		const names = listNames(readers.map((other) => `${guestLabel(other.guest)} (${describeUse(other.use)})`));
		findings.push({
			ruleId: 'shared-image-readonly-relabel',
			span: disk.at,
			message: `${disk.resource} is this guest's writable image, and ${names} also ${readers.length > 1 ? 'use' : 'uses'} it: when ${readers.length > 1 ? 'one of them starts' : 'it starts'} (or the disk is hot-plugged), libvirt relabels the image system_u:object_r:virt_content_t:s0 with no "already in use" check, and this guest is denied its writes.`,
			related: relatedList(readers, (other) => related(other.use.uri, other.use.at, `${guestLabel(other.guest)} uses this image ${describeUse(other.use)}`)),
			fixes: openFixes(readers),
		});
	}
}

function privateCategoryFindings(disk: DiskUse, others: { guest: GuestSummary; use: DiskUse }[], findings: CrossGuestFinding[]): void {
	const label = disk.deviceLevel;
	if (!label || label.value.categories.length === 0) {
		return;
	}
	const denied = others.filter((other) => {
		const confinement = other.guest.confinement;
		if (confinement.kind === 'unconfined') {
			return false;
		}
		return confinement.kind === 'random' || !dominates(confinement.level, label.value);
	});
	if (denied.length === 0) {
		return;
	}
	const names = listNames(denied.map((other) => guestLabel(other.guest)));
	findings.push({
		ruleId: 'shared-image-private-categories',
		span: label.at,
		message: `This label gives ${disk.resource} the categories ${label.level}, but ${names} also ${denied.length > 1 ? 'use' : 'uses'} the image and ${denied.length > 1 ? 'run' : 'runs'} without them: SELinux denies ${denied.length > 1 ? 'them' : 'it'} the image once this guest relabels it. A shared image needs a label without private categories (like the s0 label <shareable/> gives it).`,
		related: relatedList(denied, (other) => {
			const confinement = other.guest.confinement;
			const how = confinement.kind === 'level' ? 'runs at a level that does not include these categories' : 'gets a random category pair at start';
			return related(other.use.uri, other.use.at, `${guestLabel(other.guest)} uses the same image and ${how}`);
		}),
		fixes: [{
			title: `Label the image without categories (${String(label.value.sensitivity)})`,
			edits: [{ span: label.levelSpan, newText: String(label.value.sensitivity) }],
		}],
	});
}

function levelCollisionFindings(self: GuestSummary, level: LevelUse, lookup: GuestLookup, findings: CrossGuestFinding[]): void {
	// A level without categories isolates nothing by design; it is not a pair two guests can collide on.
	if (level.value.categories.length === 0) {
		return;
	}
	const colliding: { guest: GuestSummary; use: LevelUse }[] = [];
	const seen = new Set<string>();
	for (const use of lookup.levelUses(self.hostKey, level.level)) {
		if (use.uri === self.uri || seen.has(use.uri)) {
			continue;
		}
		// Two live dynamic labels come from libvirt's own allocator, which keeps them apart on one daemon.
		if (level.kind === 'live' && use.kind === 'live') {
			continue;
		}
		const guest = lookup.guest(use.uri);
		if (!guest || sameGuest(self, guest)) {
			continue;
		}
		seen.add(use.uri);
		colliding.push({ guest, use });
	}
	if (colliding.length === 0) {
		return;
	}
	const names = listNames(colliding.map((other) => `${guestLabel(other.guest)} (${other.use.kind === 'static' ? 'static label' : 'running with a dynamic label'})`));
	const fixes: Fix[] = [];
	if (level.kind === 'static') {
		// Levels of every guest in the index, all hosts included: a pair nobody uses anywhere also stays free if guests move.
		const used = new Set(lookup.usedLevels());
		for (const own of self.levels) {
			used.add(own.level);
		}
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
