/**
 * The internal DTD subset as libxml2 applies it for libvirt; each form's verdict in the comments is
 * `virsh -c test:///default define` on libvirt 7.0.0 to 12.9.0, and test/differential/sites.test.ts
 * compares the same forms with every release present.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../../server/src/service/seclabelLanguageService';
import { libvirtText } from '../../../server/src/service/parser/dtdSubset';
import { codedFor, findings } from '../../support/fixture';

const body = (labels: string) => `<domain type='kvm'>\n  <name>g</name>\n  <memory unit='KiB'>219200</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n${labels}\n</domain>\n`;
const withSubset = (subset: string, labels: string) => `<!DOCTYPE domain [${subset}]>\n${body(labels)}`;
const defineCodes = (xml: string) => findings(xml, { driver: 'test' }).filter((f) => f.stage === 'define').map((f) => f.rule.id);

test('an internal entity in an attribute value reads as its text, and declared entities are no well-formedness problem', () => {
	// virsh: "Invalid value for attribute 'type' in element 'seclabel': 'bogus'."
	const xml = withSubset('<!ENTITY t "bogus">', "<seclabel type='&t;' model='selinux'/>");
	assert.deepEqual(defineCodes(xml), ['seclabel-type-invalid']);
	assert.equal(findings(xml).find((f) => f.rule.id === 'seclabel-type-invalid')!.libvirtMessage, "XML error: Invalid value for attribute 'type' in element 'seclabel': 'bogus'.");
	// Nested entities and character references in the entity value; a parameter entity declaring it.
	assert.deepEqual(defineCodes(withSubset('<!ENTITY n "bog&#117;s"><!ENTITY t "&n;">', "<seclabel type='&t;' model='selinux'/>")), ['seclabel-type-invalid']);
	assert.deepEqual(defineCodes(withSubset('<!ENTITY n "none">', "<seclabel type='&n;' model='selinux'/>")), []);
	assert.deepEqual(defineCodes(withSubset(`<!ENTITY % p "<!ENTITY t 'bogus'>"> %p;`, "<seclabel type='&t;' model='selinux'/>")), ['seclabel-type-invalid']);
	// An undeclared entity stays a well-formedness error.
	assert.ok(defineCodes(withSubset('<!ENTITY t "none">', "<seclabel type='&u;' model='selinux'/>")).includes('xml-not-well-formed'));
});

test('an entity in label text counts with its content; one that stands for elements hides them from libvirt', () => {
	// virsh: "security label is missing" for an empty entity as the whole label.
	assert.deepEqual(defineCodes(withSubset('<!ENTITY l "">', "<seclabel type='static' model='selinux'><label>&l;</label></seclabel>")), ['label-missing']);
	const xml = withSubset('<!ENTITY c "system_u:system_r:svirt_t:s0:c1,c2">', "<seclabel type='static' model='selinux'><label>&c;</label></seclabel>");
	const doc = parseSeclabelText(xml);
	assert.equal(libvirtText(doc.xml, doc.seclabels[0].labels[0]), 'system_u:system_r:svirt_t:s0:c1,c2');
	assert.deepEqual(defineCodes(xml), []);
	// virsh accepts: the malformed seclabel inside the entity is never seen.
	assert.deepEqual(defineCodes(withSubset(`<!ENTITY s "<seclabel type='bogus'/>">`, '&s;')), []);
});

test('ATTLIST defaults answer for absent attributes, and tokenized types are normalised', () => {
	// virsh: "Invalid value for attribute 'relabel' …: 'bogus'." from the default alone.
	assert.deepEqual(codedFor('relabel-invalid', withSubset('<!ATTLIST seclabel relabel CDATA "bogus">', "<seclabel type='dynamic' model='selinux'/>")).map((f) => f.stage), ['define']);
	// virsh: "dynamic label type must use resource relabeling" from a #FIXED relabel='no'.
	assert.deepEqual(defineCodes(withSubset('<!ATTLIST seclabel relabel CDATA #FIXED "no">', "<seclabel type='dynamic' model='selinux'/>")), ['dynamic-relabel-no']);
	// A written value wins over the default.
	assert.deepEqual(defineCodes(withSubset('<!ATTLIST seclabel relabel CDATA "no">', "<seclabel type='dynamic' model='selinux' relabel='yes'/>")), []);
	// virsh accepts type='  none ' when the type is declared as an enumeration or NMTOKEN; as CDATA it is refused.
	assert.deepEqual(defineCodes(withSubset('<!ATTLIST seclabel type (dynamic|static|none) #IMPLIED>', "<seclabel type='  none ' model='selinux'/>")), []);
	assert.deepEqual(defineCodes(withSubset('<!ATTLIST seclabel type NMTOKEN #IMPLIED>', "<seclabel type=' none ' model='selinux'/>")), []);
	assert.deepEqual(defineCodes(withSubset('<!ATTLIST seclabel type CDATA #IMPLIED>', "<seclabel type=' none ' model='selinux'/>")), ['seclabel-type-invalid']);
	// ELEMENT declarations change nothing.
	assert.deepEqual(defineCodes(withSubset('<!ELEMENT domain ANY><!-- c -->', "<seclabel type='none' model='selinux'/>")), []);
});

test('an entity expansion bomb is refused as libxml2 refuses it, and never expanded', () => {
	const laughs = ['<!ENTITY l0 "lol">'];
	for (let i = 1; i < 10; i++) laughs.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
	const xml = withSubset(laughs.join(''), "<seclabel type='static' model='selinux'><label>&l9;</label></seclabel>\n<seclabel type='&l9;' model='dac'/>");
	const doc = parseSeclabelText(xml);
	// virsh define: "Detected an entity reference loop".
	assert.ok(doc.xml.problems.some((problem) => /Detected an entity reference loop/.test(problem.message)));
	assert.equal(libvirtText(doc.xml, doc.seclabels[0].labels[0]), '&l9;');
	assert.equal(doc.seclabels[1].type?.value, '&l9;');
	// A large but modest expansion is substituted.
	const modest = withSubset('<!ENTITY a "none">', "<seclabel type='&a;' model='selinux'/>");
	assert.equal(parseSeclabelText(modest).seclabels[0].type?.value, 'none');
});
