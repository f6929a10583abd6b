/**
 * Builds completion items from offsets: every item replaces exactly the span under the cursor, and
 * items sort in the order they were added unless a rank says otherwise. Proposals are written as
 * snippets and markdown; each item is shaped for the client here (./clientFormats), so a client
 * without snippet support gets the accepted text and one that wants plain text gets plain text.
 */
import {
	CompletionItemKind, InsertTextFormat, InsertTextMode, MarkupKind, Range, TextEdit, type Command, type CompletionItem, type CompletionList,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../parser/xmlParser';
import { clientFormats, markdownToPlainText, snippetToText, type ClientFormats } from './clientFormats';

export interface CompletionProposal {
	readonly label: string;
	readonly kind: CompletionItemKind;
	/** The text that replaces the span; the label when absent. */
	readonly insertText?: string;
	readonly snippet?: boolean;
	/** Multi-line text already indented for its place: the client must not indent it again. */
	readonly indented?: boolean;
	readonly detail?: string;
	/** Markdown. */
	readonly documentation?: string;
	/** What the client filters on, when it differs from the label (for example with a leading `<`). */
	readonly filterText?: string;
	readonly preselect?: boolean;
	/** Run after insertion, for example to suggest the next part of a context. */
	readonly command?: Command;
}

export class CompletionCollector {
	private readonly items: CompletionItem[] = [];
	private incomplete = false;

	constructor(private readonly document: TextDocument, private readonly cursor = 0, private readonly formats: ClientFormats = clientFormats()) {}

	get uri(): string {
		return this.document.uri;
	}

	/** What the user has typed of the part being completed: the span's text up to the cursor. */
	typedIn(span: Span): string {
		return this.document.getText().slice(span.start, Math.max(span.start, Math.min(span.end, this.cursor)));
	}

	/** The list is cut short: the client asks again as the user types more. */
	markIncomplete(): void {
		this.incomplete = true;
	}

	add(span: Span, proposal: CompletionProposal): void {
		const range = Range.create(this.document.positionAt(span.start), this.document.positionAt(span.end));
		const text = proposal.insertText ?? proposal.label;
		const snippet = proposal.snippet === true && this.formats.snippets;
		const item: CompletionItem = {
			label: proposal.label,
			kind: proposal.kind,
			// The position in the list is the rank: callers add the best proposals first.
			sortText: String(this.items.length).padStart(4, '0'),
			textEdit: TextEdit.replace(range, proposal.snippet && !snippet ? snippetToText(text) : text),
		};
		if (snippet) item.insertTextFormat = InsertTextFormat.Snippet;
		if (proposal.indented && this.formats.insertAsIs) item.insertTextMode = InsertTextMode.asIs;
		if (proposal.detail) item.detail = proposal.detail;
		if (proposal.documentation) {
			// A plain string is plain text to every client, including one that declared no formats.
			item.documentation = this.formats.documentation === 'markdown' ? { kind: MarkupKind.Markdown, value: proposal.documentation } : markdownToPlainText(proposal.documentation);
		}
		if (proposal.filterText) item.filterText = proposal.filterText;
		if (proposal.preselect && this.formats.preselect) item.preselect = true;
		if (proposal.command) item.command = proposal.command;
		this.items.push(item);
	}

	has(label: string): boolean {
		return this.items.some((item) => item.label === label);
	}

	list(): CompletionList {
		return { isIncomplete: this.incomplete, items: this.items };
	}
}

/** Escapes text for a snippet body, where `$`, `}` and `\` have meanings. */
export function escapeSnippet(text: string): string {
	return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}

/** A snippet choice placeholder `${n|a,b|}`; choices must not contain `,`, `|` or `$`. */
export function choice(index: number, values: readonly string[]): string {
	return values.length === 1 ? `\${${index}:${escapeSnippet(values[0])}}` : `\${${index}|${values.join(',')}|}`;
}
