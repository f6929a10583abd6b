import { canonicalLevel, canonicalRange, dominates, levelsEqual } from '../selinux/context';
import { processLevels, selinuxDomainSeclabel, selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';
import { seclabelType } from './semantics';

export const rule: Rule = {
	id: 'selinux-mcs-mismatch',
	stage: 'start',
	scope: 'runtime',
	extent: { unit: 'device', reads: ['domain'] },
	title: "An image or device label whose MCS level the guest's own label does not cover.",
	reference: 'O1; selinux-semantics §1.4, §4.4',
	description: [
		"sVirt isolates guests by their category pair: a guest at `s0:c1,c2` may use files at `s0`, `s0:c1`, `s0:c2` and `s0:c1,c2`, but not `s0:c1,c3` (the process's level must dominate the file's). libvirt always gives the `<imagelabel>` the same level as the `<label>`, so a difference is hand-written, and the guest is denied its own disk.",
		"Checked: in live XML and static labels, an `<imagelabel>` whose level differs from the `<label>`'s (an error when the label does not cover it, advice when it does but differs); a device `<label>` whose categories the guest's label does not cover. With a dynamic label (define-time XML) the guest's pair is random, so a device label with categories is readable only by chance. Shareable disks are left to `shareable-private-categories`.",
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux' relabel='yes'>\n  <label>system_u:system_r:svirt_t:s0:c10,c20</label>\n</seclabel>\n<!-- in a disk's <source>: -->\n<seclabel model='selinux'>\n  <label>system_u:object_r:svirt_image_t:s0:c30,c40</label>\n</seclabel>",
	check(context) {
		const process = processLevels(context);
		const domainSeclabel = selinuxDomainSeclabel(context);
		// A dynamic seclabel that carries a <label> looks like a running guest's XML saved for `virsh
		// define` (which ignores the id); label-ignored already says that the label is dropped at define, so stay quiet here.
		const randomPair = !process && domainSeclabel !== undefined && seclabelType(domainSeclabel, context.version) === 'dynamic' && !context.live && domainSeclabel.labels.length === 0;
		for (const label of selinuxLabels(context)) {
			const { range, low, high, problems } = label.parsed;
			if ((label.use !== 'image' && label.use !== 'device') || !range || !low || !high || problems.length > 0) {
				continue;
			}
			if (label.use === 'device' && label.disk?.shareable) {
				continue;
			}
			const span = spanInLabel(label, range.start, range.end);
			if (randomPair && label.use === 'device') {
				if (high.categories.length > 0) {
					context.report({
						span,
						message: `The guest's label is dynamic: libvirt gives it a random category pair at each start, which almost never covers ${canonicalLevel(high)}, so the guest is denied this ${label.disk ? 'disk' : 'device'}. Use a level without categories (s0) to share it, or a static guest label.`,
						fixes: label.valueOffset === undefined ? [] : [{ title: `Use the level ${low.sensitivity.text}`, edits: [{ span, newText: low.sensitivity.text }] }],
					});
				}
				continue;
			}
			if (!process || (label.use === 'image' && label.domainSeclabel !== process.label.domainSeclabel)) {
				continue;
			}
			const guest = canonicalRange(process.low, process.high);
			const covered = dominates(process.high, high);
			if (label.use === 'image' && !(levelsEqual(process.low, low) && levelsEqual(process.high, high))) {
				context.report({
					span,
					message: covered
						? `libvirt always gives the image label the guest's level ${guest}; ${range.text} differs, so files created with it are not the guest's own.`
						: `The guest runs at ${guest}, which does not cover ${range.text}: it is denied its own disk. libvirt always gives the image label the guest's level.`,
					stage: covered ? 'advice' : undefined,
					fixes: label.valueOffset === undefined ? [] : [{ title: `Use the guest's level ${guest}`, edits: [{ span, newText: guest }], isPreferred: true }],
				});
			} else if (label.use === 'device' && !covered) {
				const level = canonicalLevel(process.high);
				context.report({
					span,
					message: `The guest runs at ${guest}, which does not cover ${canonicalLevel(high)}: SELinux denies it this ${label.disk ? 'disk' : 'device'}.`,
					fixes: label.valueOffset === undefined ? [] : [{ title: `Use the guest's level ${level}`, edits: [{ span, newText: level }], isPreferred: true }],
				});
			}
		}
	},
};
