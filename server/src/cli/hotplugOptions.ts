/**
 * The CLI's options for hot-plug checks, kept apart from the other options so that the argument
 * parser can change without touching them: `--connect URI` (read a live host's guests through
 * virsh), `--attach-to GUEST` (check attach-device fragments as part of a guest) and
 * `--read-image-labels` (read the images' SELinux and remember-owner attributes). Each one reads
 * or runs something on the host, so each is off unless given.
 */
import * as fs from 'fs';
import { parseSeclabelText } from '../service/seclabelLanguageService';
import type { ModelOptions } from '../service/parser/seclabelModel';
import { summarizeGuest } from '../service/workspace/guestSummary';
import { imageLabelLookup } from '../service/workspace/imageLabels';
import { normalizeLocalPath } from '../service/workspace/resourceIdentity';
import type { AttachTarget, LanguageSettings } from '../service/types';
import type { SeclabelDocument } from '../service/parser/seclabelModel';
import type { WorkspaceIndex } from '../service/workspace/workspaceIndex';
import { hostGuestUri, readVirshHost, VirshError } from '../node/virshHost';
import { ImageLabelReadError, readImageLabels } from '../node/imageLabelReader';
import { readDocumentFile, UnreadableFileError } from '../node/readDocument';
import { targetGuest } from '../service/features/attachTarget';

export interface HotplugOptions {
	/** `--connect URI`: the libvirt host whose guests are read with virsh and checked with the files. */
	connect?: string;
	/** `--attach-to GUEST`: a domain XML file, or the name of a guest on the --connect host. */
	attachTo?: string;
	/** `--read-image-labels`: read security.selinux and trusted.libvirt.security.* of local images. */
	readImageLabels?: boolean;
}

export interface HostDocument {
	readonly path: string;
	readonly text: string;
	/** A running guest's `virsh dumpxml` (live XML, which its text alone does not say); absent for files. */
	readonly live?: boolean;
}

/** How to parse a document: a host's live XML as live, anything else as its text says. */
export function hostModelOptions(document: { readonly live?: boolean }): ModelOptions {
	return document.live ? { kind: 'live' } : {};
}

/** The guests of the --connect host as documents: each guest's inactive XML, and its live XML when it runs. */
export async function readHostDocuments(uri: string, onError: (path: string, reason: string) => void): Promise<HostDocument[]> {
	try {
		const guests = await readVirshHost(uri);
		const documents: HostDocument[] = [];
		for (const guest of guests) {
			if (guest.inactiveXml) {
				documents.push({ path: hostGuestUri(uri, guest.name, false), text: guest.inactiveXml, live: false });
			}
			if (guest.liveXml) {
				documents.push({ path: hostGuestUri(uri, guest.name, true), text: guest.liveXml, live: true });
			}
		}
		return documents;
	} catch (error) {
		onError(uri, error instanceof VirshError ? error.message : String(error));
		return [];
	}
}

/**
 * The guest a fragment is attached to: a file when one exists at that path, else the guest of
 * that name on the --connect host (its live XML when it runs: attach-device goes to the running guest).
 */
export function resolveAttachTarget(given: string, hostDocuments: readonly HostDocument[], connect: string | undefined): AttachTarget | string {
	if (fs.existsSync(given)) {
		try {
			const read = readDocumentFile(given);
			const target = { uri: given, text: read.text };
			// The parse that says it is a domain is the one the rules use to place each fragment in it.
			if (!targetGuest(target).domain) {
				return `--attach-to ${given}: not a libvirt domain XML file`;
			}
			return target;
		} catch (error) {
			return `--attach-to ${given}: ${error instanceof UnreadableFileError ? error.message : String(error)}`;
		}
	}
	if (!connect) {
		return `--attach-to ${given}: no such file (a guest name needs --connect URI)`;
	}
	const live = hostDocuments.find((document) => document.path === hostGuestUri(connect, given, true));
	const inactive = hostDocuments.find((document) => document.path === hostGuestUri(connect, given, false));
	const found = live ?? inactive;
	return found ? { uri: found.path, text: found.text, live: found.live } : `--attach-to ${given}: no guest of that name on ${connect}`;
}

/**
 * The guest a fragment's `<!-- libvirt-seclabel: attach-to NAME -->` names, among the files and
 * host guests being checked (the live XML of a running guest first); undefined when none is known.
 */
export function directiveTarget(name: string, documents: readonly HostDocument[], index: WorkspaceIndex): AttachTarget | undefined {
	const found = directiveDocument(name, documents, index);
	if (!found) {
		return undefined;
	}
	// One target object per guest, so that the fragments attached to it share one parse of it (targetGuest).
	let targets = directiveTargets.get(documents);
	if (!targets) {
		targets = new Map();
		directiveTargets.set(documents, targets);
	}
	let target = targets.get(found);
	if (!target) {
		target = { uri: found.path, text: found.text, live: found.live };
		targets.set(found, target);
	}
	return target;
}

const directiveTargets = new WeakMap<readonly HostDocument[], Map<HostDocument, AttachTarget>>();

function directiveDocument(name: string, documents: readonly HostDocument[], index: WorkspaceIndex): HostDocument | undefined {
	let best: HostDocument | undefined;
	let bestLive = false;
	for (const document of documents) {
		const guest = index.guest(document.path);
		if (guest?.name === name && (!best || (guest.live && !bestLive))) {
			best = document;
			bestLive = guest.live;
		}
	}
	return best;
}

/**
 * Reads the labels of every local image the indexed documents and the given texts name. A guest's
 * disks come from its summary in the index; a document the index does not hold (an attach-device
 * fragment) is summarised from its parsed tree, and parsed only when the caller kept none.
 */
export async function readLabelsFor(texts: Iterable<HostDocument & { doc?: SeclabelDocument }>, index: WorkspaceIndex, settings: LanguageSettings, onError: (path: string, reason: string) => void): Promise<void> {
	const paths = new Set<string>();
	for (const document of texts) {
		const file = document.path;
		const summary = index.guest(file) ?? summarizeGuest(file, document.doc ?? parseSeclabelText(document.text, undefined, hostModelOptions(document)), index.hostOf(file));
		for (const disk of summary?.disks ?? []) {
			if (!disk.network && disk.resource.startsWith('/')) {
				paths.add(normalizeLocalPath(disk.resource));
			}
		}
	}
	try {
		settings.imageLabels = imageLabelLookup(await readImageLabels(paths));
	} catch (error) {
		onError('--read-image-labels', error instanceof ImageLabelReadError ? error.message : String(error));
	}
}

