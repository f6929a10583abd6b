/**
 * Findings → LSP diagnostics: the one place where rule offsets become positions.
 */
import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SeclabelDocument } from '../parser/seclabelModel';
import type { LanguageSettings, SeverityName, Stage } from '../types';
import { computeFindings, type RuleFinding } from './findings';

export const DIAGNOSTIC_SOURCE = 'libvirt-seclabel';

const SEVERITIES: Record<SeverityName, DiagnosticSeverity> = {
	error: DiagnosticSeverity.Error,
	warning: DiagnosticSeverity.Warning,
	information: DiagnosticSeverity.Information,
	hint: DiagnosticSeverity.Hint,
};

const STAGE_PHRASES: Record<Stage, string> = {
	define: 'libvirt refuses this',
	start: 'fails when the guest starts',
	ignored: 'libvirt silently ignores this',
	advice: 'advice',
};

/** What travels in Diagnostic.data, for clients and code actions. */
export interface DiagnosticData {
	readonly stage: Stage;
	readonly libvirtMessage?: string;
}

export interface ValidationOptions {
	/** Base URI of the rules reference; `#<rule-id>` is appended for codeDescription. */
	readonly rulesDocumentationUri?: string;
	/** Turns a related location's text into a range when it is in another document. */
	readonly resolveRelatedRange?: (uri: string, text: string, start: number, end: number) => Range;
	/**
	 * The client shows `relatedInformation` (default true). Without it (eglot 1.9) the related
	 * locations, such as the other guest of a shared image, are written into the message.
	 */
	readonly relatedInformation?: boolean;
	/** The client shows `codeDescription` links (default true); without it none is sent. */
	readonly codeDescription?: boolean;
}

/** `guest.xml:12` for a file of another document, `line 12` in this one. */
function describeLocation(uri: string, documentUri: string, line: number): string {
	if (uri === documentUri) {
		return `line ${line + 1}`;
	}
	let where = uri;
	if (uri.startsWith('file:')) {
		try {
			where = decodeURIComponent(new URL(uri).pathname);
		} catch {
			where = uri;
		}
	}
	return `${where}:${line + 1}`;
}

export function findingMessage(finding: RuleFinding): string {
	const explanation = `${finding.message} [${STAGE_PHRASES[finding.stage]}]`;
	return finding.libvirtMessage ? `${finding.libvirtMessage}\n${explanation}` : explanation;
}

export function doValidation(document: TextDocument, doc: SeclabelDocument, settings: LanguageSettings = {}, options: ValidationOptions = {}): Diagnostic[] {
	return computeFindings(doc, settings).map((finding) => toDiagnostic(document, finding, options));
}

export function toDiagnostic(document: TextDocument, finding: RuleFinding, options: ValidationOptions = {}): Diagnostic {
	const range = Range.create(document.positionAt(finding.span.start), document.positionAt(finding.span.end));
	const data: DiagnosticData = { stage: finding.stage, libvirtMessage: finding.libvirtMessage };
	const diagnostic: Diagnostic = {
		range,
		severity: SEVERITIES[finding.severity],
		code: finding.rule.id,
		source: DIAGNOSTIC_SOURCE,
		message: findingMessage(finding),
		data,
	};
	if (options.rulesDocumentationUri && options.codeDescription !== false) {
		diagnostic.codeDescription = { href: `${options.rulesDocumentationUri}#${finding.rule.id}` };
	}
	if (finding.related && finding.related.length > 0) {
		diagnostic.relatedInformation = finding.related.map((related) => {
			const uri = related.uri || document.uri;
			const relatedRange = related.range
				? Range.create(related.range.start, related.range.end)
				: uri === document.uri
					? Range.create(document.positionAt(related.span.start), document.positionAt(related.span.end))
					: options.resolveRelatedRange?.(uri, related.text ?? '', related.span.start, related.span.end) ?? Range.create(0, 0, 0, 0);
			return DiagnosticRelatedInformation.create(Location.create(uri, relatedRange), related.message);
		});
		if (options.relatedInformation === false) {
			const lines = diagnostic.relatedInformation.map((related) => `${describeLocation(related.location.uri, document.uri, related.location.range.start.line)}: ${related.message}`);
			diagnostic.message = `${diagnostic.message}\n${lines.join('\n')}`;
			delete diagnostic.relatedInformation;
		}
	}
	return diagnostic;
}
