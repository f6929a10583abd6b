/**
 * Helpers for the extension-host tests: the fixture workspace, and waiting for the language
 * server's diagnostics by event with a deadline (never a fixed sleep).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';

export const SOURCE = 'libvirt-seclabel';
export const EXTENSION_ID = 'libvirt-seclabel.libvirt-seclabel';

/** A file of the fixture workspace (a copy of test/e2e/fixtures made by the runner). */
export function fixtureUri(name: string): vscode.Uri {
	const folder = vscode.workspace.workspaceFolders?.[0];
	assert.ok(folder, 'the runner must open the fixture workspace (a copy of test/e2e/fixtures)');
	return vscode.Uri.joinPath(folder.uri, name);
}

export async function openFixture(name: string): Promise<vscode.TextEditor> {
	const document = await vscode.workspace.openTextDocument(fixtureUri(name));
	return vscode.window.showTextDocument(document);
}

export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
	return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === SOURCE);
}

/** A diagnostic's code; it is an object when the diagnostic links to the rules reference. */
export function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
	return typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
}

function describe(diagnostics: readonly vscode.Diagnostic[]): string {
	return JSON.stringify(diagnostics.map((d) => ({ code: codeOf(d), message: d.message, line: d.range.start.line })));
}

/**
 * Resolves with the document's diagnostics once `accept` holds for them, checking now and at every
 * diagnostics change of that document; fails with what was there when the deadline passes.
 */
export function waitForDiagnostics(uri: vscode.Uri, accept: (diagnostics: vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 20000): Promise<vscode.Diagnostic[]> {
	return new Promise((resolve, reject) => {
		const settle = (): boolean => {
			const diagnostics = ourDiagnostics(uri);
			if (!accept(diagnostics)) {
				return false;
			}
			clearTimeout(timer);
			subscription.dispose();
			resolve(diagnostics);
			return true;
		};
		const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
			if (event.uris.some((changed) => changed.toString() === uri.toString())) {
				settle();
			}
		});
		const timer = setTimeout(() => {
			subscription.dispose();
			reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${uri.toString()}; diagnostics now: ${describe(ourDiagnostics(uri))}`));
		}, timeoutMs);
		settle();
	});
}

/** Waits for the next diagnostics change of a document, whatever it is (an empty set counts). */
export function nextDiagnosticsChange(uri: vscode.Uri, what: string, timeoutMs = 20000): { done: Promise<vscode.Diagnostic[]> } {
	let subscription: vscode.Disposable | undefined;
	const done = new Promise<vscode.Diagnostic[]>((resolve, reject) => {
		const timer = setTimeout(() => {
			subscription?.dispose();
			reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} on ${uri.toString()}`));
		}, timeoutMs);
		subscription = vscode.languages.onDidChangeDiagnostics((event) => {
			if (event.uris.some((changed) => changed.toString() === uri.toString())) {
				clearTimeout(timer);
				subscription?.dispose();
				resolve(ourDiagnostics(uri));
			}
		});
	});
	return { done };
}

/** The whole text of every markdown or plain part of the hovers. */
export function hoverText(hovers: readonly vscode.Hover[]): string {
	return hovers.flatMap((hover) => hover.contents.map((part) => (typeof part === 'string' ? part : part.value))).join('\n');
}

/** The position of the first occurrence of `needle` in the document, plus `delta` characters. */
export function positionOf(document: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
	const offset = document.getText().indexOf(needle);
	assert.ok(offset >= 0, `'${needle}' is not in ${document.uri.toString()}`);
	return document.positionAt(offset + delta);
}

/** Closes every editor without saving, so that each test starts from the files on disk. */
export async function revertAndCloseAll(): Promise<void> {
	for (const document of vscode.workspace.textDocuments) {
		if (document.isDirty) {
			await vscode.window.showTextDocument(document);
			await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
		}
	}
	await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
