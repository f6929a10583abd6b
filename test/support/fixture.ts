/**
 * Test helpers: a domain skeleton to put labels into, findings as {code, text} pairs (the text a
 * range covers), and applying a fix to get the resulting document.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings, type RuleFinding } from '../../server/src/service/features/findings';
import type { LanguageSettings } from '../../server/src/service/types';
import type { OffsetEdit } from '../../server/src/service/rules/rule';

/** A minimal domain; `labels` goes after <devices>, `devices` inside it. */
export function domain(labels: string, devices = '', attributes = ''): string {
	return `<domain type='kvm'${attributes}>\n  <name>guest</name>\n  <memory unit='KiB'>219200</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n${devices}\n  </devices>\n${labels}\n</domain>\n`;
}

/**
 * The same domain as live XML, the way a running guest's XML read from a host is parsed: marked
 * with the `<!-- libvirt-seclabel: live -->` comment, since an `id` alone does not make a
 * `<domain>` live (`virsh define` ignores it). A status file (`<domstatus>`) is live too, but
 * libvirt also skips validation there; tests that mean a status file write one.
 */
export function liveDomain(labels: string, devices = '', attributes = ''): string {
	return `<!-- libvirt-seclabel: live -->\n${domain(labels, devices, ` id='1'${attributes}`)}`;
}

/** A file disk with the given content inside <source>. */
export function disk(sourceContent = '', extra = '', target = 'vda', file = '/var/lib/libvirt/images/guest.qcow2'): string {
	return `    <disk type='file' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source file='${file}'>${sourceContent}</source>\n      <target dev='${target}' bus='virtio'/>${extra}\n    </disk>`;
}

export function findings(xml: string, settings: LanguageSettings = {}): RuleFinding[] {
	return computeFindings(parseSeclabelText(xml), settings);
}

/** Every finding as the rule id and the exact text its range covers. */
export function coded(xml: string, settings: LanguageSettings = {}): { code: string; text: string }[] {
	return findings(xml, settings).map((finding) => ({ code: finding.rule.id, text: xml.slice(finding.span.start, finding.span.end) }));
}

/** Only the findings of one rule. */
export function codedFor(rule: string, xml: string, settings: LanguageSettings = {}): { code: string; text: string; stage: string }[] {
	return findings(xml, settings).filter((finding) => finding.rule.id === rule).map((finding) => ({ code: finding.rule.id, text: xml.slice(finding.span.start, finding.span.end), stage: finding.stage }));
}

export function applyEdits(text: string, edits: readonly OffsetEdit[]): string {
	const document = TextDocument.create('test://test.xml', 'xml', 0, text);
	return TextDocument.applyEdits(document, edits.map((edit) => ({
		range: { start: document.positionAt(edit.span.start), end: document.positionAt(edit.span.end) },
		newText: edit.newText,
	})));
}

/** The document after applying the fix with that title to the first finding of a rule. */
export function applyFix(xml: string, rule: string, title: string, settings: LanguageSettings = {}): string {
	const finding = findings(xml, settings).find((f) => f.rule.id === rule);
	if (!finding) {
		throw new Error(`no ${rule} finding`);
	}
	const fix = finding.fixes?.find((f) => f.title === title);
	if (!fix) {
		throw new Error(`no fix '${title}' for ${rule}; have: ${(finding.fixes ?? []).map((f) => f.title).join(', ')}`);
	}
	return applyEdits(xml, fix.edits);
}
