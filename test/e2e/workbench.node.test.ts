/**
 * What a user sees, through code-server's workbench UI in headless Chromium: the packaged .vsix
 * installed into an empty extensions dir (so it works with nothing else installed), the examples/
 * workspace, the Problems panel, the quick fix menu, a hover on a level and an MCS completion, the
 * rule link opening the rules reference at the rule's section, the language status and the log.
 * Screenshots go to test-results/screenshots/; with UPDATE_SCREENSHOTS=1 (`npm run screenshots`) the three the README shows are copied to docs/images/.
 */
import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { pathToFileURL } from 'url';
import type { Browser, Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..', '..');
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
const DOCS_IMAGES = join(ROOT, 'docs', 'images');

interface Profile { dir: string; userData: string; extensions: string; config: string }
interface CodeServer { url: string; stop(): Promise<void>; log(): string }
interface Runner {
	checkTools(): void;
	freePort(): Promise<number>;
	makeProfile(prefix: string, settings?: Record<string, unknown>): Profile;
	installExtension(profile: Profile, vsix: string): Promise<string>;
	startCodeServer(profile: Profile, options: { port: number; workspace?: string; logFile?: string }): Promise<CodeServer>;
	launchChromium(profile: Profile): Promise<Browser>;
}

/**
 * Packages the extension as `npm run package` does, from a copy of the repository without its
 * prepublish step: the bundles in dist/ are already built by `npm test`, and rebuilding them here
 * would rewrite files other tests are reading. The copy keeps .vscodeignore, so the allow-list is
 * what decides the contents.
 */
function packageVsix(outDir: string): string {
	const stage = join(outDir, 'stage');
	const skipped = new Set(['node_modules', '.git', '.tools', 'out', 'test-results', 'test', 'server', 'client']);
	cpSync(ROOT, stage, { recursive: true, filter: (source) => !skipped.has(source.slice(ROOT.length).replace(/^\/+/, '').split('/')[0]) });
	const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
	delete manifest.scripts['vscode:prepublish'];
	writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));
	const vsix = join(outDir, `${manifest.name}-${manifest.version}.vsix`);
	const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix],
		{ cwd: stage, encoding: 'utf8' });
	assert.equal(result.status, 0, `vsce package failed:\n${result.stdout}\n${result.stderr}`);
	return vsix;
}

/** The entries of a .vsix (a zip), read with unzip -l. */
function vsixEntries(vsix: string): string[] {
	const result = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
	assert.equal(result.status, 0, `unzip -Z1 failed (apt-get install unzip): ${result.stderr}`);
	return result.stdout.split('\n').filter(Boolean).sort();
}

async function openFile(page: Page, name: string): Promise<void> {
	await page.keyboard.press('Control+P');
	await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
	await page.keyboard.type(name);
	await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10000 });
	await page.keyboard.press('Enter');
	await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 10000 });
	await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 10000 });
}

/** Brings an editor that is open in a tab to the front, by clicking its tab. */
async function activateTab(page: Page, name: string): Promise<void> {
	await page.locator('.tabs-container .tab', { hasText: name }).first().click();
	await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 10000 });
	await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 10000 });
}

/** Puts the cursor right after the first occurrence of `needle` in the active editor, via Find. */
async function moveCursorAfter(page: Page, needle: string): Promise<void> {
	await page.keyboard.press('Control+F');
	await page.waitForSelector('.find-widget.visible textarea, .find-widget.visible input', { timeout: 10000 });
	await page.keyboard.press('Control+A');
	await page.keyboard.type(needle);
	await page.keyboard.press('Enter');
	await page.keyboard.press('Escape');
	// Escape leaves the match selected; ArrowRight collapses the selection to its end.
	await page.keyboard.press('ArrowRight');
}

async function visibleText(page: Page, selector: string): Promise<string> {
	return (await page.locator(selector).first().innerText()).replace(/\s+/g, ' ').trim();
}

async function shoot(t: TestContext, page: Page, name: string): Promise<string> {
	// Hovers and menus fade in; without the wait the picture shows them half transparent.
	await page.waitForTimeout(400);
	const file = join(SCREENSHOTS, name);
	await page.screenshot({ path: file });
	t.diagnostic(`screenshot ${file}`);
	return file;
}

test('the packaged extension in the code-server workbench', { timeout: 180000 }, async (t) => {
	const runner = await import(pathToFileURL(join(ROOT, 'scripts', 'e2e-code-server.mjs')).href) as Runner;
	runner.checkTools();
	mkdirSync(SCREENSHOTS, { recursive: true });
	// Every run overwrites the same files; only a stale failure picture would mislead.
	rmSync(join(SCREENSHOTS, 'failure.png'), { force: true });
	t.diagnostic(`screenshots in ${SCREENSHOTS}`);
	const work = mkdtempSync(join(tmpdir(), 'libvirt-seclabel-workbench-'));
	const profile = runner.makeProfile('libvirt-seclabel-workbench-profile-', { 'editor.cursorBlinking': 'solid', 'window.commandCenter': false, 'libvirtSeclabel.trace.server': 'messages' });
	const workspace = join(work, 'examples');
	cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
	let server: CodeServer | undefined;
	let browser: Browser | undefined;
	let page: Page | undefined;
	const shots: Record<string, string> = {};
	// The steps build on each other (install, open, fix): after one fails, the next fail at once
	// instead of each waiting for its own timeout.
	let failedStep: string | undefined;
	const step = (name: string, body: () => Promise<void>) => t.test(name, async () => {
		if (failedStep) {
			assert.fail(`not run: the step '${failedStep}' failed`);
		}
		try {
			await body();
		} catch (error) {
			failedStep = name;
			throw error;
		}
	});
	try {
		await step('the .vsix holds the bundles and no sources, and installs into an empty extensions dir', async () => {
			const vsix = packageVsix(work);
			const entries = vsixEntries(vsix).filter((entry) => entry.startsWith('extension/'));
			for (const needed of ['extension/package.json', 'extension/dist/client.js', 'extension/dist/server.js', 'extension/images/icon.png', 'extension/LICENSE.txt', 'extension/readme.md']) {
				assert.ok(entries.includes(needed), `${needed} is missing from the .vsix: ${entries.join(', ')}`);
			}
			assert.deepEqual(entries.filter((entry) => /node_modules|\.ts$|\.map$|\/test\/|\/out\/|\/examples\/|dist\/cli\.js/.test(entry)), [], 'the .vsix ships only the allow-list (the CLI is the npm package\'s)');
			const output = await runner.installExtension(profile, vsix);
			assert.match(output, /was successfully installed/);
			assert.deepEqual(readdirSync(profile.extensions).filter((entry) => !entry.startsWith('.') && entry !== 'extensions.json'), ['libvirt-seclabel.libvirt-seclabel-0.1.0']);
		});

		server = await runner.startCodeServer(profile, { port: await runner.freePort(), logFile: join(profile.dir, 'code-server.log') });
		browser = await runner.launchChromium(profile);
		page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		const activePage = page;
		await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
		await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
		await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'dynamic-relabel-no.xml' }).waitFor({ timeout: 60000 });

		await step('the Problems panel shows libvirt\'s refusal with the rule id, and leads to the squiggle', async () => {
			await openFile(activePage, 'dynamic-relabel-no.xml');
			await activePage.keyboard.press('Control+Shift+M');
			const row = activePage.locator('.markers-panel .monaco-list-row', { hasText: 'dynamic label type must use resource relabeling' }).first();
			await row.waitFor({ timeout: 60000 });
			const problems = await visibleText(activePage, '.markers-panel');
			assert.match(problems, /dynamic-relabel-no\.xml/);
			assert.match(problems, /unsupported configuration: dynamic label type must use resource relabeling/);
			assert.match(problems, /libvirt-seclabel\s*\(?dynamic-relabel-no\)? \[Ln 36, Col 44\]/);
			// Enter on the selected problem moves the cursor to it in the editor, as a user would.
			await row.click();
			await activePage.keyboard.press('Enter');
			await activePage.waitForSelector('.editor-instance .monaco-editor .squiggly-error', { state: 'visible', timeout: 20000 });
			shots.problems = await shoot(t, activePage, 'problems-panel.png');
		});

		await step('the quick fix menu offers libvirt\'s fixes, and choosing one fixes the text', async () => {
			await activePage.keyboard.press('Control+.');
			const fix = activePage.locator('.action-widget .monaco-list-row', { hasText: "Set relabel='yes'" }).first();
			await fix.waitFor({ timeout: 20000 });
			const menu = await visibleText(activePage, '.action-widget');
			assert.match(menu, /Switch to type='static'/);
			shots.quickFix = await shoot(t, activePage, 'quick-fix.png');
			// The preferred fix comes focused, so Enter applies it.
			assert.equal(await activePage.locator('.action-widget .monaco-list-row.focused').first().getAttribute('aria-label'), "Set relabel='yes'");
			await activePage.keyboard.press('Enter');
			await activePage.locator('.editor-instance .monaco-editor .view-line', { hasText: "model='selinux' relabel='yes'" }).first().waitFor({ timeout: 10000 });
			await activePage.locator('.editor-instance .monaco-editor .squiggly-error').first().waitFor({ state: 'detached', timeout: 20000 });
			await activePage.locator('.markers-panel .monaco-list-row', { hasText: 'dynamic label type must use resource relabeling' }).first().waitFor({ state: 'detached', timeout: 20000 });
			await activePage.keyboard.press('Control+Z');
		});

		await step('hover on an MCS level explains it', async () => {
			// Hide the panel (Ctrl+J) so that the editor, its hover and its suggestions have room.
			await activePage.keyboard.press('Control+J');
			await activePage.locator('.markers-panel').waitFor({ state: 'hidden', timeout: 10000 });
			await openFile(activePage, 'good-static.xml');
			// Finding the text scrolls the label into view.
			await moveCursorAfter(activePage, 'svirt_t:s0:c392');
			const level = activePage.locator('.editor-instance .monaco-editor .view-line span', { hasText: 'c392' }).last();
			await level.waitFor({ timeout: 10000 });
			const box = await level.boundingBox();
			assert.ok(box, 'the level is on screen');
			await activePage.mouse.move(box.x + box.width - 6, box.y + box.height / 2);
			await activePage.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
			const hover = activePage.locator('.monaco-hover:visible', { hasText: 'c392' }).first();
			await hover.waitFor({ timeout: 20000 });
			const text = (await hover.innerText()).replace(/\s+/g, ' ');
			assert.match(text, /level|categor/i, text);
			shots.hover = await shoot(t, activePage, 'hover-level.png');
			await activePage.mouse.move(5, 400);
		});

		await step('typing the level of a label offers MCS category pairs', async () => {
			await activePage.locator('.editor-instance .monaco-editor .view-lines').first().click();
			await moveCursorAfter(activePage, 's0:c392,c662');
			// Remove ':c392,c662' and type the ':' again, which triggers completion.
			for (let i = 0; i < ':c392,c662'.length; i++) {
				await activePage.keyboard.press('Backspace');
			}
			await activePage.keyboard.type(':');
			const suggestion = activePage.locator('.suggest-widget.visible .monaco-list-row').first();
			await suggestion.waitFor({ timeout: 20000 });
			const items = await visibleText(activePage, '.suggest-widget.visible');
			assert.match(items, /c\d+,c\d+/, items);
			shots.completion = await shoot(t, activePage, 'completion-mcs.png');
			await activePage.keyboard.press('Escape');
		});

		await step('the rule link of a problem opens the rules reference preview at the rule\'s section', async () => {
			// The file is open in a tab since the first step. Quick open would race here: the list of
			// recently opened files, where this file already is, answers Enter before the typed filter.
			await activePage.keyboard.press('Escape');
			await activateTab(activePage, 'dynamic-relabel-no.xml');
			await activePage.keyboard.press('Control+Shift+M');
			const row = activePage.locator('.markers-panel .monaco-list-row', { hasText: 'dynamic label type must use resource relabeling' }).first();
			await row.waitFor({ timeout: 20000 });
			// The Problems panel draws the rule id as a link (a.monaco-link around .marker-code in the tree view).
			await row.locator('a.monaco-link', { hasText: 'dynamic-relabel-no' }).first().click();
			await activePage.locator('.tabs-container .tab.active', { hasText: 'rules.md' }).waitFor({ timeout: 20000 });
			// The preview is a webview (nested iframes); the rule's heading must be in view, scrolled to, not the top of the page.
			let seen = 'no frame with the heading';
			for (const deadline = Date.now() + 20000; ; await activePage.waitForTimeout(200)) {
				// A string, evaluated in the page: this file is compiled without the DOM types.
				const probe = `(() => { const heading = document.getElementById('dynamic-relabel-no');
					return heading ? { top: heading.getBoundingClientRect().top, scrollY: window.scrollY, height: window.innerHeight } : null; })()`;
				const positions = await Promise.all(activePage.frames().map((frame) =>
					frame.evaluate(probe).then((value) => value as { top: number; scrollY: number; height: number } | null).catch(() => null)));
				const position = positions.find((candidate) => candidate !== null);
				if (position) {
					seen = JSON.stringify(position);
					if (position.scrollY > 500 && position.top > -40 && position.top < position.height / 2) {
						break;
					}
				}
				assert.ok(Date.now() < deadline, `the preview did not scroll to #dynamic-relabel-no: ${seen}`);
			}
			await shoot(t, activePage, 'rule-link.png');
		});

		await step('the language status of a domain file says which rules apply, the policy and the index', async () => {
			// The preview (a webview) has the focus and keeps the quick open key; the tab is a click away.
			await activateTab(activePage, 'dynamic-relabel-no.xml');
			await activePage.locator('[id="status.languageStatus"]').click();
			const hover = activePage.locator('.monaco-hover:visible', { has: activePage.locator('.hover-language-status') }).first();
			await hover.waitFor({ timeout: 20000 });
			const guests = readdirSync(workspace).filter((name) => name.endsWith('.xml')).length;
			let text = '';
			for (const deadline = Date.now() + 20000; !text.includes(`${guests} guests indexed`); await activePage.waitForTimeout(200)) {
				text = (await hover.innerText()).replace(/\s+/g, ' ');
				assert.ok(Date.now() < deadline, `the index item never said '${guests} guests indexed': ${text}`);
			}
			assert.match(text, /libvirt \d+\.\d+\.\d+/, text);
			assert.match(text, /libvirt \d+\.\d+\.\d+\W*the default\b/, text);
			assert.match(text, /SELinux (policy|catalogue)/, text);
			await shoot(t, activePage, 'language-status.png');
			await activePage.keyboard.press('Escape');
		});

		await step('Show Log opens the output channel with the server\'s log lines', async () => {
			await activePage.keyboard.press('F1');
			await activePage.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
			await activePage.keyboard.type('libvirt Security Labels: Show Log');
			await activePage.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Log' }).first().waitFor({ timeout: 10000 });
			await activePage.keyboard.press('Enter');
			const output = activePage.locator('.part.panel .monaco-editor .view-lines').first();
			await output.waitFor({ timeout: 20000 });
			let text = '';
			for (const deadline = Date.now() + 20000; !/Indexed \d+ guests/.test(text); await activePage.waitForTimeout(200)) {
				text = (await output.innerText()).replace(/\s+/g, ' ');
				assert.ok(Date.now() < deadline, `the output channel shows no index line: ${text}`);
			}
			// The output view wraps long lines, so a path may be split by a space here.
			assert.match(text, /Settings for file:\/\/.*?\.xml: libvirt \d+\.\d+\.\d+ \(the default\)/, text);
			await shoot(t, activePage, 'output-channel.png');
		});

		await step('with libvirtSeclabel.trace.server set to messages, the trace channel shows the protocol traffic', async () => {
			await activePage.keyboard.press('F1');
			await activePage.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 10000 });
			await activePage.keyboard.type('Output: Show Output Channels');
			await activePage.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Output Channels' }).first().waitFor({ timeout: 10000 });
			await activePage.keyboard.press('Enter');
			await activePage.locator('.quick-input-list .monaco-list-row', { hasText: 'libvirt Security Labels Trace' }).first().waitFor({ timeout: 10000 });
			await activePage.keyboard.type('libvirt Security Labels Trace');
			await activePage.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'libvirt Security Labels Trace' }).first().waitFor({ timeout: 10000 });
			await activePage.keyboard.press('Enter');
			const output = activePage.locator('.part.panel .monaco-editor .view-lines').first();
			let text = '';
			for (const deadline = Date.now() + 20000; !/Sending (request|notification) '/.test(text); await activePage.waitForTimeout(200)) {
				text = (await output.innerText()).replace(/\s+/g, ' ');
				assert.ok(Date.now() < deadline, `the trace channel shows no traffic: ${text}`);
			}
			assert.doesNotMatch(text, /Indexed \d+ guests/, 'the trace has its own channel');
		});

		assert.deepEqual(Object.keys(shots).sort(), ['completion', 'hover', 'problems', 'quickFix']);
		// The README's pictures are refreshed on request (`npm run screenshots`), not on every run:
		// each run draws a new fresh pair, so the bytes change even when nothing visible did.
		if (process.env.UPDATE_SCREENSHOTS === '1') {
			mkdirSync(DOCS_IMAGES, { recursive: true });
			copyFileSync(shots.quickFix, join(DOCS_IMAGES, 'quick-fix.png'));
			copyFileSync(shots.hover, join(DOCS_IMAGES, 'hover-level.png'));
			copyFileSync(shots.completion, join(DOCS_IMAGES, 'completion-mcs.png'));
			t.diagnostic(`README images updated in ${DOCS_IMAGES}`);
		}
	} catch (error) {
		if (page) {
			await page.screenshot({ path: join(SCREENSHOTS, 'failure.png') }).catch(() => undefined);
		}
		t.diagnostic(`failure screenshot ${join(SCREENSHOTS, 'failure.png')}; code-server log: ${profile.dir}/code-server.log`);
		throw error;
	} finally {
		await browser?.close().catch(() => undefined);
		await server?.stop();
		rmSync(work, { recursive: true, force: true });
	}
	rmSync(profile.dir, { recursive: true, force: true });
});
