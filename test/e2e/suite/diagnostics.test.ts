/**
 * Diagnostics as a user sees them: libvirt's own message at the attribute that causes it, the
 * related location, and the diagnostic going away when the text is fixed.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, fixtureUri, nextDiagnosticsChange, openFixture, ourDiagnostics, positionOf, revertAndCloseAll, SOURCE, waitForDiagnostics } from './helpers';

/** What the server puts in Diagnostic.data; vscode-languageclient keeps it on the diagnostic. */
interface DiagnosticData {
	stage?: string;
	libvirtMessage?: string;
}

function withCode(code: string): (diagnostics: vscode.Diagnostic[]) => boolean {
	return (diagnostics) => diagnostics.some((diagnostic) => codeOf(diagnostic) === code);
}

suite('Diagnostics', () => {
	teardown(revertAndCloseAll);

	test('a dynamic label with relabel=no gets libvirt\'s refusal on the relabel attribute', async () => {
		const { document } = await openFixture('relabel-no.xml');
		const diagnostics = await waitForDiagnostics(document.uri, withCode('dynamic-relabel-no'), 'dynamic-relabel-no');
		assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
		const [diagnostic] = diagnostics;
		assert.equal(diagnostic.source, SOURCE);
		assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
		assert.equal(document.getText(diagnostic.range), "relabel='no'");
		assert.equal(diagnostic.message.split('\n')[0], 'unsupported configuration: dynamic label type must use resource relabeling');
		const data = (diagnostic as vscode.Diagnostic & { data?: DiagnosticData }).data;
		assert.deepEqual({ stage: data?.stage, libvirtMessage: data?.libvirtMessage }, { stage: 'define', libvirtMessage: 'unsupported configuration: dynamic label type must use resource relabeling' });
	});

	test('a second seclabel for one model points back at the first one', async () => {
		const { document } = await openFixture('duplicate-model.xml');
		const [diagnostic] = await waitForDiagnostics(document.uri, withCode('duplicate-model'), 'duplicate-model');
		assert.equal(diagnostic.message.split('\n')[0], 'seclabel for model selinux is already provided');
		assert.ok(document.getText(diagnostic.range).length > 0);
		assert.ok(diagnostic.range.start.isAfterOrEqual(positionOf(document, "<seclabel type='none'")), 'the diagnostic belongs to the second seclabel');
		const related = diagnostic.relatedInformation ?? [];
		assert.equal(related.length, 1, 'one related location: the first seclabel');
		assert.equal(related[0].location.uri.toString(), document.uri.toString());
		assert.equal(related[0].location.range.start.line, positionOf(document, "<seclabel type='dynamic' model='selinux'").line, 'the related location is on the first seclabel');
	});

	test('a correct domain gets no errors or warnings', async () => {
		// Listen before opening: the client opens the document on the server as soon as it is loaded.
		const published = nextDiagnosticsChange(fixtureUri('good.xml'), 'the diagnostics of good.xml');
		await openFixture('good.xml');
		const diagnostics = await published.done;
		assert.deepEqual(diagnostics.filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning).map(codeOf), []);
	});

	test('fixing the text by hand clears the diagnostic, and undo brings it back', async () => {
		const editor = await openFixture('label-missing.xml');
		const uri = editor.document.uri;
		await waitForDiagnostics(uri, withCode('label-missing'), 'label-missing');
		const tagEnd = editor.document.getText().indexOf("relabel='no'/>") + "relabel='no'".length;
		const replaced = new vscode.Range(editor.document.positionAt(tagEnd), editor.document.positionAt(tagEnd + 2));
		assert.ok(await editor.edit((builder) => builder.replace(replaced, '>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>')));
		assert.ok(editor.document.getText().includes('<label>system_u:system_r:svirt_t:s0:c1,c2</label>'));
		await waitForDiagnostics(uri, (diagnostics) => !withCode('label-missing')(diagnostics), 'label-missing to clear after adding the label');
		await vscode.commands.executeCommand('undo');
		await waitForDiagnostics(uri, withCode('label-missing'), 'label-missing again after undo');
	});

	test('XML that is not a libvirt domain gets no diagnostics, while a domain with the same seclabel does', async () => {
		const seclabel = "  <seclabel type='dynamic' model='selinux' relabel='no'/>\n";
		const network = await vscode.workspace.openTextDocument({ language: 'xml', content: `<network>\n  <name>default</name>\n${seclabel}</network>\n` });
		await vscode.window.showTextDocument(network);
		const domain = await vscode.workspace.openTextDocument({ language: 'xml', content: `<domain type='kvm'>\n  <name>guest</name>\n${seclabel}</domain>\n` });
		await vscode.window.showTextDocument(domain);
		// The server validates documents in the order they open, so by the time the domain's
		// diagnostics arrive, the network's (an empty set) have been published too.
		await waitForDiagnostics(domain.uri, withCode('dynamic-relabel-no'), 'dynamic-relabel-no on the untitled domain');
		assert.deepEqual(ourDiagnostics(network.uri), []);
		const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', network.uri, positionOf(network, 'relabel', 2));
		assert.equal(hovers.length, 0, 'no hover on a seclabel outside a domain');
	});
});
