/**
 * The providers a user reaches through the editor: hover, completion and quick fixes, called the
 * way VS Code calls them (the vscode.execute* commands), and a fix applied to the document.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { codeOf, hoverText, openFixture, positionOf, revertAndCloseAll, waitForDiagnostics } from './helpers';

const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('libvirtSeclabel');

suite('Hover, completion and quick fixes', () => {
	teardown(revertAndCloseAll);

	test('hover on a seclabel attribute explains it, over exactly the attribute name', async () => {
		const { document } = await openFixture('relabel-no.xml');
		const position = positionOf(document, 'relabel=', 3);
		const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
		const text = hoverText(hovers);
		assert.match(text, /\*\*relabel\*\*/, text);
		const ranged = hovers.find((hover) => hover.range && document.getText(hover.range) === 'relabel');
		assert.ok(ranged, `a hover covering 'relabel'; got ranges ${JSON.stringify(hovers.map((hover) => hover.range && document.getText(hover.range)))}`);
	});

	test('hover on a type value explains that value', async () => {
		const { document } = await openFixture('relabel-no.xml');
		const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, "'dynamic'", 2));
		assert.match(hoverText(hovers), /type='dynamic'/);
	});

	test('hover on a label decodes the SELinux context down to its categories', async () => {
		const document = await vscode.workspace.openTextDocument({ language: 'xml', content: "<domain type='kvm'>\n  <name>guest</name>\n  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:c392,c662</label>\n  </seclabel>\n</domain>\n" });
		await vscode.window.showTextDocument(document);
		const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'c392', 1));
		const text = hoverText(hovers);
		assert.match(text, /svirt_t/, text);
		assert.match(text, /c392, c662|c392,c662/, text);
	});

	test('completion inside a type value offers only the types valid with relabel=no', async () => {
		const document = await vscode.workspace.openTextDocument({ language: 'xml', content: "<domain type='kvm'>\n  <name>guest</name>\n  <seclabel type='' model='selinux' relabel='no'/>\n</domain>\n" });
		await vscode.window.showTextDocument(document);
		const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, positionOf(document, "type=''", 6));
		const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label)).sort();
		// A dynamic label must relabel, so 'dynamic' is left out next to relabel='no'.
		assert.deepEqual(labels, ['none', 'static']);
	});

	test('the preferred quick fix sets relabel=yes, and the diagnostic clears', async () => {
		const { document } = await openFixture('relabel-no.xml');
		const before = document.getText();
		const [diagnostic] = await waitForDiagnostics(document.uri, (diagnostics) => diagnostics.some((d) => codeOf(d) === 'dynamic-relabel-no'), 'dynamic-relabel-no');
		const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
		const titles = actions.map((action) => action.title);
		assert.ok(titles.includes("Switch to type='static' (keep image labels; needs a label)"), titles.join(', '));
		const preferred = actions.filter((action) => action.isPreferred);
		assert.deepEqual(preferred.map((action) => action.title), ["Set relabel='yes'"]);
		assert.ok(preferred[0].edit && await vscode.workspace.applyEdit(preferred[0].edit));
		assert.equal(document.getText(), before.replace("<seclabel type='dynamic' model='selinux' relabel='no'/>", "<seclabel type='dynamic' model='selinux' relabel='yes'/>"));
		await waitForDiagnostics(document.uri, (diagnostics) => !diagnostics.some((d) => codeOf(d) === 'dynamic-relabel-no'), 'dynamic-relabel-no to clear after the fix');
	});

	test('the fix-all source action applies every preferred fix at once', async () => {
		const { document } = await openFixture('relabel-no.xml');
		const before = document.getText();
		await waitForDiagnostics(document.uri, (diagnostics) => diagnostics.length > 0, 'the diagnostics');
		const whole = new vscode.Range(new vscode.Position(0, 0), document.lineAt(document.lineCount - 1).range.end);
		const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, whole, FIX_ALL_KIND.value);
		const fixAll = actions.filter((action) => action.kind?.value === FIX_ALL_KIND.value);
		assert.equal(fixAll.length, 1, JSON.stringify(actions.map((action) => [action.title, action.kind?.value])));
		assert.ok(fixAll[0].edit && await vscode.workspace.applyEdit(fixAll[0].edit));
		assert.equal(document.getText(), before.replace("relabel='no'/>", "relabel='yes'/>"));
	});
});
