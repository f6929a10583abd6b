import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { InsertTextFormat, MarkupKind, type CompletionItem, type MarkupContent } from 'vscode-languageserver-types';
import { getSeclabelLanguageService, parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { atCursor } from '../support/cursor';
import { clientFormats, markdownToPlainText, snippetToText } from '../../server/src/service/features/clientFormats';
import { accept, completionsAt, expandSnippet, hoverAt, hoverText, item } from '../support/cursor';
import { coded, disk, domain } from '../support/fixture';
import { EGLOT_1_9, NEOVIM_0_7 } from '../support/clientCapabilities';

test('markdown only for a client that lists it first; snippets only for a client that declares them', () => {
	assert.deepEqual(clientFormats({}), { snippets: false, hover: 'plaintext', documentation: 'plaintext', preselect: false, insertAsIs: false, relatedInformation: true, codeDescription: true });
	assert.deepEqual(clientFormats(EGLOT_1_9), { snippets: false, hover: 'plaintext', documentation: 'plaintext', preselect: false, insertAsIs: false, relatedInformation: false, codeDescription: false });
	assert.deepEqual(clientFormats(NEOVIM_0_7), { snippets: false, hover: 'markdown', documentation: 'markdown', preselect: false, insertAsIs: false, relatedInformation: true, codeDescription: true });
	assert.equal(clientFormats({ textDocument: { hover: { contentFormat: ['plaintext', 'markdown'] } } }).hover, 'plaintext');
	assert.deepEqual(clientFormats(), { snippets: true, hover: 'markdown', documentation: 'markdown', preselect: true, insertAsIs: true, relatedInformation: true, codeDescription: true });
});

test('a snippet as text: defaults and first choices kept, tab stops and escapes gone', () => {
	assert.equal(snippetToText("<seclabel type='static' model='selinux' relabel='${1|no,yes|}'>\n  <label>${2:system_u:system_r:svirt_t:s0:c1,c2}</label>\n</seclabel>$0"),
		"<seclabel type='static' model='selinux' relabel='no'>\n  <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n</seclabel>");
	assert.equal(snippetToText("model='${1:selinux}'$0 \\$HOME \\} \\\\"), "model='selinux' $HOME } \\");
	assert.equal(snippetToText("labelskip='$1'$0"), "labelskip=''");
	assert.equal(snippetToText('${1:a \\} b}'), 'a } b');
	assert.equal(snippetToText('${3|x\\,y,z|}'), 'x,y');
	assert.equal(snippetToText('plain $ text'), 'plain $ text');
});

test('markdown as plain text: no bold, code marks or link syntax; fenced blocks indented', () => {
	assert.equal(markdownToPlainText("**relabel='no'** leaves `**/x*` alone. See [libvirt: Security label](https://libvirt.org/formatdomain.html#security-label)."),
		"relabel='no' leaves **/x* alone. See libvirt: Security label (https://libvirt.org/formatdomain.html#security-label).");
	assert.equal(markdownToPlainText('Label the images once:\n\n```sh\nchcon -t svirt_image_t /a\n```\n- **user** `system_u`'),
		'Label the images once:\n\n    chcon -t svirt_image_t /a\n- user system_u');
});

/** Places where completion offers snippets, attribute values and documentation. */
const PLACES = [
	domain('  <sec|'),
	domain('  <|'),
	domain("  <seclabel |/>"),
	domain("  <seclabel type='static' |/>"),
	domain("  <seclabel type='static' model='selinux'>\n    <|\n  </seclabel>"),
	domain("  <seclabel type='dynamic' model='selinux'>\n    <|\n  </seclabel>"),
	domain("  <seclabel type='static' model='selinux' relabel='|'/>"),
	domain("  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:|</label>\n  </seclabel>"),
	domain('', disk('|')),
	domain('', disk("<seclabel model='selinux'><|</seclabel>")),
	domain('', disk('', '\n      |')),
];

function plainDocumentation(completion: CompletionItem): void {
	if (completion.documentation === undefined) return;
	assert.equal(typeof completion.documentation, 'string', `${completion.label}: documentation for a plain-text client is a plain string`);
	assert.doesNotMatch(completion.documentation as string, /\*\*|`|\]\(/, `${completion.label}: markdown left in ${completion.documentation}`);
}

test('a client without snippet support (eglot) gets plain insert text, the snippet as accepted, and plain documentation', () => {
	let offered = 0;
	// Fresh pairs are drawn anew for every request.
	const pairless = (text: string) => text.replace(/s0:c\d+,c\d+|^c\d+,c\d+$/g, 's0:cA,cB');
	const sorted = (items: CompletionItem[]) => [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!));
	for (const place of PLACES) {
		const snippets = sorted(completionsAt(place).items);
		const plain = sorted(completionsAt(place, {}, EGLOT_1_9).items);
		assert.deepEqual(plain.map((entry) => pairless(entry.label)), snippets.map((entry) => pairless(entry.label)), place);
		for (const [index, completion] of plain.entries()) {
			offered++;
			assert.notEqual(completion.insertTextFormat, InsertTextFormat.Snippet, completion.label);
			assert.equal(completion.insertTextMode, undefined, `${completion.label}: eglot declares no insertTextModeSupport`);
			assert.equal(completion.preselect, undefined, `${completion.label}: eglot declares no preselectSupport`);
			const newText = completion.textEdit!.newText;
			assert.doesNotMatch(newText, /\$\{?\d/, `${completion.label}: placeholder left in ${newText}`);
			// The same text a snippet client has once it accepts the defaults.
			const snippet = snippets[index];
			assert.equal(pairless(newText), pairless(snippet.insertTextFormat === InsertTextFormat.Snippet ? expandSnippet(snippet.textEdit!.newText) : snippet.textEdit!.newText), completion.label);
			plainDocumentation(completion);
		}
	}
	assert.ok(offered > 30, `only ${offered} items were checked`);
});

test('the static seclabel as a plain-text client inserts it: valid, with relabel and label filled in, no findings', () => {
	const list = completionsAt(domain('  <|'), {}, EGLOT_1_9);
	const result = accept(list.cursor, item(list, 'seclabel static'));
	assert.match(result, /<seclabel type='static' model='selinux' relabel='no'>\n {4}<label>system_u:system_r:svirt_t:s0:c\d+,c\d+<\/label>\n {2}<\/seclabel>\n/);
	assert.deepEqual(coded(result), []);
	const attribute = completionsAt(domain("  <seclabel type='dynamic' |/>"), {}, EGLOT_1_9);
	assert.equal(accept(attribute.cursor, item(attribute, 'relabel')), domain("  <seclabel type='dynamic' relabel='yes'/>"));
});

test('Neovim 0.7 (markdown, no snippets) gets markdown documentation and plain insert text', () => {
	const list = completionsAt(domain('  <|'), {}, NEOVIM_0_7);
	const static_ = item(list, 'seclabel static');
	assert.equal(static_.insertTextFormat, undefined);
	assert.equal((static_.documentation as MarkupContent).kind, MarkupKind.Markdown);
	assert.match((static_.documentation as MarkupContent).value, /`relabel='no'`/);
});

test('hover for a plain-text client: readable prose without markdown, the link written out', () => {
	const xml = domain("  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>",
		disk()).replace("<seclabel type='static'", "<se|clabel type='static'");
	const markdown = hoverAt(xml).hover!;
	assert.equal((markdown.contents as MarkupContent).kind, MarkupKind.Markdown);
	assert.match(hoverText(markdown), /```sh\nchcon /);
	const plain = hoverAt(xml, {}, EGLOT_1_9).hover!;
	assert.equal((plain.contents as MarkupContent).kind, MarkupKind.PlainText);
	const text = hoverText(plain);
	assert.doesNotMatch(text, /\*\*|`|\]\(/, text);
	assert.match(text, /^Domain security label\. How libvirt confines/);
	assert.match(text, /\n {4}chcon -l s0:c1,c2 -t svirt_image_t /);
	assert.match(text, /libvirt: Security label \(https:\/\/libvirt\.org\/formatdomain\.html#[\w-]+\)$/);
	assert.deepEqual(plain.range, markdown.range);
	const context = hoverAt(domain("  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:c1,|c2</label>\n  </seclabel>"), {}, EGLOT_1_9).hover!;
	assert.match(hoverText(context), /^SELinux context system_u:system_r:svirt_t:s0:c1,c2\n\n- user system_u: /);
});

test('a client that shows no related locations (eglot) gets them in the message, and no rule link', () => {
	const xml = domain('', disk("<seclabel model='selinux' relabel='no'/><seclabel model='selinux' relabel='no'/>"));
	const { document } = atCursor(`|${xml}`);
	const options = { rulesDocumentationUri: 'file:///docs/rules.md' };
	const shown = getSeclabelLanguageService().doValidation(document, parseSeclabelText(xml), {}, options).find((d) => d.code === 'device-duplicate-model')!;
	assert.equal(shown.relatedInformation?.length, 1);
	assert.equal(shown.codeDescription?.href, 'file:///docs/rules.md#device-duplicate-model');
	const folded = getSeclabelLanguageService({ clientCapabilities: EGLOT_1_9 }).doValidation(document, parseSeclabelText(xml), {}, options).find((d) => d.code === 'device-duplicate-model')!;
	assert.equal(folded.relatedInformation, undefined);
	assert.equal(folded.codeDescription, undefined);
	const line = shown.relatedInformation![0].location.range.start.line + 1;
	assert.equal(folded.message, `${shown.message}\nline ${line}: ${shown.relatedInformation![0].message}`);
});
