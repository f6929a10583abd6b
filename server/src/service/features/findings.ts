/**
 * Runs the rules over a parsed document: the one place that decides which rules apply (settings,
 * driver, version) and what stage and severity each finding gets. Diagnostics, code actions and the
 * CLI all read its result.
 */
import type { SeclabelDocument } from '../parser/seclabelModel';
import { siteView } from '../parser/parseSites';
import { refusedByLibxml, type XmlElement } from '../parser/xmlParser';
import { libvirtText } from '../parser/dtdSubset';
import { formatLibxmlError } from '../parser/libxmlErrors';
import { libxmlNoMarkupError, libxmlNoRootError } from '../parser/libxmlMarkup';
import { allRules } from '../rules';
import { defaultSeverity, type Finding, type Rule, type RuleContext } from '../rules/rule';
import type { DriverName, HostSecurityModel, LanguageSettings, SeverityName, Stage } from '../types';
import { NEWEST_VERSION, parseVersion, type Version } from '../version';
import { runIncrementally } from './incrementalFindings';
import { composeWithTarget, findingInFragment } from './attachTarget';

export interface RuleFinding extends Finding {
	readonly rule: Rule;
	readonly stage: Stage;
	readonly severity: SeverityName;
}

export interface ResolvedSettings {
	readonly version: Version;
	readonly driver: DriverName;
	readonly hostSecurityModel: HostSecurityModel;
	readonly settings: LanguageSettings;
}

export function resolveSettings(settings: LanguageSettings = {}): ResolvedSettings {
	return {
		version: (settings.libvirtVersion && parseVersion(settings.libvirtVersion)) || parseVersion(NEWEST_VERSION)!,
		driver: settings.driver ?? 'qemu',
		hostSecurityModel: settings.hostSecurityModel ?? 'selinux',
		settings,
	};
}

/**
 * Findings one rule reports per document at most. Past this (a generated file, garbage with
 * thousands of stray attributes) more of the same only floods the editor and the protocol, and
 * building them would make the cost grow with the damage instead of with the document.
 */
export const MAX_FINDINGS_PER_RULE = 500;

const cache = new WeakMap<SeclabelDocument, { key: string; findings: RuleFinding[] }>();

function cacheKey(settings: LanguageSettings): string {
	// The workspace generation changes when another guest changes, which can change this document's cross-guest findings.
	return JSON.stringify([settings.libvirtVersion, settings.driver, settings.hostSecurityModel, settings.rules, settings.reportNonDomain, settings.policy?.source, settings.documentUri, settings.workspace?.generation, settings.attachTarget?.uri, settings.attachTarget?.text, settings.imageLabels?.generation]);
}

/** What device rules read of the settings: all of it but the workspace, which only workspace rules read. */
function rulesKey(settings: LanguageSettings): string {
	return JSON.stringify([settings.libvirtVersion, settings.driver, settings.hostSecurityModel, settings.rules, settings.reportNonDomain, settings.policy?.source, settings.attachTarget?.uri, settings.attachTarget?.text, settings.imageLabels?.generation]);
}

/** All findings for a document, cached per parsed document and settings. */
export function computeFindings(doc: SeclabelDocument, settings: LanguageSettings = {}): RuleFinding[] {
	const key = cacheKey(settings);
	const cached = cache.get(doc);
	if (cached && cached.key === key) {
		return cached.findings;
	}
	const shown = onlyLibxmlSpeaks(doc, computeRuleFindings(doc, settings), resolveSettings(settings).version);
	cache.set(doc, { key, findings: shown });
	return shown;
}

/**
 * All findings for a document checked once (the CLI): no cache, and no incremental state kept for
 * its URI (incrementalFindings.ts keeps a document's last run for the next edit, which a file on
 * the command line never gets). The same findings as computeFindings.
 */
export function computeFindingsOnce(doc: SeclabelDocument, settings: LanguageSettings = {}): RuleFinding[] {
	const resolved = resolveSettings(settings);
	return onlyLibxmlSpeaks(doc, runRules(doc, resolved), resolved.version);
}

/**
 * What the rules themselves report, before the document-wide pass that leaves libvirt's message
 * only on libxml2's error when the document is not well-formed (onlyLibxmlSpeaks): each rule's
 * declared extent is a claim about this (test/unit/ruleExtent.test.ts). Not cached.
 */
export function computeRuleFindings(doc: SeclabelDocument, settings: LanguageSettings = {}): RuleFinding[] {
	const resolved = resolveSettings(settings);
	// An editor's document (it has a URI) keeps the findings of devices an edit did not touch.
	return settings.documentUri !== undefined && doc.domain && !doc.xml.limit
		? runIncrementally(siteView(doc, resolved.version), resolved, rulesKey(settings), settings.documentUri, settings.editing === true)
		: runRules(doc, resolved);
}

/**
 * On a document that is not well-formed virsh prints only libxml2's first error: libvirt never
 * reads the labels. The other rules' findings stay (they help while typing), with their stage and
 * severity, but only xml-not-well-formed's one finding keeps a libvirtMessage (the message virsh
 * prints). On a well-formed document it costs one pass over the findings.
 */
function onlyLibxmlSpeaks(doc: SeclabelDocument, findings: RuleFinding[], version: Version): RuleFinding[] {
	if ((!refusedByLibxml(doc.xml, version) && !findings.some((finding) => finding.rule.id === 'xml-not-well-formed')) || !findings.some((finding) => finding.libvirtMessage !== undefined && finding.rule.id !== 'xml-not-well-formed')) {
		return findings;
	}
	return findings.map((finding) => finding.libvirtMessage === undefined || finding.rule.id === 'xml-not-well-formed' || finding.rule.id === 'not-a-domain' ? finding : { ...finding, libvirtMessage: undefined });
}

/** Orders findings by position; the sort is stable, so ties keep catalogue and report order. */
export function sortFindings(findings: RuleFinding[]): RuleFinding[] {
	return findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
}

function runRules(parsed: SeclabelDocument, resolved: ResolvedSettings): RuleFinding[] {
	const findings: RuleFinding[] = [];
	// The seclabels the target release reads (some sites are read only by newer releases).
	const doc = siteView(parsed, resolved.version);
	const overrides = resolved.settings.rules ?? {};
	if (doc.xml.limit) {
		// Past a parse limit nothing was built to check: one finding says why.
		const tooLarge = allRules.find((rule) => rule.id === 'document-too-large');
		if (tooLarge && overrides[tooLarge.id] !== 'off') {
			findings.push({ rule: tooLarge, stage: tooLarge.stage, severity: overrides[tooLarge.id] as SeverityName ?? defaultSeverity(tooLarge), span: { start: doc.xml.limit.start, end: doc.xml.limit.end }, message: doc.xml.limit.message });
		}
		return findings;
	}
	const target = resolved.settings.attachTarget;
	if (doc.fragment && target) {
		// An attach-device fragment with a known guest: checked as that guest's last device.
		const composed = composeWithTarget(doc, target);
		if (composed) {
			const inner = runRules(composed.doc, { ...resolved, settings: { ...resolved.settings, attachTarget: undefined } });
			return inner.map((finding) => findingInFragment(composed, target, finding)).filter((finding): finding is RuleFinding => finding !== null);
		}
	}
	// A root refused for its name (an unbound prefix) is a domain or a device being written: its rules run.
	if (!doc.domain && !doc.fragment && !doc.refusedRoot) {
		const notADomain = allRules.find((rule) => rule.id === 'not-a-domain');
		if (resolved.settings.reportNonDomain && !doc.xml.root && !doc.otherRoot && notADomain && overrides['not-a-domain'] !== 'off') {
			const problem = doc.xml.problems[0];
			const empty = doc.xml.text.trim() === '';
			const message = empty ? 'The file is empty: there is no domain to define.' : `Not a libvirt domain XML document: ${problem ? problem.message : 'no root element.'}`;
			// Without a root libxml2 still has its first error, which virsh prints.
			// (XML's blanks only: other white space is text before the root to libxml2.)
			const libxml = /^[ \t\r\n]*$/.test(doc.xml.text) ? libxmlNoMarkupError(doc.xml.text, resolved.version) : libxmlNoRootError(doc.xml, resolved.version);
			const libvirtMessage = libxml && formatLibxmlError(libxml, resolved.version);
			findings.push({ rule: notADomain, stage: 'define', severity: overrides['not-a-domain'] as SeverityName ?? 'error', span: problem ?? { start: 0, end: 0 }, message, ...(libvirtMessage !== undefined ? { libvirtMessage } : {}) });
		}
		return findings;
	}
	findings.push(...runRuleSet(doc, resolved, allRules).findings);
	return sortFindings(findings);
}

export interface RuleSetRun {
	/** In catalogue order, each rule's findings in the order it reported them. */
	readonly findings: RuleFinding[];
	/** Rules that reported more than MAX_FINDINGS_PER_RULE (the rest were dropped). */
	readonly capped: ReadonlySet<string>;
}

/**
 * Runs some rules over a document (or a view of it with fewer devices, see
 * incrementalFindings.ts); applies the settings' overrides and the driver's scope.
 */
export function runRuleSet(doc: SeclabelDocument, resolved: ResolvedSettings, rules: readonly Rule[]): RuleSetRun {
	const findings: RuleFinding[] = [];
	const capped = new Set<string>();
	const overrides = resolved.settings.rules ?? {};
	const textCache = new Map<XmlElement, string>();
	// One context for all the rules of a run, not one per rule: report() reads which rule is
	// running from these three (a rule reports only while its check runs; checks are synchronous).
	let rule: Rule;
	let override: (typeof overrides)[string];
	let reported = 0;
	const context: RuleContext = {
		doc,
		text: doc.xml.text,
		version: resolved.version,
		driver: resolved.driver,
		hostSecurityModel: resolved.hostSecurityModel,
		policy: resolved.settings.policy,
		live: doc.kind === 'live',
		uri: resolved.settings.documentUri,
		workspace: resolved.settings.workspace,
		imageLabels: resolved.settings.imageLabels,
		textOf(element) {
			let value = textCache.get(element);
			if (value === undefined) {
				value = libvirtText(doc.xml, element);
				textCache.set(element, value);
			}
			return value;
		},
		report(finding) {
			if (++reported > MAX_FINDINGS_PER_RULE) {
				capped.add(rule.id);
				return;
			}
			const stage = finding.stage ?? rule.stage;
			const severity = (override as SeverityName | undefined) ?? (stage === rule.stage ? defaultSeverity(rule) : defaultSeverity({ ...rule, stage, severity: undefined }));
			findings.push({ ...finding, rule, stage, severity });
		},
	};
	for (rule of rules) {
		override = overrides[rule.id];
		if (override === 'off' || (rule.scope === 'qemu' && resolved.driver !== 'qemu')) {
			continue;
		}
		reported = 0;
		try {
			rule.check(context);
		} catch (error) {
			// A rule bug must not take the other rules (or the server) down with it.
			findings.push({ rule, stage: 'advice', severity: 'hint', span: { start: 0, end: 0 }, message: `Internal error in rule ${rule.id}: ${String(error)}` });
		}
	}
	return { findings, capped };
}
