/**
 * Cursor helpers for editing tests: a `|` in the text marks the cursor, and results are compared
 * as the text their ranges cover, so that a test reads like the document it is about.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem, CompletionList, Hover, Range, TextEdit } from 'vscode-languageserver-types';
import { getSeclabelLanguageService, parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import type { ClientCapabilities, LanguageSettings } from '../../server/src/service/types';

export const CURSOR = '|';

export interface Cursor {
	readonly document: TextDocument;
	readonly text: string;
	readonly offset: number;
}

/** The text without its single `|` marker, and the marker's offset. */
export function atCursor(marked: string, uri = 'file:///work/guest.xml'): Cursor {
	const offset = marked.indexOf(CURSOR);
	if (offset < 0 || marked.indexOf(CURSOR, offset + 1) >= 0) {
		throw new Error(`the test text needs exactly one '${CURSOR}' cursor marker`);
	}
	const text = marked.slice(0, offset) + marked.slice(offset + 1);
	return { document: TextDocument.create(uri, 'xml', 1, text), text, offset };
}

const service = getSeclabelLanguageService();

/** The service as the server builds it for a client that declared `capabilities` (VS Code's when absent). */
function serviceFor(capabilities?: ClientCapabilities): typeof service {
	return capabilities ? getSeclabelLanguageService({ clientCapabilities: capabilities }) : service;
}

export function completionsAt(marked: string, settings: LanguageSettings = {}, capabilities?: ClientCapabilities): CompletionList & { cursor: Cursor } {
	const cursor = atCursor(marked);
	const list = serviceFor(capabilities).doComplete(cursor.document, cursor.document.positionAt(cursor.offset), parseSeclabelText(cursor.text), settings);
	return { ...list, cursor };
}

export function hoverAt(marked: string, settings: LanguageSettings = {}, capabilities?: ClientCapabilities): { hover: Hover | null; cursor: Cursor } {
	const cursor = atCursor(marked);
	return { hover: serviceFor(capabilities).doHover(cursor.document, cursor.document.positionAt(cursor.offset), parseSeclabelText(cursor.text), settings), cursor };
}

/** The text a range covers. */
export function textOf(cursor: Cursor, range: Range): string {
	return cursor.text.slice(cursor.document.offsetAt(range.start), cursor.document.offsetAt(range.end));
}

/** The labels offered, in the order the client sorts them (sortText). */
export function labels(list: CompletionList): string[] {
	return [...list.items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((item) => item.label);
}

export function item(list: CompletionList, label: string): CompletionItem {
	const found = list.items.find((candidate) => candidate.label === label);
	if (!found) {
		throw new Error(`no completion '${label}'; offered: ${list.items.map((candidate) => candidate.label).join(', ')}`);
	}
	return found;
}

/** The text an item's edit replaces. */
export function replaced(cursor: Cursor, completion: CompletionItem): string {
	const edit = completion.textEdit as TextEdit;
	return textOf(cursor, edit.range);
}

/** The document after accepting an item, with snippet placeholders reduced to their defaults. */
export function accept(cursor: Cursor, completion: CompletionItem): string {
	const edit = completion.textEdit as TextEdit;
	const newText = completion.insertTextFormat === 2 ? expandSnippet(edit.newText) : edit.newText;
	return TextDocument.applyEdits(cursor.document, [{ range: edit.range, newText }]);
}

/** A snippet as the editor inserts it before the user types: defaults and first choices kept. */
export function expandSnippet(snippet: string): string {
	let result = snippet;
	for (let previous = ''; previous !== result;) {
		previous = result;
		result = result
			.replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1')
			.replace(/\$\{\d+:([^${}]*)\}/g, '$1');
	}
	return result.replace(/\$\d+/g, '').replace(/\\([$}\\])/g, '$1');
}

export function hoverText(hover: Hover | null): string {
	if (!hover) {
		throw new Error('no hover');
	}
	const contents = hover.contents;
	return typeof contents === 'string' ? contents : 'value' in contents ? contents.value : contents.map((entry) => typeof entry === 'string' ? entry : entry.value).join('\n');
}

/** A parsed document and the service, for calling requests on the parse the server caches. */
export function prepared(marked: string): { cursor: Cursor; doc: ReturnType<typeof parseSeclabelText>; service: typeof service } {
	const cursor = atCursor(marked);
	return { cursor, doc: parseSeclabelText(cursor.text), service };
}
