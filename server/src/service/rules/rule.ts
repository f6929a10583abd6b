/**
 * The rule seam: a rule is data (id, stage, libvirt's message, docs) plus a check over the model.
 * One file per rule; the file name is the rule id, the diagnostic code, the settings key and the
 * anchor in docs/rules.md.
 */
import type { SeclabelDocument } from '../parser/seclabelModel';
import type { Span, XmlAttribute, XmlElement } from '../parser/xmlParser';
import type { PolicyInfo } from '../selinux/policy';
import type { DriverName, HostSecurityModel, SeverityName, Stage, WorkspaceContext } from '../types';
import type { Version } from '../version';

/** A text edit in offsets; converted to an LSP TextEdit at the edge. */
export interface OffsetEdit {
	readonly span: Span;
	readonly newText: string;
}

export interface Fix {
	readonly title: string;
	readonly edits: OffsetEdit[];
	/** The fix a user most likely wants; also the one "fix all" applies. */
	readonly isPreferred?: boolean;
	/** A command the action runs instead of (or after) the edits, such as opening the other guest's file. */
	readonly command?: { readonly title: string; readonly command: string; readonly arguments?: unknown[] };
}

/** A place in another document, for diagnostics that involve two guests. */
export interface RelatedLocation {
	readonly uri: string;
	readonly span: Span;
	/** Converts the span to a line/character position in that document; not needed when `range` is set. */
	readonly text?: string;
	/**
	 * The span's position, computed when the other document was indexed: the workspace index keeps
	 * positions instead of whole texts, to stay small for thousands of guests.
	 */
	readonly range?: { readonly start: { readonly line: number; readonly character: number }; readonly end: { readonly line: number; readonly character: number } };
	readonly message: string;
}

export interface Finding {
	readonly span: Span;
	/** What is wrong and why, in our words; libvirt's own text goes in `libvirtMessage`. */
	readonly message: string;
	/** libvirt's exact text, as virsh prints it after `error: `, when libvirt reports one. */
	readonly libvirtMessage?: string;
	/** Overrides the rule's stage, for rules whose effect differs between libvirt versions or XML modes. */
	readonly stage?: Stage;
	readonly related?: RelatedLocation[];
	readonly fixes?: Fix[];
}

export interface RuleContext {
	readonly doc: SeclabelDocument;
	readonly text: string;
	readonly version: Version;
	readonly driver: DriverName;
	readonly hostSecurityModel: HostSecurityModel;
	readonly policy?: PolicyInfo;
	/** True for live XML (`<domstatus>`, the live comment, a host's running guest: seclabelModel.ts DocumentKind), never for an `id` alone. */
	readonly live: boolean;
	/** What libvirt reads from the element with `string(./label)`. */
	textOf(element: XmlElement): string;
	report(finding: Finding): void;
	/** The checked document's URI, when the caller gave one (LanguageSettings.documentUri). */
	readonly uri?: string;
	/** The other guests, for the cross-guest rules (LanguageSettings.workspace). */
	readonly workspace?: WorkspaceContext;
	/** Labels the images carry on disk, when the user let them be read (LanguageSettings.imageLabels). */
	readonly imageLabels?: import('../workspace/imageLabels').ImageLabelLookup;
}

/** Which code in libvirt checks the rule, which decides where it applies. */
export type RuleScope =
	/** domain_conf.c / domain_validate.c: every driver, define and live. */
	| 'parser'
	/** qemu_validate.c and the SELinux driver's post-parse verify: QEMU hosts only. */
	| 'qemu'
	/** Nothing at parse time: the effect shows at start, or never. */
	| 'runtime';

/**
 * What a rule's findings depend on, so that a pipeline can keep them per element and recompute
 * only where an edit lands (docs/benchmarks.md, "How the pipeline works"):
 * - `document`: anything in the document; rerun on every change.
 * - `domain`: the document outside `<devices>` (the root's attributes, the domain seclabels, name,
 *   uuid); an edit inside one device never changes them.
 * - `device`: findings inside a device (a `<disk>` with its backing chain, a character device)
 *   depend only on that device, findings outside every device only on the domain part.
 * - `workspace`: this guest against the other guests of the index (cross-guest rules).
 * `reads: ['domain']` says that the rule also reads the domain part (a device rule that compares
 * with the domain seclabels, or reads whether the XML is live): a change there reruns it everywhere.
 */
export type RuleUnit = 'document' | 'domain' | 'device' | 'workspace';

export interface RuleExtent {
	readonly unit: RuleUnit;
	readonly reads?: readonly 'domain'[];
}

/** A rule without a declared extent is taken to read the whole document, which is always safe. */
export const DOCUMENT_EXTENT: RuleExtent = { unit: 'document' };

export function extentOf(rule: Rule): RuleExtent {
	return rule.extent ?? DOCUMENT_EXTENT;
}

export interface Rule {
	readonly id: string;
	readonly stage: Stage;
	/** Defaults to error for define and start, warning for ignored, information for advice. */
	readonly severity?: SeverityName;
	readonly scope: RuleScope;
	/** What its findings depend on (see RuleExtent); `document` when absent. */
	readonly extent?: RuleExtent;
	/** One line: what the rule finds. */
	readonly title: string;
	/** Markdown: why it matters, what libvirt does, how to fix it. */
	readonly description: string;
	/** libvirt's message template as the rules reference prints it, when libvirt has one. */
	readonly libvirtMessage?: string;
	/** Ids in shared/reference/libvirt-rules.md or selinux-semantics.md sections. */
	readonly reference?: string;
	/** Version differences, in prose, for the docs. */
	readonly versions?: string;
	/** A minimal XML that triggers the rule, for the docs. */
	readonly example?: string;
	check(context: RuleContext): void;
}

export function defaultSeverity(rule: Rule): SeverityName {
	if (rule.severity) {
		return rule.severity;
	}
	switch (rule.stage) {
		case 'define':
		case 'start':
			return 'error';
		case 'ignored':
			return 'warning';
		case 'advice':
			return 'information';
	}
}

/** The span of an attribute from its name to the closing quote. */
export function attributeSpan(attribute: XmlAttribute): Span {
	return { start: attribute.nameStart, end: attribute.end };
}

/**
 * The span of an attribute's value (inside the quotes); the name when it has no value. An empty
 * value (`relabel=''`) is its two quotes: a zero-width range is one clients cannot draw (they
 * widen it to a neighbouring word or hide it).
 */
export function valueSpan(attribute: XmlAttribute): Span {
	if (attribute.value === null) {
		return { start: attribute.nameStart, end: attribute.nameEnd };
	}
	return drawableValueSpan(attribute);
}

/** An attribute value's offsets, widened to its quotes (or the whole attribute) when it is empty. */
export function drawableValueSpan(attribute: XmlAttribute): Span {
	if (attribute.valueEnd > attribute.valueStart) {
		return { start: attribute.valueStart, end: attribute.valueEnd };
	}
	if (attribute.quote !== null) {
		// An unclosed empty value ends at the line's end: the opening quote alone.
		return { start: attribute.valueStart - 1, end: Math.max(attribute.end, attribute.valueStart) };
	}
	return { start: attribute.nameStart, end: Math.max(attribute.end, attribute.nameEnd) };
}

/** The span of an element's name in its start tag. */
export function nameSpan(element: XmlElement): Span {
	return { start: element.start + 1, end: element.nameEnd };
}

/** The whole element, start tag to end tag. */
export function elementSpan(element: XmlElement): Span {
	return { start: element.start, end: element.end };
}
