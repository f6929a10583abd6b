/**
 * The silent half of the seed's bug: on a file system that keeps no trusted.* attributes libvirt
 * cannot count an image's users, so a second guest or a hot-plug relabels it without a word. Read
 * only when the user turned `readImageLabels` on.
 */
import { imageUses } from '../workspace/imageUses';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'image-label-not-remembered',
	stage: 'advice',
	severity: 'warning',
	scope: 'runtime',
	title: 'A writable image on a network file system, where libvirt cannot tell that another guest holds it (reads image labels).',
	reference: 'H5, J1; security_util.c',
	description: [
		"libvirt keeps an image's original label and its reference count in `trusted.libvirt.security.*` extended attributes. NFS (and CIFS, Ceph, FUSE file systems such as GlusterFS) keeps no such attributes, so libvirt neither refuses a second user nor restores the label correctly: attaching the image to another guest, or starting a second guest with it, relabels it with that guest's categories, and the first guest is denied its own disk (the seed bug report's scenario). On NFS libvirt may also be unable to set a label at all (`virt_use_nfs`).",
		'Checked only when image labels are read (`--read-image-labels`, `libvirtSeclabel.readImageLabels`), for writable, unshared images libvirt relabels. Make sure no other guest uses the image; the cross-guest rules compare the guests the tool knows.',
	].join('\n\n'),
	example: "<disk type='file' device='disk'>\n  <source file='/mnt/nfs/images/vm1.img'/>\n  <target dev='vda'/>\n</disk>",
	check(context) {
		const labels = context.imageLabels;
		if (!labels) {
			return;
		}
		for (const use of imageUses(context)) {
			const onDisk = labels.get(use.path);
			if (!use.remembered || !onDisk?.networkFs) {
				continue;
			}
			context.report({
				span: use.span,
				message: `${use.path} is on ${onDisk.networkFs}, which keeps no trusted.libvirt.security.* attributes: libvirt cannot tell whether another guest holds the image, and relabels it silently when another guest starts with it or it is hot-plugged elsewhere.`,
			});
		}
	},
};
