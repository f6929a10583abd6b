import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, coded, domain, findings } from '../../support/fixture';

const RULE = 'xml-not-well-formed';

test('xml-not-well-formed reports half-typed XML without throwing, and still checks the seclabels it can read', () => {
	const xml = "<domain type='kvm'>\n  <name>g</name>\n  <seclabel type='dynamic' model='selinux' relabel='no'/>\n  <seclabel type='static' model='dac'";
	assert.doesNotThrow(() => findings(xml));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: '<domain', stage: 'define' }, { code: RULE, text: '<seclabel', stage: 'define' }]);
	assert.deepEqual(findings(xml).filter((f) => f.rule.id === RULE).map((f) => f.message), ["Element 'domain' is not closed.", "Start tag of 'seclabel' is not closed."]);
	// The complete seclabel before the break is still checked, and so is the half-typed one.
	assert.deepEqual(coded(xml).filter((c) => c.code !== RULE), [{ code: 'dynamic-relabel-no', text: "relabel='no'" }, { code: 'label-missing', text: 'seclabel' }]);
});

test('xml-not-well-formed: a half-typed attribute value is reported once, not also as an invalid value', () => {
	const relabel = "<domain type='kvm'>\n  <seclabel type='dynamic' model='selinux' relabel=\n</domain>\n";
	assert.deepEqual(coded(relabel), [{ code: RULE, text: '<seclabel' }, { code: RULE, text: '<' }]);
	assert.deepEqual(findings(relabel).map((f) => f.message), ["Start tag of 'seclabel' is not closed.", "Value of attribute 'relabel' must be quoted."]);
	const type = "<domain type='kvm'>\n  <seclabel model='selinux' type=\n</domain>\n";
	assert.deepEqual(coded(type), [{ code: RULE, text: '<seclabel' }, { code: RULE, text: '<' }]);
	const labelskip = "<!-- libvirt-seclabel: live -->\n<domain type='kvm' id='1'>\n  <devices>\n    <disk type='file'>\n      <source file='/a.img'>\n        <seclabel model='selinux' labelskip=/>\n";
	assert.deepEqual(coded(labelskip).filter((c) => c.code !== RULE), []);
});

test('xml-not-well-formed reports an unclosed element where it starts', () => {
	const xml = "<domain type='kvm'>\n  <seclabel type='dynamic' model='selinux'>\n</domain>\n";
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: '<seclabel', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.message, "Element 'seclabel' is not closed before '</domain>'.");
});

test('xml-not-well-formed survives a truncation at every offset of a real domain', () => {
	const xml = domain(`  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`,
		`    <disk type='file' device='disk'>\n      <source file='/a.img'><seclabel model='selinux' relabel='no'/></source>\n      <target dev='vda'/>\n    </disk>`);
	for (let end = 1; end < xml.length; end++) {
		const prefix = xml.slice(0, end);
		const all = findings(prefix);
		assert.ok(all.every((f) => f.span.start >= 0 && f.span.end <= prefix.length && f.span.start <= f.span.end), `bad span at ${end}`);
		assert.ok(!all.some((f) => f.message.startsWith('Internal error')), `a rule threw at ${end}: ${all.find((f) => f.message.startsWith('Internal error'))?.message}`);
		// Before '<domain ' is complete the text is not (yet) a domain, which the editor leaves alone.
		if (end > '<domain'.length && prefix.trimEnd() !== xml.trimEnd()) {
			assert.ok(all.some((f) => f.rule.id === RULE), `no ${RULE} finding for a prefix of ${end} characters`);
		}
	}
});

test('xml-not-well-formed stays silent for well-formed XML', () => {
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'/>`)), []);
});

test('xml-not-well-formed honours the off switch and a severity override', () => {
	const xml = "<domain type='kvm'>\n  <seclabel type='dynamic' model='selinux'>\n</domain>\n";
	assert.deepEqual(codedFor(RULE, xml, { rules: { [RULE]: 'off' } }), []);
	assert.deepEqual(findings(xml, { rules: { [RULE]: 'warning' } }).filter((f) => f.rule.id === RULE).map((f) => f.severity), ['warning']);
});
