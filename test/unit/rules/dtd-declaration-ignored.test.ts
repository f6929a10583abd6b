/**
 * dtd-declaration-ignored: declarations of the internal subset that libxml2 reads and ignores (the
 * first one applies), and the predefined entities, which a declaration never replaces. The
 * verdicts are the oracles' (test/differential/sites.test.ts asks all four).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'dtd-declaration-ignored';
const withSubset = (subset: string, xml: string) => `<!DOCTYPE domain [${subset}]>\n${xml}`;

test('dtd-declaration-ignored: a second ELEMENT, a second attribute declaration, a second entity, a predefined entity', () => {
	assert.deepEqual(codedFor(RULE, withSubset('<!ELEMENT label (#PCDATA)><!ELEMENT label (x)*>', domain(''))), [{ code: RULE, text: '<!ELEMENT', stage: 'ignored' }]);
	// The span is the keyword whatever white space follows it.
	assert.deepEqual(codedFor(RULE, withSubset('<!ELEMENT label (#PCDATA)><!ELEMENT\tlabel (x)*>', domain(''))), [{ code: RULE, text: '<!ELEMENT', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, withSubset("<!ENTITY t 'a'><!ENTITY\nt 'b'>", domain(''))), [{ code: RULE, text: '<!ENTITY', stage: 'ignored' }]);
	const attlist = withSubset("<!ATTLIST seclabel relabel CDATA 'no'><!ATTLIST seclabel model CDATA #IMPLIED relabel CDATA 'yes'>", domain(''));
	assert.deepEqual(codedFor(RULE, attlist), [{ code: RULE, text: 'relabel', stage: 'ignored' }]);
	assert.match(findings(attlist).find((finding) => finding.rule.id === RULE)!.message, /validity warning : Attribute relabel of element seclabel: already defined/);
	assert.deepEqual(codedFor(RULE, withSubset("<!ENTITY t 'dynamic'><!ENTITY t 'bogus'>", domain(''))), [{ code: RULE, text: '<!ENTITY', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, withSubset("<!ENTITY lt 'dynamic'>", domain(''))).length, 1);
	// One declaration of each: nothing.
	assert.deepEqual(codedFor(RULE, withSubset("<!ELEMENT label (#PCDATA)><!ATTLIST seclabel relabel CDATA 'no'><!ENTITY t 'x'>", domain(''))), []);
	assert.deepEqual(codedFor(RULE, domain('')), []);
});

test('the first declaration is the one the rules read, and a predefined entity means itself', () => {
	// virsh: accepted (the first default, dynamic, applies), then refused with the second first.
	assert.deepEqual(codedFor('seclabel-type-invalid', withSubset("<!ATTLIST seclabel type CDATA 'dynamic'><!ATTLIST seclabel type CDATA 'bogus'>", domain("  <seclabel model='selinux'/>"))), []);
	assert.deepEqual(codedFor('seclabel-type-invalid', withSubset("<!ENTITY t 'dynamic'><!ENTITY t 'bogus'>", domain("  <seclabel type='&t;' model='selinux'/>"))), []);
	// virsh: "Invalid value for attribute 'type' in element 'seclabel': '<'." although lt is declared as dynamic.
	const lt = withSubset("<!ENTITY lt 'dynamic'>", domain("  <seclabel type='&lt;' model='selinux'/>"));
	assert.deepEqual(findings(lt).filter((finding) => finding.rule.id === 'seclabel-type-invalid').map((finding) => finding.libvirtMessage), ["XML error: Invalid value for attribute 'type' in element 'seclabel': '<'."]);
});
