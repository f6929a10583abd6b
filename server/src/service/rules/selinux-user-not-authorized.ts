import { SELINUX_USERS } from '../selinux/catalogue';
import { canonicalRange, dominates, parseLevelRange } from '../selinux/context';
import { refusal, selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

const USERS = new Map(SELINUX_USERS.map((user) => [user.name, user]));
/** Each user's range, parsed once: a full category range is a thousand numbers. */
const USER_RANGES = new Map(SELINUX_USERS.map((user) => [user.name, parseLevelRange(user.range)]));

export const rule: Rule = {
	id: 'selinux-user-not-authorized',
	stage: 'start',
	scope: 'runtime',
	extent: { unit: 'device', reads: ['domain'] },
	title: "A process label whose SELinux user may not take its role or its level.",
	reference: 'selinux-semantics §1.3, §1.6, §8.6',
	description: [
		"Unless the role is `object_r`, the kernel checks that the user is authorised for the role and that the user's range contains the context's level. On Fedora and RHEL `user_u`, `guest_u` and `xguest_u` have the range `s0` only, so `user_u:user_r:user_t:s0:c1` is refused; `system_u` may take `system_r` and `unconfined_r`, not `user_r`.",
		'Checked for process labels and the users of the built-in catalogue (Fedora targeted); file labels (`object_r`) are exempt, as in the kernel.',
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux'>\n  <label>user_u:user_r:svirt_t:s0:c1,c2</label>\n</seclabel>",
	check(context) {
		for (const label of selinuxLabels(context)) {
			const { user, role, range, low, high, problems } = label.parsed;
			const known = user && USERS.get(user.text);
			if (label.use !== 'process' || !known || !role || role.text === 'object_r' || problems.length > 0) {
				continue;
			}
			if (!known.roles.includes(role.text)) {
				context.report({
					span: spanInLabel(label, role.start, role.end),
					message: `The SELinux user ${known.name} may take the roles ${known.roles.join(', ')}, not ${role.text}: the kernel refuses this context.`,
					...refusal(context, label),
				});
			}
			const userRange = USER_RANGES.get(known.name);
			if (range && low && high && userRange?.low && userRange.high && !(dominates(low, userRange.low) && dominates(userRange.high, high))) {
				context.report({
					span: spanInLabel(label, range.start, range.end),
					message: `The SELinux user ${known.name} is limited to the range ${canonicalRange(userRange.low, userRange.high)}, which does not contain ${range.text}: the kernel refuses this context.`,
					...refusal(context, label),
				});
			}
		}
	},
};
