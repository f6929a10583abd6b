import { reportCrossGuest } from '../workspace/crossGuest';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'shared-image-not-shareable',
	stage: 'start',
	scope: 'runtime',
	title: 'The same writable image is used by two guests, and neither disk is `<shareable/>` (cross-guest).',
	libvirtMessage: 'Requested operation is not valid: Setting different SELinux label on <path> which is already in use',
	reference: 'H5, J3, O4',
	description: [
		'Found across the files of the workspace (or, in the CLI, of one host): two different guests name the same image (the same file or block device path after resolving `.`, `..` and repeated slashes, the same pool volume, or the same network volume on the same servers), both can write it, and neither disk is marked `<shareable/>`.',
		'Each guest labels its writable images with its own MCS categories. When the second guest starts, or the image is hot-plugged into it, libvirt either refuses (the image is already in use with a different label: `Setting different SELinux label on <path> which is already in use`, or the DAC equivalent), or, when it cannot remember labels (NFS, `remember_owner=0`), silently relabels the image with the second guest\'s categories, and the first guest is denied its own disk. QEMU\'s image locking refuses a second writer as well. libvirt notices only at start, and only on one host.',
		'Fix: if the guests really share the disk (a cluster file system), mark it `<shareable/>` on **both** sides, with a raw image; the image is then labelled without categories. Otherwise give each guest its own copy. Making one side `<readonly/>` is no fix: libvirt then relabels the image read-only content without any in-use check, and the writer loses access (`shared-image-readonly-relabel` reports that). Read-only, CD-ROM and backing-layer uses are reported by that rule, not this one.',
	].join('\n\n'),
	example: "<!-- vm1.xml and vm2.xml both contain: -->\n<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/vm1.img'/>\n  <target dev='vdb'/>\n</disk>",
	check(context) {
		reportCrossGuest(context, 'shared-image-not-shareable');
	},
};
