/**
 * Differential test: libvirt's own parser against the project's define-stage diagnostics, on ~600
 * generated domains. libvirt refuses a file exactly when the CLI reports a define-stage diagnostic
 * for it, libvirt's message is the `libvirtMessage` of one of them, and it is the one libvirt meets
 * first in its parse order.
 *
 * The oracle is libvirt's test driver (`virsh -c test:///default define`), which differs from a
 * real QEMU host in two ways that the project expresses itself with `--driver test`: it has no
 * default security model (a lone model-less seclabel keeps a NULL model, so `model-missing` never
 * fires and a model-less device seclabel matches it for `device-override-needs-relabel`), and it
 * has none of the QEMU driver's checks (rules with scope `qemu` do not run).
 *
 * It runs against every oracle version (7.0.0, 9.0.0, 11.3.0, 12.9.0: scripts/setup-libvirt-oracles.sh)
 * with the CLI's `--libvirt-version` set to that version, so every version-dependent rule answers
 * for it; a missing oracle fails that version's tests, naming the script.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { JsonDiagnostic, JsonReport } from '../../server/src/cli/lint';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { generateCases, type GeneratedCase } from './generator';
import { since, DEVICE_RELABEL_NEEDS_LABEL, parseVersion } from '../../server/src/service/version';
import { bothSides, ORACLE_VERSIONS, type LibvirtVerdict, type OracleVersion } from './oracle';
import { compareKeys, parseOrderKey } from './parseOrder';

interface Comparison {
	readonly generated: GeneratedCase;
	readonly verdict: LibvirtVerdict;
	readonly defineDiagnostics: JsonDiagnostic[];
}

/** Why the two sides disagree on one file, or undefined when they agree. */
function disagreement({ generated, verdict, defineDiagnostics }: Comparison, version: string): string | undefined {
	if (verdict.accepted) {
		return defineDiagnostics.length === 0 ? undefined : 'libvirt accepts it, but the project reports define-stage diagnostics';
	}
	if (defineDiagnostics.length === 0) {
		return 'libvirt refuses it, but the project reports no define-stage diagnostic';
	}
	if (!defineDiagnostics.some((diagnostic) => diagnostic.libvirtMessage === verdict.message)) {
		return "libvirt's message is not the libvirtMessage of any define-stage diagnostic";
	}
	const document = TextDocument.create('file:///generated.xml', 'xml', 0, generated.xml);
	const doc = parseSeclabelText(generated.xml);
	const keyed = defineDiagnostics.map((diagnostic) => ({ diagnostic, key: parseOrderKey(doc, diagnostic.code, document.offsetAt(diagnostic.range.start), version) }));
	const unordered = keyed.filter((entry) => !entry.key);
	if (unordered.length > 0) {
		return `no known place in libvirt's parse order for ${unordered.map((entry) => entry.diagnostic.code).join(', ')}`;
	}
	keyed.sort((a, b) => compareKeys(a.key!, b.key!));
	if (keyed[0].diagnostic.libvirtMessage !== verdict.message) {
		return `libvirt stops at a later error than the first one in its parse order (${keyed[0].diagnostic.code}: ${keyed[0].diagnostic.libvirtMessage})`;
	}
	return undefined;
}

function describe(comparison: Comparison, why: string): string {
	const { generated, verdict, defineDiagnostics } = comparison;
	const ours = defineDiagnostics.length === 0
		? '    (none)'
		: defineDiagnostics.map((d) => `    ${d.code} at ${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.libvirtMessage ?? '(no libvirtMessage)'}`).join('\n');
	return [
		`${generated.name}: ${why}`,
		`  libvirt: ${verdict.accepted ? 'accepted' : `refused: ${verdict.message}`}`,
		`  project (define stage):\n${ours}`,
		`  factors: ${JSON.stringify(generated.choice)}`,
		`  XML:\n${generated.xml.replace(/^/gm, '    ')}`,
	].join('\n');
}

/** Both sides over the generated set for one libvirt version. */
async function compareGenerated(version: OracleVersion): Promise<{ version: string; comparisons: Comparison[]; report: JsonReport }> {
	const { sides, report } = await bothSides(generateCases(), version, 'libvirt-seclabel-differential-');
	const comparisons = sides.map(({ each, verdict, define }) => ({ generated: each, verdict, defineDiagnostics: define }));
	return { version, comparisons, report };
}

/**
 * Every version's comparison, started together on first use so that the four oracles and CLI runs
 * overlap; each test awaits its own version's, so a missing oracle fails only that version's tests.
 */
let shared: Map<OracleVersion, ReturnType<typeof compareGenerated>> | undefined;
function comparedOnce(version: OracleVersion): ReturnType<typeof compareGenerated> {
	if (!shared) {
		shared = new Map(ORACLE_VERSIONS.map((each) => {
			const pending = compareGenerated(each);
			pending.catch(() => undefined);
			return [each, pending];
		}));
	}
	return shared.get(version)!;
}

for (const oracleVersion of ORACLE_VERSIONS) {
	test(`libvirt ${oracleVersion} refuses a generated domain exactly when the project reports a define-stage diagnostic, with libvirt's first message`, { timeout: 600000 }, async () => {
		const { version, comparisons } = await comparedOnce(oracleVersion);
		assert.ok(comparisons.length >= 300, `the generator made only ${comparisons.length} documents`);
		const failures = comparisons.map((comparison) => ({ comparison, why: disagreement(comparison, version) })).filter((entry) => entry.why !== undefined);
		const shown = failures.slice(0, 8).map((entry) => describe(entry.comparison, entry.why!)).join('\n\n');
		assert.equal(failures.length, 0, `libvirt ${version} and the project disagree on ${failures.length} of ${comparisons.length} generated domains:\n\n${shown}`);
	});

	test(`libvirt ${oracleVersion}: the generated domains reach every define-time rule the test driver has, both verdicts and many of libvirt's messages`, { timeout: 600000 }, async () => {
		const { comparisons, report } = await comparedOnce(oracleVersion);
		assert.equal(report.files.length, comparisons.length, 'the CLI reported on every generated file');
		const refused = comparisons.filter((comparison) => !comparison.verdict.accepted);
		assert.ok(refused.length >= 150 && comparisons.length - refused.length >= 150, `libvirt refused ${refused.length} and accepted ${comparisons.length - refused.length}: the set should be balanced`);
		const messages = new Set(refused.map((comparison) => comparison.verdict.message));
		assert.ok(messages.size >= 15, `libvirt gave only ${messages.size} distinct messages: ${[...messages].join(' | ')}`);
		const codes = new Set(comparisons.flatMap((comparison) => comparison.defineDiagnostics.map((diagnostic) => diagnostic.code)));
		const expected = [
			'seclabel-type-invalid', 'relabel-invalid', 'dynamic-relabel-no', 'none-relabel-yes', 'label-missing', 'duplicate-model',
			'model-missing-multiple', 'chardev-source-count', 'device-duplicate-model', 'device-label-relabel-no',
			'device-override-needs-relabel', 'vhostuser-disk-flags',
		];
		// Refused since commit a36318be9d6f; older libvirt drops the override silently.
		if (since(parseVersion(oracleVersion)!, DEVICE_RELABEL_NEEDS_LABEL)) {
			expected.push('device-relabel-without-label');
		}
		assert.deepEqual(expected.filter((code) => !codes.has(code)), [], 'every define-time rule fired on some generated domain');
		// The test driver has no default model and no QEMU checks: these must never fire with --driver test.
		for (const code of ['model-missing', 'shareable-non-raw', 'readonly-ide-disk']) {
			assert.ok(!codes.has(code), `${code} fired under --driver test`);
		}
	});
}
