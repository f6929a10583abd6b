/**
 * Incremental updates of the workspace index: one document changes, and only the documents that
 * share something with it are reported as affected; their cached findings are recomputed because
 * the index generation is part of the cache key; removing or renaming a file clears what it caused.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings } from '../../server/src/service/features/findings';
import { WorkspaceIndex } from '../../server/src/service/workspace/workspaceIndex';
import { CROSS_GUEST_RULES, fileDisk, guestXml, IMAGES, staticLabel, VM1, VM2, workspaceOf } from './guests';

const U1 = 'file:///ws/vm1.xml';
const U2 = 'file:///ws/vm2.xml';
const U3 = 'file:///ws/vm3.xml';
const VM3 = guestXml('vm3', { disks: [fileDisk(`${IMAGES}/vm3.img`)], seclabel: staticLabel('s0:c5,c6') });

/** Cross-guest rule ids for one parsed document, reusing the same parse so the findings cache is exercised. */
function codes(index: WorkspaceIndex, uri: string, doc: ReturnType<typeof parseSeclabelText>): string[] {
	return computeFindings(doc, { workspace: index, documentUri: uri }).filter((finding) => CROSS_GUEST_RULES.includes(finding.rule.id)).map((finding) => finding.rule.id);
}

test('editing one guest changes the other guest\'s findings, and only the guests that share something are affected', () => {
	const index = workspaceOf({ [U1]: VM1, [U2]: VM2, [U3]: VM3 });
	const vm1 = parseSeclabelText(VM1);
	assert.deepEqual(codes(index, U1, vm1), ['shared-image-not-shareable']);

	// vm2 stops using vm1's image: vm1 is affected, vm3 is not.
	const vm2Fixed = VM2.replace(`${IMAGES}/vm1.img`, `${IMAGES}/vm2-data.img`);
	const generation = index.generation;
	const affected = index.update(U2, parseSeclabelText(vm2Fixed));
	assert.deepEqual([...affected], [U1]);
	assert.ok(index.generation > generation);
	assert.deepEqual(codes(index, U1, vm1), [], 'the same parse of vm1 is checked again, not served from the cache');

	// Putting the image back brings the finding back.
	assert.deepEqual([...index.update(U2, parseSeclabelText(VM2))], [U1]);
	assert.deepEqual(codes(index, U1, vm1), ['shared-image-not-shareable']);

	// An update that changes nothing affects nobody and keeps the caches valid.
	const before = index.generation;
	assert.deepEqual([...index.update(U2, parseSeclabelText(VM2))], []);
	assert.equal(index.generation, before);

	// Editing vm3, which shares nothing, affects nobody else.
	assert.deepEqual([...index.update(U3, parseSeclabelText(VM3.replace('s0:c5,c6', 's0:c7,c8')))], []);
});

test('a level change affects the guests that had or now have the same level', () => {
	const a = guestXml('a', { seclabel: staticLabel('s0:c1,c2') });
	const b = guestXml('b', { seclabel: staticLabel('s0:c3,c4') });
	const index = workspaceOf({ 'file:///a.xml': a, 'file:///b.xml': b });
	const parsedA = parseSeclabelText(a);
	assert.deepEqual(codes(index, 'file:///a.xml', parsedA), []);
	assert.deepEqual([...index.update('file:///b.xml', parseSeclabelText(b.replace('s0:c3,c4', 's0:c1,c2')))], ['file:///a.xml']);
	assert.deepEqual(codes(index, 'file:///a.xml', parsedA), ['mcs-level-collision']);
	assert.deepEqual([...index.update('file:///b.xml', parseSeclabelText(b))], ['file:///a.xml']);
	assert.deepEqual(codes(index, 'file:///a.xml', parsedA), []);
});

test('deleting a file clears the findings it caused; renaming moves the related location to the new URI', () => {
	const index = workspaceOf({ [U1]: VM1, [U2]: VM2 });
	const vm1 = parseSeclabelText(VM1);
	assert.deepEqual([...index.remove(U2)], [U1]);
	assert.deepEqual(codes(index, U1, vm1), []);
	assert.equal(index.guest(U2), undefined);
	assert.deepEqual([...index.remove(U2)], [], 'removing twice is harmless');

	// A rename is a delete and a create: the related location follows the new name.
	index.update(U2, parseSeclabelText(VM2));
	index.remove(U2);
	const renamed = 'file:///ws/renamed/vm2.xml';
	assert.deepEqual([...index.update(renamed, parseSeclabelText(VM2))], [U1]);
	const [finding] = computeFindings(vm1, { workspace: index, documentUri: U1 }).filter((candidate) => candidate.rule.id === 'shared-image-not-shareable');
	assert.deepEqual(finding.related!.map((related) => related.uri), [renamed]);
});

test('a document that stops being a domain leaves the index', () => {
	const index = workspaceOf({ [U1]: VM1, [U2]: VM2 });
	assert.deepEqual([...index.update(U2, parseSeclabelText('<network><name>default</name></network>'))], [U1]);
	assert.equal(index.size, 1);
	assert.deepEqual(codes(index, U1, parseSeclabelText(VM1)), []);
});

test('usedLevels lists the other guests\' levels on the same host, for picking a fresh pair', () => {
	const index = new WorkspaceIndex();
	index.update('file:///h1/a.xml', parseSeclabelText(guestXml('a', { seclabel: staticLabel('s0:c1,c2') })), 'h1');
	index.update('file:///h1/b.xml', parseSeclabelText(guestXml('b', { seclabel: staticLabel('s0:c3,c4') })), 'h1');
	index.update('file:///h2/c.xml', parseSeclabelText(guestXml('c', { seclabel: staticLabel('s0:c5,c6') })), 'h2');
	assert.deepEqual([...index.usedLevels('file:///h1/a.xml')], ['s0:c3,c4']);
	assert.deepEqual([...index.usedLevels()].sort(), ['s0:c1,c2', 's0:c3,c4', 's0:c5,c6']);
});
