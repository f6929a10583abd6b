/**
 * domain-name-missing: a domain whose `<name>` libvirt cannot read, refused with `missing name
 * information` before any seclabel; and the namespaces around it (a default xmlns on <domain>, a
 * prefixed root). The verdicts are the oracles' (test/differential/sites.test.ts asks all four).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings } from '../../support/fixture';

const RULE = 'domain-name-missing';
const BOGUS = "  <seclabel type='bogus'/>";

test('domain-name-missing: no <name>, an empty first <name>, a <name> of an empty entity', () => {
	assert.deepEqual(codedFor(RULE, domain(BOGUS).replace('<name>guest</name>', '')), [{ code: RULE, text: 'domain', stage: 'define' }]);
	assert.deepEqual(codedFor(RULE, domain(BOGUS).replace('<name>guest</name>', '<name/><name>guest</name>')), [{ code: RULE, text: 'name', stage: 'define' }]);
	const entity = '<!DOCTYPE domain [<!ENTITY n "">]>\n' + domain('').replace('<name>guest</name>', '<name>&n;</name>');
	assert.equal(codedFor(RULE, entity).length, 1);
	const [finding] = findings(domain('').replace('<name>guest</name>', ''));
	assert.equal(finding.libvirtMessage, 'missing name information');
});

test('domain-name-missing stays silent for a name of spaces, a fragment and other XML', () => {
	assert.deepEqual(codedFor(RULE, domain('').replace('<name>guest</name>', '<name>  </name>')), []);
	assert.deepEqual(codedFor(RULE, domain('')), []);
	assert.deepEqual(codedFor(RULE, "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda'/></disk>"), []);
	assert.deepEqual(codedFor(RULE, '<network><forward/></network>'), []);
});

test('a default namespace on <domain> hides the name (the xmlns is the finding, removing it the fix) and every seclabel', () => {
	const xml = domain(BOGUS, '', " xmlns='urn:example'");
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: "xmlns='urn:example'", stage: 'define' }]);
	// The seclabel is in the namespace too: ignored, and said so.
	const misplaced = findings(xml).filter((finding) => finding.rule.id === 'seclabel-misplaced');
	assert.equal(misplaced.length, 1);
	assert.match(misplaced[0].message, /in the XML namespace 'urn:example' \(the xmlns on <domain>\)/);
	assert.deepEqual(findings(xml).filter((finding) => finding.stage === 'define').map((finding) => finding.rule.id), [RULE]);
	const fixed = applyFix(xml, RULE, "Remove xmlns='urn:example' from <domain>");
	assert.equal(fixed, domain(BOGUS));
	assert.deepEqual(codedFor(RULE, fixed), []);
	assert.deepEqual(codedFor('seclabel-type-invalid', fixed).length, 1);
	// A name taken back out of the namespace is a name again.
	assert.deepEqual(codedFor(RULE, xml.replace('<name>', "<name xmlns=''>")), []);
	// A name in a namespace of its own: the fix removes that one.
	const own = domain('').replace('<name>', "<name xmlns='urn:example'>");
	assert.deepEqual(codedFor(RULE, own), [{ code: RULE, text: "xmlns='urn:example'", stage: 'define' }]);
	assert.equal(applyFix(own, RULE, "Remove xmlns='urn:example' from <name>"), domain(''));
});

test('a root with a bound prefix is a domain, its unprefixed children read as usual; an unbound prefix is refused for its root', () => {
	const prefixed = domain(BOGUS).replace("<domain type='kvm'>", "<q:domain xmlns:q='urn:example' type='kvm'>").replace('</domain>', '</q:domain>');
	assert.deepEqual(codedFor('seclabel-type-invalid', prefixed).map((finding) => finding.text), ['bogus']);
	assert.deepEqual(codedFor(RULE, prefixed), []);
	// A prefixed <q:name> is not the <name> libvirt reads.
	const prefixedName = domain(BOGUS, '', " xmlns:q='urn:example'").replace('<name>guest</name>', '<q:name>guest</q:name>');
	assert.deepEqual(codedFor(RULE, prefixedName), [{ code: RULE, text: 'domain', stage: 'define' }]);
	const unbound = prefixed.replace(" xmlns:q='urn:example'", '');
	assert.deepEqual(findings(unbound).filter((finding) => finding.stage === 'define').map((finding) => finding.rule.id), ['root-prefix-unbound']);
});
