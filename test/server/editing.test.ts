/**
 * Editing help through the bundled server over stdio, as an editor asks for it: completion of a
 * label's level (a fresh pair first), hover on a context, a quick fix and "fix all" applied as the
 * workspace edits they return, compared with the whole resulting document.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
	CodeActionKind, CodeActionRequest, CompletionRequest, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, HoverRequest,
	InitializedNotification, InitializeRequest, type ClientCapabilities, type CodeAction, type CompletionList, type Diagnostic, type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { domain, disk } from '../support/fixture';
import { spawnServer, type ServerProcess } from '../support/lspServer';

const LABELLED_URI = 'file:///editing/static.xml';
const LABELLED = domain("  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:c5,c3,c4</label>\n  </seclabel>", disk());

const BROKEN_URI = 'file:///editing/broken.xml';
// Its own image: two open guests writing one image is a problem of its own (with a fix of its own).
const BROKEN_IMAGE = '/var/lib/libvirt/images/broken.qcow2';
const BROKEN = domain("  <seclabel type='dynamic' model='selinux' relabel='no'/>", disk("<seclabel model='dac' relabel='no'><label>+107:+107</label></seclabel>", '', 'vda', BROKEN_IMAGE));

let server: ServerProcess;
let connection: ServerProcess['connection'];

/** The diagnostics published for a version of a document (waiting for them if need be). */
async function diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
	return (await server.diagnosticsOfVersion(uri, version, 10_000)).diagnostics;
}

before(async () => {
	server = spawnServer({ inheritStderr: true });
	connection = server.connection;
	// What VS Code declares: snippets and markdown (test/server/clients.test.ts covers clients that declare neither).
	const capabilities: ClientCapabilities = { textDocument: { completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } }, hover: { contentFormat: ['markdown', 'plaintext'] } } };
	await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities, workspaceFolders: null });
	await connection.sendNotification(InitializedNotification.type, {});
	for (const [uri, text] of [[LABELLED_URI, LABELLED], [BROKEN_URI, BROKEN]]) {
		await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'xml', version: 1, text } });
	}
	await Promise.all([diagnosticsFor(LABELLED_URI, 1), diagnosticsFor(BROKEN_URI, 1)]);
});

after(async () => {
	await server.stop();
});

function document(uri: string, text: string): TextDocument {
	return TextDocument.create(uri, 'xml', 1, text);
}

function applyWorkspaceEdit(uri: string, text: string, action: CodeAction): string {
	const edits: TextEdit[] | undefined = action.edit?.changes?.[uri];
	assert.ok(edits && edits.length > 0, `action '${action.title}' carries no edits for ${uri}`);
	return TextDocument.applyEdits(document(uri, text), edits);
}

test('completion at a label\'s level offers a fresh category pair first, replacing the level', async () => {
	const doc = document(LABELLED_URI, LABELLED);
	const offset = LABELLED.indexOf('s0:c5,c3,c4');
	const result = await connection.sendRequest(CompletionRequest.type, { textDocument: { uri: LABELLED_URI }, position: doc.positionAt(offset) }) as CompletionList;
	assert.ok(result && Array.isArray(result.items), 'the server answers with a completion list');
	const sorted = [...result.items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
	const first = sorted[0];
	const pair = /^s0:c(\d+),c(\d+)$/.exec(first.label);
	assert.ok(pair, `first completion '${first.label}' is not a pair s0:cA,cB`);
	assert.ok(Number(pair[1]) < Number(pair[2]));
	assert.notEqual(first.label, 's0:c3,c5');
	const edit = first.textEdit as TextEdit;
	assert.equal(LABELLED.slice(doc.offsetAt(edit.range.start), doc.offsetAt(edit.range.end)), 's0:c5,c3,c4');
	assert.ok(sorted.some((item) => item.label === 's0:c0.c1023' && item.detail === 'SystemHigh'));
});

test('hover on a context decodes it and covers the whole value', async () => {
	const doc = document(LABELLED_URI, LABELLED);
	const offset = LABELLED.indexOf('svirt_t:s0');
	const hover = await connection.sendRequest(HoverRequest.type, { textDocument: { uri: LABELLED_URI }, position: doc.positionAt(offset) });
	assert.ok(hover?.range, 'the server answers with a hover and its range');
	assert.equal(LABELLED.slice(doc.offsetAt(hover.range.start), doc.offsetAt(hover.range.end)), 'system_u:system_r:svirt_t:s0:c5,c3,c4');
	const markdown = (hover.contents as { value: string }).value;
	assert.match(markdown, /- \*\*type\*\* `svirt_t`: process type/);
	assert.match(markdown, /- \*\*level\*\* `s0:c5,c3,c4`: sensitivity `s0`, categories c3, c4, c5 \(3 categories\)/);
	assert.match(markdown, /- \*\*canonical\*\* `s0:c3\.c5`/);
});

test('a quick fix for a diagnostic, applied as its workspace edit, gives the fixed document', async () => {
	const diagnostics = await diagnosticsFor(BROKEN_URI, 1);
	const diagnostic = diagnostics.find((candidate) => candidate.code === 'device-label-relabel-no');
	assert.ok(diagnostic, `no device-label-relabel-no diagnostic; got ${diagnostics.map((candidate) => candidate.code).join(', ')}`);
	const actions = await connection.sendRequest(CodeActionRequest.type, {
		textDocument: { uri: BROKEN_URI }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: [CodeActionKind.QuickFix] },
	}) as CodeAction[];
	const preferred = actions.find((action) => action.isPreferred && action.diagnostics?.some((candidate) => candidate.code === 'device-label-relabel-no'));
	assert.ok(preferred, `no preferred fix; got ${actions.map((action) => action.title).join(', ')}`);
	assert.equal(preferred.title, "Remove relabel='no' (apply this label)");
	assert.equal(applyWorkspaceEdit(BROKEN_URI, BROKEN, preferred),
		domain("  <seclabel type='dynamic' model='selinux' relabel='no'/>", disk("<seclabel model='dac'><label>+107:+107</label></seclabel>", '', 'vda', BROKEN_IMAGE)));
});

test('source.fixAll.libvirtSeclabel fixes every problem with a safe fix, and the server then reports none of them', async () => {
	const actions = await connection.sendRequest(CodeActionRequest.type, {
		textDocument: { uri: BROKEN_URI }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
		context: { diagnostics: [], only: ['source.fixAll.libvirtSeclabel'] },
	}) as CodeAction[];
	assert.equal(actions.length, 1, 'one fix-all action');
	assert.equal(actions[0].kind, 'source.fixAll.libvirtSeclabel');
	const fixed = applyWorkspaceEdit(BROKEN_URI, BROKEN, actions[0]);
	assert.equal(fixed, domain("  <seclabel type='dynamic' model='selinux' relabel='yes'/>", disk("<seclabel model='dac'><label>+107:+107</label></seclabel>", '', 'vda', BROKEN_IMAGE)));
	await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: BROKEN_URI, version: 2 }, contentChanges: [{ text: fixed }] });
	const after = (await diagnosticsFor(BROKEN_URI, 2)).map((diagnostic) => diagnostic.code);
	assert.ok(!after.includes('dynamic-relabel-no') && !after.includes('device-label-relabel-no'), `still reported: ${after.join(', ')}`);
});
