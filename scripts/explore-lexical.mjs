#!/usr/bin/env node
/**
 * Random exploration of XML lexical forms around seclabels (issue #11): a tool for the team, not
 * part of `npm test`. From a seed it writes a few thousand small domains whose domain and disk
 * seclabels (type, model, relabel, label, imagelabel, baselabel; valid and invalid values; the device
 * one in a disk's source, a backing layer, a serial or channel source or the NVRAM source) are
 * spelled in varied lexical forms (character references, literal tabs/newlines/CR in values,
 * leading and trailing blanks, internal-subset entities and ATTLIST defaults, namespaced
 * attributes and elements, label text split by comments/CDATA/PIs, XML declarations, BOM, CRLF,
 * non-ASCII, long values, ...), defines each with every libvirt oracle (two at a time) and lints
 * them with the CLI at that version, and prints every disagreement: the verdict, and for a refusal
 * whether libvirt's message is the libvirtMessage of the project's first define-stage diagnostic in
 * libvirt's parse order (test/differential/parseOrder.ts). At the end it counts disagreements per
 * version and per lexical feature, which is how the causes are bucketed.
 *
 * Why a script and not a test: the cases are random (a seed reproduces them) and the point is to
 * find causes; each cause found gets fixed cases in test/differential/*.test.ts.
 *
 * Usage: npm run build && node scripts/explore-lexical.mjs [--seed N] [--count N] [--versions 9.0.0,12.9.0] [--show N] [--keep DIR]
 */
import { createRequire } from 'module';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const oracle = require(path.join(ROOT, 'out/test/differential/oracle.js'));
const { compareKeys, parseOrderKey } = require(path.join(ROOT, 'out/test/differential/parseOrder.js'));
const { parseSeclabelText } = require(path.join(ROOT, 'out/server/src/service/seclabelLanguageService.js'));
const { TextDocument } = require('vscode-languageserver-textdocument');

const args = process.argv.slice(2);
const option = (name, fallback) => {
	const index = args.indexOf(`--${name}`);
	return index >= 0 ? args[index + 1] : fallback;
};
const SEED = Number(option('seed', '1'));
const COUNT = Number(option('count', '2000'));
const VERSIONS = option('versions', oracle.ORACLE_VERSIONS.join(',')).split(',');
const SHOW = Number(option('show', '40'));
const KEEP = option('keep', undefined);

// The service's own seeded generator (util/random.ts), from the build.
const { mulberry32: prng } = require(path.join(ROOT, 'out', 'server', 'src', 'service', 'util', 'random.js'));
const random = prng(SEED);
const pick = (list) => list[Math.floor(random() * list.length)];
const chance = (p) => random() < p;

const SELINUX_LABEL = 'system_u:system_r:svirt_t:s0:c392,c662';
const VALUES = {
	type: ['dynamic', 'static', 'none', 'Dynamic', 'bogus', ''],
	model: ['selinux', 'dac', 'apparmor', 'none', 'self inux', ''],
	relabel: ['yes', 'no', 'maybe', 'YES', ''],
	label: [SELINUX_LABEL, '+107:+107', 'libvirt-6f1f6f0e', 'étiquette:s0', 'x'.repeat(4095), 'x'.repeat(4096), 'y'.repeat(255), 'y'.repeat(256), ''],
	imagelabel: ['system_u:object_r:svirt_image_t:s0:c392,c662', ''],
	baselabel: ['system_u:system_r:svirt_t:s0', ''],
};

/** Spells one attribute value; records the feature used. */
function spellValue(value, feature, subset) {
	const forms = ['plain', 'plain', 'plain', 'charref-letter', 'charref-space', 'lead-space', 'trail-space', 'lead-charref-space', 'trail-charref-tab', 'literal-tab', 'literal-newline', 'charref-newline', 'charref-cr', 'entity', 'entity-nested', 'entity-partial', 'amp', 'undefined-entity'];
	const form = pick(forms);
	feature.add(`value:${form}`);
	switch (form) {
		case 'charref-letter': {
			if (value === '') return value;
			const i = Math.floor(random() * value.length);
			const code = value.codePointAt(i);
			return value.slice(0, i) + (chance(0.5) ? `&#${code};` : `&#x${code.toString(16)};`) + value.slice(i + String.fromCodePoint(code).length);
		}
		case 'charref-space': return value.length > 1 ? `${value.slice(0, 1)}&#x20;${value.slice(1)}` : `&#x20;${value}`;
		case 'lead-space': return ` ${value}`;
		case 'trail-space': return `${value} `;
		case 'lead-charref-space': return `&#32;${value}`;
		case 'trail-charref-tab': return `${value}&#9;`;
		case 'literal-tab': return chance(0.5) ? `${value}\t` : `\t${value}`;
		case 'literal-newline': return chance(0.5) ? `${value}\n` : `\n${value}`;
		case 'charref-newline': return chance(0.5) ? `${value}&#10;` : `&#xA;${value}`;
		case 'charref-cr': return chance(0.5) ? `${value}&#13;` : `&#xD;${value}`;
		case 'entity': {
			const name = `v${subset.length}`;
			subset.push(`<!ENTITY ${name} "${value.replace(/&/g, '&#38;').replace(/"/g, '&#34;')}">`);
			return `&${name};`;
		}
		case 'entity-nested': {
			const inner = `v${subset.length}`;
			subset.push(`<!ENTITY ${inner} "${value.slice(1)}">`);
			const outer = `v${subset.length}`;
			subset.push(`<!ENTITY ${outer} "${value.slice(0, 1)}&${inner};">`);
			return `&${outer};`;
		}
		case 'entity-partial': {
			const name = `v${subset.length}`;
			const half = Math.floor(value.length / 2);
			subset.push(`<!ENTITY ${name} "${pick(['', ' ', '\t'])}${value.slice(half)}">`);
			return `${value.slice(0, half)}&${name};`;
		}
		case 'amp': return `${value}${pick(['&amp;', '&lt;', '&gt;', '&apos;', '&quot;'])}`;
		case 'undefined-entity': return `${value}&nope;`;
		default: return value;
	}
}

/** Spells a label's text (label, imagelabel, baselabel elements). */
function spellText(value, feature, subset) {
	const forms = ['plain', 'plain', 'plain', 'comment-split', 'cdata', 'cdata-split', 'pi-split', 'entity', 'charref', 'space-around', 'newline-around', 'comment-only', 'blank-only', 'amp', 'xml-space', 'cr-literal', 'empty-pair', 'empty-tag'];
	const form = pick(forms);
	feature.add(`text:${form}`);
	const half = Math.floor(value.length / 2);
	switch (form) {
		case 'comment-split': return value.slice(0, half) + '<!-- c -->' + value.slice(half);
		case 'cdata': return `<![CDATA[${value}]]>`;
		case 'cdata-split': return `${value.slice(0, half)}<![CDATA[${value.slice(half)}]]>`;
		case 'pi-split': return `${value.slice(0, half)}<?pi x?>${value.slice(half)}`;
		case 'entity': {
			const name = `t${subset.length}`;
			subset.push(`<!ENTITY ${name} "${value.slice(half)}">`);
			return `${value.slice(0, half)}&${name};`;
		}
		case 'charref': return value === '' ? '&#32;' : `&#${value.codePointAt(0)};${value.slice(String.fromCodePoint(value.codePointAt(0)).length)}`;
		case 'space-around': return ` ${value} `;
		case 'newline-around': return `\n      ${value}\n    `;
		case 'comment-only': return '<!-- none -->';
		case 'blank-only': return pick([' ', '\n  ', '\t', ' <!-- x --> ']);
		case 'amp': return `${value}&amp;`;
		case 'cr-literal': return `${value}\r`;
		case 'empty-pair': return '';
		case 'empty-tag': return null;
		default: return value;
	}
}

const ATTRIBUTE_ORDER = ['type', 'model', 'relabel'];

/** One seclabel element, its internal-subset declarations pushed onto `subset`. */
function seclabel(site, feature, subset, attlist) {
	const attrs = [];
	const wanted = {
		type: site === 'domain' ? pick(VALUES.type) : undefined,
		model: pick(VALUES.model),
		relabel: chance(0.7) ? pick(VALUES.relabel) : undefined,
	};
	if (site === 'domain' && chance(0.15)) wanted.type = undefined;
	if (site !== 'domain' && chance(0.3)) wanted.model = undefined;
	const q = chance(0.3) ? '"' : "'";
	if (q === '"') feature.add('quote:double');
	for (const name of ATTRIBUTE_ORDER) {
		const value = wanted[name];
		if (value === undefined) {
			if (chance(0.25) && attlist) {
				const declared = name === 'type' ? pick(['dynamic', 'static', 'none']) : name === 'model' ? pick(['selinux', 'dac']) : pick(['yes', 'no']);
				const kind = pick(['default', 'fixed']);
				feature.add(`attlist:${kind}:${name}`);
				subset.push(`<!ATTLIST seclabel ${name} CDATA ${kind === 'fixed' ? '#FIXED ' : ''}"${declared}">`);
			}
			continue;
		}
		let attrName = name;
		if (chance(0.06)) {
			attrName = `x:${name}`;
			feature.add('attr:prefixed');
			attrs.push(`xmlns:x='urn:x'`);
		} else if (chance(0.03)) {
			attrName = `u:${name}`;
			feature.add('attr:undeclared-prefix');
		}
		attrs.push(`${attrName}=${q}${spellValue(value, feature, subset)}${q}`);
		if (chance(0.04)) {
			feature.add('attr:prefixed-then-plain');
			attrs.push(`xmlns:y='urn:y'`, `y:${name}=${q}${pick(VALUES[name])}${q}`);
		}
		if (chance(0.02)) {
			feature.add('attr:duplicate');
			attrs.push(`${name}=${q}${value}${q}`);
		}
	}
	if (attlist && chance(0.1)) {
		const name = pick(['type', 'relabel', 'model']);
		const values = { type: '(dynamic|static|none)', relabel: '(yes|no)', model: 'NMTOKEN' }[name];
		feature.add(`attlist:enum:${name}`);
		subset.push(`<!ATTLIST seclabel ${name} ${values} #IMPLIED>`);
	}
	const gap = () => (chance(0.1) ? (feature.add('tag:whitespace'), pick(['\n    ', '\t', '  ', '\r\n '])) : ' ');
	let elementName = 'seclabel';
	if (chance(0.03)) {
		elementName = 'x:seclabel';
		feature.add('element:prefixed');
		attrs.push("xmlns:x='urn:x'");
	} else if (chance(0.03)) {
		feature.add('element:default-ns');
		attrs.push("xmlns='urn:x'");
	}
	if (chance(0.03)) {
		feature.add('attr:xml-space');
		attrs.push(`xml:space='preserve'`);
	}
	const head = `<${elementName}${attrs.map((attr) => gap() + attr).join('')}${chance(0.1) ? (feature.add('tag:space-before-close'), ' ') : ''}`;
	const children = [];
	const textual = wanted.type === 'static' || (wanted.type === undefined && site !== 'domain') ? ['label'] : wanted.type === 'dynamic' ? (chance(0.3) ? ['baselabel'] : []) : [];
	if (chance(0.2)) textual.push(pick(['label', 'imagelabel', 'baselabel']));
	for (const name of new Set(textual)) {
		const value = name === 'label' ? pick(VALUES.label) : pick(VALUES[name]);
		const text = spellText(value, feature, subset);
		children.push(text === null ? `<${name}/>` : `<${name}>${text}</${name}>`);
	}
	if (children.length === 0) {
		return chance(0.2) ? (feature.add('element:pair'), `${head}></${elementName}>`) : `${head}/>`;
	}
	return `${head}>\n      ${children.join('\n      ')}\n    </${elementName}>`;
}

function prolog(feature) {
	const parts = [];
	if (chance(0.03)) {
		feature.add('bom');
		parts.push('\uFEFF');
	}
	if (chance(0.3)) {
		const version = pick(["'1.0'", '"1.0"', "'1.1'"]);
		const encoding = chance(0.6) ? ` encoding=${pick(["'UTF-8'", "'utf-8'", "'Utf-8'", "'ISO-8859-1'", "'latin1'", "'US-ASCII'", "'UTF-16'", "'bogus-enc'"])}` : '';
		const standalone = chance(0.2) ? ` standalone=${pick(["'yes'", "'no'"])}` : '';
		const decl = `<?xml version=${version}${encoding}${standalone}?>`;
		feature.add(`decl:${version}${encoding}${standalone}`.replace(/['"]/g, ''));
		parts.push(decl + '\n');
	}
	return parts.join('');
}

function makeCase(index) {
	const feature = new Set();
	const subset = [];
	const attlist = chance(0.3);
	const domainLabels = [];
	const count = pick([0, 1, 1, 1, 2]);
	for (let i = 0; i < count; i++) domainLabels.push(seclabel('domain', feature, subset, attlist));
	const diskLabel = chance(0.5) ? seclabel('disk', feature, subset, attlist) : undefined;
	// Where the device seclabel sits: the same lexical forms at the other places libvirt reads one
	// (a backing layer, a chardev's source, the NVRAM source from 8.5.0).
	const site = diskLabel ? pick(['disk', 'disk', 'backing', 'serial', 'channel', 'nvram']) : 'disk';
	if (diskLabel && site !== 'disk') feature.add(`site:${site}`);
	const indented = (label, depth) => label.replace(/\n/g, `\n${' '.repeat(depth)}`);
	const nonAscii = chance(0.05) ? (feature.add('non-ascii-name'), 'wéb') : 'web';
	const lines = [
		"<domain type='kvm'>",
		`  <name>${nonAscii}-${index}</name>`,
		"  <memory unit='KiB'>1048576</memory>",
		'  <os>',
		"    <type arch='x86_64' machine='pc'>hvm</type>",
		...(site === 'nvram' ? [
			"    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>",
			`    <nvram type='file'>\n      <source file='/var/lib/libvirt/qemu/nvram/web_VARS.fd'>\n        ${indented(diskLabel, 4)}\n      </source>\n    </nvram>`,
		] : []),
		'  </os>',
		'  <devices>',
		"    <disk type='file' device='disk'>",
		...(site === 'backing' ? [
			"      <driver name='qemu' type='qcow2'/>",
			"      <source file='/var/lib/libvirt/images/web.qcow2'/>",
			`      <backingStore type='file'>\n        <format type='raw'/>\n        <source file='/var/lib/libvirt/images/base.img'>\n          ${indented(diskLabel, 6)}\n        </source>\n      </backingStore>`,
		] : [site === 'disk' && diskLabel ? `      <source file='/var/lib/libvirt/images/web.qcow2'>\n        ${indented(diskLabel, 4)}\n      </source>` : "      <source file='/var/lib/libvirt/images/web.qcow2'/>"]),
		"      <target dev='vda' bus='virtio'/>",
		'    </disk>',
		...(site === 'serial' ? [`    <serial type='file'>\n      <source path='/var/log/libvirt/web-serial.log'>\n        ${indented(diskLabel, 4)}\n      </source>\n      <target port='0'/>\n    </serial>`] : []),
		...(site === 'channel' ? [`    <channel type='unix'>\n      <source mode='bind' path='/var/lib/libvirt/qemu/web.agent'>\n        ${indented(diskLabel, 4)}\n      </source>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n    </channel>`] : []),
		'  </devices>',
		...domainLabels.map((label) => `  ${label}`),
		'</domain>',
	];
	// What decides blank text besides the heuristic: an <!ELEMENT> declaration for label, xml:space on the root.
	if (chance(0.08)) {
		const declaration = pick(['(#PCDATA)', '(x)*', 'ANY', 'EMPTY', '(#PCDATA|x)*']);
		feature.add(`element-decl:${declaration}`);
		subset.push(`<!ELEMENT label ${declaration}>`);
	}
	if (chance(0.04)) {
		const value = pick(['preserve', 'default']);
		feature.add(`root:xml-space:${value}`);
		lines[0] = lines[0].replace('<domain ', `<domain xml:space='${value}' `);
	}
	// The root and the name in namespaces: libvirt compares the root's local name and reads
	// `string(./name[1])` first (domain-name-missing).
	if (chance(0.01)) {
		feature.add('root:unbound-prefix');
		lines[0] = "<r:domain type='kvm'>";
		lines[lines.length - 1] = '</r:domain>';
	} else if (chance(0.03)) {
		feature.add('root:prefixed');
		lines[0] = "<r:domain xmlns:r='urn:r' type='kvm'>";
		lines[lines.length - 1] = '</r:domain>';
	} else if (chance(0.02)) {
		feature.add('root:default-ns');
		lines[0] = "<domain xmlns='urn:r' type='kvm'>";
	} else if (chance(0.02)) {
		feature.add('name:namespaced');
		lines[1] = lines[1].replace('<name>', "<name xmlns='urn:n'>");
	} else if (chance(0.02)) {
		feature.add('name:empty-first');
		lines[1] = `  <name/>${lines[1].trim()}`;
	}
	let xml = prolog(feature);
	if (subset.length > 0) {
		feature.add('subset');
		xml += `<!DOCTYPE domain [\n${subset.join('\n')}\n]>\n`;
	}
	xml += lines.join('\n') + '\n';
	if (chance(0.05)) {
		feature.add('crlf');
		xml = xml.replace(/\r?\n/g, '\r\n');
	}
	return { name: `c${String(index).padStart(5, '0')}.xml`, xml, features: [...feature].sort() };
}

/** Why the two sides disagree on one file, or undefined when they agree (as virsh.test.ts judges it). */
function disagreement(each, verdict, define, version) {
	if (verdict.accepted) {
		return define.length === 0 ? undefined : { kind: 'accepted-but-reported' };
	}
	if (define.length === 0) {
		return { kind: 'refused-but-silent' };
	}
	const carrying = define.filter((d) => d.libvirtMessage !== undefined);
	if (!carrying.some((d) => d.libvirtMessage === verdict.message)) {
		return { kind: 'message-differs' };
	}
	const text = each.xml.replace(/^\uFEFF/, '');
	const document = TextDocument.create('file:///explored.xml', 'xml', 0, text);
	const doc = parseSeclabelText(text);
	if (carrying.length === 1) return undefined;
	const keyed = carrying.map((d) => ({ d, key: parseOrderKey(doc, d.code, document.offsetAt(d.range.start), version) }));
	if (keyed.some((entry) => !entry.key)) {
		return undefined;
	}
	keyed.sort((a, b) => compareKeys(a.key, b.key));
	return keyed[0].d.libvirtMessage === verdict.message ? undefined : { kind: 'not-first-in-parse-order' };
}

async function main() {
	const cases = Array.from({ length: COUNT }, (_, index) => makeCase(index));
	if (KEEP) {
		fs.mkdirSync(KEEP, { recursive: true });
		for (const each of cases) fs.writeFileSync(path.join(KEEP, each.name), each.xml);
	}
	const results = new Map();
	const queue = [...VERSIONS];
	const worker = async () => {
		while (queue.length > 0) {
			const version = queue.shift();
			const { sides } = await oracle.bothSides(cases, version, 'libvirt-seclabel-explore-');
			results.set(version, sides);
		}
	};
	await Promise.all([worker(), worker()]);
	const byFeature = new Map();
	const byKind = new Map();
	let shown = 0;
	console.log(`seed ${SEED}, ${cases.length} cases`);
	for (const version of VERSIONS) {
		let refused = 0;
		let disagreements = 0;
		for (const { each, verdict, define } of results.get(version)) {
			if (!verdict.accepted) refused++;
			const why = disagreement(each, verdict, define, version);
			if (!why) continue;
			disagreements++;
			byKind.set(`${version} ${why.kind}`, (byKind.get(`${version} ${why.kind}`) ?? 0) + 1);
			for (const f of each.features) byFeature.set(f, (byFeature.get(f) ?? 0) + 1);
			if (shown++ < SHOW) {
				console.log(`\n== ${version} ${each.name}: ${why.kind}  [${each.features.join(' ')}]`);
				console.log(`  libvirt: ${verdict.accepted ? 'accepted' : `refused: ${JSON.stringify(verdict.message)}`}`);
				console.log(`  project: ${define.map((d) => `[${d.code}] ${JSON.stringify(d.libvirtMessage ?? d.message)}`).join('\n           ') || '(nothing at define)'}`);
				console.log(each.xml.replace(/^/gm, '    | '));
			}
		}
		console.log(`\n${version}: ${disagreements} disagreements in ${cases.length} cases (${refused} refused by libvirt)`);
	}
	console.log('\nby kind:');
	for (const [kind, n] of [...byKind].sort()) console.log(`  ${kind}: ${n}`);
	const featureTotals = new Map();
	for (const each of cases) for (const f of each.features) featureTotals.set(f, (featureTotals.get(f) ?? 0) + 1);
	console.log('\nby lexical feature (disagreements over all versions / cases with the feature):');
	for (const [f, n] of [...byFeature].sort((a, b) => b[1] / (featureTotals.get(b[0]) * VERSIONS.length) - a[1] / (featureTotals.get(a[0]) * VERSIONS.length))) {
		console.log(`  ${f}: ${n} / ${featureTotals.get(f)}`);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(2);
});
