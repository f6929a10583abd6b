#!/usr/bin/env node
/**
 * Random seclabels in real domains (issue #11): the other explorers build their domains from
 * templates; this one takes libvirt's own test domains (test/data/libvirt: qemuxmlconfdata,
 * lxcxml2xmldata, the status and hot-plug domains, …) with every device, feature and structural
 * oddity they carry, and puts seclabels into them where libvirt reads one (each disk's and backing
 * layer's `<source>`, each chardev's first `<source>`, the domain) or changes the ones they have.
 * So the first error libvirt reports is measured against whatever else those files hold: that is
 * how a user meets it. A refusal for a device a release does not know at all (test/support/
 * verdicts.ts UNKNOWN_FEATURES: 7.0.0 has no `<audio type='none'>`) is left out, as the conformance
 * suite leaves it out. A tool for the team, not part of `npm test`; its findings become cases in
 * test/differential/*.test.ts.
 *
 * Usage (after `npm run build`):
 *   node scripts/explore-corpus.mjs [--seed N] [--count N] [--versions 7.0.0,9.0.0,...] [--keep DIR] [--show N] [--quiet]
 */
import * as fs from 'fs';
import * as path from 'path';
import { built, compareWithOracles, explorerOptions, ROOT } from './explore-compare.mjs';

const { parseXml } = built('server', 'src', 'service', 'parser', 'xmlParser.js');
const { rootElementName } = built('server', 'src', 'service', 'parser', 'seclabelModel.js');
const { mulberry32 } = built('server', 'src', 'service', 'util', 'random.js');
// Devices older releases do not know at all (the conformance suite leaves the same refusals out).
const { UNKNOWN_FEATURES } = built('test', 'support', 'verdicts.js');

const OPTIONS = explorerOptions(1500);
const SEED = OPTIONS.seed;
const COUNT = OPTIONS.count;

const random = mulberry32(SEED);
const pick = (list) => list[Math.floor(random() * list.length)];
const chance = (p) => random() < p;

/** Device seclabels, valid and not, for every release's rules. */
const DEVICE_LABELS = [
	"<seclabel model='selinux' relabel='no'/>",
	"<seclabel model='dac' relabel='no'/>",
	"<seclabel relabel='no'/>",
	"<seclabel model='selinux' relabel='yes'/>",
	"<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0:c1,c2</label></seclabel>",
	"<seclabel model='dac' relabel='yes'><label>+107:+107</label></seclabel>",
	"<seclabel model='selinux'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>",
	"<seclabel model='selinux' relabel='maybe'/>",
	"<seclabel model='selinux' labelskip='yes'/>",
	"<seclabel model='selinux' labelskip='no'/>",
	"<seclabel model='bogus' relabel='no'/>",
	"<seclabel model='selinux' relabel='no'/><seclabel model='selinux' relabel='no'/>",
	"<seclabel model='selinux' relabel='no'><label>x</label></seclabel>",
	"<seclabel model='apparmor' relabel='no'/>",
];

/** Domain seclabels, valid and not, alone or beside the file's own. */
const DOMAIN_LABELS = [
	"<seclabel type='dynamic' model='selinux'/>",
	"<seclabel type='dynamic' model='selinux' relabel='yes'/>",
	"<seclabel type='dynamic' model='selinux' relabel='no'/>",
	"<seclabel type='dynamic' relabel='no'/>",
	"<seclabel type='static' model='selinux' relabel='no'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>",
	"<seclabel type='static' model='selinux' relabel='yes'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>",
	"<seclabel type='static' model='selinux'/>",
	"<seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel>",
	"<seclabel type='dynamic' model='dac'/>",
	"<seclabel type='none'/>",
	"<seclabel type='none' model='selinux'/>",
	"<seclabel type='none' model='dac' relabel='yes'/>",
	"<seclabel model='none'/>",
	"<seclabel type='bogus' model='selinux'/>",
	"<seclabel type='dynamic' model='selinux'><baselabel>system_u:system_r:svirt_t:s0</baselabel></seclabel>",
	"<seclabel type='dynamic' model='apparmor'><baselabel>libvirt-template</baselabel></seclabel>",
	"<seclabel type='dynamic' model='selinux' relabel='yes'><imagelabel>system_u:object_r:svirt_image_t:s0</imagelabel></seclabel>",
	"<seclabel type='dynamic' model='selinux'/><seclabel type='dynamic' model='selinux'/>",
	"<seclabel type='dynamic' model='selinux'/><seclabel type='none' model='dac'/>",
];

/** Attribute changes to a seclabel the file already has. */
const CHANGES = [["relabel='yes'", "relabel='no'"], ["relabel='no'", "relabel='yes'"], ["type='dynamic'", "type='static'"], ["type='static'", "type='dynamic'"], ["model='selinux'", "model='dac'"], ["type='none'", "type='dynamic'"]];

function walk(element, visit) {
	visit(element);
	for (const child of element.children) walk(child, visit);
}

/** The domains of the corpus: every file whose root is <domain> and that our parser reads without a problem. */
function corpusDomains() {
	const corpus = path.join(ROOT, 'test', 'data', 'libvirt');
	const found = [];
	const visit = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) visit(full);
			else if (entry.name.endsWith('.xml')) {
				const text = fs.readFileSync(full, 'utf8');
				if (rootElementName(text) === 'domain' && parseXml(text).problems.length === 0) found.push({ name: path.relative(corpus, full), text });
			}
		}
	};
	visit(corpus);
	return found;
}

/** Where a seclabel can go in this domain: libvirt's read sites, as offsets of an insertion each. */
function sitesOf(text) {
	const root = parseXml(text).root;
	const sites = [];
	if (root.endTagStart >= 0) sites.push({ kind: 'domain', element: root });
	const devices = root.children.filter((child) => child.name === 'devices');
	for (const group of devices) {
		for (const device of group.children) {
			if (device.name === 'disk') {
				walk(device, (element) => {
					if (element.name === 'source') sites.push({ kind: 'device', element });
				});
			} else if (['serial', 'parallel', 'console', 'channel'].includes(device.name)) {
				const source = device.children.find((child) => child.name === 'source');
				if (source) sites.push({ kind: 'device', element: source });
			}
		}
	}
	const existing = [];
	walk(root, (element) => {
		if (element.name === 'seclabel') existing.push(element);
	});
	return { sites, existing };
}

/** The edits of one case, as [start, end, text] on the base text. */
function mutations(text) {
	const { sites, existing } = sitesOf(text);
	const edits = [];
	const used = new Set();
	const count = pick([1, 1, 1, 2, 2, 3]);
	for (let k = 0; k < count; k++) {
		if (existing.length > 0 && chance(0.2)) {
			const element = pick(existing);
			const tag = text.slice(element.start, element.startTagEnd);
			const change = CHANGES.find(([from]) => tag.includes(from) && chance(0.5)) ?? CHANGES.find(([from]) => tag.includes(from));
			if (change && !used.has(element)) {
				used.add(element);
				const at = element.start + tag.indexOf(change[0]);
				edits.push([at, at + change[0].length, change[1]]);
			}
			continue;
		}
		const site = pick(sites.filter((candidate) => candidate.kind === 'device').length > 0 && chance(0.7) ? sites.filter((candidate) => candidate.kind === 'device') : sites);
		if (!site || used.has(site.element)) continue;
		used.add(site.element);
		const { element } = site;
		const label = site.kind === 'domain' ? pick(DOMAIN_LABELS) : pick(DEVICE_LABELS);
		if (site.kind === 'domain') {
			edits.push([element.endTagStart, element.endTagStart, `  ${label}\n`]);
		} else if (element.selfClosing) {
			// <source …/> becomes <source …>label</source>.
			const slash = text.lastIndexOf('/', element.startTagEnd - 1);
			edits.push([slash, element.startTagEnd, `>${label}</source>`]);
		} else {
			edits.push([element.startTagEnd, element.startTagEnd, label]);
		}
	}
	return edits;
}

function apply(text, edits) {
	let result = text;
	for (const [start, end, replacement] of [...edits].sort((a, b) => b[0] - a[0])) {
		result = result.slice(0, start) + replacement + result.slice(end);
	}
	return result;
}

async function main() {
	const domains = corpusDomains();
	if (!OPTIONS.quiet) console.error(`${domains.length} domains of libvirt's test data`);
	const cases = [];
	for (let index = 0; index < COUNT; index++) {
		const base = pick(domains);
		const edits = mutations(base.text);
		const name = `k${String(index).padStart(5, '0')}-${path.basename(base.name)}`;
		cases.push({ name, xml: apply(base.text, edits) });
	}
	const ignore = (verdict) => !verdict.accepted && UNKNOWN_FEATURES.some((feature) => feature.message.test(verdict.message ?? ''));
	await compareWithOracles(cases, { ...OPTIONS, ignore });
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
