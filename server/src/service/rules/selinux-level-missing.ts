import { canonicalRange } from '../selinux/context';
import { processLevels, refusal, selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'selinux-level-missing',
	stage: 'start',
	scope: 'runtime',
	title: 'An SELinux label without a level on an MCS/MLS policy.',
	reference: 'selinux-semantics §1.1, §8.1',
	description: [
		'On an MCS or MLS policy (Fedora and RHEL targeted are MCS) the kernel requires the level: `system_u:system_r:svirt_t` is refused by `setexeccon` and `setfilecon`, so the guest does not start. libvirt\'s sVirt isolation lives in that level (the guest\'s category pair).',
		'A static `<label>` without a level makes the guest fail at start (on an SELinux host, an `<domain type=\'lxc\'>` is refused at define already; the QEMU driver never checks it at define). Only a `<baselabel>` may omit the level, because libvirt replaces it.',
	].join('\n\n'),
	example: "<source file='/var/lib/libvirt/images/a.img'>\n  <seclabel model='selinux'>\n    <label>system_u:object_r:svirt_image_t</label>\n  </seclabel>\n</source>",
	check(context) {
		const process = processLevels(context);
		for (const label of selinuxLabels(context)) {
			const parsed = label.parsed;
			if (label.use === 'base' || parsed.range || !parsed.type || parsed.problems.length > 0) {
				continue;
			}
			const level = label.use === 'image' && process ? canonicalRange(process.low, process.high) : 's0';
			const end = label.value.trimEnd().length;
			context.report({
				span: spanInLabel(label, parsed.type.start, parsed.type.end),
				message: `'${label.value.trim()}' has no level: MCS and MLS policies refuse a context without one.${label.use === 'process' ? ' The level is also where the guest\'s isolation lives: give it its own category pair, for example s0:c1,c2.' : ''}`,
				...refusal(context, label),
				fixes: label.valueOffset === undefined ? [] : [{ title: `Add the level ${level}`, edits: [{ span: spanInLabel(label, end, end), newText: `:${level}` }], isPreferred: true }],
			});
		}
	},
};
