/**
 * Every range a rule reports can be drawn: an empty attribute value (`relabel=''`) is reported on
 * its quotes, an empty label on its tags, never as a zero-width range that clients move or hide.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { disk, domain, liveDomain, findings } from '../../support/fixture';
import { hoverAt, textOf } from '../../support/cursor';

const EMPTY_VALUES = [
	domain("  <seclabel type='' model='selinux'/>"),
	domain("  <seclabel type='static' model='' relabel='no'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>"),
	domain("  <seclabel type='dynamic' model='selinux' relabel=''/>"),
	domain('  <seclabel type="dynamic" model="selinux" relabel=""/>'),
	liveDomain("  <seclabel type='dynamic' model='selinux' labelskip=''/>"),
	domain("  <seclabel type='static' model='selinux' relabel='no'><label></label></seclabel>"),
	domain("  <seclabel type='static' model='selinux' relabel='no'><label>  </label></seclabel>"),
	domain("  <seclabel type='static' model='selinux' relabel='no'><label/></seclabel>"),
	domain("  <seclabel type='dynamic' model='selinux'><baselabel></baselabel></seclabel>"),
	liveDomain("  <seclabel type='dynamic' model='selinux' relabel='yes'><label></label><imagelabel></imagelabel></seclabel>"),
	domain("  <seclabel type='static' model='dac' relabel='no'><label></label></seclabel>"),
	domain('', disk("<seclabel model='' relabel='no'/>")),
	domain('', disk("<seclabel model='selinux' relabel=''/>")),
	domain('', disk("<seclabel model='selinux'><label></label></seclabel>")),
	domain('', disk("<seclabel model='selinux' relabel='no'/>", '', 'vda', '')),
	domain("  <seclabel type='dynamic' model='selinux' relabel='no'/>").replace("<domain type='kvm'", "<domain type=''"),
];

test('no rule reports a zero-width range on an empty value or an empty label', () => {
	let checked = 0;
	for (const xml of EMPTY_VALUES) {
		for (const finding of findings(xml)) {
			checked++;
			assert.ok(finding.span.end > finding.span.start,
				`${finding.rule.id} reports a zero-width range at ${finding.span.start} (…${xml.slice(finding.span.start - 20, finding.span.start)}|${xml.slice(finding.span.start, finding.span.start + 20)}…)`);
		}
	}
	assert.ok(checked > EMPTY_VALUES.length, `only ${checked} findings were checked`);
});

test("an empty attribute value is reported on its two quotes", () => {
	const xml = domain("  <seclabel type='dynamic' model='selinux' relabel=''/>");
	const relabel = findings(xml).find((finding) => finding.rule.id === 'relabel-invalid');
	assert.ok(relabel, 'relabel-invalid');
	assert.equal(xml.slice(relabel.span.start, relabel.span.end), "''");
});

test('a hover on an empty attribute value covers its quotes', () => {
	const { hover, cursor } = hoverAt(domain("  <seclabel type='dynamic' model='selinux' relabel='|'/>"));
	assert.ok(hover?.range, 'a hover with a range');
	assert.equal(textOf(cursor, hover.range), "''");
});
