/**
 * The read-only half of the shared-image problem: libvirt relabels a `<readonly/>` disk and every
 * backing layer `virt_content_t:s0` without remembering the owner, so using another guest's
 * writable image read-only or as a backing file is not refused; it takes the other guest's write
 * access away. Found with the other cross-guest rules (workspace/crossGuest.ts).
 */
import { reportCrossGuest } from '../workspace/crossGuest';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'shared-image-readonly-relabel',
	stage: 'start',
	severity: 'warning',
	scope: 'runtime',
	title: "A read-only or backing-layer use of another guest's writable image, which libvirt relabels read-only (cross-guest).",
	reference: 'J3, O4; security_selinux.c virSecuritySELinuxSetImageLabelInternal',
	description: [
		"libvirt's SELinux driver labels a `<readonly/>` disk (and a CD-ROM) and every layer below the top of a `<backingStore>` chain `system_u:object_r:virt_content_t:s0`, the type every guest may read but none may write. It does not remember the previous owner for these uses (`remember = isChainTop && !readonly && !shared`), so the \"Setting different SELinux label on … which is already in use\" check that protects writable images never runs: starting the guest, or hot-plugging the disk, succeeds, and the guest that writes the image is denied its writes from then on. When the writer starts later, it relabels the image with its own categories and the reader is denied instead.",
		'Reported in both files: on the reader (naming the writer and its label) and on the writer. Making one side `<readonly/>` is therefore no fix for a shared image: it causes exactly this. Give the reader its own copy (or an overlay on a copy), or, for a real shared disk, mark both sides `<shareable/>`. A use with a device seclabel `relabel=\'no\'` is not relabelled and not reported.',
	].join('\n\n'),
	example: "<!-- vm1.xml writes the image; vm2.xml (or a fragment attached to vm2) reads it: -->\n<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/vm1.img'/>\n  <target dev='vdb'/>\n  <readonly/>\n</disk>",
	check(context) {
		reportCrossGuest(context, 'shared-image-readonly-relabel');
	},
};
