/**
 * A validation still waiting for the settings of before a configuration change must not publish
 * over the newer validation of the same document version: the client answers the server's first
 * `workspace/configuration` request only after it answered the second, and the diagnostics the
 * user is left with must be those of the newer settings.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnRaw } from '../support/rawLspClient';
import { domain } from '../support/fixture';

const BAD = domain(`  <seclabel type='dynamic' model='selinux' relabel='no'/>`);

test('an older validation waiting on stale settings does not publish over the newer one', async () => {
	const server = spawnRaw({ answerRequests: false });
	try {
		const response = await server.request('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } }, workspaceFolders: null });
		assert.equal(response.error, undefined, JSON.stringify(response.error));
		server.notify('initialized', {});
		const uri = 'file:///stale/guest.xml';
		const isForUri = (params: unknown) => ((params as { items?: { scopeUri?: string }[] }).items ?? []).some((item) => item.scopeUri === uri);
		server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'xml', version: 1, text: BAD } });
		await server.next('workspace/configuration', isForUri);
		const first = server.received.find((message) => message.method === 'workspace/configuration' && isForUri(message.params))!;
		// The user turns the rule off while the first request is still unanswered.
		server.notify('workspace/didChangeConfiguration', { settings: null });
		await server.next('workspace/configuration', (params) => isForUri(params) && server.received.filter((message) => message.method === 'workspace/configuration' && isForUri(message.params)).length >= 2);
		const second = server.received.filter((message) => message.method === 'workspace/configuration' && isForUri(message.params))[1];
		const answer = (id: number | string | undefined, settings: unknown) => {
			const items = (server.received.find((message) => message.id === id)!.params as { items: unknown[] }).items;
			server.send({ jsonrpc: '2.0', id, result: items.map(() => settings) });
		};
		const published = server.next('textDocument/publishDiagnostics', (params) => (params as { uri: string }).uri === uri);
		answer(second.id, { rules: { 'dynamic-relabel-no': 'off' } });
		assert.deepEqual((await published as { diagnostics: unknown[] }).diagnostics, [], 'the newer settings turn the rule off');
		// Now the stale answer (default settings, the rule on) arrives: it must not be published.
		answer(first.id, null);
		const probe = `file:///stale/probe.xml`;
		// A second document's diagnostics mark the point by which a stale publish would have been sent.
		const probeDone = server.next('textDocument/publishDiagnostics', (params) => (params as { uri: string }).uri === probe, 20_000);
		server.notify('textDocument/didOpen', { textDocument: { uri: probe, languageId: 'xml', version: 1, text: BAD } });
		await server.next('workspace/configuration', (params) => ((params as { items?: { scopeUri?: string }[] }).items ?? []).some((item) => item.scopeUri === probe));
		answer(server.received.filter((message) => message.method === 'workspace/configuration').at(-1)!.id, null);
		await probeDone;
		const forUri = server.received.filter((message) => message.method === 'textDocument/publishDiagnostics' && (message.params as { uri: string }).uri === uri);
		assert.deepEqual((forUri.at(-1)!.params as { diagnostics: unknown[] }).diagnostics, [], `the last publication for the document is the newer settings' one: ${JSON.stringify(forUri.map((message) => message.params))}`);
	} finally {
		server.kill();
	}
});
