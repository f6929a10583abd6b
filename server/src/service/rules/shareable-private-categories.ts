import { canonicalLevel } from '../selinux/context';
import { selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'shareable-private-categories',
	stage: 'advice',
	severity: 'warning',
	scope: 'runtime',
	extent: { unit: 'device', reads: ['domain'] },
	title: 'A device label with private MCS categories on a `<shareable/>` disk.',
	reference: 'G7, J2; selinux-semantics §4.5',
	description: [
		'libvirt labels a `<shareable/>` disk with the first line of `virtual_image_context` verbatim, `system_u:object_r:svirt_image_t:s0`: no categories, so that every guest sharing it can use it (and it never restores that label). A device `<label>` with categories overrides that and gives the disk to the guests whose level covers those categories only: every other guest sharing it is denied.',
		'Shareable wins over `<readonly/>`: a disk with both gets `svirt_image_t:s0`, not `virt_content_t:s0`.',
	].join('\n\n'),
	example: "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/shared.img'>\n    <seclabel model='selinux'>\n      <label>system_u:object_r:svirt_image_t:s0:c1,c2</label>\n    </seclabel>\n  </source>\n  <shareable/>\n</disk>",
	check(context) {
		for (const label of selinuxLabels(context)) {
			const { range, low, high, problems } = label.parsed;
			if (label.use !== 'device' || !label.disk?.shareable || !range || !low || !high || problems.length > 0) {
				continue;
			}
			if (low.categories.length === 0 && high.categories.length === 0) {
				continue;
			}
			const span = spanInLabel(label, range.start, range.end);
			const shared = low.sensitivity.text;
			context.report({
				span,
				message: `This disk is <shareable/>, but the categories of ${canonicalLevel(high)} make it private to guests whose level covers them; the others sharing it are denied. libvirt labels shareable disks at ${shared} without categories.`,
				fixes: label.valueOffset === undefined ? [] : [{ title: `Use the shared level ${shared}`, edits: [{ span, newText: shared }], isPreferred: true }],
			});
		}
	},
};
