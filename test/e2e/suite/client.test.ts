/**
 * What the VS Code client adds to the server: the rule link of a diagnostic opens the rules
 * reference at the rule's section (a markdown preview with the rule id as fragment), the language
 * status items say which libvirt version's rules apply, where that came from, which SELinux policy
 * and how far the workspace index is, and the items appear only for libvirt domain files and
 * attach-device fragments.
 * (That the preview scrolls to the section and what the Output panel shows is checked in the
 * workbench, test/e2e/workbench.node.test.ts.)
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { codeOf, EXTENSION_ID, openFixture, revertAndCloseAll, waitForDiagnostics } from './helpers';

interface StatusItem { id: string; name: string; text: string; detail: string; busy: boolean; severity: string }
interface Api { languageStatus(): StatusItem[] }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The workspace's *.xml files whose root element is <domain>, read from disk. */
function domainFilesOfWorkspace(): number {
	const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? walk(full) : entry.name.endsWith('.xml') ? [full] : [];
	});
	const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
	return walk(root).filter((file) => /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<domain[\s>]/.test(fs.readFileSync(file, 'utf8'))).length;
}

async function api(): Promise<Api> {
	const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
	assert.ok(extension, `${EXTENSION_ID} is not installed`);
	return extension.activate();
}

/** Polls the items (they change on notifications the test cannot subscribe to) until `accept` holds. */
async function statusItems(accept: (items: StatusItem[]) => boolean, what: string, timeoutMs = 20000): Promise<StatusItem[]> {
	const { languageStatus } = await api();
	for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
		const items = languageStatus();
		if (accept(items)) {
			return items;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}; the items: ${JSON.stringify(items)}`);
		}
	}
}

/** The active tab's input, once it satisfies `accept`. */
async function activeTab(accept: (tab: vscode.Tab) => boolean, what: string, timeoutMs = 20000): Promise<vscode.Tab> {
	for (const deadline = Date.now() + timeoutMs; ; await sleep(100)) {
		const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
		if (tab && accept(tab)) {
			return tab;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}; tabs: ${vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((t) => t.label)).join(', ')}`);
		}
	}
}

suite('VS Code client', () => {
	teardown(revertAndCloseAll);

	test('a diagnostic\'s rule link runs the Show Rule command, which opens the rules reference preview', async () => {
		const { document } = await openFixture('relabel-no.xml');
		const diagnostics = await waitForDiagnostics(document.uri, (all) => all.some((d) => codeOf(d) === 'dynamic-relabel-no'), 'dynamic-relabel-no');
		const code = diagnostics.find((d) => codeOf(d) === 'dynamic-relabel-no')!.code;
		assert.ok(code && typeof code === 'object', 'the code carries a link');
		assert.equal(code.target.scheme, 'command');
		assert.equal(code.target.path, 'libvirtSeclabel.showRule');
		const args = JSON.parse(decodeURIComponent(code.target.query));
		assert.deepEqual(args, ['dynamic-relabel-no']);
		// What the Problems panel and the hover do with the link: run the command with its arguments.
		await vscode.commands.executeCommand(code.target.path, ...args);
		const tab = await activeTab((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType), 'the markdown preview');
		assert.match(tab.label, /rules\.md/);
	});

	test('the language status items of a domain file: the libvirt version and its source, the policy, the index', async () => {
		await openFixture('good.xml');
		const items = await statusItems((all) => all.length === 3 && /indexed$/.test(all.find((item) => item.id === 'libvirtSeclabel.index')?.text ?? ''), 'the three items with the index done');
		const byId = new Map(items.map((item) => [item.id, item]));
		const version = byId.get('libvirtSeclabel.version')!;
		assert.match(version.text, /^libvirt \d+\.\d+\.\d+/);
		assert.equal(version.detail, 'the default', 'the e2e profile sets no version');
		const policy = byId.get('libvirtSeclabel.policy')!;
		assert.match(`${policy.text} | ${policy.detail}`, /^(SELinux policy \S+ \| read from \/\S+|built-in SELinux catalogue \| no policy readable under \/etc\/selinux)$/);
		const index = byId.get('libvirtSeclabel.index')!;
		// Every domain file of the fixture workspace (test/e2e/fixtures), counted here by its root
		// element; attach-device fragments are checked but never indexed as guests.
		assert.equal(index.text, `${domainFilesOfWorkspace()} guests indexed`);
		assert.equal(index.busy, false);
	});

	test('the version item follows the setting, and says it comes from it', async () => {
		const configuration = vscode.workspace.getConfiguration('libvirtSeclabel');
		await configuration.update('libvirtVersion', '9.0.0', vscode.ConfigurationTarget.Global);
		try {
			await openFixture('good.xml');
			const items = await statusItems((all) => all.some((item) => item.id === 'libvirtSeclabel.version' && item.text === 'libvirt 9.0.0'), 'libvirt 9.0.0');
			assert.equal(items.find((item) => item.id === 'libvirtSeclabel.version')!.detail, 'from the setting libvirtSeclabel.libvirtVersion');
		} finally {
			await configuration.update('libvirtVersion', undefined, vscode.ConfigurationTarget.Global);
		}
		await statusItems((all) => all.some((item) => item.id === 'libvirtSeclabel.version' && item.detail === 'the default'), 'the default again');
	});

	test('XML that is not a libvirt domain or fragment gets no language status items', async () => {
		await openFixture('good.xml');
		await statusItems((all) => all.length === 3, 'the items on the domain');
		const network = await vscode.workspace.openTextDocument({ language: 'xml', content: '<network>\n  <name>default</name>\n</network>\n' });
		await vscode.window.showTextDocument(network);
		await statusItems((all) => all.length === 0, 'no items on a <network>');
		// An attach-device fragment is checked too, so it has the items.
		const fragment = await vscode.workspace.openTextDocument({ language: 'xml', content: "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/extra.img'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n" });
		await vscode.window.showTextDocument(fragment);
		await statusItems((all) => all.length === 3, 'the items on a <disk> fragment');
	});
});
