import { contentSpan, firstChild, textContent } from '../parser/xmlParser';
import type { Rule } from './rule';
import { modelOf, seclabelType } from './semantics';

export const rule: Rule = {
	id: 'apparmor-label-format',
	stage: 'start',
	scope: 'runtime',
	title: 'An AppArmor label that cannot be a profile name (an SELinux context, or whitespace).',
	reference: 'L1, H3',
	description: [
		"A `model='apparmor'` label is the name of an AppArmor profile: libvirt generates `libvirt-<domain uuid>` for dynamic labels, and a static label must name a profile that is loaded (the AppArmor driver refuses others with `Invalid security label '<label>'`). An SELinux context (`user:role:type:level`) or a label with spaces is never a profile name: it is usually a seclabel written for the wrong model.",
		"In live XML a dynamic label that is not `libvirt-` followed by the domain's UUID was not written by libvirt (advice).",
	].join('\n\n'),
	example: "<seclabel type='static' model='apparmor'>\n  <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n</seclabel>",
	check(context) {
		const uuidElement = context.doc.domain ? firstChild(context.doc.domain, 'uuid') : undefined;
		const uuid = uuidElement ? textContent(context.text, uuidElement).trim().toLowerCase() : undefined;
		for (const seclabel of context.doc.seclabels) {
			const type = seclabelType(seclabel, context.version);
			const label = seclabel.labels[0];
			if (modelOf(seclabel, context.version) !== 'apparmor' || !label || !(type === 'static' || (context.live && type === 'dynamic'))) {
				continue;
			}
			const value = context.textOf(label);
			if (value.length === 0) {
				continue;
			}
			if (/\s/.test(value) || /^[^:]+:[^:]+:[^:]+(:.*)?$/.test(value)) {
				context.report({
					span: contentSpan(label),
					message: /\s/.test(value)
						? 'An AppArmor profile name has no whitespace: libvirt does not trim the label.'
						: `'${value}' is an SELinux context, not an AppArmor profile name: use model='selinux' for it, or name a loaded profile.`,
				});
			} else if (context.live && type === 'dynamic' && uuid && value.toLowerCase() !== `libvirt-${uuid}`) {
				context.report({
					span: contentSpan(label),
					message: `libvirt names a guest's dynamic AppArmor profile libvirt-${uuid}; this label is not what it generated.`,
					stage: 'advice',
				});
			}
		}
	},
};
