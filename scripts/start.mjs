#!/usr/bin/env node
// `npm start`: the demo. Builds and packages the extension (npm run package), installs the .vsix into
// a code-server profile under .tools/demo, and serves the workbench on 127.0.0.1 with a fresh copy of
// examples/ open (scripts/demo-workspace.mjs: the demo never edits the tracked files, and each start
// begins from the examples as committed), so the product can be tried in a browser with no VS Code
// installed. Runs scripts/setup-code-server.sh first when code-server is missing. Ctrl-C stops it.
// PORT chooses the port (default 8080).
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CODE_SERVER, QUIET_SETTINGS, ROOT, installExtension, startCodeServer } from './e2e-code-server.mjs';
import { refreshDemoWorkspace } from './demo-workspace.mjs';

const port = Number(process.env.PORT || 8080);
const demo = join(ROOT, '.tools', 'demo');
const examples = join(ROOT, 'examples');

function run(command, args, what) {
	console.log(`npm start: ${what}`);
	const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
	if (result.status !== 0) {
		console.error(`npm start: ${what} failed (exit ${result.status ?? result.signal}).`);
		process.exit(1);
	}
}

if (!existsSync(CODE_SERVER)) {
	run(join(ROOT, 'scripts', 'setup-code-server.sh'), [], 'installing code-server (scripts/setup-code-server.sh)');
}

const { name, version, publisher } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const vsix = join(demo, `${name}-${version}.vsix`);
mkdirSync(demo, { recursive: true });
run('npm', ['run', '--silent', 'package', '--', '--out', vsix], 'building and packaging the extension (npm run package)');

// The profile lives in .tools/demo: code-server's user data, extensions and config home, so that
// nothing is written outside the repository.
const profile = { dir: demo, userData: join(demo, 'data'), extensions: join(demo, 'extensions'), config: join(demo, 'config') };
// Fresh user data too: code-server would otherwise restore the last demo's editors and their unsaved
// (hot-exit) changes into the fresh copy of the examples.
rmSync(profile.userData, { recursive: true, force: true });
for (const dir of [join(profile.userData, 'User'), profile.config]) {
	mkdirSync(dir, { recursive: true });
}
writeFileSync(join(profile.userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, 'workbench.startupEditor': 'readme' }, null, '\t'));
// A fresh extensions dir each time, so the demo always runs the .vsix just built and nothing else.
rmSync(profile.extensions, { recursive: true, force: true });
mkdirSync(profile.extensions, { recursive: true });
console.log(`npm start: ${await installExtension(profile, vsix)}`);

const workspace = refreshDemoWorkspace(examples, demo);
console.log(`npm start: a fresh copy of examples/ in ${workspace}`);

let server;
try {
	server = await startCodeServer(profile, { port, workspace, logFile: join(demo, 'code-server.log') });
} catch (error) {
	console.error(`npm start: code-server did not start on 127.0.0.1:${port}${process.env.PORT ? '' : ' (set PORT to use another port)'}.`);
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
}
const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
console.log(`
libvirt Security Labels (${publisher}.${name} ${version}) is running in code-server, with a copy of examples/ (${workspace}):

    ${url}

Open one of the example files to see its diagnostics, hovers and quick fixes; edits change only the
copy, which the next npm start replaces. Log: ${join(demo, 'code-server.log')}
Press Ctrl-C to stop.
`);

let stopping = false;
async function stop(signal) {
	if (stopping) {
		return;
	}
	stopping = true;
	console.log(`\nnpm start: ${signal}, stopping code-server.`);
	await server.stop();
	process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
server.child.on('exit', (code, signal) => {
	if (!stopping) {
		console.error(`npm start: code-server exited (${signal ?? code}); see ${join(demo, 'code-server.log')}.`);
		process.exit(1);
	}
});
