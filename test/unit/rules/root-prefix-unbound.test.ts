/**
 * root-prefix-unbound: `<q:domain>` with `q` declared nowhere is refused for its root, before
 * its name and every seclabel (the verdicts and both wordings are the oracles': test/differential/
 * sites.test.ts asks all four versions).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings } from '../../support/fixture';

const RULE = 'root-prefix-unbound';
const BOGUS = "  <seclabel type='bogus'/>";
const unbound = (xml: string) => xml.replace('<domain ', '<q:domain ').replace('</domain>', '</q:domain>');

test('root-prefix-unbound: the root is refused first, in the words of the target release', () => {
	const xml = unbound(domain(BOGUS).replace('<name>guest</name>', ''));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'q:domain', stage: 'define' }]);
	// Only the root's finding carries a define stage: the name and the seclabel are never reached.
	const defined = findings(xml).filter((finding) => finding.stage === 'define');
	assert.deepEqual(defined.map((finding) => finding.rule.id), [RULE]);
	assert.equal(defined[0].libvirtMessage, "XML error: expecting root element of 'domain', not 'q:domain'");
	const old = findings(xml, { libvirtVersion: '7.0.0' }).find((finding) => finding.rule.id === RULE);
	assert.equal(old?.libvirtMessage, 'XML error: unexpected root element <q:domain>, expecting <domain>');
});

test('root-prefix-unbound: removing the prefix from both tags gives the domain libvirt reads', () => {
	const xml = unbound(domain(BOGUS));
	const fixed = applyFix(xml, RULE, "Remove the prefix 'q:' from <q:domain>");
	assert.equal(fixed, domain(BOGUS));
	assert.deepEqual(codedFor(RULE, fixed), []);
	assert.equal(codedFor('seclabel-type-invalid', fixed).length, 1);
});

test('root-prefix-unbound: `xmlns:` is no element prefix (refused), `xml:` is always bound (a domain)', () => {
	const xml = (prefix: string) => domain(BOGUS).replace('<domain ', `<${prefix}:domain `).replace('</domain>', `</${prefix}:domain>`);
	const [finding] = findings(xml('xmlns')).filter((found) => found.rule.id === RULE);
	assert.match(finding.message, /only declares namespaces/);
	assert.equal(finding.libvirtMessage, "XML error: expecting root element of 'domain', not 'xmlns:domain'");
	assert.deepEqual(codedFor(RULE, xml('xml')), []);
	assert.equal(codedFor('seclabel-type-invalid', xml('xml')).length, 1);
});

test('root-prefix-unbound stays silent for a bound prefix, other roots and broken XML', () => {
	assert.deepEqual(codedFor(RULE, domain(BOGUS).replace('<domain ', "<q:domain xmlns:q='urn:x' ").replace('</domain>', '</q:domain>')), []);
	assert.deepEqual(codedFor(RULE, '<q:network><forward/></q:network>'), []);
	assert.deepEqual(codedFor(RULE, domain(BOGUS)), []);
	// Not well-formed: libxml2's error is the one virsh prints.
	assert.deepEqual(codedFor(RULE, unbound(domain(BOGUS)).replace('</q:domain>', '</domain>')), []);
});
