// Bundles the client (vscode is provided by the editor) and the two bins, one file each, so that
// the extension loads fast and the .vsix ships no node_modules. Types are checked by `tsc -b`.
import * as esbuild from 'esbuild';
import { chmodSync } from 'fs';

// `npm pack` and `npm publish` run `prepare` (the build): the tarball gets the minified bundles
// without source maps, which its `files` leave out anyway.
const production = process.argv.includes('--production') || ['pack', 'publish'].includes(process.env.npm_command ?? '');
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: !production, minify: production, logLevel: 'warning' };

await Promise.all([
	esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
	esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
	esbuild.build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
chmodSync('dist/server.js', 0o755);
chmodSync('dist/cli.js', 0o755);
