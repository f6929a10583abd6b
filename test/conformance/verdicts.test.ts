/**
 * Conformance per libvirt version, without virsh: for every corpus input and every oracle version
 * (7.0.0, 9.0.0, 11.3.0, 12.9.0), the service reports a define-stage diagnostic exactly when that
 * version's parser refuses the file (test/data/libvirt/VERDICTS.tsv, which the differential suite
 * keeps equal to the oracles), with libvirt's message. The settings are the oracles': the test
 * driver, and define-time parsing, which `virsh define` uses for every document.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { computeFindings } from '../../server/src/service/features/findings';
import { rootElementName } from '../../server/src/service/parser/seclabelModel';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { ORACLE_VERSIONS } from '../../server/src/service/version';
import { CORPUS_DIR } from '../support/corpus';
import { readVerdicts, UNKNOWN_FEATURES } from '../support/verdicts';

const table = readVerdicts();

test('VERDICTS.tsv has a column for every oracle version and a row for every manifest input', () => {
	assert.deepEqual(table.versions, [...ORACLE_VERSIONS]);
	const inputs = ['MANIFEST.tsv', path.join('derived', 'MANIFEST.tsv')].flatMap((manifest) => {
		const [, ...lines] = fs.readFileSync(path.join(CORPUS_DIR, manifest), 'utf8').split('\n').filter((line) => line.trim() !== '');
		return lines.map((line) => line.split('\t')).filter((cells) => cells[1] !== 'aux').map((cells) => path.join(path.dirname(manifest), cells[0]));
	});
	assert.deepEqual([...table.rows.keys()].sort(), inputs.sort());
});

for (const version of ORACLE_VERSIONS) {
	test(`libvirt ${version}'s verdicts (VERDICTS.tsv): a define-stage diagnostic exactly for each refusal, with libvirt's message`, () => {
		const failures: string[] = [];
		let compared = 0;
		for (const [file, byVersion] of table.rows) {
			const verdict = byVersion.get(version)!;
			const text = fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8');
			if (rootElementName(text) !== 'domain') {
				// virsh define reads only <domain>: it refuses the root of the others (<domstatus>,
				// devices, snapshots), which the service checks in their own mode or not at all.
				if (verdict.accepted || !/root element/.test(verdict.message ?? '')) {
					failures.push(`${file}: not a <domain>, yet libvirt ${verdict.accepted ? 'accepted it' : `refused it with ${verdict.message}`}`);
				}
				continue;
			}
			const parsed = parseSeclabelText(text);
			const define = computeFindings({ ...parsed, kind: 'inactive' }, { driver: 'test', libvirtVersion: version }).filter((finding) => finding.stage === 'define');
			if (!verdict.accepted && UNKNOWN_FEATURES.some((feature) => feature.message.test(verdict.message ?? ''))) {
				continue;
			}
			compared++;
			const agree = verdict.accepted ? define.length === 0 : define.some((finding) => finding.libvirtMessage === verdict.message);
			if (!agree) {
				failures.push(`${file}\n  libvirt ${version}: ${verdict.accepted ? 'accepted' : `refused: ${verdict.message}`}\n  service: ${define.map((f) => `${f.rule.id}: ${f.libvirtMessage ?? '(none)'}`).join('; ') || '(none)'}`);
			}
		}
		assert.ok(compared >= 60, `only ${compared} domains compared`);
		assert.equal(failures.length, 0, `the service and libvirt ${version} disagree on ${failures.length} corpus files:\n${failures.join('\n')}`);
	});
}
