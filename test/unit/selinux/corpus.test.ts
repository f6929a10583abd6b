/**
 * False positives are defects: every label in libvirt's own test data (and in our derived probes)
 * that libvirt accepts must raise no define- or start-stage finding from the SELinux rules, and
 * the SELinux Notebook's real labels (selinux-semantics.md §6) must stay silent too, while the rows
 * the notes mark as wrong must not. The derived runtime-error rows must produce libvirt's message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { selinuxRules } from '../../../server/src/service/rules/selinuxRules';
import { domain, disk, findings } from '../../support/fixture';
import { CORPUS_DIR } from '../../support/corpus';

const CORPUS = CORPUS_DIR;
const SELINUX_RULE_IDS = new Set(selinuxRules.map((rule) => rule.id));

interface Row { file: string; expected: string; message: string }

function manifest(file: string, prefix: string): Row[] {
	const text = fs.readFileSync(file, 'utf8');
	return text.split('\n').slice(1).filter((line) => line.trim() !== '').map((line) => {
		const [name, expected, message] = line.split('\t');
		return { file: path.join(prefix, name), expected, message };
	});
}

function rows(): Row[] {
	const top = path.join(CORPUS, 'MANIFEST.tsv');
	assert.ok(fs.existsSync(top), `the conformance corpus is missing: expected ${top} (test/data/libvirt in the repository)`);
	return [...manifest(top, ''), ...manifest(path.join(CORPUS, 'derived', 'MANIFEST.tsv'), 'derived')];
}

function seriousFindings(xml: string) {
	return findings(xml).filter((finding) => SELINUX_RULE_IDS.has(finding.rule.id) && (finding.stage === 'define' || finding.stage === 'start'));
}

test('labels libvirt accepts raise no define- or start-stage SELinux finding', () => {
	const valid = rows().filter((row) => row.expected === 'valid' && row.file.endsWith('.xml'));
	assert.ok(valid.length > 150, `expected the whole corpus, found ${valid.length} valid rows`);
	const reported: string[] = [];
	for (const row of valid) {
		const xml = fs.readFileSync(path.join(CORPUS, row.file), 'utf8');
		for (const finding of seriousFindings(xml)) {
			// The derived probes that libvirt accepts but that fail or misbehave later are expected to be flagged.
			if (row.file === 'derived/define-dev-label-foreign-mcs.xml' && finding.rule.id === 'selinux-mcs-mismatch') {
				continue;
			}
			reported.push(`${row.file}: ${finding.rule.id} ${JSON.stringify(xml.slice(finding.span.start, finding.span.end))}`);
		}
	}
	assert.deepEqual(reported, []);
});

test('the derived probes that fail in the SELinux, DAC and AppArmor drivers get libvirt\'s message', () => {
	const expectations = rows().filter((row) => row.file.startsWith('derived/') && (row.expected === 'runtime-error' || /Invalid security label/.test(row.message)));
	assert.ok(expectations.length >= 5, 'the derived runtime-error rows are missing');
	for (const row of expectations) {
		const xml = fs.readFileSync(path.join(CORPUS, row.file), 'utf8');
		// The derived probes record libvirt 10.7.0's messages.
		const messages = findings(xml, { libvirtVersion: '10.7.0' }).map((finding) => `${finding.stage}: ${finding.libvirtMessage ?? ''}`);
		const stage = row.expected === 'runtime-error' ? 'start' : 'define';
		assert.ok(messages.includes(`${stage}: ${row.message}`), `${row.file}: expected ${stage}: ${row.message}, got ${JSON.stringify(messages)}`);
	}
});

/** The SELinux Notebook's labels (vm_support.md tables and ls -Z lines) that are real. */
const NOTEBOOK_PROCESS_LABELS = [
	'system_u:system_r:svirt_tcg_t:s0:c585,c813',
	'system_u:system_r:svirt_tcg_t:s0:c535,c601',
	'system_u:system_r:svirt_tcg_t:s0:c231,c245',
	'system_u:system_r:svirt_tcg_t:s0:c695,c894',
	'system_u:system_r:svirt_t:s0:c1022,c1023',
	'system_u:system_r:unconfined_t:s0:c11,c22',
];
const NOTEBOOK_FILE_LABELS: [string, string][] = [
	['system_u:system_r:svirt_tcg_t:s0:c585,c813', 'system_u:object_r:svirt_image_t:s0:c585,c813'],
	['system_u:system_r:svirt_t:s0:c1022,c1023', 'system_u:object_r:svirt_image_t:s0:c1022,c1023'],
	['system_u:system_r:unconfined_t:s0:c11,c22', 'system_u:object_r:virt_image_t:s0'],
	['system_u:system_r:svirt_tcg_t:s0:c231,c245', 'system_u:object_r:svirt_image_t:s0'],
];

function staticGuest(process: string, devices = ''): string {
	return domain(`  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>${process}</label>\n  </seclabel>`, devices);
}

test('the SELinux Notebook\'s real labels raise nothing above advice', () => {
	for (const label of NOTEBOOK_PROCESS_LABELS) {
		assert.deepEqual(seriousFindings(staticGuest(label)).map((finding) => finding.rule.id), [], label);
	}
	for (const [process, file] of NOTEBOOK_FILE_LABELS) {
		const xml = staticGuest(process, disk(`<seclabel model='selinux'><label>${file}</label></seclabel>`));
		assert.deepEqual(seriousFindings(xml).map((finding) => finding.rule.id), [], file);
	}
});

test('the Notebook rows marked wrong (file labels with system_r) are flagged', () => {
	for (const file of ['system_u:system_r:svirt_image_t:s0:c585,c813', 'system_u:system_r:svirt_image_t:s0', 'system_u:system_r:virt_image_t:s0']) {
		const xml = staticGuest('system_u:system_r:svirt_tcg_t:s0:c585,c813', disk(`<seclabel model='selinux'><label>${file}</label></seclabel>`));
		assert.deepEqual(seriousFindings(xml).map((finding) => [finding.rule.id, xml.slice(finding.span.start, finding.span.end)]), [['selinux-role-type-mismatch', 'system_r']], file);
	}
});
