import { catalogueFor, selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'baselabel-only-type',
	stage: 'advice',
	scope: 'runtime',
	extent: { unit: 'device', reads: ['domain'] },
	title: 'A `<baselabel>` whose user, role or level libvirt replaces.',
	reference: 'I4; selinux-semantics §4.4, §8.2',
	description: [
		"libvirt's SELinux driver uses only the **type** of a `<baselabel>`: the user and role come from the daemon's own context and the level is the category pair it allocates. `<baselabel>system_u:system_r:my_svirt_t:s0:c1,c2</baselabel>` and `<baselabel>foo_u:bar_r:my_svirt_t</baselabel>` give the same guest label, with a random pair. To choose the level, use `type='static'` with a full `<label>`.",
		'Flagged when the base label carries categories (which suggests the pair was meant to be chosen) or a user or role other than the daemon\'s default.',
	].join('\n\n'),
	example: "<seclabel type='dynamic' model='selinux'>\n  <baselabel>system_u:system_r:svirt_t:s0:c1,c2</baselabel>\n</seclabel>",
	check(context) {
		const [defaultUser, defaultRole] = catalogueFor(context).defaults.domainContext.split(':');
		for (const label of selinuxLabels(context)) {
			const { user, role, type, range, low, high } = label.parsed;
			if (label.use !== 'base' || !user || !role || !type) {
				continue;
			}
			const categories = (low?.categories.length ?? 0) + (high?.categories.length ?? 0) > 0;
			const otherUserRole = user.text !== defaultUser || role.text !== defaultRole;
			if (!categories && !otherUserRole) {
				continue;
			}
			const replaced = [otherUserRole ? `the user and role (${user.text}:${role.text}) come from the daemon` : '', categories && range ? `the level ${range.text} is replaced by a random pair` : ''].filter(Boolean).join(', and ');
			context.report({
				span: categories && range ? spanInLabel(label, range.start, range.end) : spanInLabel(label, user.start, role.end),
				message: `libvirt uses only the type ${type.text} of a base label: ${replaced}. Use type='static' to choose the whole label.`,
			});
		}
	},
};
