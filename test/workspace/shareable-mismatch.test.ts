/**
 * The shareable-mismatch rule: <shareable/> on one guest's disk but not on the other's.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { applyEdits } from '../support/fixture';
import {
	crossFindings, fileDisk, guestXml, lineOf, summarize, workspaceOf, IMAGES,
} from './guests';

test('shareable on one side only: both files get shareable-mismatch; the fix adds <shareable/> where it is missing', () => {
	const image = `${IMAGES}/cluster.img`;
	const a = guestXml('a', { disks: [fileDisk(image, { shareable: true })] });
	const b = guestXml('b', { disks: [fileDisk(image, { target: 'vdb' })] });
	const index = workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b });
	assert.deepEqual(summarize(crossFindings(index, 'file:///a.xml', a), a), [{ code: 'shareable-mismatch', text: image, related: [{ uri: 'file:///b.xml', line: lineOf(b, image) }] }]);
	const inB = crossFindings(index, 'file:///b.xml', b);
	assert.deepEqual(summarize(inB, b), [{ code: 'shareable-mismatch', text: image, related: [{ uri: 'file:///a.xml', line: lineOf(a, image) }] }]);
	assert.equal(inB[0].stage, 'start');
	const add = inB[0].fixes!.find((fix) => fix.title === 'Add <shareable/> to this disk');
	assert.ok(add, 'the side without <shareable/> gets the fix');
	assert.equal(add.isPreferred, true);
	const fixed = applyEdits(b, add.edits);
	assert.match(fixed, /<disk type='file' device='disk'>\n {6}<shareable\/>\n/);
	index.update('file:///b.xml', parseSeclabelText(fixed));
	assert.deepEqual(crossFindings(index, 'file:///a.xml', a), []);
	assert.deepEqual(crossFindings(index, 'file:///b.xml', fixed), []);
	// The shareable side cannot fix the other file, so it only offers to open it.
	assert.deepEqual(crossFindings(workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b }), 'file:///a.xml', a)[0].fixes!.map((fix) => fix.title), ['Open b.xml']);
});

