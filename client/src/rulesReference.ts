/**
 * The rules reference (docs/rules.md, shipped in the .vsix) opened at one rule's section. The server
 * links every diagnostic to `file:///…/docs/rules.md#<rule-id>` (right for any LSP client), but VS
 * Code opens a file link as text at line 1; so the client points the link at its own command, which
 * opens the markdown preview scrolled to the rule's heading (the built-in markdown extension honours
 * the fragment of the URI it previews), or, without the markdown extension, the text at the heading.
 */
import * as vscode from 'vscode';

export const SHOW_RULE_COMMAND = 'libvirtSeclabel.showRule';

/** A rule id as the catalogue writes them (the file name in server/src/service/rules/). */
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The command link for a rule, as a diagnostic's code target. */
export function ruleCommandUri(ruleId: string): vscode.Uri {
	return vscode.Uri.parse(`command:${SHOW_RULE_COMMAND}?${encodeURIComponent(JSON.stringify([ruleId]))}`);
}

/** The rule a server link names, when the link is the shipped rules reference with a rule id as fragment. */
export function ruleOfLink(target: vscode.Uri): string | undefined {
	return target.scheme === 'file' && target.path.endsWith('/docs/rules.md') && RULE_ID.test(target.fragment) ? target.fragment : undefined;
}

/** Diagnostics with their rule links pointed at the command (what the middleware passes on). */
export function withRuleCommandLinks(diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] {
	for (const diagnostic of diagnostics) {
		const code = diagnostic.code;
		if (code && typeof code === 'object') {
			const rule = ruleOfLink(code.target);
			if (rule) {
				diagnostic.code = { value: code.value, target: ruleCommandUri(rule) };
			}
		}
	}
	return diagnostics;
}

/** Opens the rules reference, at the rule's section when a rule id is given. */
export async function showRule(rulesFile: vscode.Uri, ruleId?: unknown, log?: (line: string) => void): Promise<void> {
	const rule = typeof ruleId === 'string' && RULE_ID.test(ruleId) ? ruleId : undefined;
	const target = rule ? rulesFile.with({ fragment: rule }) : rulesFile;
	// getCommands lists only registered commands, and the markdown extension registers its own when
	// the command first runs; so ask whether the extension is there.
	if (vscode.extensions.getExtension('vscode.markdown-language-features')) {
		await vscode.commands.executeCommand('markdown.showPreview', target);
		return;
	}
	// No markdown extension (disabled, or a minimal editor build): the text, at the rule's heading.
	log?.('The markdown preview is not available (is the built-in Markdown extension disabled?); opening docs/rules.md as text.');
	const document = await vscode.workspace.openTextDocument(rulesFile);
	const heading = rule ? document.getText().split('\n').findIndex((line) => line === `### ${rule}`) : -1;
	const position = new vscode.Position(Math.max(heading, 0), 0);
	await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preview: true });
}
