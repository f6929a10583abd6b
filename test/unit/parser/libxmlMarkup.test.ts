/**
 * libxml2's first markup error for the hand-made mistakes, as libvirt prints it. The expected texts
 * are what `virsh -c test:///default define` printed for these documents (test/differential/
 * xmlErrors.test.ts asks the four real parsers again on every run).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { findings } from '../../support/fixture';

const HEAD = "<domain type='kvm'>\n  <name>x</name>\n  <memory unit='KiB'>219200</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n";
const SECLABEL = "<seclabel type='dynamic' model='selinux'>";

function libvirtMessages(xml: string, libvirtVersion = '9.0.0'): string[] {
	return findings(xml, { libvirtVersion }).filter((f) => f.rule.id === 'xml-not-well-formed' && f.libvirtMessage).map((f) => f.libvirtMessage!);
}

test('a mismatched end tag is reported at the end tag, naming the open element and its line', () => {
	assert.deepEqual(libvirtMessages(`${HEAD}  ${SECLABEL}\n  </seclable>\n</domain>\n`), ['(domain_definition):8: Opening and ending tag mismatch: seclabel line 7 and seclable\n  </seclable>\n-------------^']);
	assert.deepEqual(libvirtMessages(`${HEAD}  <devices>\n    <disk>\n  </devices>\n</domain>\n`, '11.3.0'), ['at line 9: Opening and ending tag mismatch: disk line 8 and devices\n  </devices>\n------------^']);
});

test('the end of the input inside an element: the wording and context line of each libxml2', () => {
	const xml = `${HEAD}  ${SECLABEL}\n`;
	assert.deepEqual(libvirtMessages(xml, '7.0.0'), ["(domain_definition):8: EndTag: '</' not found\n(null)\n^"]);
	assert.deepEqual(libvirtMessages(xml, '9.0.0'), ['(domain_definition):8: Premature end of data in tag seclabel line 7\n(null)\n^']);
	assert.deepEqual(libvirtMessages(xml, '12.9.0'), [`at line 8: Premature end of data in tag seclabel line 7\n  ${SECLABEL}\n${'-'.repeat(43)}^`]);
	assert.deepEqual(libvirtMessages(`${HEAD}  ${SECLABEL}`, '9.0.0'), [`(domain_definition):7: Premature end of data in tag seclabel line 7\n  ${SECLABEL}\n${'-'.repeat(43)}^`]);
});

test('attribute errors: unquoted, a < in the value, no blank between, duplicate (at the end of the tag)', () => {
	assert.deepEqual(libvirtMessages(`${HEAD}  <seclabel type=dynamic model='selinux'/>\n</domain>\n`), [`(domain_definition):7: AttValue: " or ' expected\n  <seclabel type=dynamic model='selinux'/>\n${'-'.repeat(17)}^`]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <seclabel type='a<b' model='selinux'/>\n</domain>\n`), [`(domain_definition):7: Unescaped '<' not allowed in attributes values\n  <seclabel type='a<b' model='selinux'/>\n${'-'.repeat(19)}^`]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <seclabel type='dynamic model='selinux'/>\n</domain>\n`), [`(domain_definition):7: attributes construct error\n  <seclabel type='dynamic model='selinux'/>\n${'-'.repeat(33)}^`]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <seclabel type='dynamic' type='none' model='selinux'/>\n</domain>\n`), [`(domain_definition):7: Attribute type redefined\n  <seclabel type='dynamic' type='none' model='selinux'/>\n${'-'.repeat(54)}^`]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <seclabel type='dynamic' model='selinux'\n</domain>\n`), ['(domain_definition):8: error parsing attribute name\n</domain>\n^']);
});

test('extra content after the root, a stray < and a stray &', () => {
	assert.deepEqual(libvirtMessages(`${HEAD}</domain>\nextra\n`), ['(domain_definition):8: Extra content at the end of the document\nextra\n^']);
	assert.deepEqual(libvirtMessages(`${HEAD}  <label>a < b</label>\n</domain>\n`), [`(domain_definition):7: StartTag: invalid element name\n  <label>a < b</label>\n${'-'.repeat(12)}^`]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <label>a & b</label>\n</domain>\n`), [`(domain_definition):7: xmlParseEntityRef: no name\n  <label>a & b</label>\n${'-'.repeat(12)}^`]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <label>a &b</label>\n</domain>\n`), [`(domain_definition):7: EntityRef: expecting ';'\n  <label>a &b</label>\n${'-'.repeat(13)}^`]);
});

test('only the first error libxml2 meets carries its message, even when the parser finds a later one first', () => {
	// The parser reports the unclosed <seclabel> at its start tag; libxml2 meets the entity first.
	assert.deepEqual(libvirtMessages(`${HEAD}  <seclabel type='&x;' model='selinux'>\n</domain>\n`), [`(domain_definition):7: Entity 'x' not defined\n  <seclabel type='&x;' model='selinux'>\n${'-'.repeat(21)}^`]);
	// A problem whose libxml2 wording is not known comes first: no message rather than a wrong one.
	assert.deepEqual(libvirtMessages(`${HEAD}  <!x>\n  ${SECLABEL}\n</domain>\n`).filter((m) => m.includes('mismatch')), []);
});

test('an attribute without a value, an end tag without its >, an unclosed comment, text before the root', () => {
	assert.deepEqual(libvirtMessages(`${HEAD}  <seclabel type='dynamic' model relabel='no'/>\n</domain>\n`), [`(domain_definition):7: Specification mandates value for attribute model\n  <seclabel type='dynamic' model relabel='no'/>\n${'-'.repeat(33)}^`]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <seclabel type='none'></seclabel\n</domain>\n`, '12.9.0'), ["at line 8: expected '>'\n</domain>\n^"]);
	assert.deepEqual(libvirtMessages(`${HEAD}</domain\n`, '9.0.0'), ["(domain_definition):8: expected '>'\n(null)\n^"]);
	assert.deepEqual(libvirtMessages(`${HEAD}</domain\n`, '11.3.0'), [`at line 8: expected '>'\n</domain\n${'-'.repeat(8)}^`]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <!-- the label\n</domain>\n`, '11.3.0'), [`at line 9: Comment not terminated\n</domain>\n${'-'.repeat(9)}^`]);
	assert.deepEqual(libvirtMessages(`hello\n${HEAD}</domain>\n`), ["(domain_definition):1: Start tag expected, '<' not found\nhello\n^"]);
});

// The texts below are what `virsh define` printed (test/differential/xmlWellFormed.test.ts asks the four oracles again).
test("'--' in a comment: quoted by libxml2's fast scanner, unquoted after a non-ASCII character", () => {
	assert.deepEqual(libvirtMessages(`${HEAD}  <!-- a -- b -->\n</domain>\n`), ['(domain_definition):7: Double hyphen within comment: <!-- a \n  <!-- a -- b -->\n---------^']);
	assert.deepEqual(libvirtMessages(`${HEAD}  <!-- é -- b -->\n</domain>\n`, '12.9.0'), ["at line 7: Comment must not contain '--' (double-hyphen)\n  <!-- é -- b -->\n------------^"]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <!----x-->\n</domain>\n`), ['(domain_definition):7: Double hyphen within comment\n  <!----x-->\n------^']);
});

test('processing instructions: the XML declaration not first, the target xml in another case, no target', () => {
	assert.deepEqual(libvirtMessages(`\n<?xml version='1.0'?>\n${HEAD}</domain>\n`), ["(domain_definition):2: XML declaration allowed only at the start of the document\n<?xml version='1.0'?>\n-----^"]);
	assert.deepEqual(libvirtMessages(`${HEAD}  <?XML foo?>\n</domain>\n`), ['(domain_definition):7: Invalid PI name\n  <?XML foo?>\n-------^']);
	assert.deepEqual(libvirtMessages(`${HEAD}  <? foo?>\n</domain>\n`), ['(domain_definition):7: xmlParsePI : no target name\n  <? foo?>\n----^']);
	assert.deepEqual(libvirtMessages(`<?xml version='2.0'?>\n${HEAD}</domain>\n`), ["(domain_definition):1: Unsupported version '2.0'\n<?xml version='2.0'?>\n-------------------^"]);
});

test("']]>' in text is shown at the start of its run of text, numbered with its own line", () => {
	assert.deepEqual(libvirtMessages(`${HEAD}  <description>\n]]></description>\n</domain>\n`), ["(domain_definition):8: Sequence ']]>' not allowed in content\n  <description>\n---------------^"]);
});

test('entities: a loop in the text of the 20th level, markup errors in the entity text, < in an attribute', () => {
	const subset = (decls: string) => `<!DOCTYPE domain [\n${decls}\n]>\n`;
	assert.deepEqual(libvirtMessages(`${subset('<!ENTITY a "&b;">\n<!ENTITY b "&c;">\n<!ENTITY c "&a;">')}${HEAD}  <description>&a;</description>\n</domain>\n`), ['at line 1: Detected an entity reference loop\n&c;\n---^']);
	assert.deepEqual(libvirtMessages(`${subset("<!ENTITY s \"<seclabel type='none'>\">")}${HEAD}  &s;\n</domain>\n`, '7.0.0'), ["at line 1: chunk is not well balanced\n<seclabel type='none'>\n----------------------^"]);
	assert.deepEqual(libvirtMessages(`${subset("<!ENTITY s \"<seclabel type='none'>\">")}${HEAD}  &s;\n</domain>\n`, '9.0.0'), ["at line 1: Premature end of data in tag seclabel line 1\n<seclabel type='none'>\n----------------------^"]);
	assert.deepEqual(libvirtMessages(`${subset('<!ENTITY s "a<b">')}${HEAD}  <seclabel type='&s;' model='selinux'/>\n</domain>\n`), ["(domain_definition):10: '<' in entity 's' is not allowed in attributes values\n  <seclabel type='&s;' model='selinux'/>\n---------------------^"]);
	// Only declared, a loop is accepted.
	assert.deepEqual(libvirtMessages(`${subset('<!ENTITY a "&b;">\n<!ENTITY b "&a;">')}${HEAD}</domain>\n`), []);
});

test('a declared encoding: unknown to glibc and ICU is refused everywhere, known only to ICU from 11.3.0 on', () => {
	const doc = (name: string) => `<?xml version='1.0' encoding='${name}'?>\n${HEAD}</domain>\n`;
	for (const version of ['7.0.0', '9.0.0', '11.3.0', '12.9.0']) {
		assert.deepEqual(libvirtMessages(doc('UTF-8'), version), [], `UTF-8 at ${version}`);
		assert.deepEqual(libvirtMessages(doc('iso8859-15'), version), [], `a glibc name at ${version}`);
		assert.equal(libvirtMessages(doc('bogus-enc'), version).length, 1, `an unknown name at ${version}`);
		assert.match(libvirtMessages(doc('bogus-enc'), version)[0], /Unsupported encoding bogus-enc/);
	}
	assert.deepEqual(libvirtMessages(doc('latin-1'), '9.0.0'), [], 'libxml2 with ICU matches latin-1 loosely');
	assert.match(libvirtMessages(doc('latin-1'), '11.3.0')[0] ?? '', /Unsupported encoding latin-1/);
	assert.match(libvirtMessages(doc('8859-1'), '9.0.0')[0] ?? '', /Invalid XML encoding name/);
});
