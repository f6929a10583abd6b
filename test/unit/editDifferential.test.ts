/**
 * The edit differential (issue #12): random seeded edit sequences on real domain files (libvirt's
 * test inputs under test/data/libvirt, and generated domains with many device labels), and after
 * every edit the incremental result (findings kept per device from the previous version, see
 * features/incrementalFindings.ts) compared with a from-scratch run of the same text: the same
 * findings, spans, messages, related locations and fixes. The tree too is built incrementally
 * (parser/incrementalParse.ts: the edited element parsed again, the rest moved) and compared with a
 * full parse: the tree's shape, every offset, attribute and flag, parent links, and the model's
 * elements. The seed is printed on a failure.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseSeclabelText, reparseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { reparseStats } from '../../server/src/service/parser/incrementalParse';
import type { XmlAttribute, XmlElement } from '../../server/src/service/parser/xmlParser';
import { modelPatchStats, type DeviceSeclabel, type SeclabelDocument, type StorageSource } from '../../server/src/service/parser/seclabelModel';
import { summarizeGuest, summaryStats, type GuestSummary } from '../../server/src/service/workspace/guestSummary';
import { documentLevels, documentLevelStats } from '../../server/src/service/features/completionContexts';
import { computeFindings, type RuleFinding } from '../../server/src/service/features/findings';
import { asIfFresh, incrementalStats } from '../../server/src/service/features/incrementalFindings';
import type { LanguageSettings } from '../../server/src/service/types';
import { CORPUS_DIR } from '../support/corpus';
import { WorkspaceIndex } from '../../server/src/service/workspace/workspaceIndex';
import { mulberry32 } from '../../server/src/service/util/random';
import { fileDisk, guestXml } from '../workspace/guests';

/** The project's seeded generator (mulberry32), so a failing sequence can be replayed. */
const random = mulberry32;

function key(finding: RuleFinding): string {
	return JSON.stringify([finding.rule.id, finding.span, finding.stage, finding.severity, finding.message, finding.libvirtMessage,
		(finding.related ?? []).map((related) => [related.uri, related.span, related.message]),
		(finding.fixes ?? []).map((fix) => [fix.title, fix.edits, fix.isPreferred ?? false])]);
}

/** Snippets an edit inserts or swaps in: what users type in device and domain labels. */
const SNIPPETS = [
	"<seclabel model='selinux' relabel='no'/>",
	"<seclabel model='dac' relabel='yes'><label>+107:+107</label></seclabel>",
	"<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0:c1,c2</label></seclabel>",
	"<seclabel model='selinux' labelskip='yes'/>",
	'<shareable/>', '<readonly/>', "relabel='no'", "relabel='yes'", "model='selinux'", "model='dac'", "model='none'",
	":s0:c3,c4", ":s0", 'svirt_t', 'virt_content_t', "type='qcow2'", "type='raw'", "device='cdrom'", "bus='ide'",
	'<', '>', '/', "'", '"', ' ', '\n', '</seclabel>', '<label>', '</label>',
];

/** Domain seclabels an edit swaps in: what device rules that read the domain part depend on. */
const DOMAIN_SECLABELS = [
	"<seclabel type='static' model='selinux' relabel='no'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>",
	"<seclabel type='static' model='selinux' relabel='yes'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>",
	"<seclabel type='dynamic' model='selinux' relabel='yes'/>",
	"<seclabel type='none' model='selinux'/>",
	"<seclabel type='none' model='dac'/>",
	"<seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>",
	"<seclabel type='dynamic' model='apparmor'/>",
	"<seclabel model='none'/>",
	'',
];

const LIVE_COMMENT = '<!-- libvirt-seclabel: live -->\n';

/** One random edit: mostly inside a device (the incremental case), sometimes anywhere. */
function edit(text: string, next: () => number): string {
	const doc = parseSeclabelText(text);
	const devices = [...doc.disks.map((disk) => disk.element), ...doc.chardevs.map((chardev) => chardev.element)];
	if (doc.domain && next() < 0.15) {
		// Change the domain part: swap a domain seclabel, add one, or make the XML live or inactive.
		const replacement = DOMAIN_SECLABELS[Math.floor(next() * DOMAIN_SECLABELS.length)];
		const own = doc.seclabels[Math.floor(next() * Math.max(1, doc.seclabels.length))];
		const kind = next();
		if (own && kind < 0.6) {
			return text.slice(0, own.element.start) + replacement + text.slice(own.element.end);
		}
		if (kind < 0.85) {
			const end = doc.domain.endTagStart >= 0 ? doc.domain.endTagStart : text.length;
			return text.slice(0, end) + replacement + '\n' + text.slice(end);
		}
		// The live comment before the root (an id would change nothing: define-time XML either way).
		const root = doc.xml.root!;
		const at = text.lastIndexOf(LIVE_COMMENT, root.start);
		return at >= 0
			? text.slice(0, at) + text.slice(at + LIVE_COMMENT.length)
			: text.slice(0, root.start) + LIVE_COMMENT + text.slice(root.start);
	}
	let start: number;
	if (devices.length > 0 && next() < 0.85) {
		const device = devices[Math.floor(next() * devices.length)];
		start = device.start + Math.floor(next() * (device.end - device.start + 1));
	} else {
		start = Math.floor(next() * (text.length + 1));
	}
	const choice = next();
	if (choice < 0.35) {
		// Replace a short run with a snippet.
		const end = Math.min(text.length, start + Math.floor(next() * 12));
		return text.slice(0, start) + SNIPPETS[Math.floor(next() * SNIPPETS.length)] + text.slice(end);
	}
	if (choice < 0.6) {
		// Delete a short run (a typo fixed, a character removed).
		return text.slice(0, start) + text.slice(Math.min(text.length, start + 1 + Math.floor(next() * 6)));
	}
	if (choice < 0.8 && devices.length > 0) {
		// Duplicate or remove a whole device.
		const device = devices[Math.floor(next() * devices.length)];
		const xml = text.slice(device.start, device.end);
		return next() < 0.5 ? text.slice(0, device.end) + '\n' + xml + text.slice(device.end) : text.slice(0, device.start) + text.slice(device.end);
	}
	// Flip one character of a level or name.
	const at = Math.min(text.length - 1, start);
	const c = text[at];
	const swapped = /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === 'y' ? 'n' : c === 'n' ? 'y' : c;
	return text.slice(0, at) + swapped + text.slice(at + 1);
}

/** Every element (document order) with every offset, flag and attribute, and whether its parent link is right. */
function treeKey(root: XmlElement | null): string {
	const out: unknown[] = [];
	const walk = (element: XmlElement, parent: XmlElement | null) => {
		out.push([element.name, element.start, element.nameEnd, element.startTagEnd, element.endTagStart, element.end,
			element.selfClosing, element.closed, element.startTagClosed, element.namespaced, element.parent === parent, element.children.length,
			element.attributes.map((a) => [a.name, a.nameStart, a.nameEnd, a.value, a.valueStart, a.valueEnd, a.quote, a.end])]);
		for (const child of element.children) walk(child, element);
	};
	if (root) walk(root, null);
	return JSON.stringify(out);
}

/**
 * The model's elements by offset, and what the model says of the document: every field of every
 * disk, layer, chardev and seclabel, so that a patched model (seclabelModel.ts patchModel) that kept
 * a stale object or put a seclabel out of order differs from the fresh one.
 */
/** The device seclabels are in document order, which features/position.ts's binary search relies on. */
function inDocumentOrder(doc: SeclabelDocument): boolean {
	return doc.deviceSeclabels.every((s, i, list) => i === 0 || list[i - 1].element.start < s.element.start);
}

function modelKey(doc: SeclabelDocument): string {
	const at = (element: XmlElement | null | undefined) => element ? [element.name, element.start, element.end] : null;
	const attribute = (a: XmlAttribute | undefined) => a ? [a.name, a.value, a.valueStart, a.end] : null;
	const owner = (s: DeviceSeclabel) => s.owner.kind === 'disk' ? ['disk', at(s.owner.disk.element), at(s.owner.source.container), s.owner.source.depth, s.owner.source.role ?? null]
		: s.owner.kind === 'chardev' ? ['chardev', at(s.owner.chardev.element)] : ['nvram', at(s.owner.source.container)];
	const deviceSeclabel = (s: DeviceSeclabel) => [at(s.element), owner(s), attribute(s.model), attribute(s.relabel), attribute(s.labelskip), s.labels.map(at), s.since ?? null, s.before ?? null];
	const layer = (l: StorageSource | undefined) => l ? [at(l.container), at(l.source), l.type, l.depth, l.format ?? null, l.role ?? null, l.seclabels.map(deviceSeclabel)] : null;
	return JSON.stringify([doc.kind, at(doc.domain), doc.otherRoot ?? false, at(doc.fragment),
		doc.seclabels.map((s) => [at(s.element), attribute(s.type), attribute(s.model), attribute(s.relabel), s.labels.map(at), s.imagelabels.map(at), s.baselabels.map(at)]),
		doc.disks.map((d) => [at(d.element), d.device, d.bus ?? null, d.targetDev ?? null, at(d.readonly), at(d.shareable), at(d.transient), d.layers.map(layer), layer(d.dataStore), d.mirror.map(layer)]),
		doc.chardevs.map((c) => [at(c.element), c.kind, c.type, at(c.source), c.seclabels.map(deviceSeclabel), c.aliasOf ? doc.chardevs.indexOf(c.aliasOf) : null]),
		layer(doc.nvram), doc.deviceSeclabels.map(deviceSeclabel), doc.strayseclabels.map(at), (doc.usbDevices ?? []).map(at),
		inDocumentOrder(doc),
		doc.xml.problems, doc.xml.limit ?? null]);
}

/**
 * What the index holds under a document's resources and levels, in list order, each use with its
 * positions (what other documents' findings show). Not its offsets: when a summary's fingerprint is
 * unchanged the index keeps the older summary, whose offsets may differ (the positions cannot).
 */
function indexKey(index: WorkspaceIndex, summary: GuestSummary | null, others: GuestSummary | null): string[] {
	const keys = new Set([...(summary?.disks ?? []), ...(others?.disks ?? [])].map((use) => use.resourceKey));
	const levels = new Set([...(summary?.levels ?? []), ...(others?.levels ?? [])].map((use) => use.level));
	const placed = (key: string, value: unknown) => key === 'start' || key === 'end' || key === 'levelSpan' ? undefined : value;
	return [...[...keys].sort().map((key) => JSON.stringify([key, index.diskUses(key)], placed)), ...[...levels].sort().map((level) => JSON.stringify([level, index.levelUses('', level)], placed))];
}

/**
 * With `index`, the document is indexed at every step as the server does (so the index generation
 * moves with every edit) and checked against the other guests in it, fresh run included.
 */
function runSequence(name: string, base: string, seed: number, steps: number, settings: LanguageSettings, guests?: readonly { uri: string; text: string }[]): void {
	// Two indexes of the same guests: one the edited document updates with the patched model (so
	// with patched summaries), the shadow with a full parse (so with full relinks).
	const indexOf = () => {
		const made = new WorkspaceIndex();
		for (const guest of guests ?? []) made.update(guest.uri, parseSeclabelText(guest.text));
		return made;
	};
	const index = guests ? indexOf() : undefined;
	const shadow = guests ? indexOf() : undefined;
	// What the other guests' diagnostics show: a related location in the edited document by its position (LSP and the CLI send that, not its offsets).
	const shown = (finding: RuleFinding) => key({ ...finding, related: finding.related?.map((related) => related.range ? { ...related, span: { start: -1, end: -1 }, message: `${JSON.stringify(related.range)} ${related.message}` } : related) });
	const othersFindings = () => (guests ?? []).map((guest) => JSON.stringify(computeFindings(parseSeclabelText(guest.text), { ...settings, workspace: index, documentUri: guest.uri }).map(shown)));
	let before = othersFindings();
	const next = random(seed);
	const uri = `file:///differential/${seed}/${name}`;
	let text = base;
	let previous: SeclabelDocument | undefined;
	let previousSummary: GuestSummary | null = null;
	for (let step = 0; step <= steps; step++) {
		// As the server's parse cache does: the previous version is handed over (and consumed).
		const doc = previous ? reparseSeclabelText(previous, text) : parseSeclabelText(text);
		const full = parseSeclabelText(text);
		assert.equal(doc.xml.text, text);
		if (treeKey(doc.xml.root) !== treeKey(full.xml.root)) {
			assert.deepEqual(JSON.parse(treeKey(doc.xml.root)), JSON.parse(treeKey(full.xml.root)), `${name}, seed ${seed}, after edit ${step}: the incremental tree differs from a full parse`);
		}
		assert.equal(modelKey(doc), modelKey(full), `${name}, seed ${seed}, after edit ${step}: the model of the incremental tree differs`);
		assert.ok(inDocumentOrder(full), `${name}, seed ${seed}, after edit ${step}: the device seclabels are not in document order`);
		previous = doc;
		// The levels a fresh category pair avoids (counted per device, patched along with the model).
		assert.deepEqual([...documentLevels(doc)].sort(), [...documentLevels(full)].sort(), `${name}, seed ${seed}, after edit ${step}: the document's levels differ`);
		// The guest summary (patched from the previous version's when the model was) equals one computed from a full parse.
		const summary = summarizeGuest(uri, doc);
		const freshSummary = summarizeGuest(uri, full);
		if (JSON.stringify(summary) !== JSON.stringify(freshSummary)) {
			const at = (summary?.disks ?? []).findIndex((use, i) => JSON.stringify(use) !== JSON.stringify(freshSummary?.disks[i]));
			assert.fail(`${name}, seed ${seed}, after edit ${step}: the patched guest summary differs (disk use ${at}: ${JSON.stringify(summary?.disks[at])} instead of ${JSON.stringify(freshSummary?.disks[at])})`);
		}
		if (index) {
			// The index patched per device holds what a full relink of the same summary holds (the shadow index), in the same order.
			const affected = index.update(uri, doc);
			const shadowAffected = shadow!.update(uri, full);
			const patched = indexKey(index, summary, previousSummary);
			const relinked = indexKey(shadow!, freshSummary, previousSummary);
			const differs = patched.findIndex((entry, i) => entry !== relinked[i]);
			assert.ok(differs < 0 && patched.length === relinked.length, `${name}, seed ${seed}, after edit ${step}: the patched index differs: ${patched[differs]} instead of ${relinked[differs]}`);
			// What the index says of who shares an image with whom (kept in O(1) per key) equals a count over its lists.
			for (const checked of [index, shadow!]) {
				for (const indexed of [...checked.uris()]) {
					const stored = checked.guest(indexed)!;
					const alone = stored.disks.every((use) => checked.diskUses(use.resourceKey).every((entry) => entry.uri === indexed));
					assert.equal(checked.sharesNothing(indexed), alone, `${name}, seed ${seed}, after edit ${step}: sharesNothing(${indexed}) is wrong`);
				}
			}
			for (const other of affected) {
				assert.ok(shadowAffected.has(other), `${name}, seed ${seed}, after edit ${step}: ${other} is affected only by the patch`);
			}
			// Every other guest whose findings changed is among the affected (the server checks those again).
			const after = othersFindings();
			guests!.forEach((guest, i) => {
				if (after[i] !== before[i]) {
					assert.ok(affected.has(guest.uri), `${name}, seed ${seed}, after edit ${step}: the findings of ${guest.uri} changed, but it is not affected`);
				}
			});
			before = after;
			previousSummary = summary;
		}
		// Half the sequences as the server checks an open document (editing: kept from the first check).
		const incremental = computeFindings(doc, { ...settings, workspace: index, documentUri: uri, ...(seed % 2 === 0 ? { editing: true } : {}) }).map(key);
		// From scratch: the same URI (the cross-guest rules need it) as if never checked before.
		const fresh = asIfFresh(uri, () => computeFindings(parseSeclabelText(text), { ...settings, workspace: index, documentUri: uri })).map(key);
		if (JSON.stringify(incremental) !== JSON.stringify(fresh)) {
			assert.deepEqual(incremental, fresh, `${name}, seed ${seed}, after edit ${step}: the incremental findings differ from a fresh run`);
		}
		text = edit(text, next);
	}
}

function corpusDomains(): { name: string; text: string }[] {
	const found: { name: string; text: string }[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				walk(full);
			} else if (entry.name.endsWith('.xml')) {
				const text = fs.readFileSync(full, 'utf8');
				const doc = parseSeclabelText(text);
				if (doc.domain && doc.disks.length + doc.chardevs.length > 0) {
					found.push({ name: path.relative(CORPUS_DIR, full), text });
				}
			}
		}
	};
	walk(CORPUS_DIR);
	return found;
}

test('edit differential on libvirt\'s test domains: every incremental result equals a fresh run', () => {
	const before = { ...incrementalStats };
	const reparsed = reparseStats.incremental;
	const patched = modelPatchStats.patched;
	const summariesPatched = summaryStats.patched;
	const summariesUnmoved = summaryStats.unmoved;
	const levelsPatched = documentLevelStats.patched;
	const domains = corpusDomains();
	assert.ok(domains.length > 50, `only ${domains.length} corpus domains with devices`);
	const settingsVariants: LanguageSettings[] = [{}, { driver: 'test' }, { hostSecurityModel: 'apparmor' }, { libvirtVersion: '7.0.0' }];
	domains.forEach((domain, i) => {
		runSequence(domain.name, domain.text, 1000 + i, 12, settingsVariants[i % settingsVariants.length]);
	});
	assert.ok(incrementalStats.devicesKept - before.devicesKept > 1000, `only ${incrementalStats.devicesKept - before.devicesKept} device results were kept: the incremental path did not run`);
	assert.ok(incrementalStats.tablesPatched - before.tablesPatched > 50, `only ${incrementalStats.tablesPatched - before.tablesPatched} device tables were patched from the previous run`);
	assert.ok(reparseStats.incremental - reparsed > 200, `only ${reparseStats.incremental - reparsed} edits were parsed incrementally`);
	assert.ok(modelPatchStats.patched - patched > 100, `only ${modelPatchStats.patched - patched} models were patched`);
	assert.ok(summaryStats.patched - summariesPatched > 100, `only ${summaryStats.patched - summariesPatched} summaries were patched`);
	assert.ok(summaryStats.unmoved - summariesUnmoved > 0, 'no summary was patched by an edit that moves nothing (the copied list)');
	assert.ok(documentLevelStats.patched - levelsPatched > 100, `only ${documentLevelStats.patched - levelsPatched} documents' levels were patched`);
});

test('edit differential on generated domains with many labelled devices', () => {
	const before = { ...incrementalStats };
	const reparsed = reparseStats.incremental;
	const patched = modelPatchStats.patched;
	const summariesPatched = summaryStats.patched;
	const labels = [
		"<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0:c100,c200</label></seclabel>",
		"<seclabel model='selinux' relabel='no'/>",
		"<seclabel model='dac' relabel='yes'><label>+107:+107</label></seclabel>",
		'',
	];
	const domainLabels = [
		"  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c100,c200</label>\n  </seclabel>",
		"  <seclabel type='dynamic' model='selinux' relabel='yes'/>",
		"  <seclabel type='none'/>",
	];
	for (let d = 0; d < domainLabels.length; d++) {
		const disks: string[] = [];
		for (let i = 0; i < 60; i++) {
			disks.push(fileDisk(`/var/lib/libvirt/images/g${d}-${i}.img`, { target: `vd${i}`, sourceContent: labels[(i + d) % labels.length] || undefined, readonly: i % 7 === 0, shareable: i % 5 === 0 }));
		}
		const serial = "    <serial type='file'>\n      <source path='/var/log/serial.log'><seclabel model='selinux' relabel='no'/></source>\n    </serial>";
		// Another guest writes two of the images and runs at the static level: cross-guest findings come and go too.
		const other = {
			uri: 'file:///differential/other.xml',
			text: guestXml('other', {
				disks: [fileDisk(`/var/lib/libvirt/images/g${d}-1.img`), fileDisk(`/var/lib/libvirt/images/g${d}-5.img`, { target: 'vdb', shareable: true })],
				seclabel: "  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c100,c200</label>\n  </seclabel>",
			}),
		};
		runSequence(`generated-${d}`, guestXml(`gen${d}`, { disks: [...disks, serial], seclabel: domainLabels[d], id: d === 2 ? 5 : undefined }), 77 + d, 120, {}, [other]);
	}
	assert.ok(incrementalStats.devicesKept - before.devicesKept > 2000, `only ${incrementalStats.devicesKept - before.devicesKept} device results were kept`);
	assert.ok(incrementalStats.tablesPatched - before.tablesPatched > 8, `only ${incrementalStats.tablesPatched - before.tablesPatched} device tables were patched from the previous run`);
	assert.ok(reparseStats.incremental - reparsed > 15, `only ${reparseStats.incremental - reparsed} edits were parsed incrementally`);
	assert.ok(modelPatchStats.patched - patched > 8, `only ${modelPatchStats.patched - patched} models were patched`);
	assert.ok(summaryStats.patched - summariesPatched > 8, `only ${summaryStats.patched - summariesPatched} summaries were patched`);
});

test('a console that aliases the first serial is rechecked when only the serial changes (the rule reads another device)', () => {
	// An HVM guest: libvirt's console compatibility step is for HVM guests only.
	const guest = (serialPath: string) => "<domain type='kvm'>\n  <name>g</name>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n    <serial type='file'>\n"
		+ `      <source path='${serialPath}'/>\n      <target port='0'/>\n    </serial>\n    <console type='file'>\n`
		+ "      <source path='/other'>\n        <seclabel model='selinux' relabel='no'/>\n      </source>\n      <target type='serial' port='0'/>\n    </console>\n"
		+ "  </devices>\n  <seclabel type='none' model='selinux'/>\n</domain>\n";
	const settings: LanguageSettings = { libvirtVersion: '11.3.0' };
	const uri = 'file:///differential/console-alias.xml';
	const run = (text: string) => computeFindings(parseSeclabelText(text), { ...settings, documentUri: uri }).map(key);
	// The console aliases the serial (other source): its override is never validated.
	assert.deepEqual(run(guest('/l')), []);
	assert.deepEqual(run(`${guest('/l')} `), []);
	// Now the serial has the console's source: the console is its own device again, and its override is refused.
	const same = `${guest('/other')} `;
	const fresh = asIfFresh(uri, () => computeFindings(parseSeclabelText(same), { ...settings, documentUri: uri })).map(key);
	assert.equal(fresh.length, 1);
	assert.deepEqual(run(same), fresh);
});

test('a redirdev is refused or not as its USB controller\'s model is edited: the model patch keeps the controller list right', () => {
	const guest = (model: string) => "<domain type='kvm'>\n  <name>g</name>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n"
		+ Array.from({ length: 30 }, (_, i) => `    <disk type='file' device='disk'>\n      <source file='/i/${i}.img'/>\n      <target dev='vd${String.fromCharCode(97 + (i % 26))}${i}'/>\n    </disk>\n`).join('')
		+ `    <controller type='usb' index='0' model='${model}'>\n      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x2'/>\n    </controller>\n    <redirdev bus='usb' type='spicevmc'/>\n  </devices>\n</domain>\n`;
	const settings: LanguageSettings = { libvirtVersion: '12.9.0' };
	const uri = 'file:///differential/redirdev.xml';
	let doc = parseSeclabelText(guest('none'));
	const ids = () => computeFindings(doc, { ...settings, documentUri: uri }).map((finding) => finding.rule.id);
	assert.deepEqual(ids(), ['redirdev-usb-disabled']);
	for (const model of ['nonex', 'qemu-xhci', 'none', 'piix3-uhci', 'none']) {
		const before = modelPatchStats.patched;
		const text = guest(model);
		doc = reparseSeclabelText(doc, text);
		assert.equal(modelPatchStats.patched, before + 1, 'the controller was patched, not the model rebuilt');
		assert.equal(modelKey(doc), modelKey(parseSeclabelText(text)));
		const fresh = asIfFresh(uri, () => computeFindings(parseSeclabelText(text), { ...settings, documentUri: uri })).map(key);
		assert.deepEqual(computeFindings(doc, { ...settings, documentUri: uri }).map(key), fresh);
		assert.equal(fresh.length, model === 'none' ? 1 : 0, model);
	}
});

test('typing into a label and a path of one disk among 200 parses only that disk again, and every tree equals a full parse', () => {
	const disks: string[] = [];
	for (let i = 0; i < 200; i++) {
		disks.push(fileDisk(`/var/lib/libvirt/images/t-${i}.img`, { target: `vd${i}`, sourceContent: i === 37 ? "<seclabel model='selinux' relabel='yes'><label></label></seclabel>" : undefined }));
	}
	let text = guestXml('typing', { disks, seclabel: "  <seclabel type='dynamic' model='selinux' relabel='yes'/>" });
	const uri = 'file:///differential/typing.xml';
	let doc = parseSeclabelText(text);
	const typeAt = (at: number, typed: string) => {
		for (const character of typed) {
			const before = reparseStats.incremental;
			text = text.slice(0, at) + character + text.slice(at);
			at++;
			doc = reparseSeclabelText(doc, text);
			assert.equal(reparseStats.incremental, before + 1, `typing '${character}' at ${at - 1} was not parsed incrementally`);
			const full = parseSeclabelText(text);
			assert.equal(treeKey(doc.xml.root), treeKey(full.xml.root), `after typing '${character}' at ${at - 1}: the trees differ`);
			assert.equal(modelKey(doc), modelKey(full));
			const incremental = computeFindings(doc, { documentUri: uri }).map(key);
			const fresh = asIfFresh(uri, () => computeFindings(parseSeclabelText(text), { documentUri: uri })).map(key);
			assert.deepEqual(incremental, fresh);
		}
	};
	typeAt(text.indexOf('<label></label>') + '<label>'.length, 'system_u:object_r:svirt_image_t:s0:c1,c2');
	typeAt(text.indexOf("t-120.img'"), 'new-');
	// Deleting a character too: the disks after it move back by one.
	const at = text.indexOf('new-t-120');
	const before = reparseStats.incremental;
	text = text.slice(0, at) + text.slice(at + 1);
	doc = reparseSeclabelText(doc, text);
	assert.equal(reparseStats.incremental, before + 1);
	assert.equal(treeKey(doc.xml.root), treeKey(parseSeclabelText(text).xml.root));
});

test('the index knows which documents share no image, through shares and unshares, full updates and patched ones', () => {
	const index = new WorkspaceIndex();
	const guest = (name: string, paths: string[]) => parseSeclabelText(guestXml(name, { disks: paths.map((path, i) => fileDisk(path, { target: `vd${String.fromCharCode(97 + i)}` })) }));
	index.update('file:///a.xml', guest('a', ['/a.img', '/b.img']));
	index.update('file:///b.xml', guest('b', ['/c.img']));
	assert.deepEqual([index.sharesNothing('file:///a.xml'), index.sharesNothing('file:///b.xml')], [true, true]);
	index.update('file:///b.xml', guest('b', ['/c.img', '/a.img']));
	assert.deepEqual([index.sharesNothing('file:///a.xml'), index.sharesNothing('file:///b.xml')], [false, false]);
	index.update('file:///a.xml', guest('a', ['/b.img', '/c.img', '/c.img']));
	assert.deepEqual([index.sharesNothing('file:///a.xml'), index.sharesNothing('file:///b.xml')], [false, false]);
	index.update('file:///b.xml', guest('b', ['/d.img']));
	assert.deepEqual([index.sharesNothing('file:///a.xml'), index.sharesNothing('file:///b.xml')], [true, true]);
	index.update('file:///c.xml', guest('c', ['/d.img']));
	assert.deepEqual([index.sharesNothing('file:///b.xml'), index.sharesNothing('file:///c.xml')], [false, false]);
	index.remove('file:///c.xml');
	assert.equal(index.sharesNothing('file:///b.xml'), true);
	// Typed into one disk's path (a patched model, summary and index): the share comes and goes.
	let text = guestXml('a', { disks: ['/b.img', '/x.img'].map((path, i) => fileDisk(path, { target: `vd${String.fromCharCode(97 + i)}` })) });
	let doc = parseSeclabelText(text);
	index.update('file:///a.xml', doc);
	const patchedBefore = summaryStats.patched;
	for (const [from, to] of [['/x.img', '/d.img'], ['/d.img', '/y.img']]) {
		text = text.replace(from, to);
		doc = reparseSeclabelText(doc, text);
		index.update('file:///a.xml', doc);
		assert.equal(index.sharesNothing('file:///a.xml'), to !== '/d.img', `after typing ${to}`);
		assert.equal(index.sharesNothing('file:///b.xml'), to !== '/d.img', `after typing ${to}`);
	}
	assert.equal(summaryStats.patched, patchedBefore + 2, 'the summaries were not patched');
});

test('an open document (editing) keeps its devices\' findings from the first check: the first edit runs one device', () => {
	const disks = Array.from({ length: 40 }, (_, i) => fileDisk(`/var/lib/libvirt/images/e${i}.qcow2`, { target: `vd${String.fromCharCode(97 + (i % 26))}${i >= 26 ? 'a' : ''}`, sourceContent: `<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0:c${i},c${i + 100}</label></seclabel>` }));
	const text = guestXml('editing', { disks });
	for (const editing of [true, false]) {
		const uri = `file:///editing/${editing}.xml`;
		const first = parseSeclabelText(text);
		computeFindings(first, { documentUri: uri, editing });
		const edited = text.replace('s0:c7,c107', 's0:c7,c108');
		assert.notEqual(edited, text);
		const before = incrementalStats.devicesRun;
		const findings = computeFindings(reparseSeclabelText(first, edited), { documentUri: uri, editing });
		const run = incrementalStats.devicesRun - before;
		const fresh = asIfFresh(uri, () => computeFindings(parseSeclabelText(edited), { documentUri: uri }));
		assert.deepEqual(findings.map(key), fresh.map(key));
		if (editing) {
			// The edited device, once per class of device rules (those that read the domain part and those that do not).
			assert.ok(run >= 1 && run <= 2, `the first edit of an open document ran ${run} devices`);
		} else {
			// A document checked once (a CLI file, a scan) kept nothing: its second check runs every device.
			assert.ok(run >= 40, `the second check of a document not being edited ran ${run} devices`);
		}
	}
});

test('xml:space on <devices> or <domain> changes the blanks of every device label: an edit of it keeps no device findings', () => {
	// A label of blanks around a comment reads as empty, or as its blanks under xml:space='preserve'.
	// libvirt 7.0.0 reads the second source of a UDP serial, where a label with relabel='no' is refused
	// (chardev-udp-source-seclabel, a rule of the device alone): whether it is, xml:space decides.
	const serial = (port: number) => `    <serial type='udp'>\n      <source mode='bind' host='0.0.0.0' service='${2445 + port}'/>\n      <source mode='connect' host='192.0.2.1' service='${2445 + port}'><seclabel model='selinux' relabel='no'><label> <!-- c --> </label></seclabel></source>\n      <target port='${port}'/>\n    </serial>`;
	const base = guestXml('space', { disks: [0, 1, 2].map(serial) });
	const versions = [
		base.replace('<devices>', "<devices xml:space='preserve'>"),
		base.replace('<devices>', "<devices xml:space='default'>"),
		base.replace('<devices>', "<devices xml:space='preserve'>"),
		base,
		base.replace("<domain type='kvm'>", "<domain type='kvm' xml:space='preserve'>"),
		base,
	];
	const settings = { libvirtVersion: '7.0.0', driver: 'test' as const };
	const uri = 'file:///editing/space.xml';
	let doc = parseSeclabelText(base);
	computeFindings(doc, { ...settings, documentUri: uri, editing: true });
	const counts: number[] = [];
	for (const text of versions) {
		doc = reparseSeclabelText(doc, text);
		const incremental = computeFindings(doc, { ...settings, documentUri: uri, editing: true }).map(key);
		const fresh = asIfFresh(uri, () => computeFindings(parseSeclabelText(text), { ...settings, documentUri: uri })).filter((finding) => finding.rule.id === 'chardev-udp-source-seclabel');
		assert.deepEqual(incremental.filter((entry) => entry.includes('chardev-udp-source-seclabel')), fresh.map(key), text.slice(0, 300));
		counts.push(fresh.length);
	}
	assert.deepEqual(counts, [1, 0, 1, 0, 1, 0], 'xml:space decides whether the labels have text (the rule reports the first)');
});
