/**
 * On a document that is not well-formed virsh prints only libxml2's first error: libvirt never gets
 * to the labels. Every corpus input and every generated domain is broken four ways (content after
 * the root, the root's end tag missing, elements nested past libxml2's depth limit, an attribute of
 * the root given twice), defined by every
 * libvirt version the project knows and linted by the CLI with `--libvirt-version` set to that
 * version: libvirt must refuse it, and exactly one diagnostic must carry a libvirtMessage, the
 * xml-not-well-formed one, all of what virsh printed. The other rules' findings stay, without one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ORACLE_VERSIONS, defineAll, lintJson, temporaryDirectory } from './oracle';
import { generateCases } from './generator';
import { CORPUS_DIR } from '../support/corpus';
import { VERDICTS_FILE } from '../support/verdicts';

const BREAKS: Record<string, (xml: string) => string | undefined> = {
	extra: (xml) => `${xml.replace(/\s*$/, '')}\n<extra/>\n`,
	open: (xml) => {
		const end = xml.lastIndexOf('</domain>');
		return end < 0 ? undefined : xml.slice(0, end) + xml.slice(end + '</domain>'.length);
	},
	// libxml2's depth limit (258 open elements), which the tolerant parser reads without a problem.
	deep: (xml) => {
		const end = xml.lastIndexOf('</domain>');
		return end < 0 ? undefined : `${xml.slice(0, end)}<metadata>${'<a>'.repeat(256)}${'</a>'.repeat(256)}</metadata>\n${xml.slice(end)}`;
	},
	twice: (xml) => (/<domain\s/.test(xml) ? xml.replace(/<domain\s/, "<domain x='1' x='2' ") : undefined),
};

function sources(): { name: string; xml: string }[] {
	const corpus = fs.readFileSync(VERDICTS_FILE, 'utf8').split('\n').slice(1).filter((line) => line !== '').map((line) => line.split('\t')[0]);
	const found = corpus.map((file) => ({ name: `corpus-${file.replace(/[^\w.-]/g, '_')}`, xml: fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8') }));
	for (const generated of generateCases()) found.push({ name: `generated-${generated.name}`, xml: generated.xml });
	// Domains only: another root (a snapshot, a migration cookie) is not checked at all.
	return found.filter((source) => /^<domain[\s>]/.test(source.xml.replace(/^(\s|<\?[^]*?\?>|<!--[^]*?-->)*/, '')));
}

test("on a document that is not well-formed only libxml2's error carries a libvirtMessage, at every version", { timeout: 900000 }, async () => {
	const temp = temporaryDirectory('libvirt-seclabel-xmlonly-');
	try {
		const files: string[] = [];
		for (const source of sources()) {
			for (const [how, broken] of Object.entries(BREAKS)) {
				const xml = broken(source.xml);
				if (xml === undefined) continue;
				const file = path.join(temp.dir, `${how}-${source.name.replace(/\.xml$/, '')}.xml`);
				fs.writeFileSync(file, xml);
				files.push(file);
			}
		}
		assert.ok(files.length > 2500, `only ${files.length} broken documents`);
		const failures: string[] = [];
		let kept = 0;
		for (const version of ORACLE_VERSIONS) {
			const verdicts = await defineAll(files, version);
			const report = await lintJson([temp.dir], ['--driver', 'test', '--libvirt-version', version]);
			const byPath = new Map(report.files.map((file) => [path.basename(file.path), file.diagnostics]));
			for (const file of files) {
				const name = path.basename(file);
				const verdict = verdicts.get(file)!;
				const ours = byPath.get(name) ?? [];
				const carrying = ours.filter((d) => d.libvirtMessage !== undefined);
				if (ours.some((d) => d.code !== 'xml-not-well-formed' && d.stage === 'define')) kept++;
				if (verdict.accepted) {
					failures.push(`${version} ${name}: libvirt accepts it`);
				} else if (carrying.length !== 1 || carrying[0].code !== 'xml-not-well-formed' || carrying[0].libvirtMessage !== verdict.message) {
					failures.push(`${version} ${name}:\n  libvirt: ${verdict.message}\n  project: ${carrying.map((d) => `[${d.code}] ${d.libvirtMessage}`).join(' | ') || '(none)'}`);
				}
			}
		}
		assert.equal(failures.length, 0, `${failures.length} disagreements with libvirt:\n${failures.slice(0, 40).join('\n')}`);
		// The other rules still speak (without libvirt's words) on broken documents.
		assert.ok(kept > 0, 'no broken document kept another define-stage finding: the test proves nothing');
	} finally {
		temp.remove();
	}
});
