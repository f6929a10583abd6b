/**
 * Attribute names and values of seclabels. Values are filtered by the other attributes of the same
 * seclabel, so that no combination libvirt refuses is offered (relabel='no' under type='dynamic',
 * a model already taken by another seclabel, labelskip in define-time XML).
 */
import { CompletionItemKind } from 'vscode-languageserver-types';
import type { DeviceSeclabel, DomainSeclabel, SeclabelDocument } from '../parser/seclabelModel';
import { getAttribute, type Span, type XmlAttribute, type XmlElement } from '../parser/xmlParser';
import { modelOf } from '../rules/semantics';
import * as vocabulary from '../data/vocabulary';
import { choice, type CompletionCollector } from './completionCollector';
import { seclabelSite, type SeclabelSite } from './position';

/** The attributes libvirt reads on a seclabel at that level. */
function attributeDocs(doc: SeclabelDocument, site: SeclabelSite): readonly vocabulary.AttributeDoc[] {
	if (site.level === 'domain') {
		return vocabulary.DOMAIN_ATTRIBUTE_DOCS;
	}
	// labelskip is output-only: libvirt reads it from live XML and ignores it at define.
	return vocabulary.DEVICE_ATTRIBUTE_DOCS.filter((entry) => entry.name !== 'labelskip' || doc.kind === 'live');
}

function valueOf(element: XmlElement, name: string): string | undefined {
	return getAttribute(element, name)?.value ?? undefined;
}

/** Models other seclabels at the same place already use: a second one for a model is refused. */
function takenModels(doc: SeclabelDocument, site: SeclabelSite): Set<string> {
	const siblings: readonly (DomainSeclabel | DeviceSeclabel)[] = site.level === 'domain'
		? doc.seclabels
		: site.seclabel.owner.kind === 'chardev' ? site.seclabel.owner.chardev.seclabels : site.seclabel.owner.source.seclabels;
	const taken = new Set<string>();
	for (const sibling of siblings) {
		const model = sibling.element === site.seclabel.element ? null : modelOf(sibling);
		if (model !== null) taken.add(model);
	}
	return taken;
}

/** The values of one attribute that are valid together with the seclabel's other attributes. */
export function validValues(doc: SeclabelDocument, site: SeclabelSite, name: string): readonly vocabulary.ValueDoc[] {
	const entry = attributeDocs(doc, site).find((candidate) => candidate.name === name);
	if (!entry?.values) {
		return [];
	}
	const element = site.seclabel.element;
	const type = valueOf(element, 'type');
	const relabel = valueOf(element, 'relabel');
	const model = valueOf(element, 'model');
	const allowed = (value: string): boolean => {
		if (site.level === 'domain') {
			switch (name) {
				case 'type':
					// Dynamic labels must relabel, none must not; model none rewrites or refuses any other type.
					if (model === 'none') return value === 'none';
					if (relabel === 'no') return value !== 'dynamic';
					if (relabel === 'yes') return value !== 'none';
					return true;
				case 'model':
					if (takenModels(doc, site).has(value)) return false;
					return value !== 'none' || type === undefined || type === 'none';
				case 'relabel':
					if (type === 'dynamic') return value === 'yes';
					if (type === 'none') return value === 'no';
					return true;
			}
			return true;
		}
		switch (name) {
			case 'model':
				return !takenModels(doc, site).has(value);
			case 'relabel':
				// A label needs relabelling on; relabel='yes' without a label is refused (9.8.0 and later) or dropped (before).
				return site.seclabel.labels.length > 0 ? value === 'yes' : value === 'no';
		}
		return true;
	};
	return entry.values.filter((value) => allowed(value.value));
}

export function completeAttributeValues(collector: CompletionCollector, doc: SeclabelDocument, element: XmlElement, attribute: XmlAttribute): void {
	const site = seclabelSite(doc, element);
	if (!site) {
		return;
	}
	const entry = attributeDocs(doc, site).find((candidate) => candidate.name === attribute.name);
	if (!entry) {
		return;
	}
	for (const value of validValues(doc, site, attribute.name)) {
		collector.add({ start: attribute.valueStart, end: attribute.valueEnd }, {
			label: value.value,
			kind: CompletionItemKind.EnumMember,
			detail: `${entry.name}='${value.value}'`,
			documentation: value.doc,
		});
	}
}

/**
 * Attribute names not yet on the seclabel. With `withValue` (a name typed without `=` yet, or a
 * blank in the start tag) the whole `name='value'` is inserted, the value a choice of valid ones.
 */
export function completeAttributeNames(collector: CompletionCollector, doc: SeclabelDocument, element: XmlElement, span: Span, withValue: boolean, current?: string): void {
	const site = seclabelSite(doc, element);
	if (!site) {
		return;
	}
	const present = new Set(element.attributes.map((attribute) => attribute.name).filter((name) => name !== current));
	const quote = element.attributes.find((attribute) => attribute.quote)?.quote ?? "'";
	// A name typed right after a closing quote needs a separating blank.
	const blank = withValue && span.start > 0 && !/\s/.test(doc.xml.text[span.start - 1]) ? ' ' : '';
	for (const entry of attributeDocs(doc, site)) {
		if (present.has(entry.name)) {
			continue;
		}
		const values = validValues(doc, site, entry.name).map((value) => value.value);
		if (entry.values && values.length === 0) {
			// Every value would be refused next to the attributes already there.
			continue;
		}
		const insertText = withValue ? `${blank}${entry.name}=${quote}${values.length > 0 ? choice(1, values) : '$1'}${quote}$0` : entry.name;
		collector.add(span, {
			label: entry.name,
			kind: CompletionItemKind.Property,
			insertText,
			snippet: withValue,
			detail: values.length > 0 ? `${entry.name}: ${values.join(' | ')}` : entry.name,
			documentation: entry.doc + (entry.defaultDoc ? `\n\nDefault: ${entry.defaultDoc}` : ''),
		});
	}
}
