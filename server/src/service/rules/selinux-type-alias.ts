import { catalogueFor, selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'selinux-type-alias',
	stage: 'advice',
	scope: 'runtime',
	extent: { unit: 'device', reads: ['domain'] },
	title: 'An SELinux type written as an alias (`qemu_t` for `svirt_t`).',
	reference: 'selinux-semantics §1.3, §8.12',
	description: 'Type aliases are valid, but the kernel stores and prints the primary name: a guest labelled `qemu_t` shows up as `svirt_t` in `ps -Z` and `virsh dumpxml`. Writing the primary name keeps the XML and what the system shows the same. Aliases: `qemu_t` → `svirt_t`, `svirt_lxc_net_t` → `container_t`, `svirt_sandbox_file_t` and `svirt_lxc_file_t` → `container_file_t`.',
	example: "<seclabel type='static' model='selinux'>\n  <label>system_u:system_r:qemu_t:s0:c1,c2</label>\n</seclabel>",
	check(context) {
		const catalogue = catalogueFor(context);
		for (const label of selinuxLabels(context)) {
			const type = label.parsed.type;
			const primary = type && catalogue.aliasOf(type.text);
			if (!type || !primary) {
				continue;
			}
			const span = spanInLabel(label, type.start, type.end);
			context.report({
				span,
				message: `${type.text} is an alias of ${primary}; the kernel prints ${primary}.`,
				fixes: label.valueOffset === undefined ? [] : [{ title: `Use ${primary}`, edits: [{ span, newText: primary }], isPreferred: true }],
			});
		}
	},
};
