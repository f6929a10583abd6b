import { NONEXISTENT_TYPES, TYPE_ATTRIBUTES } from '../selinux/catalogue';
import { catalogueFor, refusal, selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

const ATTRIBUTES = new Set(TYPE_ATTRIBUTES);

export const rule: Rule = {
	id: 'selinux-type-unknown',
	stage: 'start',
	scope: 'runtime',
	title: 'An SELinux user, role or type the policy does not define.',
	reference: 'selinux-semantics §1.3, §3.4, §8.12',
	description: [
		'The kernel refuses a context whose user, role or type the loaded policy does not define, and an attribute (such as `virt_domain`) is never a type. `svirt_content_t`, which older libvirt and RHEL documentation and the `virtual_image_context` man page print, exists in no current policy: read-only content is `virt_content_t`.',
		'When the host\'s policy names are readable (setting `libvirtSeclabel.selinuxRoot`), every name is checked against them; otherwise only names known to be wrong are flagged, since custom policy modules add their own types.',
		'A static `<label>` with an unknown name makes the guest fail at start (an `<domain type=\'lxc\'>` on an SELinux host is refused at define already; the QEMU driver never checks it at define); other labels fail when the guest starts too.',
	].join('\n\n'),
	example: "<source file='/var/lib/libvirt/isos/a.iso'>\n  <seclabel model='selinux'>\n    <label>system_u:object_r:svirt_content_t:s0</label>\n  </seclabel>\n</source>",
	check(context) {
		const catalogue = catalogueFor(context);
		const hostUsers = context.policy?.users && context.policy.users.length > 0 ? catalogue.users : undefined;
		const hostRoles = context.policy?.roles && context.policy.roles.length > 0 ? catalogue.roles : undefined;
		for (const label of selinuxLabels(context)) {
			const { user, role, type } = label.parsed;
			if (!user || !role || !type || label.parsed.problems.some((problem) => problem.start < type.end)) {
				continue;
			}
			const stage = refusal(context, label);
			if (label.use !== 'base') {
				// libvirt replaces a base label's user and role with the daemon's own.
				if (hostUsers && !hostUsers.has(user.text)) {
					context.report({ span: spanInLabel(label, user.start, user.end), message: `The host's policy (${catalogue.source}) defines no SELinux user '${user.text}'.`, ...stage });
				}
				if (hostRoles && !hostRoles.has(role.text)) {
					context.report({ span: spanInLabel(label, role.start, role.end), message: `The host's policy (${catalogue.source}) defines no role '${role.text}'.`, ...stage });
				}
			}
			const span = spanInLabel(label, type.start, type.end);
			const nonexistent = NONEXISTENT_TYPES[type.text];
			if (nonexistent) {
				context.report({
					span,
					message: nonexistent.why,
					...stage,
					fixes: label.valueOffset === undefined ? [] : [{ title: `Use ${nonexistent.replacement}`, edits: [{ span, newText: nonexistent.replacement }], isPreferred: true }],
				});
			} else if (ATTRIBUTES.has(type.text)) {
				context.report({ span, message: `${type.text} is a type attribute (a group of types in policy source), which the kernel never accepts as a type in a context.`, ...stage });
			} else if (catalogue.hostNames && !catalogue.types.has(type.text)) {
				context.report({ span, message: `The host's policy (${catalogue.source}) defines no type '${type.text}'.`, ...stage });
			}
		}
	},
};
