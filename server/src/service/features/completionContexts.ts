/**
 * SELinux contexts inside `<label>`, `<imagelabel>`, `<baselabel>` and device `<label>`, part by
 * part: users, roles and types of the kind the element needs (process types with system_r for a
 * guest's label, file types with object_r for images), then levels, with a category pair no other
 * guest uses offered first. Names come from the host's policy when the settings carry it, else
 * from the built-in catalogue.
 */
import { Command, CompletionItemKind } from 'vscode-languageserver-types';
import { modelPatchOf, type SeclabelDocument } from '../parser/seclabelModel';
import type { Span, XmlElement } from '../parser/xmlParser';
import { modelOf } from '../rules/semantics';
import { canonicalLevel, canonicalRange, parseContext, parseLevelRange, MAX_CATEGORY, MAX_SENSITIVITY } from '../selinux/context';
import { effectiveCatalogue, SELINUX_ROLES, SELINUX_TYPES, SELINUX_USERS, type SelinuxCatalogue } from '../selinux/catalogue';
import type { LanguageSettings } from '../types';
import { freshCategoryPair } from './freshLevel';
import { seclabelSite } from './position';
import type { CompletionCollector } from './completionCollector';
import { completeWholeContexts, completeWholeDacLabels } from './completionWholeLabels';

/** What a label element holds: a process context (the guest's label or base label) or a file context. */
export type LabelKind = 'process' | 'file';

export interface LabelContainer {
	readonly element: XmlElement;
	readonly kind: LabelKind;
	/** The seclabel's model as libvirt stores it; null when absent (the host's default model). */
	readonly model: string | null;
}

/** The label element whose content is at the cursor, when it holds a context libvirt reads. */
export function labelContainerAt(doc: SeclabelDocument, element: XmlElement): LabelContainer | undefined {
	const parent = element.parent;
	if (!parent || !['label', 'imagelabel', 'baselabel'].includes(element.name)) {
		return undefined;
	}
	const site = seclabelSite(doc, parent);
	if (!site) {
		return undefined;
	}
	if (site.level === 'device') {
		return element.name === 'label' ? { element, kind: 'file', model: modelOf(site.seclabel) } : undefined;
	}
	return { element, kind: element.name === 'imagelabel' ? 'file' : 'process', model: modelOf(site.seclabel) };
}

/** The offsets of an element's content without surrounding white space. */
function valueSpan(text: string, element: XmlElement): Span {
	let start = element.startTagEnd;
	let end = element.endTagStart >= 0 ? element.endTagStart : element.end;
	while (start < end && /\s/.test(text[start])) start++;
	while (end > start && /\s/.test(text[end - 1])) end--;
	return { start, end };
}

/**
 * The levels of a document's labels, counted per level and listed per device, so that the next
 * version's can be patched when only one device was read again (parser/seclabelModel.ts
 * patchModel): a completion right behind each keystroke on 10,000 disks must not read every label.
 */
interface DocumentLevels {
	readonly counts: Map<string, number>;
	/** Per disk or chardev model (or DOMAIN_PART for the domain's and the NVRAM's labels), its labels' levels. */
	readonly byOwner: Map<object, string[]>;
	set?: ReadonlySet<string>;
}

const DOMAIN_PART = {};

/** How often a document's levels were patched from the previous version's: for tests. */
export const documentLevelStats = { patched: 0 };

/** Levels per parsed document: a document is parsed once per version, and so are its levels. */
const levelsByDocument = new WeakMap<SeclabelDocument, DocumentLevels>();

function ownerOf(seclabel: SeclabelDocument['deviceSeclabels'][number]): object {
	return seclabel.owner.kind === 'disk' ? seclabel.owner.disk : seclabel.owner.kind === 'chardev' ? seclabel.owner.chardev : DOMAIN_PART;
}

function addLevels(state: DocumentLevels, owner: object, text: string, labels: readonly XmlElement[], sign: 1 | -1): void {
	let list = state.byOwner.get(owner);
	for (const label of labels) {
		const span = valueSpan(text, label);
		const level = labelTextLevel(text.slice(span.start, span.end));
		if (level === null) {
			continue;
		}
		if (!list) {
			list = [];
			state.byOwner.set(owner, list);
		}
		list.push(level);
		state.counts.set(level, (state.counts.get(level) ?? 0) + sign);
	}
}

function levelsOf(doc: SeclabelDocument): DocumentLevels {
	const cached = levelsByDocument.get(doc);
	if (cached) {
		return cached;
	}
	const text = doc.xml.text;
	const patch = modelPatchOf(doc);
	const previous = patch && levelsByDocument.get(patch.previous);
	let state: DocumentLevels;
	if (patch && previous) {
		// The previous version's counts move to this one: one device's labels out, its new ones in.
		levelsByDocument.delete(patch.previous);
		documentLevelStats.patched++;
		state = { counts: previous.counts, byOwner: previous.byOwner };
		const old = patch.oldDisk ?? patch.oldChardev;
		for (const level of (old && state.byOwner.get(old)) ?? []) {
			const count = state.counts.get(level)! - 1;
			if (count === 0) state.counts.delete(level); else state.counts.set(level, count);
		}
		if (old) state.byOwner.delete(old);
		const fresh = patch.newDisk ?? patch.newChardev;
		const seclabels = patch.newDisk ? [...patch.newDisk.layers.flatMap((layer) => layer.seclabels), ...(patch.newDisk.dataStore?.seclabels ?? []), ...patch.newDisk.mirror.flatMap((layer) => layer.seclabels)] : patch.newChardev?.seclabels ?? [];
		if (fresh) {
			addLevels(state, fresh, text, seclabels.flatMap((seclabel) => seclabel.labels), 1);
		}
	} else {
		state = { counts: new Map(), byOwner: new Map() };
		addLevels(state, DOMAIN_PART, text, doc.seclabels.flatMap((seclabel) => [...seclabel.labels, ...seclabel.imagelabels]), 1);
		for (const seclabel of doc.deviceSeclabels) {
			addLevels(state, ownerOf(seclabel), text, seclabel.labels, 1);
		}
	}
	levelsByDocument.set(doc, state);
	return state;
}

/** Canonical levels of every context in this document: a fresh pair must not repeat them either. */
export function documentLevels(doc: SeclabelDocument): ReadonlySet<string> {
	const state = levelsOf(doc);
	state.set ??= new Set(state.counts.keys());
	return state.set;
}

/**
 * Canonical levels by label text: a domain repeats a few labels on thousands of disks, and each
 * version of it is asked again (a completion right behind every keystroke), so each text is parsed once.
 */
const levelByLabelText = new Map<string, string | null>();

function labelTextLevel(value: string): string | null {
	let level = levelByLabelText.get(value);
	if (level === undefined) {
		if (levelByLabelText.size >= 4096) {
			levelByLabelText.clear();
		}
		const parsed = parseContext(value);
		level = parsed.low && parsed.high && parsed.problems.length === 0 ? canonicalRange(parsed.low, parsed.high) : null;
		levelByLabelText.set(value, level);
	}
	return level;
}

/** A category pair no guest of the workspace and no label of this document uses. */
export function freshLevelFor(doc: SeclabelDocument, settings: LanguageSettings, uri: string, random: () => number = Math.random): string {
	const used = new Set(settings.workspace?.usedLevels(uri) ?? []);
	for (const level of documentLevels(doc)) used.add(level);
	return freshCategoryPair(used, random);
}

/** The part of a context the cursor is in, with the span the completion replaces. */
type ContextPart =
	| { readonly part: 'user' | 'role' | 'type'; readonly span: Span; readonly before: readonly string[]; readonly last: boolean }
	| { readonly part: 'level'; readonly span: Span; readonly rangeStart: number; readonly rangeEnd: number }
	| { readonly part: 'category'; readonly span: Span; readonly level: string; readonly afterDot: boolean; readonly categories?: Span }
	| { readonly part: 'high'; readonly span: Span; readonly low: string };

/**
 * Locates the cursor among the colon-separated fields: the first three `:` end user, role and
 * type, everything after the third is the range (the same split the context module parses with).
 */
function contextPartAt(value: string, valueStart: number, offset: number): ContextPart | undefined {
	const relative = offset - valueStart;
	if (relative < 0 || relative > value.length) {
		return undefined;
	}
	const colons: number[] = [];
	for (let i = value.indexOf(':'); i >= 0 && colons.length < 3; i = value.indexOf(':', i + 1)) colons.push(i);
	const field = colons.filter((colon) => colon < relative).length;
	if (field < 3) {
		const start = field === 0 ? 0 : colons[field - 1] + 1;
		const end = colons[field] ?? value.length;
		const before = value.slice(0, start).split(':').slice(0, field);
		return { part: (['user', 'role', 'type'] as const)[field], span: { start: valueStart + start, end: valueStart + end }, before, last: colons[field] === undefined };
	}
	const rangeStart = colons[2] + 1;
	const range = value.slice(rangeStart);
	const inRange = relative - rangeStart;
	const dash = range.indexOf('-');
	if (dash >= 0 && inRange > dash) {
		const high = range.slice(dash + 1);
		if (!high.slice(0, inRange - dash - 1).includes(':')) {
			return { part: 'high', span: { start: valueStart + rangeStart + dash + 1, end: valueStart + value.length }, low: range.slice(0, dash) };
		}
	}
	const levelStart = dash >= 0 && inRange > dash ? dash + 1 : 0;
	const levelEnd = dash >= 0 && inRange <= dash ? dash : range.length;
	const level = range.slice(levelStart, levelEnd);
	const inLevel = inRange - levelStart;
	const colon = level.indexOf(':');
	if (colon < 0 || inLevel <= colon) {
		return { part: 'level', span: { start: valueStart + rangeStart, end: valueStart + value.length }, rangeStart: valueStart + rangeStart, rangeEnd: valueStart + value.length };
	}
	// A category item: from the last `,` or `.` before the cursor to the next separator.
	let itemStart = inLevel;
	while (itemStart > colon + 1 && level[itemStart - 1] !== ',' && level[itemStart - 1] !== '.') itemStart--;
	let itemEnd = inLevel;
	while (itemEnd < level.length && level[itemEnd] !== ',' && level[itemEnd] !== '.') itemEnd++;
	const absolute = valueStart + rangeStart + levelStart;
	// At the first category, the whole category list is what a fresh pair replaces.
	const categories = itemStart === colon + 1 ? { start: absolute + itemStart, end: absolute + level.length } : undefined;
	return { part: 'category', span: { start: absolute + itemStart, end: absolute + itemEnd }, level: level.slice(0, itemStart), afterDot: level[itemStart - 1] === '.', categories };
}

export function completeContext(collector: CompletionCollector, doc: SeclabelDocument, label: LabelContainer, offset: number, settings: LanguageSettings): void {
	const model = label.model ?? settings.hostSecurityModel ?? 'selinux';
	const text = doc.xml.text;
	const span = valueSpan(text, label.element);
	// A cursor in the white space before the value starts a new value there.
	const valueStart = offset < span.start ? offset : span.start;
	const valueEnd = Math.max(span.end, offset);
	const value = text.slice(valueStart, valueEnd);
	// Before the first `:`, whole labels come first and replace what is typed.
	const whole = !value.includes(':') && offset >= valueStart && offset <= valueEnd;
	// Other models' labels are not SELinux contexts (DAC user:group, AppArmor profile names).
	if (model === 'dac' && whole) {
		completeWholeDacLabels(collector, { start: valueStart, end: valueEnd });
	}
	if (model !== 'selinux') {
		return;
	}
	const at = contextPartAt(value, valueStart, offset);
	if (!at) {
		return;
	}
	const catalogue = effectiveCatalogue(settings.policy);
	switch (at.part) {
		case 'user':
			if (whole) completeWholeContexts(collector, doc, label, { start: valueStart, end: valueEnd }, settings, catalogue);
			completeUsers(collector, catalogue, at.span, at.last);
			break;
		case 'role':
			completeRoles(collector, catalogue, label.kind, at.before[0], at.span, at.last);
			break;
		case 'type':
			completeTypes(collector, catalogue, label.kind, label.element.name === 'baselabel', at.span, at.last);
			break;
		case 'level':
			completeLevels(collector, doc, catalogue, label, at.span, settings);
			break;
		case 'category':
			if (at.categories && label.element.name !== 'baselabel') {
				completeFreshCategories(collector, doc, at.categories, at.level, settings);
			}
			completeCategories(collector, catalogue, at.span, at.level, at.afterDot);
			break;
		case 'high':
			completeHighLevels(collector, catalogue, at.span, at.low);
			break;
	}
}

/** After a user, role or type typed as the last part, the `:` follows and completion goes on. */
function withSeparator(name: string, last: boolean): { insertText: string; command?: Command } {
	return last ? { insertText: `${name}:`, command: Command.create('Suggest', 'editor.action.triggerSuggest') } : { insertText: name };
}

function completeUsers(collector: CompletionCollector, catalogue: SelinuxCatalogue, span: Span, last: boolean): void {
	const known = new Map(SELINUX_USERS.map((user) => [user.name, user]));
	const names = [...catalogue.users].sort((a, b) => rank(a === 'system_u', b === 'system_u') || a.localeCompare(b));
	for (const name of names) {
		const info = known.get(name);
		collector.add(span, {
			label: name, kind: CompletionItemKind.Constant, ...withSeparator(name, last),
			detail: info ? `SELinux user (roles ${info.roles.join(', ')}; range ${info.range})` : `SELinux user (${catalogue.source})`,
			documentation: info?.doc ?? 'Defined by the host\'s policy.',
		});
	}
}

function completeRoles(collector: CompletionCollector, catalogue: SelinuxCatalogue, kind: LabelKind, user: string | undefined, span: Span, last: boolean): void {
	const known = new Map(SELINUX_ROLES.map((role) => [role.name, role]));
	const userRoles = SELINUX_USERS.find((candidate) => candidate.name === user)?.roles;
	// Files and devices always carry object_r; processes carry one of their user's roles.
	const names = kind === 'file'
		? [...catalogue.roles].filter((name) => name === 'object_r')
		: [...catalogue.roles].filter((name) => name !== 'object_r' && (!userRoles || userRoles.includes(name)))
			.sort((a, b) => rank(a === 'system_r', b === 'system_r') || a.localeCompare(b));
	for (const name of names) {
		collector.add(span, {
			label: name, kind: CompletionItemKind.Class, ...withSeparator(name, last),
			detail: kind === 'file' ? 'the role of every file label' : 'SELinux role',
			documentation: known.get(name)?.doc ?? 'Defined by the host\'s policy.',
		});
	}
}

function completeTypes(collector: CompletionCollector, catalogue: SelinuxCatalogue, kind: LabelKind, base: boolean, span: Span, last: boolean): void {
	// A baselabel's level is replaced by libvirt: the type is the last part that matters there.
	const types = SELINUX_TYPES.filter((type) => type.kind === kind && catalogue.types.has(type.name))
		.sort((a, b) => rank(a.guest, b.guest));
	for (const type of types) {
		collector.add(span, {
			label: type.name, kind: CompletionItemKind.TypeParameter, ...withSeparator(type.name, last && !base),
			detail: `${kind === 'process' ? 'process' : 'file'} type${type.guest ? '' : ' (not a guest label)'} · ${type.policies.join(', ')}`,
			documentation: type.doc,
		});
	}
}

function completeLevels(collector: CompletionCollector, doc: SeclabelDocument, catalogue: SelinuxCatalogue, label: LabelContainer, span: Span, settings: LanguageSettings): void {
	if (label.element.name === 'baselabel') {
		// libvirt replaces a baselabel's level with the generated pair; s0 keeps the context well-formed.
		collector.add(span, { label: 's0', kind: CompletionItemKind.Value, detail: 'replaced by the generated pair', documentation: 'libvirt keeps only the user, role and **type** of a `<baselabel>`; the level is its own fresh pair.' });
		return;
	}
	const fresh = freshLevelFor(doc, settings, collector.uri);
	collector.add(span, {
		label: fresh, kind: CompletionItemKind.Value, preselect: true,
		detail: 'a category pair no other guest uses',
		documentation: `Two distinct categories drawn as libvirt draws a dynamic label's pair (\`virSecuritySELinuxMCSFind\`), and used by no guest in the workspace index nor by another label of this document: the guest's images are private to it.`,
	});
	// An image label matches its guest's process label: offer the level the process label carries.
	const processLevel = label.kind === 'file' ? processLevelOf(doc, label) : undefined;
	if (processLevel && processLevel !== fresh) {
		collector.add(span, { label: processLevel, kind: CompletionItemKind.Value, detail: "the guest's process level", documentation: 'The level of the domain `<label>`: images with the same categories are the guest\'s own.' });
	}
	for (const [raw, translation] of Object.entries(catalogue.translations)) {
		if (raw === fresh || raw === processLevel) continue;
		const parsed = parseLevelRange(raw);
		const shared = parsed.low && parsed.low.categories.length === 0 && raw.indexOf('-') < 0;
		collector.add(span, {
			label: raw, kind: CompletionItemKind.Value, detail: translation,
			documentation: shared
				? '`s0` has no categories: every confined guest may use a file at this level (how libvirt labels `<shareable/>` disks).'
				: `mcstrans translation **${translation}** (setrans.conf of ${catalogue.policyName ?? catalogue.source}).`,
		});
	}
	for (const sensitivity of sensitivities(catalogue)) {
		if (collector.has(sensitivity)) continue;
		collector.add(span, { label: sensitivity, kind: CompletionItemKind.Value, detail: catalogue.translate(sensitivity) ?? 'sensitivity', documentation: 'A level with no categories.' });
	}
}

/** The level of the guest's own process label (another seclabel's `<label>`), when it is a clean context. */
export function processLevelOf(doc: SeclabelDocument, label: LabelContainer): string | undefined {
	const text = doc.xml.text;
	for (const seclabel of doc.seclabels) {
		const process = seclabel.labels[0];
		if (!process || process === label.element) continue;
		const span = valueSpan(text, process);
		const parsed = parseContext(text.slice(span.start, span.end));
		if (parsed.low && parsed.problems.length === 0) return canonicalLevel(parsed.low);
	}
	return undefined;
}

/** MCS policies define s0 only; an MLS policy (SELINUXTYPE=mls) defines s0 to s15. */
function sensitivities(catalogue: SelinuxCatalogue): string[] {
	const count = catalogue.policyName === 'mls' ? MAX_SENSITIVITY + 1 : 1;
	return Array.from({ length: count }, (_, index) => `s${index}`);
}

/** After `s0:`, the categories of a fresh pair, replacing whatever categories follow. */
function completeFreshCategories(collector: CompletionCollector, doc: SeclabelDocument, span: Span, levelBefore: string, settings: LanguageSettings): void {
	const fresh = freshLevelFor(doc, settings, collector.uri);
	const sensitivity = levelBefore.slice(0, levelBefore.indexOf(':'));
	if (!fresh.startsWith(`${sensitivity}:`)) {
		return;
	}
	collector.add(span, {
		label: fresh.slice(sensitivity.length + 1), kind: CompletionItemKind.Value, preselect: true,
		detail: `${fresh}: a category pair no other guest uses`,
		documentation: 'Two distinct categories drawn as libvirt draws a dynamic label\'s pair, used by no guest in the workspace index nor by another label of this document.',
	});
}

/**
 * How many categories one answer lists. All 1,024 with their text edits make a response of some
 * 150 KB on every keystroke; the list is cut to those matching what is typed and marked
 * incomplete, so the editor asks again as the user types more digits.
 */
export const MAX_CATEGORY_ITEMS = 100;

/** Categories after the ones already written, so that the level stays in canonical order. */
function completeCategories(collector: CompletionCollector, catalogue: SelinuxCatalogue, span: Span, levelBefore: string, afterDot: boolean): void {
	const numbers = [...levelBefore.matchAll(/c(\d+)/g)].map((match) => Number(match[1]));
	const after = numbers.length > 0 ? Math.max(...numbers) : -1;
	const sensitivity = levelBefore.slice(0, levelBefore.indexOf(':'));
	const typed = collector.typedIn(span);
	const prefix = /^c\d*$/.test(typed) ? typed : '';
	let listed = 0;
	for (let category = after + 1; category <= MAX_CATEGORY; category++) {
		const name = `c${category}`;
		if (!name.startsWith(prefix)) {
			continue;
		}
		if (listed === MAX_CATEGORY_ITEMS) {
			collector.markIncomplete();
			break;
		}
		listed++;
		const translation = catalogue.translate(`${sensitivity}:${name}`);
		collector.add(span, {
			label: name, kind: CompletionItemKind.EnumMember,
			detail: afterDot ? `up to ${name}` : translation ?? 'category',
		});
	}
}

/** The high end of a range: the low level itself, or SystemHigh, both dominating the low level. */
function completeHighLevels(collector: CompletionCollector, catalogue: SelinuxCatalogue, span: Span, lowText: string): void {
	const low = parseLevelRange(lowText);
	const candidates: string[] = [];
	if (low.low && low.problems.length === 0) candidates.push(canonicalLevel(low.low));
	candidates.push(`s0:c0.c${MAX_CATEGORY}`);
	for (const level of new Set(candidates)) {
		collector.add(span, { label: level, kind: CompletionItemKind.Value, detail: catalogue.translate(level) ?? 'high level', documentation: 'The high level of a range must dominate the low level: the same sensitivity or higher, and every category of the low level.' });
	}
}

function rank(a: boolean, b: boolean): number {
	return a === b ? 0 : a ? -1 : 1;
}
