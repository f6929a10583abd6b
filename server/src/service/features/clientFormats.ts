/**
 * What each client gets, from what it declared in `initialize`: snippet syntax only for a client
 * with `snippetSupport` (others get the text as it would stand after accepting the snippet's
 * defaults, valid XML with no `${1|…|}` left in), and markdown only for a client that prefers it
 * (its format list starts with `markdown`); others get readable plain text. Diagnostics carry
 * related locations and rule links only for a client that shows them. The service writes
 * its documentation in one small markdown subset (bold, code spans, links, `- ` lists, fenced
 * blocks), and this module is the one place that renders it for a plain-text client.
 */
import { InsertTextMode, MarkupKind } from 'vscode-languageserver-types';
import { LATEST_CLIENT_CAPABILITIES, type ClientCapabilities } from '../types';

export type TextFormat = 'markdown' | 'plaintext';

/** The client's capabilities reduced to the choices the features make. */
export interface ClientFormats {
	readonly snippets: boolean;
	readonly hover: TextFormat;
	readonly documentation: TextFormat;
	readonly preselect: boolean;
	/** The client honours `insertTextMode: asIs` (text already indented for its place). */
	readonly insertAsIs: boolean;
	/**
	 * The client shows a diagnostic's related locations; else they go into the message. Only an
	 * explicit `false` (eglot's) turns them off: a client that ignores an unknown field loses nothing,
	 * one that shows it without declaring it would get every location twice.
	 */
	readonly relatedInformation: boolean;
	/** The client shows a diagnostic's `codeDescription` link (again only an explicit `false` says no). */
	readonly codeDescription: boolean;
}

/** Markdown when the client lists it first; plain text when it lists something else first or nothing. */
function preferred(formats: readonly string[] | undefined): TextFormat {
	return Array.isArray(formats) && formats[0] === MarkupKind.Markdown ? 'markdown' : 'plaintext';
}

export function clientFormats(capabilities: ClientCapabilities = LATEST_CLIENT_CAPABILITIES): ClientFormats {
	const completionItem = capabilities.textDocument?.completion?.completionItem;
	const modes = completionItem?.insertTextModeSupport?.valueSet;
	return {
		snippets: completionItem?.snippetSupport === true,
		hover: preferred(capabilities.textDocument?.hover?.contentFormat),
		documentation: preferred(completionItem?.documentationFormat),
		preselect: completionItem?.preselectSupport === true,
		insertAsIs: Array.isArray(modes) && modes.includes(InsertTextMode.asIs),
		relatedInformation: capabilities.textDocument?.publishDiagnostics?.relatedInformation !== false,
		codeDescription: capabilities.textDocument?.publishDiagnostics?.codeDescriptionSupport !== false,
	};
}

/**
 * A snippet as it stands once accepted without typing: each placeholder's default (a choice's
 * first value), tab stops removed, escapes undone.
 */
export function snippetToText(snippet: string): string {
	let index = 0;
	const read = (until: string | null): string => {
		let out = '';
		while (index < snippet.length) {
			const c = snippet[index];
			if (c === '\\' && index + 1 < snippet.length && '$}\\,|'.includes(snippet[index + 1])) {
				out += snippet[index + 1];
				index += 2;
				continue;
			}
			if (until !== null && c === until) {
				return out;
			}
			if (c === '$') {
				const tabStop = /^\$(\d+)/.exec(snippet.slice(index));
				if (tabStop) {
					index += tabStop[0].length;
					continue;
				}
				const placeholder = /^\$\{(\d+)([:|])/.exec(snippet.slice(index));
				if (placeholder) {
					index += placeholder[0].length;
					if (placeholder[2] === ':') {
						out += read('}');
						index++;
					} else {
						const choices: string[] = [];
						for (;;) {
							let value = '';
							while (index < snippet.length && snippet[index] !== ',' && snippet[index] !== '|') {
								if (snippet[index] === '\\' && index + 1 < snippet.length) index++;
								value += snippet[index++];
							}
							choices.push(value);
							if (snippet[index] !== ',') break;
							index++;
						}
						index += 2; // `|}`
						out += choices[0] ?? '';
					}
					continue;
				}
			}
			out += c;
			index++;
		}
		return out;
	};
	return read(null);
}

/** Inline markdown of the subset as plain text: `code` and **bold** unmarked, [text](url) as `text (url)`. */
function inlineToPlain(line: string): string {
	let out = '';
	let rest = line;
	while (rest.length > 0) {
		const tick = /`+/.exec(rest);
		const before = tick ? rest.slice(0, tick.index) : rest;
		out += before.replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, '$1 ($2)').replace(/\*\*/g, '');
		if (!tick) break;
		const fence = tick[0];
		const close = rest.indexOf(fence, tick.index + fence.length);
		if (close < 0) {
			out += rest.slice(tick.index);
			break;
		}
		let code = rest.slice(tick.index + fence.length, close);
		// `` ` x ` `` is how markdown writes a code span that starts or ends with a backtick.
		if (fence.length > 1 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
		out += code;
		rest = rest.slice(close + fence.length);
	}
	return out;
}

/** The markdown subset the service writes, as plain text a reader can take in as it is. */
export function markdownToPlainText(markdown: string): string {
	const lines: string[] = [];
	let inFence = false;
	for (const line of markdown.split('\n')) {
		if (/^\s*```/.test(line)) {
			inFence = !inFence;
			continue;
		}
		lines.push(inFence ? `    ${line}` : inlineToPlain(line));
	}
	return lines.join('\n');
}

/** Service markdown in the client's format. */
export function renderMarkup(markdown: string, format: TextFormat): { kind: TextFormat; value: string } {
	return format === 'markdown' ? { kind: MarkupKind.Markdown, value: markdown } : { kind: MarkupKind.PlainText, value: markdownToPlainText(markdown) };
}
