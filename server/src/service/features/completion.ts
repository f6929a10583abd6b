/**
 * Completion inside and around seclabels: element names and whole-seclabel snippets where libvirt
 * reads them, attribute names and values that are valid together, and SELinux contexts part by part.
 * Everything offered is something libvirt accepts at that place; what it would refuse or ignore is
 * left out rather than ranked low.
 */
import type { CompletionList, Position } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeAt } from '../parser/nodeAt';
import type { SeclabelDocument } from '../parser/seclabelModel';
import type { XmlElement } from '../parser/xmlParser';
import type { LanguageSettings } from '../types';
import { clientFormats, type ClientFormats } from './clientFormats';
import { CompletionCollector } from './completionCollector';
import { completeAttributeNames, completeAttributeValues } from './completionAttributes';
import { completeElements, type ElementInsertion } from './completionElements';
import { completeContext, labelContainerAt } from './completionContexts';

export function doComplete(document: TextDocument, position: Position, doc: SeclabelDocument, settings: LanguageSettings = {}, formats: ClientFormats = clientFormats()): CompletionList {
	const collector = new CompletionCollector(document, document.offsetAt(position), formats);
	if (!doc.domain) {
		return collector.list();
	}
	const offset = document.offsetAt(position);
	const node = nodeAt(doc.xml, offset);
	if (!node) {
		return collector.list();
	}
	const element = node.element;
	switch (node.kind) {
		case 'attribute-value':
			completeAttributeValues(collector, doc, element, node.attribute);
			break;
		case 'attribute-name':
			completeAttributeNames(collector, doc, element, { start: node.attribute.nameStart, end: node.attribute.nameEnd }, node.attribute.value === null, node.attribute.name);
			break;
		case 'start-tag':
			// Between `/` and `>` of a self-closing tag nothing can go.
			if (doc.xml.text[offset - 1] !== '/') {
				completeAttributeNames(collector, doc, element, { start: offset, end: offset }, true);
			}
			break;
		case 'element-name':
			if (isInsideContent(element, offset)) {
				completeContent(collector, doc, element, offset, settings);
			} else if (offset > element.start && offset <= element.nameEnd) {
				completeElements(collector, doc, element.parent, typedElement(element), settings);
			}
			break;
		case 'content':
			completeContent(collector, doc, element, offset, settings);
			break;
	}
	return collector.list();
}

/**
 * A cursor right before an end tag's `<` is at the end of the element's content, though the node
 * lookup reports the end tag there.
 */
function isInsideContent(element: XmlElement, offset: number): boolean {
	return element.endTagStart === offset && offset >= element.startTagEnd;
}

/**
 * A start tag being typed (`<sec`) is replaced whole by a snippet; a name inside a finished tag
 * with attributes or children is only renamed.
 */
function typedElement(element: XmlElement): ElementInsertion {
	const fresh = !element.startTagClosed && element.attributes.length === 0 && element.children.length === 0;
	return fresh
		? { span: { start: element.start, end: element.nameEnd }, withBracket: true, typed: element }
		: { span: { start: element.start + 1, end: element.nameEnd }, withBracket: false, typed: element };
}

function completeContent(collector: CompletionCollector, doc: SeclabelDocument, element: XmlElement, offset: number, settings: LanguageSettings): void {
	const label = labelContainerAt(doc, element);
	if (label) {
		completeContext(collector, doc, label, offset, settings);
		return;
	}
	const text = doc.xml.text;
	// A lone `<` just typed is not an element yet: the snippet replaces it.
	const start = text.charCodeAt(offset - 1) === 60 ? offset - 1 : offset;
	completeElements(collector, doc, element, { span: { start, end: offset }, withBracket: true }, settings);
}
