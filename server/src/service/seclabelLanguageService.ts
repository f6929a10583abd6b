/**
 * The language service facade: everything the LSP server, the CLI and the tests call. It knows no
 * transport, no editor and no file system; callers pass documents and settings in.
 */
import type { CodeAction, CodeActionContext, CompletionList, Diagnostic, Hover, Position, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { buildModel, FRAGMENT_ELEMENTS, isRefusedRootName, patchModel, rootElementName, type ModelOptions, type SeclabelDocument } from './parser/seclabelModel';
import { DEFAULT_PARSE_LIMITS, parseXml, type ParseLimits } from './parser/xmlParser';
import { reparseXml, spliceOf } from './parser/incrementalParse';
import { doValidation, type ValidationOptions } from './features/validation';
import { doCodeActions } from './features/codeActions';
import { doComplete } from './features/completion';
import { doHover } from './features/hover';
import type { ClientCapabilities, LanguageSettings } from './types';
import { clientFormats } from './features/clientFormats';

export interface SeclabelLanguageService {
	/**
	 * Parses a document; cheap for XML that is not a libvirt domain. Past a limit the document is empty but for why.
	 * With `previous` (an earlier version of the same document), only the edited element is parsed
	 * again when that is sure to give the same result (parser/incrementalParse.ts); `previous` is then
	 * consumed: its tree becomes the new one, so it must not be used afterwards.
	 */
	parseDocument(document: TextDocument, limits?: ParseLimits, previous?: SeclabelDocument): SeclabelDocument;
	doValidation(document: TextDocument, doc: SeclabelDocument, settings?: LanguageSettings, options?: ValidationOptions): Diagnostic[];
	doCodeActions(document: TextDocument, range: Range, context: CodeActionContext, doc: SeclabelDocument, settings?: LanguageSettings): CodeAction[];
	doComplete(document: TextDocument, position: Position, doc: SeclabelDocument, settings?: LanguageSettings): CompletionList;
	doHover(document: TextDocument, position: Position, doc: SeclabelDocument, settings?: LanguageSettings): Hover | null;
}

/**
 * Parses text into the seclabel model. XML whose root is another element than a domain or an
 * attach-device fragment (a network, a pool) is not parsed at all; text with no element at all is, so that the CLI can say what is wrong with it.
 * `options.kind` is for a caller that knows more than the text says: `live` for a running guest's
 * XML read from a host (a `<domain id='N'>` alone is inactive XML, as `virsh define` reads it).
 */
export function parseSeclabelText(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS, options: ModelOptions = {}): SeclabelDocument {
	const root = rootElementName(text);
	if (root !== undefined && root !== 'domain' && root !== 'domstatus' && !FRAGMENT_ELEMENTS.includes(root) && !isRefusedRootName(root)) {
		return otherXml(text);
	}
	return buildModel(parseXml(text, limits), options);
}

/**
 * The model of `text`, an edited version of `previous`: the tree is patched in place where only
 * one element changed (parser/incrementalParse.ts), and the model where that element is inside
 * one device (patchModel), else both are built in full. `previous` must not be
 * used afterwards.
 */
export function reparseSeclabelText(previous: SeclabelDocument, text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): SeclabelDocument {
	if (previous.xml.text === text) {
		return previous;
	}
	if (previous.otherRoot || previous.fragment || !previous.domain) {
		return parseSeclabelText(text, limits);
	}
	const xml = reparseXml(previous.xml, text, limits);
	if (!xml) {
		return parseSeclabelText(text, limits);
	}
	// One device parsed again: its model is built again too, the rest of the model is kept.
	const splice = spliceOf(xml);
	return (splice && patchModel(previous, xml, splice)) || buildModel(xml);
}

function otherXml(text: string): SeclabelDocument {
	return { xml: { text, root: null, problems: [] }, domain: null, kind: 'inactive', seclabels: [], disks: [], chardevs: [], deviceSeclabels: [], strayseclabels: [], otherRoot: true };
}

export interface LanguageServiceOptions {
	/**
	 * What the client declared in `initialize`: snippets and markdown only for a client that takes
	 * them. Without it, what VS Code declares (LATEST_CLIENT_CAPABILITIES).
	 */
	readonly clientCapabilities?: ClientCapabilities;
}

export function getSeclabelLanguageService(options: LanguageServiceOptions = {}): SeclabelLanguageService {
	const formats = clientFormats(options.clientCapabilities);
	return {
		parseDocument: (document, limits, previous) => previous ? reparseSeclabelText(previous, document.getText(), limits) : parseSeclabelText(document.getText(), limits),
		doValidation: (document, doc, settings, options = {}) => doValidation(document, doc, settings,
			{ ...options, relatedInformation: options.relatedInformation ?? formats.relatedInformation, codeDescription: options.codeDescription ?? formats.codeDescription }),
		doCodeActions,
		doComplete: (document, position, doc, settings) => doComplete(document, position, doc, settings, formats),
		doHover: (document, position, doc, settings) => doHover(document, position, doc, settings, formats),
	};
}

export type { ClientCapabilities, LanguageSettings } from './types';
