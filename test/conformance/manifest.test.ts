/**
 * Conformance with libvirt 10.7.0's own test data and the project's derived probes
 * (`test/data/libvirt/`): every input row of `MANIFEST.tsv` and `derived/MANIFEST.tsv`
 * gets a define-stage diagnostic exactly when the manifest says libvirt refuses it, with libvirt's
 * message, read in the mode (define-time or live) and with the settings libvirt's harness used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { computeFindings, type RuleFinding } from '../../server/src/service/features/findings';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import type { LanguageSettings } from '../../server/src/service/types';
import { compareKeys, parseOrderKey } from '../differential/parseOrder';
import { CORPUS_DIR } from '../support/corpus';

const CORPUS = CORPUS_DIR;

interface Row {
	readonly file: string;
	readonly expected: 'valid' | 'parse-error' | 'runtime-error' | 'aux';
	readonly message: string;
	readonly note: string;
}

function readManifest(relative: string): Row[] {
	const file = path.join(CORPUS, relative);
	assert.ok(fs.existsSync(file), `${file} is missing: the conformance corpus belongs in test/data/libvirt of the repository`);
	const [header, ...lines] = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
	const columns = header.split('\t');
	return lines.map((line) => {
		const cells = line.split('\t');
		const cell = (name: string) => cells[columns.indexOf(name)] ?? '';
		return { file: cell('file'), expected: cell('expected') as Row['expected'], message: cell('message'), note: cell('note') };
	});
}

/**
 * libvirt's tests that parse live XML (README.md: the SELinux labelling test, the active-XML test,
 * the hot-plug domains, status files); every other input is parsed define-time, three with
 * `id='1'` among them (seclabel-multiple, seclabel-device-duplicates, seclabel-static-labelskip),
 * as `virsh define` reads any `<domain>`. Only the status files say that they are live, so the test
 * tells the service the mode the harness used, as the host reader does (parseSeclabelText's `kind`).
 */
const LIVE_DIRECTORIES = ['securityselinuxlabeldata', 'qemuxmlactive2xmldata', 'qemuhotplugtestdomains', 'qemustatusxml2xmldata'];

/**
 * The one parse-error row that is not about a domain: libvirt's schema test refuses this
 * `<domainsnapshot>` because domainsnapshot.rng allows a device seclabel only in file and block
 * disk sources, not in a network one; libvirt's C parser (virDomainSnapshotDefParse) accepts it, so
 * `virsh snapshot-create` without `--validate` takes it too. The service checks domain XML, and
 * its rule for the same placement in a domain (`seclabel-unused-storage`) is an ignored-stage
 * warning because the C parser accepts it there as well. So it gets no diagnostic, like every other
 * non-domain document; the manifest message is checked so that a changed row is noticed.
 */
const SCHEMA_ONLY_REJECTIONS: Record<string, string> = {
	'qemudomainsnapshotxml2xmlin/disk-network-seclabel-invalid.xml': 'Relax-NG validity error (domainsnapshot.rng)',
};

function findingsFor(directory: string, row: Row, settings: LanguageSettings): { findings: RuleFinding[]; text: string; isDomain: boolean } {
	const text = fs.readFileSync(path.join(directory, row.file), 'utf8');
	const live = row.file.startsWith('live-') || LIVE_DIRECTORIES.some((dir) => row.file.startsWith(`${dir}/`));
	const doc = parseSeclabelText(text, undefined, { kind: live ? 'live' : 'inactive' });
	return { findings: computeFindings(doc, settings), text, isDomain: doc.domain !== null };
}

function show(findings: RuleFinding[]): string {
	return findings.length === 0 ? '(none)' : findings.map((f) => `${f.rule.id} [${f.stage}/${f.severity}]: ${f.libvirtMessage ?? f.message}`).join('; ');
}

/**
 * `settings` reproduce the parse libvirt's harness ran; `hostSettings` describe a host that can run
 * the guest at all, for the start-stage check of valid files (a harness with default model none has
 * no SELinux driver, so every selinux seclabel would rightly be "not available" at start there).
 */
function checkRow(directory: string, row: Row, settings: LanguageSettings, hostSettings: LanguageSettings = settings): void {
	const { findings, text, isDomain } = findingsFor(directory, row, settings);
	const define = findings.filter((finding) => finding.stage === 'define');
	if (!isDomain) {
		const schemaOnly = SCHEMA_ONLY_REJECTIONS[row.file];
		if (schemaOnly) {
			assert.equal(row.expected, 'parse-error', `${row.file} is listed as a schema-only rejection`);
			assert.ok(row.message.startsWith(schemaOnly), `${row.file}: the manifest message '${row.message}' is still the schema-only one`);
		} else {
			assert.equal(row.expected, 'valid', `${row.file}: a non-domain document the manifest refuses needs an explicit decision`);
		}
		assert.equal(findings.length, 0, `${row.file} is not a domain: no diagnostics, got ${show(findings)}`);
		return;
	}
	switch (row.expected) {
		case 'valid': {
			assert.deepEqual(define.map((f) => f.rule.id), [], `${row.file} is valid: no define-stage diagnostic, got ${show(define)}`);
			// A WARN note marks XML that libvirt accepts but whose guest fails at runtime (for example
			// an image label with MCS categories the process lacks): a start-stage error is right there.
			if (!row.note.startsWith('WARN:') && !/; WARN:/.test(row.note)) {
				const startErrors = findingsFor(directory, row, hostSettings).findings.filter((f) => f.stage === 'start' && f.severity === 'error');
				assert.deepEqual(startErrors.map((f) => f.rule.id), [], `${row.file} is valid: no start-stage error, got ${show(startErrors)}`);
			}
			return;
		}
		case 'parse-error': {
			assert.ok(define.length > 0, `${row.file}: libvirt refuses it with '${row.message}', but there is no define-stage diagnostic (got ${show(findings)})`);
			assert.ok(define.some((f) => f.libvirtMessage === row.message), `${row.file}: libvirt's message '${row.message}' is not among ${show(define)}`);
			const parsed = parseSeclabelText(text);
			const keyed = define.map((finding) => ({ finding, key: parseOrderKey(parsed, finding.rule.id, finding.span.start) }));
			// QEMU-driver and SELinux host checks run after the generic parser; when one is involved
			// only membership is checked, the generic parse order says nothing about it.
			if (keyed.every((entry) => entry.key)) {
				keyed.sort((a, b) => compareKeys(a.key!, b.key!));
				assert.equal(keyed[0].finding.libvirtMessage, row.message, `${row.file}: libvirt's message is the first in its parse order`);
			}
			return;
		}
		case 'runtime-error': {
			// libvirt accepts these at define time; the runtime rules (another part of the project)
			// may report them at stage start, which is not checked here.
			assert.deepEqual(define.map((f) => f.rule.id), [], `${row.file} fails only at runtime: no define-stage diagnostic, got ${show(define)}`);
			return;
		}
		default:
			assert.fail(`${row.file}: unexpected manifest value '${row.expected}'`);
	}
}

test("libvirt's own test files (MANIFEST.tsv): define-stage diagnostics exactly for parse errors, with libvirt's message", async (t) => {
	const rows = readManifest('MANIFEST.tsv').filter((row) => row.expected !== 'aux');
	assert.ok(rows.length >= 100, `MANIFEST.tsv lists ${rows.length} inputs`);
	// libvirt's harness parses with the QEMU driver's options and default security model none.
	const settings: LanguageSettings = { libvirtVersion: '10.7.0', driver: 'qemu', hostSecurityModel: 'none' };
	// The files use the selinux and dac models: a host that runs them has SELinux as its primary driver.
	const hostSettings: LanguageSettings = { ...settings, hostSecurityModel: 'selinux' };
	for (const row of rows) {
		await t.test(row.file, () => checkRow(CORPUS, row, settings, hostSettings));
	}
});

test('the derived probes (derived/MANIFEST.tsv): define-stage diagnostics exactly for parse errors, none for runtime errors', async (t) => {
	const rows = readManifest(path.join('derived', 'MANIFEST.tsv')).filter((row) => row.expected !== 'aux');
	assert.ok(rows.length >= 60, `derived/MANIFEST.tsv lists ${rows.length} probes`);
	// The probes were parsed with default model selinux; the QEMU-only and SELinux-host rows expect
	// the QEMU driver on an SELinux host, which is what these settings describe.
	const settings: LanguageSettings = { libvirtVersion: '10.7.0', driver: 'qemu', hostSecurityModel: 'selinux' };
	for (const row of rows) {
		await t.test(row.file, () => checkRow(path.join(CORPUS, 'derived'), row, settings));
	}
});
