/**
 * The language status items of a libvirt domain file (the `{}` next to "XML" in the status bar, as
 * the TypeScript and JSON extensions have): which libvirt version's rules apply and where that
 * came from, whether the host's SELinux policy or the built-in catalogue is used, and the state of
 * the workspace index. The server sends what it works with as `libvirtSeclabel/status`
 * (server/src/status.ts); this file only shows it. The items appear for XML documents whose root
 * element is a libvirt domain (or an attach-device fragment), and follow the active editor.
 */
import * as vscode from 'vscode';

import type { DocumentStatus, IndexStatus, StatusParams } from '../../server/src/statusProtocol';

export { STATUS_CAPABILITY, STATUS_NOTIFICATION, type DocumentStatus, type IndexStatus, type StatusParams } from '../../server/src/statusProtocol';

/** A snapshot of one item, for the end-to-end tests (through the extension's exports). */
export interface StatusItemSnapshot {
	readonly id: string;
	readonly name: string;
	readonly text: string;
	readonly detail: string;
	readonly busy: boolean;
	readonly severity: 'information' | 'warning';
}

/**
 * A document the server checks: a libvirt domain, a status file, or an attach-device fragment
 * (the roots the README names), by its root element after the prolog, comments and a DOCTYPE.
 */
export function isDomainText(text: string): boolean {
	return /^\uFEFF?\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)\s*)*<(?:domain|domstatus|disk|serial|console|channel|parallel)[\s/>]/.test(text.slice(0, 64 * 1024));
}

export function versionText(status: DocumentStatus): { text: string; detail: string } {
	const text = status.rulesVersion === status.libvirtVersion ? `libvirt ${status.libvirtVersion}` : `libvirt ${status.libvirtVersion} (rules of ${status.rulesVersion})`;
	const detail = status.versionSource === 'setting'
		? 'from the setting libvirtSeclabel.libvirtVersion'
		: status.versionSource === 'auto'
			? 'auto: from virsh --version'
			: status.autoFailed
				? 'the default: auto is set, but virsh --version gave no version'
				: 'the default';
	return { text, detail };
}

export function policyText(status: DocumentStatus): { text: string; detail: string } {
	return status.policy.source === 'host'
		? { text: `SELinux policy ${status.policy.name ?? ''}`.trim(), detail: `read from ${status.policy.dir ?? status.policy.root}` }
		: { text: 'built-in SELinux catalogue', detail: `no policy readable under ${status.policy.root}` };
}

export function indexText(index: IndexStatus): { text: string; detail: string; busy: boolean } {
	if (index.state === 'indexing') {
		const files = index.total === undefined ? 'listing XML files' : `${index.done ?? 0}/${index.total} files`;
		return { text: `indexing ${files}`, detail: `${index.guests} guest${index.guests === 1 ? '' : 's'} so far`, busy: true };
	}
	if (index.state === 'indexed' && index.capped) {
		return { text: `${index.guests} guest${index.guests === 1 ? '' : 's'} indexed (capped)`, detail: 'a limit stopped the scan: raise libvirtSeclabel.index.maxFiles or maxDomains', busy: false };
	}
	if (index.state === 'indexed') {
		return { text: `${index.guests} guest${index.guests === 1 ? '' : 's'} indexed`, detail: 'for the cross-guest checks', busy: false };
	}
	return { text: 'not indexed yet', detail: 'the workspace index starts with the server', busy: false };
}

export class LanguageStatus implements vscode.Disposable {
	private readonly documents = new Map<string, DocumentStatus>();
	private index: IndexStatus = { state: 'idle', guests: 0 };
	private items: { version: vscode.LanguageStatusItem; policy: vscode.LanguageStatusItem; index: vscode.LanguageStatusItem } | undefined;
	private readonly subscriptions: vscode.Disposable[] = [];

	constructor(private readonly showLogCommand: string) {
		this.subscriptions.push(
			vscode.window.onDidChangeActiveTextEditor(() => this.update()),
			vscode.workspace.onDidChangeTextDocument((event) => {
				if (event.document === vscode.window.activeTextEditor?.document) {
					this.update();
				}
			}),
			vscode.workspace.onDidCloseTextDocument((document) => this.documents.delete(document.uri.toString())),
		);
	}

	/** The server's notification. */
	received(params: StatusParams): void {
		if (!params || typeof params !== 'object' || !params.index) {
			return;
		}
		this.index = params.index;
		if (params.document && typeof params.document.uri === 'string') {
			this.documents.set(vscode.Uri.parse(params.document.uri).toString(), params.document);
		}
		this.update();
	}

	/** The items now shown, for the tests. */
	snapshot(): StatusItemSnapshot[] {
		return this.items
			? Object.values(this.items).map((item) => ({
				id: item.id, name: item.name ?? '', text: item.text, detail: item.detail ?? '', busy: item.busy,
				severity: item.severity === vscode.LanguageStatusSeverity.Warning ? 'warning' : 'information',
			}))
			: [];
	}

	private update(): void {
		const document = vscode.window.activeTextEditor?.document;
		const status = document && document.languageId === 'xml' && isDomainText(document.getText()) ? this.documents.get(document.uri.toString()) : undefined;
		if (!status) {
			this.disposeItems();
			return;
		}
		const items = this.items ??= this.createItems();
		const version = versionText(status);
		items.version.text = version.text;
		items.version.detail = version.detail;
		items.version.severity = status.autoFailed ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
		const policy = policyText(status);
		items.policy.text = policy.text;
		items.policy.detail = policy.detail;
		const index = indexText(this.index);
		items.index.text = index.text;
		items.index.detail = index.detail;
		items.index.busy = index.busy;
		items.index.severity = this.index.capped ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
	}

	private createItems(): NonNullable<LanguageStatus['items']> {
		const selector: vscode.DocumentSelector = [{ language: 'xml' }];
		const version = vscode.languages.createLanguageStatusItem('libvirtSeclabel.version', selector);
		version.name = 'libvirt Security Labels: libvirt version';
		version.command = { title: 'Change', command: 'workbench.action.openSettings', arguments: ['libvirtSeclabel.libvirtVersion'] };
		const policy = vscode.languages.createLanguageStatusItem('libvirtSeclabel.policy', selector);
		policy.name = 'libvirt Security Labels: SELinux policy';
		policy.command = { title: 'Change', command: 'workbench.action.openSettings', arguments: ['libvirtSeclabel.selinuxRoot'] };
		const index = vscode.languages.createLanguageStatusItem('libvirtSeclabel.index', selector);
		index.name = 'libvirt Security Labels: workspace index';
		index.command = { title: 'Show Log', command: this.showLogCommand };
		return { version, policy, index };
	}

	private disposeItems(): void {
		if (this.items) {
			Object.values(this.items).forEach((item) => item.dispose());
			this.items = undefined;
		}
	}

	dispose(): void {
		this.disposeItems();
		this.subscriptions.forEach((subscription) => subscription.dispose());
	}
}
