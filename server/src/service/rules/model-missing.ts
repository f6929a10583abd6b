import { setAttribute } from './edits';
import { nameSpan, type Rule } from './rule';
import { labelValue, modelOf, seclabelType } from './semantics';

export const rule: Rule = {
	id: 'model-missing',
	stage: 'define',
	scope: 'parser',
	title: 'A lone seclabel without `model` where libvirt cannot pick the host default.',
	libvirtMessage: 'XML error: missing security model in domain seclabel',
	reference: 'C2',
	description: [
		"A single seclabel may leave out `model` only when it is `type='none'`, or `type='dynamic'` without a `<baselabel>` in define-time XML: then libvirt uses the host's first security driver. Static labels, baselabels, a seclabel without type, and live dynamic labels need the model written out, because a label is only meaningful for one model.",
		"Drivers without a default security model (libvirt's test driver) skip this check; the QEMU and LXC drivers always have one.",
	].join('\n\n'),
	example: "<seclabel type='static'>\n  <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n</seclabel>",
	check(context) {
		const seclabels = context.doc.seclabels;
		if (seclabels.length !== 1 || context.driver !== 'qemu') {
			return;
		}
		const seclabel = seclabels[0];
		const type = seclabelType(seclabel, context.version);
		if (type === null || modelOf(seclabel, context.version) !== null) {
			return;
		}
		const baselabel = type === 'dynamic' ? labelValue(context, seclabel.baselabels) : null;
		if (type === 'none' || (type === 'dynamic' && baselabel === null && !context.live)) {
			return;
		}
		context.report({
			span: nameSpan(seclabel.element),
			message: `This seclabel needs model='${context.hostSecurityModel === 'none' ? 'selinux' : context.hostSecurityModel}' (or dac/apparmor) written out: libvirt picks the host default only for type='none' and for a define-time dynamic label without a baselabel.`,
			libvirtMessage: 'XML error: missing security model in domain seclabel',
			fixes: ['selinux', 'dac', 'apparmor'].map((model, index) => ({
				title: `Add model='${model}'`,
				edits: [setAttribute(context.text, seclabel.element, 'model', model)],
				isPreferred: index === 0,
			})),
		});
	},
};
