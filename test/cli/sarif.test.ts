/**
 * The SARIF output, validated against the SARIF 2.1.0 JSON schema (the copy in
 * @microsoft/jest-sarif, draft-04, checked with Ajv), and read as code scanning reads it: rules
 * with help and a helpUri at their section of docs/rules.md, artifact locations relative to
 * %SRCROOT% or absolute file: URIs that lead back to the files, regions one-based.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { JsonReport } from '../../server/src/cli/lint';
import { guestXml, staticLabel } from '../workspace/guests';
import { ONE_WARNING, REFUSED, ROOT, runCli, runShell, tempDir } from './run';

const SCHEMA = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

/** A check against the schema: true, or the errors as text. */
function validator(): (data: unknown) => true | string {
	// The schema's language pattern is not a valid `u` regular expression; Ajv reads it without the flag.
	const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
	addFormats(ajv);
	const compiled = ajv.compile(SCHEMA);
	return (data) => compiled(data) ? true : JSON.stringify(compiled.errors, null, 2);
}

interface SarifLog {
	runs: {
		tool: { driver: { name: string; informationUri?: string; rules: { id: string; helpUri?: string; help?: { text: string; markdown: string } }[] } };
		originalUriBaseIds: Record<string, { uri: string }>;
		invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { message: { text: string } }[] }[];
		results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } } }[]; relatedLocations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[];
	}[];
}

test('the SARIF of a real run is valid SARIF 2.1.0, and the validator refuses a broken one', () => {
	const dir = tempDir();
	try {
		fs.writeFileSync(path.join(dir, 'refused.xml'), REFUSED);
		fs.writeFileSync(path.join(dir, 'warned.xml'), ONE_WARNING);
		fs.writeFileSync(path.join(dir, 'a.xml'), guestXml('a', { seclabel: staticLabel('s0:c1,c2') }));
		fs.writeFileSync(path.join(dir, 'b.xml'), guestXml('b', { seclabel: staticLabel('s0:c1,c2') }));
		const run = runCli(['--format', 'sarif', '.', 'missing.xml'], { cwd: dir });
		assert.equal(run.status, 2, 'an unreadable path is exit 2');
		const log = JSON.parse(run.stdout);
		const validate = validator();
		assert.equal(validate(log), true);
		assert.ok(log.runs[0].results.length >= 4);
		const broken = structuredClone(log);
		broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
		assert.match(String(validate(broken)), /must be >= 1/, 'a zero line is not SARIF');
		const notification = (log as SarifLog).runs[0].invocations[0];
		assert.equal(notification.executionSuccessful, false);
		assert.deepEqual(notification.toolExecutionNotifications?.map((n) => n.message.text), ['cannot read missing.xml: no such file or directory']);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('rules carry help text and markdown, a helpUri at their own section of docs/rules.md, and results their ruleIndex', () => {
	const dir = tempDir();
	try {
		fs.writeFileSync(path.join(dir, 'refused.xml'), REFUSED);
		fs.writeFileSync(path.join(dir, 'warned.xml'), ONE_WARNING);
		const log = JSON.parse(runCli(['--format', 'sarif', dir]).stdout) as SarifLog;
		const driver = log.runs[0].tool.driver;
		assert.equal(driver.informationUri, pathToFileURL(path.join(ROOT, 'README.md')).href);
		const rulesDoc = fs.readFileSync(path.join(ROOT, 'docs', 'rules.md'), 'utf8');
		assert.deepEqual(driver.rules.map((rule) => rule.id).sort(), ['dynamic-relabel-no', 'seclabel-unknown-attribute']);
		for (const rule of driver.rules) {
			assert.equal(rule.helpUri, `${pathToFileURL(path.join(ROOT, 'docs', 'rules.md')).href}#${rule.id}`);
			assert.ok(rulesDoc.includes(`<a id="${rule.id}"></a>`), `docs/rules.md has no anchor ${rule.id}`);
			assert.ok(rule.help && rule.help.text.length > 40 && rule.help.markdown.length > 40, rule.id);
			assert.ok(!rule.help.text.includes('`'), 'the text help is plain text');
		}
		assert.match(driver.rules.find((r) => r.id === 'dynamic-relabel-no')!.help!.markdown, /dynamic label type must use resource relabeling/);
		for (const result of log.runs[0].results) {
			assert.equal(driver.rules[result.ruleIndex].id, result.ruleId);
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('locations are relative to %SRCROOT% (the current directory) or absolute file: URIs, and lead back to the files, raw names too', () => {
	const work = tempDir();
	const outside = tempDir();
	try {
		fs.mkdirSync(path.join(work, 'guests'));
		fs.writeFileSync(path.join(work, 'guests', 'a b.xml'), guestXml('a', { seclabel: staticLabel('s0:c1,c2') }));
		fs.writeFileSync(path.join(outside, 'b.xml'), guestXml('b', { seclabel: staticLabel('s0:c1,c2') }));
		// A Latin-1 name, made as bytes with printf, the way a file copied from an old system has one.
		const made = runShell(`cp "${path.join(outside, 'b.xml')}" "$(printf 'guests/g\\344st.xml')"`, work);
		assert.equal(made.status, 0, made.stderr);
		const sarif = runCli(['--format', 'sarif', 'guests', outside], { cwd: work });
		const json = runCli(['--format', 'json', 'guests', outside], { cwd: work });
		const log = JSON.parse(sarif.stdout) as SarifLog;
		const validate = validator();
		assert.equal(validate(log), true);
		const base = log.runs[0].originalUriBaseIds['%SRCROOT%'].uri;
		assert.equal(base, `${pathToFileURL(work).href}/`);
		const where = (location: { uri: string; uriBaseId?: string }) => new URL(location.uri, location.uriBaseId ? log.runs[0].originalUriBaseIds[location.uriBaseId].uri : undefined);
		const uris = log.runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation);
		assert.deepEqual(uris.map((u) => [u.uri.startsWith('file://') ? 'absolute' : u.uri, u.uriBaseId ?? null]).sort(), [
			['absolute', null], ['guests/a%20b.xml', '%SRCROOT%'], ['guests/g%E4st.xml', '%SRCROOT%'],
		]);
		for (const location of uris) {
			const url = where(location);
			if (location.uri.includes('%E4')) {
				assert.ok(fs.existsSync(Buffer.from(`${work}/guests/g\xe4st.xml`, 'latin1')), 'the raw name exists');
				assert.equal(url.pathname, `${pathToFileURL(work).pathname}/guests/g%E4st.xml`);
			} else {
				assert.ok(fs.existsSync(fileURLToPath(url)), `${url.href} does not lead to a file`);
			}
		}
		// Regions are the JSON report's LSP positions plus one.
		const report = JSON.parse(json.stdout) as JsonReport;
		const jsonRanges = report.files.flatMap((f) => f.diagnostics.map((d) => [d.range.start.line + 1, d.range.start.character + 1, d.range.end.line + 1, d.range.end.character + 1]));
		const sarifRegions = log.runs[0].results.map((r) => { const g = r.locations[0].physicalLocation.region; return [g.startLine, g.startColumn, g.endLine, g.endColumn]; });
		assert.deepEqual(sarifRegions, jsonRanges);
		assert.ok(log.runs[0].results.every((r) => (r.relatedLocations ?? []).length > 0), 'each collision points at the others');
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
		fs.rmSync(outside, { recursive: true, force: true });
	}
});
