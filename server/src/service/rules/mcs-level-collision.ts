import { reportCrossGuest } from '../workspace/crossGuest';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'mcs-level-collision',
	stage: 'advice',
	severity: 'warning',
	scope: 'runtime',
	extent: { unit: 'workspace', reads: ['domain'] },
	title: 'Two guests on one host run at the same MCS level, and at least one of them has a static label (cross-guest).',
	reference: 'selinux-semantics.md §4.3, §4.4',
	description: [
		'Found across the files of the workspace (or, in the CLI, of one host): a static label uses the same MCS level (for example `s0:c10,c20`) as another guest\'s static label, or as the level a running guest got from a dynamic label (its live XML read with `libvirtSeclabel.connect` or `--connect`, a `<domstatus>` status file, or a saved `virsh dumpxml` marked `<!-- libvirt-seclabel: live -->`; a saved dump without that comment is what `virsh define` would read, so its dynamic label counts for nothing).',
		'sVirt isolates guests only by their categories: two guests at the same level can read and write each other\'s images, sockets and memory files. libvirt reserves the levels it generates for dynamic labels, but never reserves static ones, so a dynamic guest can even be given the pair of a static one; nothing fails at define or at start.',
		'Stage: **advice**, with a warning severity. Both guests start and run normally, so it is not a `start` failure; what is lost is the isolation between them, which is what the labels are for. Levels without categories (`s0`) are not reported: they isolate nothing by design.',
		'Fix: the quick fix replaces the static level with a category pair no guest in the workspace uses, drawn the way libvirt draws dynamic pairs. Relabel the guest\'s images to match.',
	].join('\n\n'),
	example: "<!-- vm1.xml and vm2.xml both contain: -->\n<seclabel type='static' model='selinux' relabel='yes'>\n  <label>system_u:system_r:svirt_t:s0:c10,c20</label>\n</seclabel>",
	check(context) {
		if (context.hostSecurityModel !== 'selinux' && context.doc.seclabels.every((seclabel) => seclabel.model?.value !== 'selinux')) {
			return;
		}
		reportCrossGuest(context, 'mcs-level-collision');
	},
};
