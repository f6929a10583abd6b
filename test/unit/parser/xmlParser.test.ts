import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { DEFAULT_PARSE_LIMITS, parseXml, textContent, getAttribute, type XmlElement } from '../../../server/src/service/parser/xmlParser';
import { CORPUS_DIR } from '../../support/corpus';

const CORPUS = CORPUS_DIR;

function xmlFiles(dir: string): string[] {
	if (!fs.existsSync(dir)) {
		throw new Error(`The conformance corpus is missing at ${dir}: it belongs in test/data/libvirt of the repository.`);
	}
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? xmlFiles(full) : entry.name.endsWith('.xml') ? [full] : [];
	});
}

/** Elements, attributes and leaf text in document order, from our tree. */
function ourShape(text: string, element: XmlElement): string[] {
	const out = [`<${element.name} ${element.attributes.map((a) => `${a.name}=${JSON.stringify(a.value)}`).join(' ')}>`];
	if (element.children.length === 0 && !element.selfClosing) {
		const value = textContent(text, element).trim();
		if (value) out.push(`text:${value}`);
	}
	for (const child of element.children) out.push(...ourShape(text, child));
	return out;
}

/** The same shape from xmldom's DOM. */
function domShape(node: Element): string[] {
	const attributes: string[] = [];
	for (let i = 0; i < node.attributes.length; i++) {
		const attribute = node.attributes.item(i)!;
		attributes.push(`${attribute.name}=${JSON.stringify(attribute.value)}`);
	}
	const out = [`<${node.tagName} ${attributes.join(' ')}>`];
	const children: Element[] = [];
	for (let child = node.firstChild; child; child = child.nextSibling) {
		if (child.nodeType === 1) children.push(child as unknown as Element);
	}
	if (children.length === 0) {
		const value = (node.textContent ?? '').trim();
		if (value) out.push(`text:${value}`);
	}
	for (const child of children) out.push(...domShape(child));
	return out;
}

test('every libvirt test file parses without problems and to the same tree as @xmldom/xmldom', () => {
	const files = xmlFiles(CORPUS);
	assert.ok(files.length > 150, `expected the libvirt corpus, found ${files.length} files`);
	for (const file of files) {
		const text = fs.readFileSync(file, 'utf8');
		const ours = parseXml(text);
		assert.deepEqual(ours.problems, [], `${file} is well-formed, but the parser reported problems`);
		const dom = new DOMParser({ onError: (level, message) => { if (level !== 'warning') throw new Error(`${file}: ${message}`); } }).parseFromString(text, 'text/xml');
		assert.deepEqual(ourShape(text, ours.root!), domShape(dom.documentElement!), file);
	}
});

test('offsets of names and values are exact', () => {
	const text = `<domain type='kvm'>\n  <seclabel type="static" model='selinux'><label> a&amp;b </label></seclabel>\n</domain>`;
	const doc = parseXml(text);
	const seclabel = doc.root!.children[0];
	assert.equal(text.slice(seclabel.start, seclabel.end), `<seclabel type="static" model='selinux'><label> a&amp;b </label></seclabel>`);
	const type = getAttribute(seclabel, 'type')!;
	assert.equal(text.slice(type.nameStart, type.nameEnd), 'type');
	assert.equal(text.slice(type.valueStart, type.valueEnd), 'static');
	assert.equal(type.quote, '"');
	assert.equal(textContent(text, seclabel.children[0]), ' a&b ');
});

test('half-typed XML yields problems and a usable tree, never an exception', () => {
	const text = `<domain type='kvm'>\n  <seclabel type='dyn\n  <devices>\n    <disk type='file'>\n      <source file='/a.img'>\n        <seclabel model='selinux' relabel='no'/>\n</domain>`;
	const doc = parseXml(text);
	assert.ok(doc.problems.length >= 2);
	const messages = doc.problems.map((p) => p.message).join(' | ');
	assert.match(messages, /Value of attribute 'type' is not closed/);
	assert.match(messages, /Element 'disk' is not closed/);
	// The nested device seclabel is still found, with its attributes.
	const devices = doc.root!.children.find((c) => c.name === 'devices')!;
	const seclabel = devices.children[0].children[0].children[0];
	assert.equal(seclabel.name, 'seclabel');
	assert.equal(getAttribute(seclabel, 'relabel')!.value, 'no');
});

test('well-formedness problems are found where they are', () => {
	const cases: [string, RegExp, string][] = [
		[`<domain><a></b></domain>`, /Unexpected end tag 'b'/, '</b>'],
		[`<domain x='1' x='2'/>`, /given twice/, 'x'],
		[`<domain>&foo;</domain>`, /Entity 'foo' is not defined/, '&'],
		[`<domain a=1/>`, /must be quoted/, '1'],
		[`<domain/><second/>`, /second root element/, '<second'],
		[`<domain>\u0001</domain>`, /U\+0001/, '\u0001'],
		[`<domain></domain>trailing`, /Content after the root element/, 'trailing'],
		[`<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><domain>&b;</domain>`, /Entity declarations are not expanded/, '<!ENTITY'],
	];
	for (const [text, message, covered] of cases) {
		const problem = parseXml(text).problems.find((p) => message.test(p.message));
		assert.ok(problem, `${text}: expected ${message}, got ${JSON.stringify(parseXml(text).problems)}`);
		assert.equal(text.slice(problem!.start, problem!.end), covered, text);
	}
});

test('an entity expansion bomb costs nothing: references are never expanded', () => {
	const laughs = ['<!ENTITY l0 "lol">'];
	for (let i = 1; i < 10; i++) laughs.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
	const text = `<?xml version="1.0"?>\n<!DOCTYPE domain [${laughs.join('')}]>\n<domain><name>&l9;</name></domain>`;
	const doc = parseXml(text);
	assert.equal(doc.root!.name, 'domain');
	assert.equal(textContent(text, doc.root!.children[0]), '&l9;');
});

test('deep nesting does not overflow the stack', () => {
	const depth = 200000;
	const text = `<domain>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</domain>`;
	// Past the default depth limit the document is not built at all (document-too-large.test.ts); raised, the tree is.
	const doc = parseXml(text, { ...DEFAULT_PARSE_LIMITS, maxDepth: depth + 1 });
	assert.deepEqual(doc.problems, []);
	let element = doc.root!;
	let levels = 0;
	while (element.children.length) { element = element.children[0]; levels++; }
	assert.equal(levels, depth);
});

test('CRLF line ends and a BOM keep offsets exact', () => {
	const text = `\uFEFF<domain>\r\n  <seclabel type='none'/>\r\n</domain>\r\n`;
	const doc = parseXml(text);
	assert.deepEqual(doc.problems, []);
	const seclabel = doc.root!.children[0];
	assert.equal(text.slice(seclabel.start, seclabel.end), `<seclabel type='none'/>`);
});

test('binary garbage gives a clear problem', () => {
	const doc = parseXml('\u0000\u0007\u00ffPNG\u001a');
	assert.equal(doc.root, null);
	assert.match(doc.problems[0].message, /binary file/);
});

test('an attribute cut off at the end of the text ends there, and fixes stay inside the text', () => {
	const text = `<domain><seclabel type='dynamic' model='selinux' relabel='no`;
	const seclabel = parseXml(text).root!.children[0];
	for (const attribute of seclabel.attributes) {
		assert.ok(attribute.end <= text.length, `${attribute.name} ends at ${attribute.end}, past ${text.length}`);
	}
	const relabel = getAttribute(seclabel, 'relabel')!;
	assert.equal(text.slice(relabel.nameStart, relabel.end), "relabel='no");
	assert.equal(getAttribute(seclabel, 'type')!.end, text.indexOf(" model"));
});
