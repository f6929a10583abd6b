/**
 * How libvirt's SELinux driver treats each local image of a document at start or hot-plug
 * (security_selinux.c, virSecuritySELinuxSetImageLabelInternal): whether it relabels the image at
 * all, with which label, and whether it remembers the owner (only the writable, unshared top of a
 * chain: `remember = isChainTop && !readonly && !shared`), which is what the on-disk rules compare
 * with the labels the images carry.
 */
import type { DiskModel, StorageSource } from '../parser/seclabelModel';
import { getAttribute, type Span } from '../parser/xmlParser';
import type { RuleContext } from '../rules/rule';
import { domainRelabel, modelOf, seclabelType } from '../rules/semantics';
import { canonicalLevel } from '../selinux/context';
import { processLevels, selinuxDomainSeclabel } from '../selinux/labels';
import { normalizeLocalPath } from './resourceIdentity';

export type ImageRole = 'private' | 'shared' | 'content';

export interface ImageUse {
	readonly disk: DiskModel;
	readonly layer: StorageSource;
	readonly path: string;
	/** The `file` or `dev` attribute value. */
	readonly span: Span;
	readonly role: ImageRole;
	/** Whether libvirt sets a label on the image when the guest starts (or the device is attached). */
	readonly relabelled: boolean;
	/** Whether libvirt remembers the owner, and so checks that nobody else holds the image. */
	readonly remembered: boolean;
	/** The level libvirt labels the image with, when the document fixes it; undefined when random (dynamic, not running). */
	readonly level?: string;
	/** The SELinux type libvirt labels the image with. */
	readonly type: string;
}

/** Every local (file or block) layer of every disk, as libvirt's SELinux driver will treat it. */
export function imageUses(context: RuleContext): ImageUse[] {
	const domainSeclabel = selinuxDomainSeclabel(context);
	// No SELinux seclabel (or an attach-device fragment with no known guest): a host default dynamic label.
	const domainRelabels = domainSeclabel ? domainRelabel(domainSeclabel) !== false && seclabelType(domainSeclabel) !== 'none' && modelOf(domainSeclabel) !== 'none' : context.hostSecurityModel === 'selinux';
	const process = processLevels(context);
	const guestLevel = process ? canonicalLevel(process.high) : undefined;
	const uses: ImageUse[] = [];
	for (const disk of context.doc.disks) {
		for (const layer of disk.layers) {
			if ((layer.type !== 'file' && layer.type !== 'block') || !layer.source) {
				continue;
			}
			const attribute = getAttribute(layer.source, layer.type === 'file' ? 'file' : 'dev');
			if (!attribute || !attribute.value) {
				continue;
			}
			const readonly = !!disk.readonly || disk.device === 'cdrom';
			const role: ImageRole = layer.depth > 0 ? 'content' : disk.shareable ? 'shared' : readonly ? 'content' : 'private';
			const override = layer.seclabels.find((seclabel) => seclabel.model?.value === 'selinux');
			const overrideRelabel = override?.relabel?.value !== 'no';
			const relabelled = domainRelabels && (override ? overrideRelabel : true);
			const sensitivity = process?.low.sensitivity.text ?? 's0';
			uses.push({
				disk,
				layer,
				path: normalizeLocalPath(attribute.value),
				span: { start: attribute.valueStart, end: attribute.valueEnd },
				role,
				relabelled,
				remembered: relabelled && role === 'private' && layer.depth === 0,
				level: role === 'private' ? guestLevel : sensitivity,
				type: role === 'private' || role === 'shared' ? 'svirt_image_t' : 'virt_content_t',
			});
		}
	}
	return uses;
}

/** Quotes a path for a shell command line when it needs it. */
export function shellQuote(path: string): string {
	return /^[A-Za-z0-9_./:+-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}
