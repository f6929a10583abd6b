/**
 * A workspace of a thousand guests: the index is built, every guest checked, one guest edited, and
 * the results are exactly the planted conflicts. No timing is asserted; the suite's own timeout is
 * what catches an accidentally quadratic index.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { WorkspaceIndex } from '../../server/src/service/workspace/workspaceIndex';
import { listXmlFiles, readDomainText } from '../../server/src/node/workspaceScanner';
import { crossFindings, fileDisk, guestXml, staticLabel } from './guests';

const COUNT = 1000;

/** Guest i has its own image and level, except the planted conflicts. */
function generate(): Map<string, string> {
	const files = new Map<string, string>();
	for (let i = 0; i < COUNT; i++) {
		// Every hundredth guest also writes the previous guest's image.
		const disks = [fileDisk(`/images/g${i}.img`)];
		if (i % 100 === 0 && i > 0) {
			disks.push(fileDisk(`/images/g${i - 1}.img`, { target: 'vdb' }));
		}
		// Guest 501 copies guest 500's level; every other pair is unique.
		const level = i === 501 ? 's0:c5,c100' : `s0:c${Math.floor(i / 100)},c${100 + (i % 100)}`;
		files.set(`file:///fleet/g${i}.xml`, guestXml(`g${i}`, { disks, seclabel: staticLabel(level) }));
	}
	return files;
}

function conflicts(index: WorkspaceIndex, files: Map<string, string>): Map<string, string[]> {
	const found = new Map<string, string[]>();
	for (const [uri, text] of files) {
		const codes = crossFindings(index, uri, text).map((finding) => finding.rule.id);
		if (codes.length > 0) {
			found.set(uri.replace('file:///fleet/', ''), codes);
		}
	}
	return found;
}

test('1,000 guests: the index finds exactly the planted conflicts, and one edit updates them', () => {
	const files = generate();
	const index = new WorkspaceIndex();
	for (const [uri, text] of files) {
		index.update(uri, parseSeclabelText(text));
	}
	assert.equal(index.size, COUNT);
	const expected = new Map<string, string[]>();
	for (let i = 100; i < COUNT; i += 100) {
		expected.set(`g${i - 1}.xml`, ['shared-image-not-shareable']);
		expected.set(`g${i}.xml`, ['shared-image-not-shareable']);
	}
	expected.set('g500.xml', ['shared-image-not-shareable', 'mcs-level-collision']);
	expected.set('g501.xml', ['mcs-level-collision']);
	assert.deepEqual(conflicts(index, files), expected);

	// Guest 100 gets its own copy: only guest 99 is affected, and both are clean afterwards.
	const edited = files.get('file:///fleet/g100.xml')!.replace('/images/g99.img', '/images/g100-copy.img');
	files.set('file:///fleet/g100.xml', edited);
	assert.deepEqual([...index.update('file:///fleet/g100.xml', parseSeclabelText(edited))], ['file:///fleet/g99.xml']);
	expected.delete('g99.xml');
	expected.delete('g100.xml');
	assert.deepEqual(conflicts(index, files), expected);
});

test('the scanner lists and reads 1,000 files on disk, skips other XML and follows a symlink loop only once', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-scan-'));
	try {
		const files = generate();
		fs.mkdirSync(path.join(dir, 'guests'));
		for (const [uri, text] of files) {
			fs.writeFileSync(path.join(dir, 'guests', uri.replace('file:///fleet/', '')), text);
		}
		fs.writeFileSync(path.join(dir, 'network.xml'), '<network><name>default</name></network>\n');
		fs.writeFileSync(path.join(dir, 'notes.txt'), 'not XML\n');
		fs.symlinkSync(dir, path.join(dir, 'guests', 'loop'));
		const listed = await listXmlFiles([dir]);
		assert.equal(listed.length, COUNT + 1, 'the domains and network.xml, each once despite the loop');
		const index = new WorkspaceIndex();
		let skipped = 0;
		for (const file of listed) {
			const text = await readDomainText(file);
			if (text === undefined) {
				skipped++;
				continue;
			}
			index.update(pathToFileURL(file).href, parseSeclabelText(text));
		}
		assert.equal(skipped, 1, 'network.xml is not a domain');
		assert.equal(index.size, COUNT);
		const g100 = pathToFileURL(path.join(dir, 'guests', 'g100.xml')).href;
		const [finding] = crossFindings(index, g100, files.get('file:///fleet/g100.xml')!);
		assert.equal(finding.rule.id, 'shared-image-not-shareable');
		assert.equal(finding.related![0].uri, pathToFileURL(path.join(dir, 'guests', 'g99.xml')).href);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
