/**
 * Element names and whole-element snippets: seclabels under `<domain>` and in the `<source>` of
 * disks and character devices, the label children a seclabel reads at its level, and the
 * `<shareable/>` / `<readonly/>` flags of a disk.
 */
import { CompletionItemKind } from 'vscode-languageserver-types';
import type { DeviceSeclabel, DomainSeclabel, SeclabelDocument } from '../parser/seclabelModel';
import { getAttribute, type Span, type XmlElement } from '../parser/xmlParser';
import { libvirtText } from '../parser/dtdSubset';
import { CHARDEV_TYPES_WITH_SECLABEL, domainRelabel, effectiveDomainModels, effectiveDomainRelabels, modelOf } from '../rules/semantics';
import { resolveSettings } from './findings';
import { indentationAt } from '../rules/edits';
import * as vocabulary from '../data/vocabulary';
import type { LanguageSettings } from '../types';
import { DATA_STORE, NVRAM_SOURCE, since } from '../version';
import { choice, escapeSnippet, type CompletionCollector } from './completionCollector';
import { seclabelSite } from './position';
import { freshLevelFor } from './completionContexts';

/** Where an element goes: the span it replaces and whether that span starts at the `<`. */
export interface ElementInsertion {
	readonly span: Span;
	/** True: a whole element (snippet) is inserted; false: only an existing tag's name is replaced. */
	readonly withBracket: boolean;
	/** The half-typed element being completed, which does not count as present. */
	readonly typed?: XmlElement;
}

interface ElementProposal {
	readonly name: string;
	/** Shown in the list; the element name unless several snippets share it. */
	readonly label?: string;
	readonly snippet: string;
	readonly detail: string;
	readonly documentation: string;
}

const SECLABEL_MODELS = ['selinux', 'apparmor', 'dac'];

/** The indentation one level deeper uses in this document: its first indented line's. */
export function indentUnit(text: string): string {
	const match = /\n([ \t]+)</.exec(text);
	if (!match) return '  ';
	return match[1].startsWith('\t') ? '\t' : ' '.repeat(Math.min(match[1].length, 8));
}

export function completeElements(collector: CompletionCollector, doc: SeclabelDocument, container: XmlElement | null, insertion: ElementInsertion, settings: LanguageSettings): void {
	if (!container || !doc.domain) {
		return;
	}
	const present = (name: string) => container.children.some((child) => child.name === name && child !== insertion.typed);
	const proposals = proposalsFor(doc, container, present, settings, collector);
	// Lines after the first get the indentation of the line the element starts on, so that the
	// text is right for clients that insert it as is.
	const base = indentationAt(doc.xml.text, insertion.span.start);
	const eol = doc.xml.text.includes('\r\n') ? '\r\n' : '\n';
	const named = new Set<string>();
	for (const proposal of proposals) {
		// Renaming a tag needs each name once, not once per snippet.
		if (!insertion.withBracket && named.has(proposal.name)) {
			continue;
		}
		named.add(proposal.name);
		const multiline = proposal.snippet.includes('\n');
		collector.add(insertion.span, {
			label: insertion.withBracket ? proposal.label ?? proposal.name : proposal.name,
			kind: insertion.withBracket ? CompletionItemKind.Snippet : CompletionItemKind.Property,
			insertText: insertion.withBracket ? proposal.snippet.replace(/\n/g, `${eol}${base}`) : proposal.name,
			snippet: insertion.withBracket,
			indented: insertion.withBracket && multiline,
			filterText: insertion.withBracket ? `<${proposal.name}` : proposal.name,
			detail: proposal.detail,
			documentation: proposal.documentation,
		});
	}
}

function proposalsFor(doc: SeclabelDocument, container: XmlElement, present: (name: string) => boolean, settings: LanguageSettings, collector: CompletionCollector): ElementProposal[] {
	const unit = indentUnit(doc.xml.text);
	if (container === doc.domain) {
		return domainSeclabelSnippets(doc, unit, settings, collector.uri);
	}
	const site = seclabelSite(doc, container);
	if (site?.level === 'domain') {
		return domainChildren(doc, container, present, settings, collector.uri);
	}
	if (site?.level === 'device') {
		if (getAttribute(container, 'relabel')?.value === 'no' || present('label')) {
			return [];
		}
		const model = modelOf(site.seclabel);
		return [{ name: 'label', snippet: `<label>\${1:${escapeSnippet(model === 'dac' ? '+107:+107' : 'system_u:object_r:svirt_image_t:s0')}}</label>`, detail: 'the label for this file', documentation: vocabulary.DEVICE_CHILD_DOCS[0].doc }];
	}
	const disk = doc.disks.find((candidate) => candidate.element === container);
	if (disk) {
		// vhostuser disks refuse both flags (rules reference G4).
		if (disk.layers[0]?.type === 'vhostuser') return [];
		return vocabulary.DISK_FLAG_DOCS.filter((flag) => !present(flag.name)).map((flag) => ({
			name: flag.name, snippet: `<${flag.name}/>`, detail: `<${flag.name}/>`, documentation: flag.doc,
		}));
	}
	if (container.name === 'source') {
		return deviceSeclabelSnippets(doc, container, unit, settings);
	}
	return [];
}

/** The models these seclabels name (model-less ones name none). */
function namedModels(seclabels: readonly (DomainSeclabel | DeviceSeclabel)[]): Set<string> {
	const models = new Set<string>();
	for (const seclabel of seclabels) {
		const model = modelOf(seclabel);
		if (model !== null) {
			models.add(model);
		}
	}
	return models;
}

function domainSeclabelSnippets(doc: SeclabelDocument, unit: string, settings: LanguageSettings, uri: string): ElementProposal[] {
	const taken = namedModels(doc.seclabels);
	const free = SECLABEL_MODELS.filter((model) => !taken.has(model));
	if (free.length === 0) {
		return [];
	}
	const proposals: ElementProposal[] = [{
		name: 'seclabel', label: 'seclabel dynamic',
		snippet: `<seclabel type='dynamic' model='${choice(1, free)}'/>$0`,
		detail: 'dynamic label: a fresh MCS pair at every start (the default)',
		documentation: `${vocabulary.DOMAIN_ATTRIBUTE_DOCS[0].values![0].doc}`,
	}];
	if (free.includes('selinux')) {
		const level = freshLevelFor(doc, settings, uri);
		proposals.push({
			name: 'seclabel', label: 'seclabel static',
			snippet: `<seclabel type='static' model='selinux' relabel='\${1|no,yes|}'>\n${unit}<label>\${2:system_u:system_r:svirt_t:${level}}</label>\n</seclabel>$0`,
			detail: `static SELinux label (${level}: a pair no other guest uses)`,
			documentation: `${vocabulary.DOMAIN_ATTRIBUTE_DOCS[0].values![1].doc}\n\nWith \`relabel='no'\` the images must already carry \`svirt_image_t\` with the same level.`,
		});
	}
	if (free.includes('dac')) {
		proposals.push({
			name: 'seclabel', label: 'seclabel static dac',
			snippet: `<seclabel type='static' model='dac' relabel='\${1|no,yes|}'>\n${unit}<label>\${2:+107:+107}</label>\n</seclabel>$0`,
			detail: 'static DAC owner (user:group)',
			documentation: vocabulary.DOMAIN_ATTRIBUTE_DOCS[1].values![1].doc,
		});
	}
	proposals.push({
		name: 'seclabel', label: 'seclabel none',
		snippet: `<seclabel type='none' model='${choice(1, free)}'/>$0`,
		detail: 'unconfined by this model; nothing relabelled',
		documentation: vocabulary.DOMAIN_ATTRIBUTE_DOCS[0].values![2].doc,
	});
	return proposals;
}

function domainChildren(doc: SeclabelDocument, container: XmlElement, present: (name: string) => boolean, settings: LanguageSettings, uri: string): ElementProposal[] {
	const seclabel = doc.seclabels.find((candidate) => candidate.element === container)!;
	const type = seclabel.type?.value;
	const model = modelOf(seclabel);
	const live = doc.kind === 'live';
	if (model === 'none' || type === 'none') {
		// libvirt reads no children of an unconfined seclabel.
		return [];
	}
	const docOf = (name: string) => vocabulary.DOMAIN_CHILD_DOCS.find((entry) => entry.name === name)!.doc;
	const proposals: ElementProposal[] = [];
	const selinux = model === null || model === 'selinux';
	// libvirt reads <label> for static seclabels, and in live XML for every confined one.
	if (!present('label') && (type === 'static' || live)) {
		const value = selinux ? `system_u:system_r:svirt_t:${freshLevelFor(doc, settings, uri)}` : model === 'dac' ? '+107:+107' : '';
		proposals.push({ name: 'label', snippet: `<label>\${1:${escapeSnippet(value)}}</label>$0`, detail: 'the process label', documentation: docOf('label') });
	}
	// <imagelabel> is output-only: read from live XML when relabelling is on.
	if (!present('imagelabel') && live && domainRelabel(seclabel) === true) {
		const value = selinux ? 'system_u:object_r:svirt_image_t:s0' : '';
		proposals.push({ name: 'imagelabel', snippet: `<imagelabel>\${1:${escapeSnippet(value)}}</imagelabel>$0`, detail: 'the label of the images', documentation: docOf('imagelabel') });
	}
	// <baselabel> is read only under an explicit type='dynamic', and AppArmor refuses it at start.
	if (!present('baselabel') && type === 'dynamic' && model !== 'apparmor') {
		const value = model === 'dac' ? '+107:+107' : 'system_u:system_r:svirt_t:s0';
		proposals.push({ name: 'baselabel', snippet: `<baselabel>\${1:${escapeSnippet(value)}}</baselabel>$0`, detail: 'the type the generated label uses', documentation: docOf('baselabel') });
	}
	return proposals;
}

function deviceSeclabelSnippets(doc: SeclabelDocument, source: XmlElement, unit: string, settings: LanguageSettings): ElementProposal[] {
	// Every storage source libvirt reads seclabels from at the target release (parser/parseSites.ts).
	const version = resolveSettings(settings).version;
	const sources = [...doc.disks.flatMap((disk) => [...disk.layers, ...disk.mirror, ...(disk.dataStore && since(version, DATA_STORE) ? [disk.dataStore] : [])]), ...(doc.nvram && since(version, NVRAM_SOURCE) ? [doc.nvram] : [])];
	const layer = sources.find((candidate) => candidate.source === source);
	const chardev = doc.chardevs.find((candidate) => candidate.source === source && CHARDEV_TYPES_WITH_SECLABEL.includes(candidate.type));
	const existing = layer?.seclabels ?? chardev?.seclabels;
	if (!existing) {
		return [];
	}
	const taken = namedModels(existing);
	// An override for a model whose domain seclabel has relabelling off is refused (rules reference E8),
	// judged as that rule judges it: after model='none' and the host's default model are applied.
	const resolved = resolveSettings(settings);
	const context = { doc, live: doc.kind === 'live', driver: resolved.driver, hostSecurityModel: resolved.hostSecurityModel, textOf: (element: XmlElement) => libvirtText(doc.xml, element) };
	const models = effectiveDomainModels(context);
	const relabels = effectiveDomainRelabels(context);
	const relabelOff = new Set(models.filter((model, index): model is string => model !== null && relabels[index] === false));
	const free = SECLABEL_MODELS.filter((model) => model !== 'apparmor' && !taken.has(model) && !relabelOff.has(model));
	if (free.length === 0) {
		return [];
	}
	const proposals: ElementProposal[] = [{
		name: 'seclabel', label: "seclabel relabel='no'",
		snippet: `<seclabel model='${choice(1, free)}' relabel='no'/>$0`,
		detail: "leave this file's current label alone",
		documentation: vocabulary.DEVICE_ATTRIBUTE_DOCS[1].values![0].doc,
	}];
	if (free.includes('selinux')) {
		proposals.push({
			name: 'seclabel', label: 'seclabel with label',
			snippet: `<seclabel model='selinux'>\n${unit}<label>\${1:system_u:object_r:svirt_image_t:s0}</label>\n</seclabel>$0`,
			detail: 'label this file with a context of your own',
			documentation: vocabulary.DEVICE_CHILD_DOCS[0].doc,
		});
	}
	return proposals;
}
