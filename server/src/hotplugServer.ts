/**
 * The editor's hot-plug support, beside the adapter so that startServer.ts only wires it in:
 * - `libvirtSeclabel.connect` (off by default): the guests of a live libvirt host, read through
 *   `virsh -c URI`, join the workspace index; refreshed by the `libvirtSeclabel.refreshHost`
 *   command and every REFRESH_MS, with the state sent as `libvirtSeclabel/hostState` and logged.
 * - `libvirtSeclabel.readImageLabels` (off by default): the labels of the local images an open
 *   document names are read (getfattr) before it is validated, and kept for a short while.
 * - an attach-device fragment with `<!-- libvirt-seclabel: attach-to NAME -->` is checked as part
 *   of the guest NAME of the workspace or the host (or a file, relative to the fragment).
 * Nothing runs and nothing is read unless the user turned it on; nothing is written.
 */
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { attachToDirective } from './service/features/attachTarget';
import type { SeclabelDocument } from './service/parser/seclabelModel';
import { parseSeclabelText } from './service/seclabelLanguageService';
import type { AttachTarget, LanguageSettings } from './service/types';
import { summarizeGuest } from './service/workspace/guestSummary';
import { imageLabelLookup, type ImageLabel } from './service/workspace/imageLabels';
import type { WorkspaceIndex } from './service/workspace/workspaceIndex';
import { readImageLabels } from './node/imageLabelReader';
import { readVirshHost } from './node/virshHost';
import { decodeBytes, readRegularFileSync } from './node/readDocument';

export const REFRESH_HOST_COMMAND = 'libvirtSeclabel.refreshHost';
/** How often a connected host is read again. */
export const REFRESH_MS = 60_000;
/** How long a read image label is trusted before it is read again. */
const LABEL_TTL_MS = 10_000;

/** Sent by the server to the client whenever the connected host's state changes. */
export const HOST_STATE_NOTIFICATION = 'libvirtSeclabel/hostState';
export interface HostState {
	readonly uri: string;
	readonly state: 'reading' | 'connected' | 'failed' | 'off';
	readonly guests?: number;
	readonly error?: string;
	/** ISO time of the last successful read. */
	readonly readAt?: string;
}

/** The index URI of a host guest's XML: never a file, so never read from or written to disk. */
export function hostDocumentUri(connect: string, name: string, live: boolean): string {
	return `libvirt-host:${encodeURIComponent(connect)}/${encodeURIComponent(name)}${live ? '#live' : ''}`;
}

export interface HotplugHooks {
	readonly index: WorkspaceIndex;
	readonly documents: TextDocuments<TextDocument>;
	revalidate(uri: string): void;
}

export class HotplugSupport {
	private connect = '';
	private timer: NodeJS.Timeout | undefined;
	private reading: Promise<void> | undefined;
	/** Host guests' texts by index URI, for attach-to targets. */
	private readonly hostTexts = new Map<string, string>();
	private readonly labels = new Map<string, { label: ImageLabel; at: number }>();
	private labelGeneration = 0;
	/** Fragments by the guest they were last checked inside, to check them again when it changes. */
	private readonly dependents = new Map<string, Set<string>>();

	constructor(private readonly connection: Connection, private readonly hooks: HotplugHooks) {}

	/** `libvirtSeclabel.connect` as the client sent it: a new value reads the new host (or drops the old one). */
	setConnect(value: unknown): void {
		const connect = typeof value === 'string' ? value.trim() : '';
		if (connect === this.connect) {
			return;
		}
		this.dropHost();
		this.connect = connect;
		if (this.timer) {
			clearInterval(this.timer);
			this.timer = undefined;
		}
		if (connect === '') {
			this.sendState({ uri: '', state: 'off' });
			return;
		}
		void this.refresh();
		this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
		this.timer.unref();
	}

	/** Reads the host again (the refresh command, the interval); one read at a time. */
	refresh(): Promise<void> {
		if (!this.connect) {
			return Promise.resolve();
		}
		this.reading ??= this.readHost(this.connect).finally(() => {
			this.reading = undefined;
		});
		return this.reading;
	}

	dispose(): void {
		if (this.timer) {
			clearInterval(this.timer);
		}
	}

	private async readHost(connect: string): Promise<void> {
		this.sendState({ uri: connect, state: 'reading' });
		try {
			const guests = await readVirshHost(connect, { timeoutMs: 30_000 });
			if (connect !== this.connect) {
				return;
			}
			const seen = new Set<string>();
			for (const guest of guests) {
				for (const [live, text] of [[false, guest.inactiveXml], [true, guest.liveXml]] as const) {
					if (!text) {
						continue;
					}
					const uri = hostDocumentUri(connect, guest.name, live);
					seen.add(uri);
					this.hostTexts.set(uri, text);
					// The text alone does not say it is live (libvirt reads a `<domain id='N'>` as inactive XML).
					this.hooks.index.update(uri, parseSeclabelText(text, undefined, { kind: live ? 'live' : 'inactive' })).forEach((other) => this.hooks.revalidate(other));
				}
			}
			for (const uri of [...this.hostTexts.keys()]) {
				if (!seen.has(uri)) {
					this.hostTexts.delete(uri);
					this.hooks.index.remove(uri).forEach((other) => this.hooks.revalidate(other));
				}
			}
			// Fragments that name a host guest as their target may have changed.
			for (const document of this.hooks.documents.all()) {
				this.hooks.revalidate(document.uri);
			}
			this.sendState({ uri: connect, state: 'connected', guests: guests.length, readAt: new Date().toISOString() });
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			this.connection.console.warn(`libvirtSeclabel.connect: ${message}`);
			this.sendState({ uri: connect, state: 'failed', error: message });
		}
	}

	private dropHost(): void {
		for (const uri of this.hostTexts.keys()) {
			this.hooks.index.remove(uri).forEach((other) => this.hooks.revalidate(other));
		}
		this.hostTexts.clear();
	}

	private sendState(state: HostState): void {
		if (state.state !== 'reading') {
			this.connection.console.info(`libvirtSeclabel.connect ${state.uri || '(off)'}: ${state.state}${state.guests !== undefined ? `, ${state.guests} guests` : ''}${state.error ? `: ${state.error}` : ''}`);
		}
		void this.connection.sendNotification(HOST_STATE_NOTIFICATION, state).catch(() => undefined);
	}

	/**
	 * Adds what one document's validation needs from the host: the attach-to target of a fragment,
	 * and the labels of its images when `readImageLabels` is on.
	 */
	async prepare(document: TextDocument, doc: SeclabelDocument, settings: LanguageSettings, readLabels: boolean): Promise<LanguageSettings> {
		let result = settings;
		for (const fragments of this.dependents.values()) {
			fragments.delete(document.uri);
		}
		if (doc.fragment) {
			const name = attachToDirective(doc);
			const target = name ? this.resolveTarget(document.uri, name) : undefined;
			if (target) {
				result = { ...result, attachTarget: target };
				let fragments = this.dependents.get(target.uri);
				if (!fragments) {
					fragments = new Set();
					this.dependents.set(target.uri, fragments);
				}
				fragments.add(document.uri);
			}
		}
		if (readLabels) {
			const target = result.attachTarget;
			result = { ...result, imageLabels: await this.imageLabelsFor(document.uri, target ? parseSeclabelText(target.text, undefined, target.live ? { kind: 'live' } : {}) : undefined, doc) };
		}
		return result;
	}

	/** An open document changed: the fragments checked inside it are checked again. */
	documentChanged(uri: string): void {
		for (const fragment of this.dependents.get(uri) ?? []) {
			if (fragment !== uri) {
				this.hooks.revalidate(fragment);
			}
		}
	}

	/** A guest by name (the live XML of a running one first), or a file path relative to the fragment. */
	private resolveTarget(fragmentUri: string, name: string): AttachTarget | undefined {
		const index = this.hooks.index;
		let best: { uri: string; live: boolean } | undefined;
		for (const uri of index.uris()) {
			const guest = index.guest(uri);
			if (guest?.name === name && (!best || (guest.live && !best.live))) {
				best = { uri, live: guest.live };
			}
		}
		if (best) {
			const text = this.textOf(best.uri);
			if (text !== undefined) {
				// The index read it as live only when it is (a host's running guest, a status file, the live comment).
				return { uri: best.uri, text, live: best.live };
			}
		}
		if (fragmentUri.startsWith('file:') && /\.xml$/i.test(name)) {
			try {
				const file = path.resolve(path.dirname(fileURLToPath(fragmentUri)), name);
				const uri = pathToFileURL(file).href;
				const text = this.textOf(uri);
				if (text !== undefined) {
					return { uri, text };
				}
			} catch {
				return undefined;
			}
		}
		return undefined;
	}

	private textOf(uri: string): string | undefined {
		const open = this.hooks.documents.get(uri);
		if (open) {
			return open.getText();
		}
		const host = this.hostTexts.get(uri);
		if (host !== undefined) {
			return host;
		}
		if (!uri.startsWith('file:')) {
			return undefined;
		}
		try {
			const file = fileURLToPath(uri);
			// Only a guest the index already read from the workspace, or a sibling domain file, of a sane size.
			// The shared reader: a regular file on a real file system only (a /proc/kmsg named here would block for ever).
			const { text } = decodeBytes(readRegularFileSync(file, { maxBytes: 8 * 1024 * 1024 }));
			return parseSeclabelText(text).domain ? text : undefined;
		} catch {
			return undefined;
		}
	}

	private async imageLabelsFor(uri: string, target: SeclabelDocument | undefined, doc: SeclabelDocument): Promise<ReturnType<typeof imageLabelLookup>> {
		const paths = new Set<string>();
		for (const source of [doc, target]) {
			for (const disk of (source && summarizeGuest(uri, source)?.disks) ?? []) {
				if (!disk.network && disk.resource.startsWith('/')) {
					paths.add(disk.resource);
				}
			}
		}
		const now = Date.now();
		const stale = [...paths].filter((image) => (this.labels.get(image)?.at ?? -Infinity) < now - LABEL_TTL_MS);
		if (stale.length > 0) {
			try {
				for (const label of await readImageLabels(stale, { timeoutMs: 10_000 })) {
					const old = this.labels.get(label.path)?.label;
					if (JSON.stringify(old) !== JSON.stringify(label)) {
						this.labelGeneration++;
					}
					this.labels.set(label.path, { label, at: now });
				}
			} catch (error) {
				this.connection.console.warn(`libvirtSeclabel.readImageLabels: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
		return imageLabelLookup([...paths].map((image) => this.labels.get(image)?.label).filter((label): label is ImageLabel => label !== undefined), this.labelGeneration);
	}
}
