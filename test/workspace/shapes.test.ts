/**
 * The input shapes that once made the checks quadratic (issue #13, item 2): what each one finds.
 * Their cost at n and 4n is measured by `npm run bench` (scripts/bench-growth.mjs, the same
 * shapes, beside the parse alone of the same texts), never by a timed unit test; here each shape
 * is checked at a small size, as the CLI does it, for the findings and fixes it must produce.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings, type RuleFinding } from '../../server/src/service/features/findings';
import { WorkspaceIndex } from '../../server/src/service/workspace/workspaceIndex';
import { fileDisk, guestXml, staticLabel } from './guests';

/** Index every file, then check every file against the others, as the CLI does. */
function checkWorkspace(files: readonly string[]): RuleFinding[][] {
	const index = new WorkspaceIndex();
	const docs = files.map((text, i) => {
		const doc = parseSeclabelText(text);
		index.update(`file:///g/${i}.xml`, doc, '', { affected: false });
		return doc;
	});
	return docs.map((doc, i) => computeFindings(doc, { workspace: index, documentUri: `file:///g/${i}.xml` }));
}

const ruleIds = (findings: readonly RuleFinding[]) => findings.map((finding) => finding.rule.id);

function disksOnOneImage(n: number, separator: string): string {
	const disks: string[] = [];
	for (let i = 0; i < n; i++) {
		disks.push(fileDisk('/images/shared.img', { target: `vd${i}` }));
	}
	return guestXml('many', { disks }).replace(/\n/g, separator);
}

test('shapes: disks sharing one image inside one document find nothing; with a second guest writing it, each disk gets a finding and a <shareable/> fix', () => {
	assert.deepEqual(ruleIds(checkWorkspace([disksOnOneImage(20, '\n')])[0]), []);
	for (const separator of ['\n', ' ']) {
		const [many] = checkWorkspace([disksOnOneImage(20, separator), guestXml('other', { disks: [fileDisk('/images/shared.img')] })]);
		const shared = many.filter((finding) => finding.rule.id === 'shared-image-not-shareable');
		assert.equal(shared.length, 20, `one finding per disk (separator ${JSON.stringify(separator)}): ${ruleIds(many).join(', ')}`);
		for (const finding of shared) {
			const edits = (finding.fixes ?? []).flatMap((fix) => fix.edits);
			assert.ok(edits.some((edit) => edit.newText.includes('<shareable/>')), `a fix inserts <shareable/>: ${JSON.stringify(finding.fixes)}`);
		}
		// On one line, the inserted element follows the disk's own text, not a scan back to the start.
		const first = shared[0].fixes!.flatMap((fix) => fix.edits).find((edit) => edit.newText.includes('<shareable/>'))!;
		assert.ok(first.newText.length < 80, `an insertion of the disk's size: ${JSON.stringify(first.newText)}`);
	}
});

test("shapes: dynamic seclabels with relabel='no' each get their finding", () => {
	const labels: string[] = [];
	for (let i = 0; i < 10; i++) {
		labels.push(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);
		labels.push(`  <seclabel type='dynamic' model='dac' relabel='no'/>`);
	}
	const [findings] = checkWorkspace([guestXml('labels', { seclabel: labels.join('\n') })]);
	assert.ok(findings.length >= 20, `${findings.length} findings for 20 seclabels: ${ruleIds(findings).join(', ')}`);
});

test('shapes: guests sharing one writable image each get a cross-guest finding; guests sharing a read-only ISO none; guests at one level collide', () => {
	const writers = Array.from({ length: 12 }, (_, i) => guestXml(`g${i}`, { disks: [fileDisk('/images/shared.img')], seclabel: staticLabel(`s0:c${i},c${100 + i}`) }));
	checkWorkspace(writers).forEach((findings, i) => {
		assert.ok(ruleIds(findings).includes('shared-image-not-shareable'), `guest ${i}: ${ruleIds(findings).join(', ')}`);
	});
	const readers = Array.from({ length: 12 }, (_, i) => guestXml(`g${i}`, { disks: [fileDisk('/images/install.iso', { device: 'cdrom', readonly: true })] }));
	assert.deepEqual(checkWorkspace(readers).flatMap(ruleIds), []);
	const oneLevel = Array.from({ length: 12 }, (_, i) => guestXml(`g${i}`, { disks: [fileDisk(`/images/g${i}.img`)], seclabel: staticLabel('s0:c1,c2') }));
	checkWorkspace(oneLevel).forEach((findings, i) => {
		assert.ok(ruleIds(findings).includes('mcs-level-collision'), `guest ${i}: ${ruleIds(findings).join(', ')}`);
	});
});
