import { reportCrossGuest } from '../workspace/crossGuest';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'shareable-mismatch',
	stage: 'start',
	scope: 'runtime',
	extent: { unit: 'workspace', reads: ['domain'] },
	title: 'A writable image is `<shareable/>` in one guest but not in another that also writes it (cross-guest).',
	reference: 'G6, G7, H5, J2',
	description: [
		'Found across the files of the workspace: two guests write the same image, one marks its disk `<shareable/>` and the other does not.',
		'The shareable side labels the image without categories (`svirt_image_t:s0`) and opens it with `share-rw=on`; the other side labels it with its own private categories and takes an exclusive write lock. Depending on which guest starts first, the other one cannot start (QEMU cannot take its lock) or loses access to the image after the relabel, with SELinux denials in the audit log.',
		'Fix: add `<shareable/>` to the disk that lacks it (raw images only), or stop sharing the image.',
	].join('\n\n'),
	example: "<!-- vm1.xml -->\n<disk type='file' device='disk'>\n  <source file='/srv/shared.img'/>\n  <target dev='vdb'/>\n  <shareable/>\n</disk>\n<!-- vm2.xml: the same disk without <shareable/> -->",
	check(context) {
		reportCrossGuest(context, 'shareable-mismatch');
	},
};
