/**
 * The TextMate injection grammar, tested offline with vscode-tmgrammar-test's own parser and
 * runner: the `SYNTAX TEST` file uses `<!--` as its comment token (assertion lines are not
 * tokenized, so they need no `-->`). The grammar is registered as package.json declares it, into
 * a minimal `text.xml` grammar, and into VS Code's own XML grammar from the code-server install.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { createRegistryFromGrammars } from 'vscode-tmgrammar-test/dist/common/index';
import { parseGrammarTestCase, runGrammarTestCase } from 'vscode-tmgrammar-test/dist/unit/index';

const root = resolve(__dirname, '..', '..', '..');
const testCasePath = join(root, 'test', 'grammar', 'seclabel.xml.grammar-test');
const minimalXml = join(root, 'test', 'grammar', 'fixtures', 'minimal-xml.tmLanguage.json');
const vscodeXml = join(root, '.tools', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions', 'xml', 'syntaxes', 'xml.tmLanguage.json');

interface GrammarContribution {
	readonly scopeName: string;
	readonly path: string;
	readonly injectTo?: string[];
}

/** The injection grammar as package.json contributes it. */
function contributedInjection(): GrammarContribution {
	const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
	const grammars: GrammarContribution[] = manifest.contributes?.grammars ?? [];
	const injection = grammars.find((grammar) => grammar.scopeName === 'source.libvirt-seclabel.injection');
	assert.ok(injection, 'package.json contributes.grammars must register source.libvirt-seclabel.injection');
	return injection;
}

async function failuresWith(xmlGrammarPath: string): Promise<string[]> {
	const injection = contributedInjection();
	const registry = createRegistryFromGrammars([
		{ grammar: { scopeName: 'text.xml', path: xmlGrammarPath }, content: readFileSync(xmlGrammarPath, 'utf8') },
		{ grammar: { ...injection, path: join(root, injection.path) }, content: readFileSync(join(root, injection.path), 'utf8') },
	]);
	const testCase = parseGrammarTestCase(readFileSync(testCasePath, 'utf8'));
	const count = testCase.assertions.reduce((sum, line) => sum + line.scopeAssertions.length, 0);
	assert.ok(count >= 30, `the test case should hold its 30-odd assertions; the parser found ${count}`);
	const failures = await runGrammarTestCase(registry, testCase);
	return failures.map((failure) => `line ${failure.line + 1}, columns ${failure.start}-${failure.end}: missing [${failure.missing.join(' ')}], unexpected [${failure.unexpected.join(' ')}], actual [${failure.actual.join(' ')}]`);
}

test('package.json injects the grammar into text.xml and the grammar names its scope', () => {
	const injection = contributedInjection();
	assert.deepEqual(injection.injectTo, ['text.xml']);
	const grammar = JSON.parse(readFileSync(join(root, injection.path), 'utf8'));
	assert.equal(grammar.scopeName, injection.scopeName);
	assert.match(grammar.injectionSelector, /^L:text\.xml\b/);
});

test('context parts are scoped inside <label>, <imagelabel> and <baselabel> (minimal XML grammar)', async () => {
	assert.deepEqual(await failuresWith(minimalXml), []);
});

test('the same assertions hold inside VS Code\'s own XML grammar', async () => {
	assert.ok(existsSync(vscodeXml), `VS Code's XML grammar is missing at ${vscodeXml}: run scripts/setup-code-server.sh, which installs code-server (and the grammar with it) into .tools/code-server`);
	assert.deepEqual(await failuresWith(vscodeXml), []);
});
