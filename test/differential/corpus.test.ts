/**
 * Differential test over the conformance corpus: every domain document of libvirt's own test data
 * and of the derived probes, defined with the installed libvirt (`virsh -c test:///default define`)
 * and checked by the CLI for that version with `--driver test`. The manifests record libvirt
 * 10.7.0 on a QEMU host; this records what the installed version's test driver does with the same
 * files, so a version difference shows up here as a disagreement unless a rule knows about it.
 *
 * Which of libvirt's errors comes first is asserted on the generated set (virsh.test.ts), not here:
 * three define-time inputs of libvirt's (seclabel-multiple, seclabel-device-duplicates,
 * seclabel-static-labelskip) carry `id='1'`, which the service reads as live XML while `virsh
 * define` parses every document define-time, so the service adds live-only findings there that
 * libvirt's define never reaches. The verdict and the message still agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { rootElementName } from '../../server/src/service/parser/seclabelModel';
import { defineAll, installedLibvirtVersion, lintJson } from './oracle';
import { CORPUS_DIR } from '../support/corpus';

const CORPUS = CORPUS_DIR;

function manifestInputs(relative: string): string[] {
	const file = path.join(CORPUS, relative);
	assert.ok(fs.existsSync(file), `${file} is missing: the conformance corpus belongs in test/data/libvirt of the repository`);
	const [, ...lines] = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
	return lines.map((line) => line.split('\t')).filter((cells) => cells[1] !== 'aux').map((cells) => path.join(path.dirname(file), cells[0]));
}

test('the installed libvirt refuses a corpus domain exactly when the project reports a define-stage diagnostic, with its message', { timeout: 120000 }, async () => {
	const version = installedLibvirtVersion();
	const inputs = [...manifestInputs('MANIFEST.tsv'), ...manifestInputs(path.join('derived', 'MANIFEST.tsv'))];
	// `virsh define` reads only <domain>; device, snapshot, backup, status and migration documents
	// are refused for their root alone, and the service gives them no diagnostics by design.
	const nonDomains = inputs.filter((file) => rootElementName(fs.readFileSync(file, 'utf8')) !== 'domain');
	const domains = inputs.filter((file) => !nonDomains.includes(file));
	assert.ok(domains.length >= 150, `only ${domains.length} domain documents in the corpus`);
	const [verdicts, report] = await Promise.all([
		defineAll(inputs),
		lintJson(domains, ['--driver', 'test', '--libvirt-version', version]),
	]);
	for (const file of nonDomains) {
		const verdict = verdicts.get(file)!;
		assert.match(verdict.message ?? '', /^XML error: expecting root element of 'domain', not '/, `${file} is refused for its root element`);
	}
	const byPath = new Map(report.files.map((file) => [file.path, file.diagnostics.filter((d) => d.stage === 'define')]));
	const failures: string[] = [];
	for (const file of domains) {
		const verdict = verdicts.get(file)!;
		const ours = byPath.get(file) ?? [];
		const agree = verdict.accepted ? ours.length === 0 : ours.some((d) => d.libvirtMessage === verdict.message);
		if (!agree) {
			failures.push(`${path.relative(CORPUS, file)}\n  libvirt ${version}: ${verdict.accepted ? 'accepted' : `refused: ${verdict.message}`}\n  project (define stage): ${ours.map((d) => `${d.code}: ${d.libvirtMessage ?? '(no libvirtMessage)'}`).join('; ') || '(none)'}`);
		}
	}
	assert.equal(failures.length, 0, `libvirt ${version} and the project disagree on ${failures.length} corpus domains:\n${failures.join('\n')}`);
});
