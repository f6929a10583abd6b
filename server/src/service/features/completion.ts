/**
 * Completion: attribute values of seclabels, offered only where libvirt accepts them.
 */
import { CompletionItemKind, MarkupKind, Range, TextEdit, type CompletionItem, type CompletionList, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { getAttribute } from '../parser/xmlParser';
import { nodeAt } from '../parser/nodeAt';
import type { SeclabelDocument } from '../parser/seclabelModel';
import * as vocabulary from '../data/vocabulary';
import type { LanguageSettings } from '../types';
import { isDeviceSeclabel, isDomainSeclabel } from './position';

export function doComplete(document: TextDocument, position: Position, doc: SeclabelDocument, settings: LanguageSettings = {}): CompletionList {
	void settings;
	const empty: CompletionList = { isIncomplete: false, items: [] };
	if (!doc.domain) {
		return empty;
	}
	const offset = document.offsetAt(position);
	const node = nodeAt(doc.xml, offset);
	if (!node || node.kind !== 'attribute-value') {
		return empty;
	}
	const domainLevel = isDomainSeclabel(doc, node.element);
	const deviceLevel = !domainLevel && isDeviceSeclabel(doc, node.element);
	if (!domainLevel && !deviceLevel) {
		return empty;
	}
	const docs = domainLevel ? vocabulary.DOMAIN_ATTRIBUTE_DOCS : vocabulary.DEVICE_ATTRIBUTE_DOCS;
	const entry = docs.find((d) => d.name === node.attribute.name);
	if (!entry?.values) {
		return empty;
	}
	let values = entry.values;
	// Offer only what libvirt accepts in combination with the other attributes.
	if (domainLevel && entry.name === 'relabel') {
		const type = getAttribute(node.element, 'type')?.value;
		if (type === 'dynamic') values = values.filter((v) => v.value === 'yes');
		if (type === 'none') values = values.filter((v) => v.value === 'no');
	}
	const range = Range.create(document.positionAt(node.attribute.valueStart), document.positionAt(node.attribute.valueEnd));
	const items: CompletionItem[] = values.map((value, index) => ({
		label: value.value,
		kind: CompletionItemKind.EnumMember,
		detail: `${entry.name}='${value.value}'`,
		documentation: { kind: MarkupKind.Markdown, value: value.doc },
		sortText: String(index).padStart(2, '0'),
		textEdit: TextEdit.replace(range, value.value),
	}));
	return { isIncomplete: false, items };
}
