import { refusal, selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'selinux-range-not-dominating',
	stage: 'start',
	scope: 'runtime',
	title: 'An SELinux range whose high level does not dominate its low level.',
	reference: 'selinux-semantics §1.3-1.4',
	description: [
		'A range `low-high` is valid only when the high level dominates the low one: a sensitivity at least as high and every category of the low level. `s0:c0.c9-s0`, `s0:c1-s0:c2` and `s1-s0` are refused by the kernel (`High does not dominate low`).',
		'A static `<label>` with such a range makes the guest fail at start (an `<domain type=\'lxc\'>` on an SELinux host is refused at define already; the QEMU driver never checks it at define); other labels fail when the guest starts too.',
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux'>\n  <label>system_u:system_r:svirt_t:s0:c1-s0:c2</label>\n</seclabel>",
	check(context) {
		for (const label of selinuxLabels(context)) {
			if (label.use === 'base') {
				continue;
			}
			for (const problem of label.parsed.problems) {
				if (problem.code === 'range-not-dominating') {
					context.report({ span: spanInLabel(label, problem.start, problem.end), message: problem.message, ...refusal(context, label) });
				}
			}
		}
	},
};
