/**
 * Hover: what an element, attribute or value of a seclabel means and what libvirt does with it,
 * contexts decoded part by part, and the labels libvirt gives the guest and its disks at start.
 * It reads the parsed document it is given and never parses the XML again.
 */
import { MarkupKind, Range, type Hover, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeAt } from '../parser/nodeAt';
import type { DeviceSeclabel, DiskModel, SeclabelDocument } from '../parser/seclabelModel';
import { describeOwner } from '../parser/seclabelModel';
import { versionLine } from './hoverVersion';
import type { Span, XmlAttribute, XmlElement } from '../parser/xmlParser';
import { domainRelabel, modelOf } from '../rules/semantics';
import { drawableValueSpan } from '../rules/rule';
import { effectiveCatalogue, type SelinuxCatalogue } from '../selinux/catalogue';
import * as vocabulary from '../data/vocabulary';
import type { LanguageSettings } from '../types';
import { clientFormats, renderMarkup, type ClientFormats } from './clientFormats';
import { seclabelSite, type SeclabelSite } from './position';
import { labelContainerAt } from './completionContexts';
import { describeDacLabel, describeSelinuxContext } from './hoverContext';
import { diskLabelEffect, domainSeclabelEffect, sourcePath } from './hoverEffects';
import { imageLabelHover } from './hoverImageLabel';
import { siteView } from '../parser/parseSites';
import { resolveSettings } from './findings';
import type { Version } from '../version';

const DOCS_LINK = `[libvirt: Security label](${vocabulary.LIBVIRT_SECLABEL_DOCS})`;
const DISK_DOCS_LINK = '[libvirt: Hard drives, floppy disks, CDROMs](https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms)';

function hover(document: TextDocument, span: Span, sections: readonly (string | undefined)[]): Hover {
	return {
		contents: { kind: MarkupKind.Markdown, value: sections.filter((section) => section !== undefined && section.length > 0).join('\n\n') },
		range: Range.create(document.positionAt(span.start), document.positionAt(span.end)),
	};
}

export function doHover(document: TextDocument, position: Position, doc: SeclabelDocument, settings: LanguageSettings = {}, formats: ClientFormats = clientFormats()): Hover | null {
	const found = hoverAt(document, position, doc, settings);
	// Written as markdown; rendered once here in the format the client prefers.
	return found && { ...found, contents: renderMarkup((found.contents as { value: string }).value, formats.hover) };
}

function hoverAt(document: TextDocument, position: Position, parsed: SeclabelDocument, settings: LanguageSettings): Hover | null {
	if (!parsed.domain && !parsed.fragment) {
		return null;
	}
	const offset = document.offsetAt(position);
	const node = nodeAt(parsed.xml, offset);
	if (!node) {
		return null;
	}
	const element = node.element;
	// The document as the target release reads it: a seclabel at a site it does not read is stray.
	const version = resolveSettings(settings).version;
	const doc = siteView(parsed, version);
	const unread = doc === parsed ? undefined : unreadSeclabel(parsed, doc, element);
	if (unread) {
		const span = node.kind === 'element-name' ? nameSpanAt(element, offset)
			: node.kind === 'attribute-name' || node.kind === 'attribute-value' ? { start: node.attribute.nameStart, end: node.attribute.nameEnd } : undefined;
		if (span) {
			return hover(document, span, [unreadText(unread, version), DOCS_LINK]);
		}
	}
	switch (node.kind) {
		case 'element-name':
			// A cursor right before an end tag is in the element's content.
			if (element.endTagStart === offset && offset >= element.startTagEnd) {
				return hoverContent(document, doc, element, settings);
			}
			return hoverElement(document, doc, element, nameSpanAt(element, offset), settings);
		case 'attribute-name':
		case 'attribute-value': {
			const image = node.kind === 'attribute-value' ? imageLabelHover(document, doc, element, node.attribute, settings) : null;
			if (image) {
				return image;
			}
			const site = seclabelSite(doc, element);
			return site ? hoverAttribute(document, doc, site, node.attribute, node.kind === 'attribute-value') : null;
		}
		case 'content':
			return hoverContent(document, doc, element, settings);
		default:
			return null;
	}
}

/** The device seclabel at (or holding) the element that the model reads but the target release does not. */
function unreadSeclabel(parsed: SeclabelDocument, view: SeclabelDocument, element: XmlElement): DeviceSeclabel | undefined {
	for (let node: XmlElement | null | undefined = element; node; node = node.parent) {
		if (node.name === 'seclabel') {
			const seclabel = parsed.deviceSeclabels.find((candidate) => candidate.element === node);
			return seclabel && !view.deviceSeclabels.includes(seclabel) ? seclabel : undefined;
		}
	}
	return undefined;
}

/** Why the target release ignores a seclabel at this site, and which releases read it. */
function unreadText(seclabel: DeviceSeclabel, version: Version): string {
	const owner = describeOwner(seclabel.owner);
	const releases = seclabel.since ? `libvirt reads a seclabel here from ${seclabel.since} on` : `libvirt read a seclabel here before ${seclabel.before} only`;
	return `**Not read by libvirt ${version.text}.** This device seclabel (for ${owner}) is at a place libvirt ${version.text} does not read, so it is ignored: ${releases}. Set \`libvirtSeclabel.libvirtVersion\` to the host's release to check what it reads.`;
}

/** The name under the cursor: in the start tag, or in the end tag. */
function nameSpanAt(element: XmlElement, offset: number): Span {
	if (element.endTagStart >= 0 && offset >= element.endTagStart) {
		return { start: element.endTagStart + 2, end: element.endTagStart + 2 + element.name.length };
	}
	return { start: element.start + 1, end: element.nameEnd };
}

function hoverElement(document: TextDocument, doc: SeclabelDocument, element: XmlElement, span: Span, settings: LanguageSettings): Hover | null {
	const site = seclabelSite(doc, element);
	if (site?.level === 'domain') {
		const model = modelOf(site.seclabel);
		return hover(document, span, [
			vocabulary.DOMAIN_SECLABEL_DOC,
			domainSeclabelEffect(doc, site.seclabel, settings, catalogueOf(settings)),
			model === null && doc.seclabels.length === 1 ? `No \`model\`: this seclabel is for the host's primary security driver (\`${settings.hostSecurityModel ?? 'selinux'}\` here).` : undefined,
			versionLine(settings),
			DOCS_LINK,
		]);
	}
	if (site?.level === 'device') {
		return hover(document, span, [vocabulary.DEVICE_SECLABEL_DOC, deviceSeclabelEffect(site.seclabel), DOCS_LINK]);
	}
	const parent = element.parent;
	const parentSite = parent ? seclabelSite(doc, parent) : undefined;
	if (parentSite) {
		const docs = parentSite.level === 'domain' ? vocabulary.DOMAIN_CHILD_DOCS : vocabulary.DEVICE_CHILD_DOCS;
		const entry = docs.find((candidate) => candidate.name === element.name);
		if (!entry) {
			return null;
		}
		return hover(document, span, [`**<${entry.name}>** ${entry.doc}`, entry.versions && `**Versions:** ${entry.versions}`, DOCS_LINK]);
	}
	const disk = parent ? doc.disks.find((candidate) => candidate.element === parent) : undefined;
	if (disk && (element.name === 'shareable' || element.name === 'readonly')) {
		const entry = vocabulary.DISK_FLAG_DOCS.find((candidate) => candidate.name === element.name)!;
		return hover(document, span, [`**<${entry.name}/>** ${entry.doc}`, diskFlagEffect(doc, disk, element.name, settings), DISK_DOCS_LINK]);
	}
	return null;
}

function hoverAttribute(document: TextDocument, doc: SeclabelDocument, site: SeclabelSite, attribute: XmlAttribute, onValue: boolean): Hover | null {
	const docs = site.level === 'domain' ? vocabulary.DOMAIN_ATTRIBUTE_DOCS : vocabulary.DEVICE_ATTRIBUTE_DOCS;
	const entry = docs.find((candidate) => candidate.name === attribute.name);
	if (!entry) {
		return null;
	}
	if (onValue) {
		const value = entry.values?.find((candidate) => candidate.value === attribute.value);
		const text = value
			? `**${entry.name}='${value.value}'** ${value.doc}`
			: `**${entry.name}='${attribute.value ?? ''}'** is not a value libvirt accepts here${entry.values ? `: use ${entry.values.map((candidate) => `\`${candidate.value}\``).join(', ')}` : ''}.`;
		return hover(document, drawableValueSpan(attribute), [text, DOCS_LINK]);
	}
	const level = site.level === 'domain' ? 'Domain seclabel' : 'Device seclabel';
	const values = entry.values ? entry.values.map((candidate) => `- \`${candidate.value}\`: ${candidate.doc}`).join('\n') : undefined;
	const live = entry.name === 'labelskip' && doc.kind !== 'live' ? 'This document is define-time XML: libvirt ignores the attribute here.' : undefined;
	return hover(document, { start: attribute.nameStart, end: attribute.nameEnd }, [
		`**${entry.name}** (${level}) ${entry.doc}`,
		values,
		entry.defaultDoc && `**Default:** ${entry.defaultDoc}`,
		entry.versions && `**Versions:** ${entry.versions}`,
		live,
		DOCS_LINK,
	]);
}

/** Hover on a label's value: the context decoded. */
function hoverContent(document: TextDocument, doc: SeclabelDocument, element: XmlElement, settings: LanguageSettings): Hover | null {
	const label = labelContainerAt(doc, element);
	if (!label) {
		return null;
	}
	const text = doc.xml.text;
	let start = element.startTagEnd;
	let end = element.endTagStart >= 0 ? element.endTagStart : element.end;
	while (start < end && /\s/.test(text[start])) start++;
	while (end > start && /\s/.test(text[end - 1])) end--;
	if (start === end) {
		return null;
	}
	const value = text.slice(start, end);
	const model = label.model ?? settings.hostSecurityModel ?? 'selinux';
	let markdown: string;
	if (model === 'selinux') {
		markdown = describeSelinuxContext(value, element.name, catalogueOf(settings));
	} else if (model === 'dac') {
		markdown = describeDacLabel(value);
	} else if (model === 'apparmor') {
		markdown = `**AppArmor profile** \`${value}\`: the profile QEMU runs under (libvirt names generated ones \`libvirt-<uuid>\`).`;
	} else {
		return null;
	}
	return hover(document, { start, end }, [markdown]);
}

function catalogueOf(settings: LanguageSettings): SelinuxCatalogue {
	return effectiveCatalogue(settings.policy);
}

function deviceSeclabelEffect(seclabel: DeviceSeclabel): string {
	const owner = describeOwner(seclabel.owner);
	const path = seclabel.owner.kind === 'disk' ? sourcePath(seclabel.owner.source) : undefined;
	const what = path ? `${owner} (\`${path}\`)` : owner;
	const model = modelOf(seclabel);
	if (model === null) {
		return `Without a \`model\` this override does nothing: libvirt's drivers look overrides up by model name.`;
	}
	if (seclabel.relabel?.value === 'no') {
		return `**At start** libvirt's \`${model}\` driver leaves the label of ${what} alone: it must already be usable by the guest.`;
	}
	if (seclabel.labels.length > 0) {
		return `**At start** libvirt's \`${model}\` driver gives ${what} this override's \`<label>\` instead of the guest's image label.`;
	}
	return `This override neither turns relabelling off nor gives a label, so ${what} is labelled as usual.`;
}

/** What the flag does to this disk's label under the domain's SELinux seclabel. */
function diskFlagEffect(doc: SeclabelDocument, disk: DiskModel, flag: 'shareable' | 'readonly', settings: LanguageSettings): string | undefined {
	const top = disk.layers[0];
	const path = top ? sourcePath(top) : undefined;
	if (!top || !path) {
		return undefined;
	}
	const effect = diskLabelEffect(disk, top, 's0:cA,cB', catalogueOf(settings));
	const note = flag === 'readonly' && disk.shareable ? ' `<shareable/>` decides the label here: it wins over `<readonly/>`.' : '';
	const selinux = doc.seclabels.find((seclabel) => (modelOf(seclabel) ?? (doc.seclabels.length === 1 ? settings.hostSecurityModel ?? 'selinux' : null)) === 'selinux');
	if (selinux && domainRelabel(selinux) === false) {
		return `**At start** nothing: relabelling is off for SELinux, so \`${path}\` keeps its current label.`;
	}
	const when = selinux ? 'with SELinux relabelling on' : 'on an SELinux host (where the guest gets a dynamic label)';
	return `**At start**, ${when}, \`${path}\` is ${effect}${note}`;
}
