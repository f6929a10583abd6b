import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, resolve } from 'path';
import { pathToFileURL } from 'url';
import { allRules } from '../../server/src/service/rules';
import { defaultSeverity } from '../../server/src/service/rules/rule';
import { KNOWN_VERSIONS } from '../../server/src/service/version';
import { STAGES } from '../../server/src/service/types';
import { parseArguments, UsageError, type LintOptions } from '../../server/src/cli/lint';
import { readSettings } from '../../server/src/settings';
import { disk, domain, findings } from '../support/fixture';

// Compiled to out/test/unit/; the sources, docs and package.json are three levels up.
const root = resolve(__dirname, '..', '..', '..');

interface RulesDocModule {
	renderRulesDoc(rules: typeof allRules, severity: typeof defaultSeverity): string;
	ruleSettingProperties(rules: typeof allRules, severity: typeof defaultSeverity): Record<string, { type: string; enum: string[]; description: string }>;
}

async function rulesDoc(): Promise<RulesDocModule> {
	return await import(pathToFileURL(join(root, 'scripts', 'rulesDoc.mjs')).href) as RulesDocModule;
}

function manifest(): { scripts: Record<string, string>; contributes: { configuration: { properties: Record<string, Record<string, unknown>> } } } {
	return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}

/** Every file under test/ by name, so a rule's test may live in any suite's folder. */
function testFileNames(dir: string, names = new Set<string>()): Set<string> {
	for (const entry of readdirSync(dir)) {
		const full = join(dir, entry);
		if (statSync(full).isDirectory()) {
			testFileNames(full, names);
		} else {
			names.add(entry);
		}
	}
	return names;
}

test('docs/rules.md is what the generator makes from the catalogue now', async () => {
	const { renderRulesDoc } = await rulesDoc();
	const path = join(root, 'docs', 'rules.md');
	assert.ok(existsSync(path), 'docs/rules.md is missing: run `npm run docs`');
	const expected = renderRulesDoc(allRules, defaultSeverity);
	assert.ok(readFileSync(path, 'utf8') === expected, 'docs/rules.md is stale: run `npm run docs`');
});

test('docs/rules.md has an anchor, a heading and the facts of every rule', async () => {
	const { renderRulesDoc } = await rulesDoc();
	const doc = renderRulesDoc(allRules, defaultSeverity);
	for (const rule of allRules) {
		const at = doc.indexOf(`<a id="${rule.id}"></a>\n\n### ${rule.id}\n`);
		assert.ok(at >= 0, `no anchor and heading for ${rule.id}`);
		const next = doc.indexOf('<a id="', at + 1);
		const section = doc.slice(at, next < 0 ? doc.length : next);
		assert.ok(section.includes(`* Stage: \`${rule.stage}\``), `${rule.id}: stage`);
		assert.ok(section.includes(`* Default severity: ${defaultSeverity(rule)}`), `${rule.id}: severity`);
		assert.ok(section.includes(rule.description.trim()), `${rule.id}: description`);
		if (rule.libvirtMessage) {
			assert.ok(section.includes(rule.libvirtMessage), `${rule.id}: libvirt's message`);
		}
		if (rule.example) {
			assert.ok(section.includes(`\`\`\`xml\n${rule.example}\n`), `${rule.id}: example`);
		}
		if (rule.versions) {
			assert.ok(section.includes(rule.versions.trim()), `${rule.id}: versions`);
		}
	}
});

test('every rule has a kebab-case id, its own source file, a title, a description and a known stage', () => {
	const ids = new Set<string>();
	for (const rule of allRules) {
		assert.match(rule.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, `${rule.id} is not kebab-case`);
		assert.ok(!ids.has(rule.id), `${rule.id} is in the catalogue twice`);
		ids.add(rule.id);
		assert.ok(existsSync(join(root, 'server', 'src', 'service', 'rules', `${rule.id}.ts`)), `no server/src/service/rules/${rule.id}.ts`);
		assert.ok(rule.title.trim().length > 0, `${rule.id} has no title`);
		assert.ok(rule.description.trim().length > 0, `${rule.id} has no description`);
		assert.ok(STAGES.includes(rule.stage), `${rule.id} has an unknown stage '${rule.stage}'`);
		assert.ok(['parser', 'qemu', 'runtime'].includes(rule.scope), `${rule.id} has an unknown scope '${rule.scope}'`);
	}
});

test('every define-time rule that libvirt\'s parser or QEMU driver checks quotes libvirt\'s message', () => {
	// These two are about the file itself, where libxml2 (not libvirt) or the shell speaks.
	const exempt = new Set(['xml-not-well-formed', 'not-a-domain']);
	const missing = allRules.filter((rule) => rule.stage === 'define' && (rule.scope === 'parser' || rule.scope === 'qemu') && !exempt.has(rule.id) && !rule.libvirtMessage?.trim());
	assert.deepEqual(missing.map((rule) => rule.id), []);
});

test('every rule has a test file named after it', () => {
	const names = testFileNames(join(root, 'test'));
	const untested = allRules.filter((rule) => !names.has(`${rule.id}.test.ts`));
	assert.deepEqual(untested.map((rule) => rule.id), [], 'add test/unit/rules/<id>.test.ts (or a <id>.test.ts in another suite) for these rules');
});

test('package.json lists exactly the catalogue\'s rules in the libvirtSeclabel.rules setting', async () => {
	const { ruleSettingProperties } = await rulesDoc();
	const setting = manifest().contributes.configuration.properties['libvirtSeclabel.rules'];
	assert.equal(setting.type, 'object');
	assert.equal(setting.additionalProperties, false);
	assert.deepEqual(setting.properties, ruleSettingProperties(allRules, defaultSeverity), 'the rules settings are stale: run `npm run docs -- --write-package`');
	const entries = setting.properties as Record<string, { enum: string[]; description: string }>;
	for (const rule of allRules) {
		const entry: { enum: string[]; description: string } = entries[rule.id];
		assert.deepEqual(entry.enum, ['off', 'error', 'warning', 'information', 'hint']);
		assert.ok(entry.description.startsWith(rule.title) && entry.description.includes(rule.stage), `${rule.id}: description`);
	}
});

test('package.json declares the version, host model and trace settings', () => {
	const properties = manifest().contributes.configuration.properties;
	const version = properties['libvirtSeclabel.libvirtVersion'];
	assert.equal(version.type, 'string');
	assert.equal(version.default, KNOWN_VERSIONS[KNOWN_VERSIONS.length - 1]);
	const pattern = new RegExp(version.pattern as string);
	for (const accepted of [...KNOWN_VERSIONS, 'auto', '10.10.1']) {
		assert.ok(pattern.test(accepted), `the version pattern refuses ${accepted}`);
	}
	for (const refused of ['10.7', 'latest', '10.7.0 ', 'v10.7.0', '']) {
		assert.ok(!pattern.test(refused), `the version pattern accepts '${refused}'`);
	}
	assert.deepEqual(properties['libvirtSeclabel.hostSecurityModel'].enum, ['selinux', 'apparmor', 'none']);
	assert.deepEqual(properties['libvirtSeclabel.trace.server'].enum, ['off', 'messages', 'verbose']);
	assert.equal(properties['libvirtSeclabel.trace.server'].scope, 'window');
	assert.ok(typeof properties['libvirtSeclabel.libvirtVersion'].markdownDescription === 'string');
});

test('the docs script exists and the build does not depend on it', () => {
	const { scripts } = manifest();
	assert.equal(scripts.docs, 'node scripts/gen-rules-doc.mjs');
	assert.doesNotMatch(scripts.build, /docs|gen-rules-doc/);
});

test('libvirtSeclabel.rules overrides turn a rule off or change the severity of all its findings', () => {
	const xml = domain(`  <seclabel model='selinux'/>`, disk(`<seclabel model='selinux' relabel='yes'/>`));
	const severities = (settings: Parameters<typeof findings>[1]) => findings(xml, settings).map((f) => `${f.rule.id}:${f.stage}:${f.severity}`);
	// 11.3.0 stores a type-less seclabel as `default` (ignored stage); the default target reads it as dynamic (advice).
	assert.deepEqual(severities({}), ['device-relabel-without-label:define:error', 'type-missing:advice:information']);
	assert.deepEqual(severities({ libvirtVersion: '11.3.0' }), ['device-relabel-without-label:define:error', 'type-missing:ignored:warning']);
	assert.deepEqual(severities({ rules: { 'type-missing': 'off' } }), ['device-relabel-without-label:define:error']);
	assert.deepEqual(severities({ libvirtVersion: '11.3.0', rules: { 'type-missing': 'error', 'device-relabel-without-label': 'hint' } }), ['device-relabel-without-label:define:hint', 'type-missing:ignored:error']);
	// Without an override the severity follows the finding's stage, which may differ by version.
	assert.deepEqual(severities({ libvirtVersion: '9.0.0' }), ['device-relabel-without-label:ignored:warning', 'type-missing:ignored:warning']);
	assert.deepEqual(severities({ libvirtVersion: '9.0.0', rules: { 'device-relabel-without-label': 'error' } }), ['device-relabel-without-label:ignored:error', 'type-missing:ignored:warning']);
});

test('the client settings reader keeps valid rule overrides and drops the rest', () => {
	assert.deepEqual(readSettings({ rules: { 'type-missing': 'off', 'label-ignored': 'information', 'model-missing': 'loud' } }).rules, { 'type-missing': 'off', 'label-ignored': 'information' });
});

test('libvirt-seclabel-lint --rule sets overrides and refuses unknown rules and levels', () => {
	const options = parseArguments(['--rule', 'type-missing=off', '--rule=label-ignored=error', 'guest.xml']) as LintOptions;
	assert.deepEqual(options.settings.rules, { 'type-missing': 'off', 'label-ignored': 'error' });
	assert.deepEqual(options.paths, ['guest.xml']);
	assert.throws(() => parseArguments(['--rule', 'no-such-rule=off', 'guest.xml']), UsageError);
	assert.throws(() => parseArguments(['--rule', 'type-missing=loud', 'guest.xml']), UsageError);
	assert.throws(() => parseArguments(['--rule', 'type-missing', 'guest.xml']), UsageError);
});
