/**
 * The mcs-level-collision rule: static levels shared with another guest's static or live level.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { applyEdits } from '../support/fixture';
import {
	crossFindings, DYNAMIC_LABEL, guestXml, lineOf, LIVE_COMMENT, liveDynamicLabel, staticLabel, summarize, workspaceOf,
} from './guests';

test('static MCS levels: equal static levels collide, and so does a static level equal to a running guest\'s dynamic one', () => {
	const a = guestXml('a', { seclabel: staticLabel('s0:c10,c20') });
	// The same level written differently (order of categories) is the same level.
	const b = guestXml('b', { seclabel: staticLabel('s0:c20,c10') });
	const index = workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b });
	const inA = crossFindings(index, 'file:///a.xml', a);
	assert.deepEqual(summarize(inA, a), [{ code: 'mcs-level-collision', text: 'system_u:system_r:svirt_t:s0:c10,c20', related: [{ uri: 'file:///b.xml', line: lineOf(b, '<label>') }] }]);
	assert.equal(inA[0].stage, 'advice');
	assert.equal(inA[0].severity, 'warning');
	assert.deepEqual(summarize(crossFindings(index, 'file:///b.xml', b), b).map((finding) => finding.code), ['mcs-level-collision']);

	const running = guestXml('c', { id: 3, seclabel: liveDynamicLabel('s0:c10,c20') });
	const withLive = workspaceOf({ 'file:///a.xml': a, 'file:///c.xml': running });
	assert.deepEqual(summarize(crossFindings(withLive, 'file:///a.xml', a), a), [{ code: 'mcs-level-collision', text: 'system_u:system_r:svirt_t:s0:c10,c20', related: [{ uri: 'file:///c.xml', line: lineOf(running, '<label>') }] }]);
	assert.deepEqual(crossFindings(withLive, 'file:///c.xml', running).map((finding) => finding.rule.id), ['mcs-level-collision']);
	// The same dump without the live comment is what `virsh define` would read: its dynamic label is
	// regenerated at the next start, so its level collides with nothing (an id alone is not live).
	const saved = running.replace(LIVE_COMMENT, '');
	assert.match(saved, /^<domain type='kvm' id='3'>/);
	const withSaved = workspaceOf({ 'file:///a.xml': a, 'file:///c.xml': saved });
	assert.deepEqual(crossFindings(withSaved, 'file:///a.xml', a), []);
	assert.deepEqual(crossFindings(withSaved, 'file:///c.xml', saved), []);
});

test('MCS levels that do not collide: two live dynamic labels, levels without categories, other hosts, dynamic define XML', () => {
	const liveA = guestXml('a', { id: 1, seclabel: liveDynamicLabel('s0:c1,c2') });
	const liveB = guestXml('b', { id: 2, seclabel: liveDynamicLabel('s0:c1,c2') });
	assert.deepEqual(crossFindings(workspaceOf({ 'file:///a.xml': liveA, 'file:///b.xml': liveB }), 'file:///a.xml', liveA), []);
	const plainA = guestXml('a', { seclabel: staticLabel('s0') });
	const plainB = guestXml('b', { seclabel: staticLabel('s0') });
	assert.deepEqual(crossFindings(workspaceOf({ 'file:///a.xml': plainA, 'file:///b.xml': plainB }), 'file:///a.xml', plainA), []);
	const a = guestXml('a', { seclabel: staticLabel('s0:c1,c2') });
	const hosts = workspaceOf({ 'file:///host1/a.xml': a, 'file:///host2/b.xml': guestXml('b', { seclabel: staticLabel('s0:c1,c2') }) }, (uri) => uri.split('/')[3]);
	assert.deepEqual(crossFindings(hosts, 'file:///host1/a.xml', a), []);
	assert.deepEqual(crossFindings(workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': guestXml('b', { seclabel: DYNAMIC_LABEL }) }), 'file:///a.xml', a), []);
});

test('the collision fix replaces the level with a pair no guest in the index uses, the same pair every time', () => {
	const a = guestXml('a', { seclabel: staticLabel('s0:c10,c20') });
	const files: Record<string, string> = { 'file:///a.xml': a, 'file:///b.xml': guestXml('b', { seclabel: staticLabel('s0:c10,c20') }) };
	for (let i = 0; i < 50; i++) {
		files[`file:///other${i}.xml`] = guestXml(`other${i}`, { seclabel: staticLabel(`s0:c${i},c${i + 100}`) });
	}
	const index = workspaceOf(files);
	const [finding] = crossFindings(index, 'file:///a.xml', a);
	const fix = finding.fixes!.find((candidate) => candidate.isPreferred)!;
	const pair = /^Use the unused level (s0:c(\d+),c(\d+))$/.exec(fix.title);
	assert.ok(pair, `unexpected title ${fix.title}`);
	assert.ok(Number(pair[2]) < Number(pair[3]) && Number(pair[3]) <= 1023);
	assert.ok(!index.usedLevels().has(pair[1]), `${pair[1]} is already used`);
	const fixed = applyEdits(a, fix.edits);
	assert.ok(fixed.includes(`<label>system_u:system_r:svirt_t:${pair[1]}</label>`));
	assert.equal(crossFindings(index, 'file:///a.xml', a)[0].fixes!.find((candidate) => candidate.isPreferred)!.title, fix.title);
	index.update('file:///a.xml', parseSeclabelText(fixed));
	assert.deepEqual(crossFindings(index, 'file:///a.xml', fixed), []);
	assert.deepEqual(crossFindings(index, 'file:///b.xml', files['file:///b.xml']), []);
});


test('a level written through an entity is the level libvirt reads, for the index as for the rules', () => {
	const a = guestXml('a', { seclabel: staticLabel('s0:c10,c20') });
	// libvirt reads string(./label) with the entity's text in place: this label is s0:c10,c20 too.
	const b = `<!DOCTYPE domain [<!ENTITY level "s0:c10,c20">]>\n${guestXml('b', { seclabel: staticLabel('&level;') })}`;
	const index = workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b });
	assert.deepEqual(crossFindings(index, 'file:///a.xml', a).map((finding) => finding.rule.id), ['mcs-level-collision']);
	assert.deepEqual(crossFindings(index, 'file:///b.xml', b).map((finding) => finding.rule.id), ['mcs-level-collision']);
});

test('the span of a level written through an entity stays inside its label', () => {
	const a = guestXml('a', { seclabel: staticLabel('s0:c10,c20') });
	const b = `<!DOCTYPE domain [<!ENTITY level "s0:c10,c20">]>\n${guestXml('b', { seclabel: staticLabel('&level;') })}`;
	const index = workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b });
	const [finding] = crossFindings(index, 'file:///b.xml', b);
	const label = b.indexOf('system_u:system_r:svirt_t:&level;');
	assert.ok(finding.span.start >= label && finding.span.end <= label + 'system_u:system_r:svirt_t:&level;'.length, `${JSON.stringify(finding.span)} inside the label at ${label}`);
	const related = crossFindings(index, 'file:///a.xml', a)[0].related ?? [];
	assert.ok(related.every((location) => location.span.end <= b.indexOf('</label>')), JSON.stringify(related));
	// No offset of the level is one in the text, so no fix rewrites it there; the plain label keeps its fix.
	const edits = (fixes: readonly { readonly edits: readonly { readonly span: { start: number; end: number } }[] }[] | undefined, text: string) =>
		(fixes ?? []).filter((fix) => fix.edits.length > 0).map((fix) => fix.edits.map((edit) => text.slice(edit.span.start, edit.span.end)));
	assert.deepEqual(edits(finding.fixes, b), []);
	assert.deepEqual(edits(crossFindings(index, 'file:///a.xml', a)[0].fixes, a), [['s0:c10,c20']]);
	// A comment inside the label is read past as well: libvirt reads s0:c10,c20, the text has more.
	const commented = guestXml('c', { seclabel: staticLabel('s0:c10,<!-- x -->c20') });
	const withComment = workspaceOf({ 'file:///a.xml': a, 'file:///c.xml': commented });
	const [inC] = crossFindings(withComment, 'file:///c.xml', commented);
	assert.equal(inC.rule.id, 'mcs-level-collision');
	assert.deepEqual(edits(inC.fixes, commented), []);
});
