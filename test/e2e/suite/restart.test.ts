/**
 * A crashed language server is restarted by the client, which keeps serving the open documents.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { hoverText, openFixture, positionOf, revertAndCloseAll, waitForDiagnostics } from './helpers';

/** The language servers this extension host started: its children running dist/server.js. */
function serverPids(): number[] {
	const pids: number[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			// The parent pid is the second field after the parenthesised command name.
			const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			const commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
			if (parent === process.pid && commandLine.includes('dist/server.js')) {
				pids.push(Number(entry));
			}
		} catch {
			// The process ended while it was being looked at.
		}
	}
	return pids;
}

suite('Crash recovery', () => {
	teardown(revertAndCloseAll);

	// Reads /proc to find the server: the end-to-end hosts here are Linux.
	test('a killed server is restarted and answers again', async () => {
		const editor = await openFixture('relabel-no.xml');
		await waitForDiagnostics(editor.document.uri, (d) => d.length > 0, 'the first diagnostics');
		const before = serverPids();
		assert.strictEqual(before.length, 1, `expected one language server child of the extension host, found ${JSON.stringify(before)}`);
		process.kill(before[0], 'SIGKILL');
		let after: number[] = [];
		for (const deadline = Date.now() + 20000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
			after = serverPids().filter((pid) => pid !== before[0]);
			if (after.length > 0) {
				break;
			}
		}
		assert.strictEqual(after.length, 1, 'no new language server was started after the first one was killed');
		const position = positionOf(editor.document, "relabel='no'", 2);
		let text = '';
		for (const deadline = Date.now() + 20000; Date.now() < deadline && !/relabel/.test(text); await new Promise((resolve) => setTimeout(resolve, 100))) {
			text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position));
		}
		assert.match(text, /relabel/, 'the restarted server does not answer hovers');
	});

	test('the Restart Language Server command starts a new server that answers', async () => {
		const editor = await openFixture('relabel-no.xml');
		await waitForDiagnostics(editor.document.uri, (d) => d.length > 0, 'the first diagnostics');
		const before = serverPids();
		assert.strictEqual(before.length, 1, `expected one language server child of the extension host, found ${JSON.stringify(before)}`);
		await vscode.commands.executeCommand('libvirtSeclabel.restartServer');
		let after: number[] = [];
		for (const deadline = Date.now() + 20000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
			after = serverPids();
			if (after.length === 1 && after[0] !== before[0]) {
				break;
			}
		}
		assert.ok(after.length === 1 && after[0] !== before[0], `the server was not replaced: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
		const position = positionOf(editor.document, "relabel='no'", 2);
		let text = '';
		for (const deadline = Date.now() + 20000; Date.now() < deadline && !/relabel/.test(text); await new Promise((resolve) => setTimeout(resolve, 100))) {
			text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position));
		}
		assert.match(text, /relabel/, 'the restarted server does not answer hovers');
		assert.ok((await vscode.commands.getCommands(true)).includes('libvirtSeclabel.showRulesReference'), 'the Show Rules Reference command is not registered');
	});
});
