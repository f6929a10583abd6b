/**
 * The CLI checks each file with computeFindingsOnce (no cache, no incremental state per file):
 * it must give what the editor's path (computeFindings, incremental per URI) gives, finding for
 * finding, on every example, with and without a workspace of the other examples, under every
 * version boundary that changes a rule.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings, computeFindingsOnce, type RuleFinding } from '../../server/src/service/features/findings';
import { WorkspaceIndex } from '../../server/src/service/workspace/workspaceIndex';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

const plain = (findings: RuleFinding[]) => findings.map(({ rule, ...rest }) => ({ rule: rule.id, ...rest }));

test('computeFindingsOnce equals computeFindings on every example, alone and among the others', () => {
	const files = fs.readdirSync(EXAMPLES).filter((name) => name.endsWith('.xml')).sort();
	assert.ok(files.length >= 10, `${files.length} examples`);
	const texts = files.map((name) => fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));
	// Not well-formed (libvirt's message only on libxml2's error), a fragment, not XML at all.
	files.push('broken.xml', 'fragment.xml', 'empty.xml');
	texts.push("<domain type='kvm'>\n  <name>b</name>\n  <seclabel type='dynamic' model='selinux' relabel='no'/>\n  <devices>\n</domain>\n",
		"<disk type='file' device='disk'>\n  <source file='/i.img'><seclabel model='selinux' relabel='no'><label>x</label></seclabel></source>\n  <target dev='vdb'/>\n</disk>\n", '');
	const index = new WorkspaceIndex();
	files.forEach((name, i) => index.update(name, parseSeclabelText(texts[i]), '', { affected: false }));
	let compared = 0;
	for (const libvirtVersion of ['7.0.0', '9.0.0', '12.9.0']) {
		files.forEach((name, i) => {
			for (const settings of [{ libvirtVersion }, { libvirtVersion, workspace: index, documentUri: name, reportNonDomain: true }]) {
				// A fresh parse for each: computeFindings caches per tree, the other must not need to.
				const once = computeFindingsOnce(parseSeclabelText(texts[i]), settings);
				const editor = computeFindings(parseSeclabelText(texts[i]), settings);
				assert.deepEqual(plain(once), plain(editor), `${name}, ${JSON.stringify({ ...settings, workspace: undefined })}`);
				compared += once.length;
			}
		});
	}
	assert.ok(compared > 20, `${compared} findings compared`);
	// The cross-guest rules did run: the two shared-image examples see each other.
	const a = files.indexOf('shared-image-guest-a.xml');
	const crossA = computeFindingsOnce(parseSeclabelText(texts[a]), { workspace: index, documentUri: files[a] }).map((finding) => finding.rule.id);
	assert.ok(crossA.some((id) => id.startsWith('shared-image') || id === 'shareable-mismatch'), crossA.join(' '));
});
