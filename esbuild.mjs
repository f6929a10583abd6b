// Bundles the client (vscode is provided by the editor) and the two bins, one file each (the CLI's
// bin is a small loader beside its bundle), so that the extension loads fast and the .vsix ships no node_modules. Types are checked by `tsc -b`.
import { spawnSync } from 'child_process';
import * as esbuild from 'esbuild';
import { chmodSync } from 'fs';
import { createRequire } from 'module';

// `npm pack` and `npm publish` run `prepare` (the build): the tarball gets the minified bundles
// without source maps, which its `files` leave out anyway.
const production = process.argv.includes('--production') || ['pack', 'publish'].includes(process.env.npm_command ?? '');
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: !production, minify: production, logLevel: 'warning' };

/**
 * Node modules the CLI loads only when an option needs them (virsh for --connect and
 * libvirtVersion auto, getfattr for --read-image-labels, a random marker for virsh): a `require`
 * at the top of the bundle costs every run some milliseconds. Each becomes a module of getters
 * that requires the real one on first use; the names are the real module's, read here.
 */
const LAZY_BUILTINS = ['child_process', 'crypto'];
const lazyBuiltins = {
	name: 'lazy-builtins',
	setup(build) {
		build.onResolve({ filter: new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`) }, (args) => (args.namespace === 'lazy-builtin'
			? { path: args.path, external: true } // the real module, from inside its stand-in
			: { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' }));
		build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
			const names = Object.keys(createRequire(import.meta.url)(args.path)).filter((name) => name !== 'default' && name !== '__esModule');
			const getters = names.map((name) => `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => load()[${JSON.stringify(name)}] });`);
			return { loader: 'js', contents: `let real;\nconst load = () => real ??= require(${JSON.stringify(args.path)});\n${getters.join('\n')}\n` };
		});
	},
};

await Promise.all([
	esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
	esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
	// The CLI is two files: the bin (cli/loader.ts) runs the bundle through V8's code cache.
	esbuild.build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli-main.js', plugins: [lazyBuiltins] }),
	esbuild.build({ ...common, entryPoints: ['server/src/cli/loader.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
]);
chmodSync('dist/server.js', 0o755);
chmodSync('dist/cli.js', 0o755);
// The CLI's code cache (cli/loader.ts): written here, by a run of the bin over the examples, and
// never by a user's run. Its exit status is the examples' verdict (they hold mistakes), not a failure.
spawnSync(process.execPath, ['dist/cli.js', '--format', 'json', 'examples'], { stdio: 'ignore', env: { ...process.env, LIBVIRT_SECLABEL_WRITE_CODE_CACHE: '1' } });
