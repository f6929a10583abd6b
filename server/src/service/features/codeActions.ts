/**
 * Quick fixes: computed from the findings of the current document, never from server state, so a
 * fix always matches the text it edits.
 */
import { CodeAction, CodeActionKind, Range, TextEdit, type CodeActionContext, type Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SeclabelDocument } from '../parser/seclabelModel';
import type { OffsetEdit } from '../rules/rule';
import type { LanguageSettings } from '../types';
import { computeFindings } from './findings';
import { DIAGNOSTIC_SOURCE } from './validation';

/** The "fix all" source action kind this service answers. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.libvirtSeclabel`;

function toTextEdit(document: TextDocument, edit: OffsetEdit): TextEdit {
	return TextEdit.replace(Range.create(document.positionAt(edit.span.start), document.positionAt(edit.span.end)), edit.newText);
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
	return a.start < b.end && b.start < a.end || a.start === b.start;
}

function wants(context: CodeActionContext, kind: string): boolean {
	return !context.only || context.only.some((only) => kind === only || kind.startsWith(`${only}.`));
}

export function doCodeActions(document: TextDocument, range: Range, context: CodeActionContext, doc: SeclabelDocument, settings: LanguageSettings = {}): CodeAction[] {
	const findings = computeFindings(doc, settings);
	const actions: CodeAction[] = [];
	const start = document.offsetAt(range.start);
	const end = document.offsetAt(range.end);
	if (wants(context, CodeActionKind.QuickFix)) {
		for (const finding of findings) {
			if (!finding.fixes || finding.fixes.length === 0) {
				continue;
			}
			const touches = finding.span.start <= end && start <= finding.span.end;
			if (!touches) {
				continue;
			}
			const matching = context.diagnostics.filter((diagnostic: Diagnostic) => diagnostic.code === finding.rule.id && diagnostic.source === DIAGNOSTIC_SOURCE
				&& document.offsetAt(diagnostic.range.start) === finding.span.start);
			for (const fix of finding.fixes) {
				const action: CodeAction = {
					title: fix.title,
					kind: CodeActionKind.QuickFix,
					diagnostics: matching,
					isPreferred: fix.isPreferred,
				};
				// A fix can be a command only, such as opening the other guest's file of a cross-guest finding.
				if (fix.edits.length > 0 || !fix.command) {
					action.edit = { changes: { [document.uri]: fix.edits.map((edit) => toTextEdit(document, edit)) } };
				}
				if (fix.command) {
					action.command = { title: fix.command.title, command: fix.command.command, arguments: fix.command.arguments };
				}
				actions.push(action);
			}
		}
	}
	if (context.only && context.only.some((only) => FIX_ALL_KIND === only || FIX_ALL_KIND.startsWith(`${only}.`))) {
		const fixAll = fixAllAction(document, doc, settings);
		if (fixAll) {
			actions.push(fixAll);
		}
	}
	return actions;
}

/** One action with every finding's preferred fix, skipping fixes whose edits overlap an earlier one. */
export function fixAllAction(document: TextDocument, doc: SeclabelDocument, settings: LanguageSettings = {}): CodeAction | undefined {
	const taken: { start: number; end: number }[] = [];
	const edits: OffsetEdit[] = [];
	for (const finding of computeFindings(doc, settings)) {
		const fix = finding.fixes?.find((candidate) => candidate.isPreferred);
		if (!fix || fix.edits.some((edit) => taken.some((span) => overlaps(span, edit.span)))) {
			continue;
		}
		for (const edit of fix.edits) {
			taken.push(edit.span);
			edits.push(edit);
		}
	}
	if (edits.length === 0) {
		return undefined;
	}
	return {
		title: 'Fix all libvirt seclabel problems that have a safe fix',
		kind: FIX_ALL_KIND,
		edit: { changes: { [document.uri]: edits.map((edit) => toTextEdit(document, edit)) } },
	};
}
