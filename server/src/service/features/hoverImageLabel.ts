/**
 * Hover on a disk's `file` or `dev` value when image labels were read (the user turned
 * `readImageLabels` on): the label the image carries now, what libvirt remembered, and who holds it.
 */
import { MarkupKind, Range, type Hover } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SeclabelDocument } from '../parser/seclabelModel';
import type { XmlAttribute, XmlElement } from '../parser/xmlParser';
import type { LanguageSettings } from '../types';
import { guestWithLabel } from '../workspace/guestSummary';
import { normalizeLocalPath } from '../workspace/resourceIdentity';

export function imageLabelHover(document: TextDocument, doc: SeclabelDocument, element: XmlElement, attribute: XmlAttribute, settings: LanguageSettings): Hover | null {
	const labels = settings.imageLabels;
	if (!labels || element.name !== 'source' || (attribute.name !== 'file' && attribute.name !== 'dev') || !attribute.value) {
		return null;
	}
	const isDiskSource = doc.disks.some((disk) => disk.layers.some((layer) => layer.source === element));
	if (!isDiskSource) {
		return null;
	}
	const path = normalizeLocalPath(attribute.value);
	const onDisk = labels.get(path);
	if (!onDisk) {
		return null;
	}
	const lines: string[] = [`**${path}** on disk`];
	if (onDisk.status === 'missing') {
		lines.push('No such file on this host.');
	} else if (onDisk.status === 'unreadable') {
		lines.push(`Its attributes could not be read: ${onDisk.reason ?? 'unknown error'}.`);
	} else {
		lines.push(onDisk.selinux ? `- current label: \`${onDisk.selinux}\`` : '- no `security.selinux` label');
		if (onDisk.refCount !== undefined) {
			lines.push(`- held by ${onDisk.refCount} running guest${onDisk.refCount === 1 ? '' : 's'} (\`trusted.libvirt.security.ref_selinux\`)`);
		}
		if (onDisk.remembered) {
			lines.push(`- label libvirt restores when the last guest lets it go: \`${onDisk.remembered}\``);
		}
		if (onDisk.networkFs) {
			lines.push(`- on ${onDisk.networkFs}: libvirt cannot remember owners here and relabels silently`);
		}
		const lookup = settings.workspace?.guests;
		if (lookup && settings.documentUri !== undefined) {
			const users = lookup.diskUses(`${lookup.hostOf(settings.documentUri)}\0local:${path}`)
				.filter((use) => use.uri !== settings.documentUri)
				.map((use) => lookup.guest(use.uri))
				.filter((guest) => guest !== undefined)
				.map((guest) => guestWithLabel(guest!));
			if (users.length > 0) {
				lines.push(`- also used by ${[...new Set(users)].slice(0, 10).join(', ')}`);
			}
		}
	}
	return {
		contents: { kind: MarkupKind.Markdown, value: lines.join('\n') },
		range: Range.create(document.positionAt(attribute.valueStart), document.positionAt(attribute.valueEnd)),
	};
}
