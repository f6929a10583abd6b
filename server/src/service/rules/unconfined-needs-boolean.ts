import { selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'unconfined-needs-boolean',
	stage: 'advice',
	severity: 'warning',
	scope: 'runtime',
	extent: { unit: 'device', reads: ['domain'] },
	title: 'A guest label in `unconfined_t`, which needs the `virt_transition_userdomain` boolean.',
	reference: 'selinux-semantics §3.5-3.6, §6',
	description: [
		'libvirt\'s daemon may switch a guest to a user domain such as `unconfined_t` only when the boolean `virt_transition_userdomain` is on (it is off by default): otherwise the guest fails to start. Enable it with `setsebool -P virt_transition_userdomain on`.',
		'The guest is then not confined by SELinux at all: it may read and write what the user domain may, including other guests\' images.',
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux'>\n  <label>system_u:system_r:unconfined_t:s0:c11,c22</label>\n</seclabel>",
	check(context) {
		for (const label of selinuxLabels(context)) {
			const type = label.parsed.type;
			if ((label.use !== 'process' && label.use !== 'base') || type?.text !== 'unconfined_t') {
				continue;
			}
			context.report({
				span: spanInLabel(label, type.start, type.end),
				message: 'libvirt can start a guest as unconfined_t only with the boolean on (setsebool -P virt_transition_userdomain on); the guest is then not confined by SELinux.',
			});
		}
	},
};
