/**
 * Runs the rules over a parsed document: the one place that decides which rules apply (settings,
 * driver, version) and what stage and severity each finding gets. Diagnostics, code actions and the
 * CLI all read its result.
 */
import type { SeclabelDocument } from '../parser/seclabelModel';
import { siteView } from '../parser/parseSites';
import type { XmlElement } from '../parser/xmlParser';
import { libvirtText } from '../parser/dtdSubset';
import { allRules } from '../rules';
import { defaultSeverity, type Finding, type Rule, type RuleContext } from '../rules/rule';
import type { DriverName, HostSecurityModel, LanguageSettings, SeverityName, Stage } from '../types';
import { NEWEST_VERSION, parseVersion, type Version } from '../version';
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

/** All findings for a document, cached per parsed document and settings. */
export function computeFindings(doc: SeclabelDocument, settings: LanguageSettings = {}): RuleFinding[] {
	const key = cacheKey(settings);
	const cached = cache.get(doc);
	if (cached && cached.key === key) {
		return cached.findings;
	}
	const findings = runRules(doc, resolveSettings(settings));
	cache.set(doc, { key, findings });
	return findings;
}

function runRules(parsed: SeclabelDocument, resolved: ResolvedSettings): RuleFinding[] {
	const findings: RuleFinding[] = [];
	// The seclabels the target release reads (some sites are read only by newer releases).
	const doc = siteView(parsed, resolved.version);
	const overrides = resolved.settings.rules ?? {};
	const target = resolved.settings.attachTarget;
	if (doc.fragment && target) {
		// An attach-device fragment with a known guest: checked as that guest's last device.
		const composed = composeWithTarget(doc, target);
		if (composed) {
			const inner = runRules(composed.doc, { ...resolved, settings: { ...resolved.settings, attachTarget: undefined } });
			return inner.map((finding) => findingInFragment(composed, target, finding)).filter((finding): finding is RuleFinding => finding !== null);
		}
	}
	if (!doc.domain && !doc.fragment) {
		const notADomain = allRules.find((rule) => rule.id === 'not-a-domain');
		if (resolved.settings.reportNonDomain && !doc.xml.root && !doc.otherRoot && notADomain && overrides['not-a-domain'] !== 'off') {
			const problem = doc.xml.problems[0];
			const message = doc.xml.text.trim() === '' ? 'The file is empty: there is no domain to define.' : `Not a libvirt domain XML document: ${problem ? problem.message : 'no root element.'}`;
			findings.push({ rule: notADomain, stage: 'define', severity: overrides['not-a-domain'] as SeverityName ?? 'error', span: problem ?? { start: 0, end: 0 }, message });
		}
		return findings;
	}
	const textCache = new Map<XmlElement, string>();
	for (const rule of allRules) {
		const override = overrides[rule.id];
		if (override === 'off' || (rule.scope === 'qemu' && resolved.driver !== 'qemu')) {
			continue;
		}
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
					return;
				}
				const stage = finding.stage ?? rule.stage;
				const severity = override ?? (stage === rule.stage ? defaultSeverity(rule) : defaultSeverity({ ...rule, stage, severity: undefined }));
				findings.push({ ...finding, rule, stage, severity });
			},
		};
		try {
			rule.check(context);
		} catch (error) {
			// A rule bug must not take the other rules (or the server) down with it.
			findings.push({ rule, stage: 'advice', severity: 'hint', span: { start: 0, end: 0 }, message: `Internal error in rule ${rule.id}: ${String(error)}` });
		}
	}
	findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
	return findings;
}
