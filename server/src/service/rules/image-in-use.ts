/**
 * The seed's hot-add, decided from what the image says about itself: libvirt (5.6 and later, with
 * remember_owner on and a file system that keeps trusted.* attributes) counts the guests holding an
 * image in `trusted.libvirt.security.ref_selinux`, and refuses to give an image that is in use a
 * different label. Read only when the user turned `readImageLabels` on.
 */
import { parseContext, canonicalRange } from '../selinux/context';
import { guestWithLabel, sameGuest, summarizeGuest } from '../workspace/guestSummary';
import { imageUses } from '../workspace/imageUses';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'image-in-use',
	stage: 'start',
	scope: 'runtime',
	title: 'An image another running guest holds (its reference count on disk), which libvirt refuses to relabel (reads image labels).',
	libvirtMessage: 'Requested operation is not valid: Setting different SELinux label on <path> which is already in use',
	reference: 'H5, O4; security_util.c virSecuritySetRememberedLabel',
	description: [
		"Since libvirt 5.6 the SELinux and DAC drivers remember an image's original label in `trusted.libvirt.security.selinux` and count the guests using it in `trusted.libvirt.security.ref_selinux` (with `timestamp_selinux`, the host's boot time, so that counts from before a reboot are discarded). When a second guest starts with the image, or the image is hot-plugged into one (`virsh attach-device`), and the image's current label differs from the one the new guest would give it, libvirt refuses: `Setting different SELinux label on PATH which is already in use`.",
		"Checked only when image labels are read (`--read-image-labels`, `libvirtSeclabel.readImageLabels`), for the writable, unshared top image of a disk that libvirt relabels. The guests of the workspace (or the `--connect` host) that use the image are named. Where the count is not kept (NFS, `remember_owner = 0`, the session daemon) libvirt relabels silently instead: see `image-label-not-remembered` and `shared-image-not-shareable`. `trusted.*` attributes are visible to root only.",
	].join('\n\n'),
	example: "<!-- a fragment for virsh attach-device vm2, while vm1 runs with the image: -->\n<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/vm1.img'/>\n  <target dev='vdb'/>\n</disk>",
	check(context) {
		const labels = context.imageLabels;
		if (!labels || context.live) {
			return;
		}
		const lookup = context.workspace?.guests;
		const self = lookup && context.uri !== undefined ? summarizeGuest(context.uri, context.doc, lookup.hostOf(context.uri)) : null;
		for (const use of imageUses(context)) {
			const onDisk = labels.get(use.path);
			if (!use.remembered || !onDisk || onDisk.refCount === undefined || onDisk.refCount < 1) {
				continue;
			}
			const current = onDisk.selinux ? parseContext(onDisk.selinux) : undefined;
			const currentLevel = current?.low && current.high ? canonicalRange(current.low, current.high) : undefined;
			// The same label as the one already on the image is no conflict (libvirt compares the whole context).
			if (use.level !== undefined && currentLevel === use.level && current?.type?.text === use.type) {
				continue;
			}
			const holders: string[] = [];
			let heldBySelf = false;
			if (lookup && self) {
				for (const other of lookup.diskUses(`${self.hostKey}\0local:${use.path}`)) {
					const guest = lookup.guest(other.uri);
					if (!guest || other.uri === self.uri || !other.writable) {
						continue;
					}
					if (sameGuest(self, guest)) {
						heldBySelf ||= guest.live;
						continue;
					}
					if (guest.live) {
						holders.push(guestWithLabel(guest));
					}
				}
			}
			// This guest is the one running with the image: the count is its own.
			if (heldBySelf) {
				continue;
			}
			const who = holders.length > 0 ? [...new Set(holders)].join(', ') : `${onDisk.refCount === 1 ? 'a running guest' : `${onDisk.refCount} running guests`}`;
			const action = context.doc.fragment ? 'attaching this disk' : 'starting this guest';
			context.report({
				span: use.span,
				message: `The image is in use: ${use.path} carries trusted.libvirt.security.ref_selinux=${onDisk.refCount}${onDisk.selinux ? ` and the label ${onDisk.selinux}` : ''}, held by ${who}. libvirt refuses ${action}, because it would have to give the image ${use.level ? `the level ${use.level}` : 'this guest\'s random categories'}. Give this guest its own copy, or share the disk with <shareable/> on both sides.`,
				libvirtMessage: `Requested operation is not valid: Setting different SELinux label on ${use.path} which is already in use`,
			});
		}
	},
};
