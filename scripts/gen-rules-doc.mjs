#!/usr/bin/env node
// `npm run docs`: writes docs/rules.md from the compiled rule catalogue, and checks that the
// `libvirtSeclabel.rules` settings in package.json list exactly the catalogue's rules.
//
//   node scripts/gen-rules-doc.mjs                   compile the server, write docs/rules.md, check package.json
//   node scripts/gen-rules-doc.mjs --write-package   ... and rewrite the rules settings in package.json
//   node scripts/gen-rules-doc.mjs --check           write nothing; exit 1 when either file is stale
//   --no-build                                       use out/ as it is (the test run has just built it)
import { spawnSync } from 'child_process';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'fs';
import { createRequire } from 'module';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';
import { formatManifest, renderRulesDoc, withRuleSettings } from './rulesDoc.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
for (const arg of args) {
	if (!['--write-package', '--check', '--no-build'].includes(arg)) {
		console.error(`gen-rules-doc: unknown option '${arg}' (use --write-package, --check, --no-build)`);
		process.exit(2);
	}
}

// The catalogue is read from the compiled server so that the page describes the rules that run;
// compiling first keeps a freshly edited rule from being documented in its old form.
if (!args.has('--no-build')) {
	const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(root, 'server')], { cwd: root, stdio: 'inherit' });
	if (tsc.status !== 0) {
		console.error('gen-rules-doc: compiling the server failed.');
		process.exit(1);
	}
}
const catalogue = join(root, 'out', 'server', 'src', 'service', 'rules', 'index.js');
if (!existsSync(catalogue)) {
	console.error(`gen-rules-doc: ${catalogue} is missing; run \`npx tsc -b\` first.`);
	process.exit(1);
}
const require = createRequire(import.meta.url);
const { allRules } = require(catalogue);
const { defaultSeverity } = require(join(root, 'out', 'server', 'src', 'service', 'rules', 'rule.js'));

const docPath = join(root, 'docs', 'rules.md');
const doc = renderRulesDoc(allRules, defaultSeverity);
const packagePath = join(root, 'package.json');
const packageText = readFileSync(packagePath, 'utf8');
const expectedPackage = formatManifest(withRuleSettings(JSON.parse(packageText), allRules, defaultSeverity));

let stale = false;
if (args.has('--check')) {
	if (!existsSync(docPath) || readFileSync(docPath, 'utf8') !== doc) {
		console.error('gen-rules-doc: docs/rules.md is stale; run `npm run docs`.');
		stale = true;
	}
} else {
	mkdirSync(dirname(docPath), { recursive: true });
	writeFileSync(docPath, doc);
	console.log(`gen-rules-doc: wrote docs/rules.md (${allRules.length} rules).`);
}
if (JSON.stringify(JSON.parse(packageText)) !== JSON.stringify(JSON.parse(expectedPackage))) {
	if (args.has('--write-package') && !args.has('--check')) {
		writeFileSync(packagePath, expectedPackage);
		console.log('gen-rules-doc: updated the libvirtSeclabel.rules settings in package.json.');
	} else {
		console.error('gen-rules-doc: the libvirtSeclabel.rules settings in package.json differ from the catalogue; run `npm run docs -- --write-package`.');
		stale = true;
	}
}
process.exit(stale ? 1 : 0);
