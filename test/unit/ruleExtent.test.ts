/**
 * Each rule's declared extent (rule.ts, RuleExtent) is what an incremental pipeline trusts to keep
 * findings per element, so it is checked here against the rules themselves, on libvirt's own test
 * domains and on generated ones with every kind of label: a device rule's findings inside a device
 * must not change when every other device is blanked out (replaced by spaces, so offsets stay), and
 * a domain rule's findings must not change when all devices are. A rule that reads beyond what it
 * declares fails here with the file and the device.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
// The rules' own findings: whether libvirt's message is shown depends on the whole document's
// well-formedness (a pass after the rules, findings.ts), which is no rule's extent.
import { computeRuleFindings as computeFindings, type RuleFinding } from '../../server/src/service/features/findings';
import { allRules } from '../../server/src/service/rules';
import { extentOf } from '../../server/src/service/rules/rule';
import type { Span } from '../../server/src/service/parser/xmlParser';
import { CORPUS_DIR } from '../support/corpus';
import { fileDisk, guestXml } from '../workspace/guests';

function corpusFiles(dir: string): string[] {
	const found: string[] = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) {
			found.push(...corpusFiles(full));
		} else if (entry.name.endsWith('.xml')) {
			found.push(full);
		}
	}
	return found.sort();
}

/** The text with the spans replaced by spaces (line breaks kept), so every other offset stays. */
function blank(text: string, spans: readonly Span[]): string {
	let out = '';
	let at = 0;
	for (const span of [...spans].sort((a, b) => a.start - b.start)) {
		out += text.slice(at, span.start) + text.slice(span.start, span.end).replace(/[^\r\n]/g, ' ');
		at = span.end;
	}
	return out + text.slice(at);
}

function key(finding: RuleFinding): string {
	return JSON.stringify([finding.rule.id, finding.span, finding.stage, finding.message, finding.libvirtMessage,
		(finding.related ?? []).map((related) => [related.uri, related.span, related.message]),
		(finding.fixes ?? []).map((fix) => [fix.title, fix.edits])]);
}

const inside = (span: Span, outer: Span) => span.start >= outer.start && span.end <= outer.end;

/** Checks one text; returns the number of device comparisons made. */
function checkExtents(name: string, text: string): number {
	const doc = parseSeclabelText(text);
	if (!doc.domain) {
		return 0;
	}
	const full = computeFindings(doc);
	const devices: Span[] = [...doc.disks.map((disk) => disk.element), ...doc.chardevs.map((chardev) => chardev.element)]
		.map((element) => ({ start: element.start, end: element.end }));
	const unitOf = (finding: RuleFinding) => extentOf(finding.rule).unit;
	// Domain rules, and device rules outside every device, see the same with no devices at all.
	const noDevices = computeFindings(parseSeclabelText(blank(text, devices)));
	const outsideDevices = (finding: RuleFinding) => !devices.some((device) => inside(finding.span, device));
	for (const unit of ['domain', 'device'] as const) {
		const expected = full.filter((f) => unitOf(f) === unit && outsideDevices(f)).map(key);
		const actual = noDevices.filter((f) => unitOf(f) === unit && outsideDevices(f)).map(key);
		assert.deepEqual(actual, expected, `${name}: ${unit} rules outside the devices change when the devices are blanked out`);
	}
	// Device rules inside a device see the same with every other device blanked out; those that do
	// not read the domain part also with the domain seclabels blanked out.
	let compared = 0;
	for (const device of devices.slice(0, 12)) {
		const others = devices.filter((other) => other !== device);
		const alone = computeFindings(parseSeclabelText(blank(text, others)));
		const inDevice = (findings: RuleFinding[], pure: boolean) => findings
			.filter((f) => unitOf(f) === 'device' && inside(f.span, device) && (!pure || !extentOf(f.rule).reads?.includes('domain')))
			.map(key);
		assert.deepEqual(inDevice(alone, false), inDevice(full, false), `${name}: a device rule's findings in the device at ${device.start} change when the other devices are blanked out`);
		const domainSeclabels = doc.seclabels.map((seclabel) => ({ start: seclabel.element.start, end: seclabel.element.end }));
		if (domainSeclabels.length > 0) {
			const bare = computeFindings(parseSeclabelText(blank(text, [...others, ...domainSeclabels])));
			assert.deepEqual(inDevice(bare, true), inDevice(full, true), `${name}: a device rule that does not declare reads: ['domain'] changes in the device at ${device.start} without the domain seclabels`);
		}
		compared++;
	}
	return compared;
}

test('every rule declares an extent', () => {
	assert.deepEqual(allRules.filter((rule) => !rule.extent).map((rule) => rule.id), []);
});

test('declared extents hold on libvirt\'s test domains', () => {
	let compared = 0;
	for (const file of corpusFiles(CORPUS_DIR)) {
		compared += checkExtents(path.relative(CORPUS_DIR, file), fs.readFileSync(file, 'utf8'));
	}
	assert.ok(compared > 200, `only ${compared} devices compared: the corpus is missing`);
});

test('declared extents hold on generated domains with device labels of every kind', () => {
	const deviceLabels = [
		"<seclabel model='selinux' relabel='no'/>",
		"<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0:c1,c2</label></seclabel>",
		"<seclabel model='selinux' relabel='no'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>",
		"<seclabel model='dac' relabel='yes'><label>qemu:qemu</label></seclabel>",
		"<seclabel model='dac' relabel='yes'><label>+107</label></seclabel>",
		"<seclabel relabel='yes'/>",
		"<seclabel model='selinux' labelskip='yes'/>",
		"<seclabel model='selinux' model='dac'/>",
		"<seclabel model='selinux'/><seclabel model='selinux'/>",
		"<seclabel model='apparmor' relabel='no'/>",
	];
	const domainLabels = [
		'',
		"  <seclabel type='dynamic' model='selinux' relabel='yes'/>",
		"  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:c5,c6</label>\n  </seclabel>",
		"  <seclabel type='none' model='selinux'/>\n  <seclabel type='static' model='dac' relabel='yes'><label>+0:+0</label></seclabel>",
		"  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>",
	];
	let compared = 0;
	domainLabels.forEach((seclabel, d) => {
		const disks = deviceLabels.map((label, i) => fileDisk(`/images/d${i}.img`, { target: `vd${String.fromCharCode(97 + i)}`, sourceContent: label, shareable: i % 3 === 0, format: i % 4 === 0 ? 'qcow2' : 'raw' }));
		for (const live of [false, true]) {
			compared += checkExtents(`generated ${d}${live ? ' live' : ''}`, guestXml(`gen${d}`, { disks, seclabel, id: live ? 7 : undefined }));
		}
	});
	assert.ok(compared > 50);
});
