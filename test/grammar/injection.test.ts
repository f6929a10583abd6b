/**
 * The TextMate injection grammar, tested offline with vscode-tmgrammar-test's own parser and
 * runner: the `SYNTAX TEST` file uses `<!--` as its comment token (assertion lines are not
 * tokenized, so they need no `-->`). The grammar is registered as package.json declares it, into
 * a minimal `text.xml` grammar, and into VS Code's own XML grammar from the code-server install.
 * VS Code's XML grammar embeds other languages (JSP scriptlets include `source.java`); those
 * grammars come from code-server's built-in extensions, as VS Code itself loads them, and a
 * grammar the registry asks for and does not have fails the test instead of printing a warning.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { createRegistryFromGrammars } from 'vscode-tmgrammar-test/dist/common/index';
import { parseGrammarTestCase, runGrammarTestCase } from 'vscode-tmgrammar-test/dist/unit/index';

const root = resolve(__dirname, '..', '..', '..');
const testCasePath = join(root, 'test', 'grammar', 'seclabel.xml.grammar-test');
const minimalXml = join(root, 'test', 'grammar', 'fixtures', 'minimal-xml.tmLanguage.json');
const builtinExtensions = join(root, '.tools', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions');
const vscodeXml = join(builtinExtensions, 'xml', 'syntaxes', 'xml.tmLanguage.json');

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

/** The grammars code-server's built-in extensions contribute, by scope name. */
function builtinGrammarPaths(): Map<string, string> {
	const paths = new Map<string, string>();
	for (const extension of readdirSync(builtinExtensions)) {
		const manifestPath = join(builtinExtensions, extension, 'package.json');
		if (!existsSync(manifestPath)) {
			continue;
		}
		const grammars: GrammarContribution[] = JSON.parse(readFileSync(manifestPath, 'utf8')).contributes?.grammars ?? [];
		for (const grammar of grammars) {
			paths.set(grammar.scopeName, join(builtinExtensions, extension, grammar.path));
		}
	}
	return paths;
}

/** The scopes a grammar includes from other grammars (`"include": "source.java"`, not `#rule` or `$self`). */
function externalIncludes(content: string): string[] {
	return [...new Set([...content.matchAll(/"include"\s*:\s*"([A-Za-z][^"#]*)(?:#[^"]*)?"/g)].map((match) => match[1]))];
}

/**
 * The XML grammar, the injection and every grammar they embed, transitively, from the built-in
 * extensions (as VS Code resolves them); an embedded scope no extension contributes is left out
 * and then reported missing by the registry.
 */
function grammarsFor(xmlGrammarPath: string): { grammar: { scopeName: string; path: string }; content: string }[] {
	const injection = contributedInjection();
	const grammars = [
		{ grammar: { scopeName: 'text.xml', path: xmlGrammarPath }, content: readFileSync(xmlGrammarPath, 'utf8') },
		{ grammar: { ...injection, path: join(root, injection.path) }, content: readFileSync(join(root, injection.path), 'utf8') },
	];
	const builtin = existsSync(builtinExtensions) ? builtinGrammarPaths() : new Map<string, string>();
	const have = new Set(grammars.map((entry) => entry.grammar.scopeName));
	for (let i = 0; i < grammars.length; i++) {
		for (const scope of externalIncludes(grammars[i].content)) {
			const path = builtin.get(scope);
			if (!have.has(scope) && path) {
				have.add(scope);
				grammars.push({ grammar: { scopeName: scope, path }, content: readFileSync(path, 'utf8') });
			}
		}
	}
	return grammars;
}

async function failuresWith(xmlGrammarPath: string): Promise<string[]> {
	const registry = createRegistryFromGrammars(grammarsFor(xmlGrammarPath));
	const testCase = parseGrammarTestCase(readFileSync(testCasePath, 'utf8'));
	const count = testCase.assertions.reduce((sum, line) => sum + line.scopeAssertions.length, 0);
	assert.ok(count >= 30, `the test case should hold its 30-odd assertions; the parser found ${count}`);
	// vscode-tmgrammar-test's registry only warns on the console when a grammar asks for a scope it
	// does not have; here that is a failure, with the scope named.
	const missing: string[] = [];
	const warn = console.warn;
	console.warn = (...args: unknown[]) => {
		const text = args.map(String).join(' ');
		const match = /^grammar not found for "(.*)"$/.exec(text);
		if (match) {
			missing.push(match[1]);
		} else {
			warn(...args);
		}
	};
	let failures: Awaited<ReturnType<typeof runGrammarTestCase>>;
	try {
		failures = await runGrammarTestCase(registry, testCase);
	} finally {
		console.warn = warn;
	}
	assert.deepEqual(missing, [], `the registry was asked for grammars it does not have: ${missing.join(', ')}`);
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
