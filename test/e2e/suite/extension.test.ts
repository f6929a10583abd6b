/**
 * Activation: the extension costs nothing until an XML document opens, then starts its server.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, openFixture, revertAndCloseAll, waitForDiagnostics } from './helpers';

suite('Activation', () => {
	teardown(revertAndCloseAll);

	test('the extension is installed and stays inactive while no XML document is open', () => {
		const extension = vscode.extensions.getExtension(EXTENSION_ID);
		assert.ok(extension, `extension ${EXTENSION_ID} is not loaded; have: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
		assert.equal(extension.isActive, false, 'activation must wait for an XML document (activationEvents onLanguage:xml)');
	});

	test('opening a domain file activates the extension and its server answers', async () => {
		const editor = await openFixture('relabel-no.xml');
		assert.equal(editor.document.languageId, 'xml');
		await waitForDiagnostics(editor.document.uri, (diagnostics) => diagnostics.length > 0, 'the first diagnostics');
		assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
	});
});
