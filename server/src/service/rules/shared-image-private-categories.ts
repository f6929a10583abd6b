import { reportCrossGuest } from '../workspace/crossGuest';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'shared-image-private-categories',
	stage: 'start',
	scope: 'runtime',
	extent: { unit: 'workspace', reads: ['domain'] },
	title: 'A device label gives an image that another guest also uses categories that guest does not run with (cross-guest).',
	reference: 'J2, H5; selinux-semantics.md §4.5',
	description: [
		'Found across the files of the workspace: a disk\'s own `<seclabel model=\'selinux\'><label>` override labels an image with an MCS level that has categories, and another guest that uses the same image runs at a level that does not include them (or gets a random pair from a dynamic label).',
		'A device label wins over everything else, including `<shareable/>` and `<readonly/>`. Once this guest starts, the image carries these categories, and SELinux denies the other guest every read and write of it: the failure the shared-image rules describe, made permanent by the label.',
		'Fix: label a shared image without categories (`…:svirt_image_t:s0`, what `<shareable/>` gives it), or stop sharing it.',
	].join('\n\n'),
	example: "<disk type='file' device='disk'>\n  <source file='/srv/shared.img'>\n    <seclabel model='selinux' relabel='yes'>\n      <label>system_u:object_r:svirt_image_t:s0:c1,c2</label>\n    </seclabel>\n  </source>\n  <target dev='vdb'/>\n  <shareable/>\n</disk>",
	check(context) {
		if (context.hostSecurityModel !== 'selinux' && context.doc.deviceSeclabels.every((seclabel) => seclabel.model?.value !== 'selinux')) {
			return;
		}
		reportCrossGuest(context, 'shared-image-private-categories');
	},
};
