/**
 * Hover: what an element, attribute or value of a seclabel means and what libvirt does with it.
 */
import { MarkupKind, Range, type Hover, type Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeAt } from '../parser/nodeAt';
import type { SeclabelDocument } from '../parser/seclabelModel';
import * as vocabulary from '../data/vocabulary';
import type { LanguageSettings } from '../types';
import { isDeviceSeclabel, isDomainSeclabel } from './position';

function hover(document: TextDocument, start: number, end: number, markdown: string): Hover {
	return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: Range.create(document.positionAt(start), document.positionAt(end)) };
}

const link = `\n\n[libvirt: Security label](${vocabulary.LIBVIRT_SECLABEL_DOCS})`;

export function doHover(document: TextDocument, position: Position, doc: SeclabelDocument, settings: LanguageSettings = {}): Hover | null {
	void settings;
	if (!doc.domain) {
		return null;
	}
	const offset = document.offsetAt(position);
	const node = nodeAt(doc.xml, offset);
	if (!node) {
		return null;
	}
	const element = node.element;
	const domainLevel = isDomainSeclabel(doc, element);
	const deviceLevel = isDeviceSeclabel(doc, element);
	if (node.kind === 'element-name') {
		const nameStart = element.start + 1;
		if (domainLevel) return hover(document, nameStart, element.nameEnd, vocabulary.DOMAIN_SECLABEL_DOC + link);
		if (deviceLevel) return hover(document, nameStart, element.nameEnd, vocabulary.DEVICE_SECLABEL_DOC + link);
		const parent = element.parent;
		if (parent && isDomainSeclabel(doc, parent)) {
			const entry = vocabulary.DOMAIN_CHILD_DOCS.find((d) => d.name === element.name);
			if (entry) return hover(document, nameStart, element.nameEnd, `**<${entry.name}>** ${entry.doc}${link}`);
		}
		if (parent && isDeviceSeclabel(doc, parent)) {
			const entry = vocabulary.DEVICE_CHILD_DOCS.find((d) => d.name === element.name);
			if (entry) return hover(document, nameStart, element.nameEnd, `**<${entry.name}>** ${entry.doc}${link}`);
		}
		if (parent?.name === 'disk') {
			const entry = vocabulary.DISK_FLAG_DOCS.find((d) => d.name === element.name);
			if (entry) return hover(document, nameStart, element.nameEnd, `**<${entry.name}/>** ${entry.doc}`);
		}
		return null;
	}
	if ((node.kind === 'attribute-name' || node.kind === 'attribute-value') && (domainLevel || deviceLevel)) {
		const docs = domainLevel ? vocabulary.DOMAIN_ATTRIBUTE_DOCS : vocabulary.DEVICE_ATTRIBUTE_DOCS;
		const entry = docs.find((d) => d.name === node.attribute.name);
		if (!entry) {
			return null;
		}
		if (node.kind === 'attribute-name') {
			const values = entry.values ? '\n\n' + entry.values.map((v) => `- \`${v.value}\`: ${v.doc}`).join('\n') : '';
			return hover(document, node.attribute.nameStart, node.attribute.nameEnd, `**${entry.name}** ${entry.doc}${values}`);
		}
		const value = entry.values?.find((v) => v.value === node.attribute.value);
		if (value) {
			return hover(document, node.attribute.valueStart, node.attribute.valueEnd, `**${entry.name}='${value.value}'** ${value.doc}`);
		}
	}
	return null;
}
