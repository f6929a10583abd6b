/**
 * Cross-guest findings as an editor sees them: LSP diagnostics with relatedInformation, code
 * actions with an "open the other file" command, and rule settings.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { doCodeActions } from '../../server/src/service/features/codeActions';
import { doValidation } from '../../server/src/service/features/validation';
import {
	crossFindings, lineOf, workspaceOf, IMAGES, VM1, VM2,
} from './guests';

test('the LSP diagnostic carries relatedInformation with the other file\'s URI and range', () => {
	const index = workspaceOf({ 'file:///ws/vm1.xml': VM1, 'file:///ws/vm2.xml': VM2 });
	const document = TextDocument.create('file:///ws/vm1.xml', 'xml', 1, VM1);
	const diagnostics = doValidation(document, parseSeclabelText(VM1), { workspace: index, documentUri: document.uri });
	const shared = diagnostics.filter((diagnostic) => diagnostic.code === 'shared-image-not-shareable');
	assert.equal(shared.length, 1);
	const vm2Line = lineOf(VM2, `${IMAGES}/vm1.img`);
	assert.deepEqual(shared[0].relatedInformation?.map((info) => ({ uri: info.location.uri, line: info.location.range.start.line })), [{ uri: 'file:///ws/vm2.xml', line: vm2Line }]);
});

test('code actions: add <shareable/> as an edit, and open the other guest\'s file as a vscode.open command', () => {
	const index = workspaceOf({ 'file:///ws/vm1.xml': VM1, 'file:///ws/vm2.xml': VM2 });
	const document = TextDocument.create('file:///ws/vm1.xml', 'xml', 1, VM1);
	const doc = parseSeclabelText(VM1);
	const settings = { workspace: index, documentUri: document.uri };
	const diagnostics = doValidation(document, doc, settings);
	const shared = diagnostics.find((diagnostic) => diagnostic.code === 'shared-image-not-shareable')!;
	const actions = doCodeActions(document, shared.range, { diagnostics: [shared] }, doc, settings);
	const add = actions.find((action) => action.title === 'Add <shareable/> to this disk');
	assert.ok(add?.edit?.changes?.[document.uri]?.length === 1);
	const open = actions.find((action) => action.title === 'Open vm2.xml');
	assert.deepEqual(open?.command, { title: 'Open vm2.xml', command: 'vscode.open', arguments: ['file:///ws/vm2.xml'] });
	assert.equal(open?.edit, undefined);
	assert.deepEqual(open?.diagnostics, [shared]);
});

test('a rule turned off in the settings stays off for cross-guest findings', () => {
	const index = workspaceOf({ 'file:///ws/vm1.xml': VM1, 'file:///ws/vm2.xml': VM2 });
	assert.deepEqual(crossFindings(index, 'file:///ws/vm1.xml', VM1, { rules: { 'shared-image-not-shareable': 'off' } }), []);
	assert.deepEqual(crossFindings(index, 'file:///ws/vm1.xml', VM1, { rules: { 'shared-image-not-shareable': 'warning' } }).map((finding) => finding.severity), ['warning']);
});
