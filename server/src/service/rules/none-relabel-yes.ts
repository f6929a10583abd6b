import { removeAttribute } from './edits';
import { attributeSpan, type Rule } from './rule';
import { seclabelType, yesNo } from './semantics';

export const rule: Rule = {
	id: 'none-relabel-yes',
	stage: 'define',
	scope: 'parser',
	title: "`type='none'` with `relabel='yes'`.",
	libvirtMessage: "unsupported configuration: resource relabeling is not compatible with 'none' label type",
	reference: 'B5',
	description: "`type='none'` runs the guest unconfined and touches no file labels, so relabelling makes no sense and libvirt refuses it. Remove `relabel` (it defaults to `no`), or use `type='dynamic'` to confine the guest.",
	example: "<seclabel type='none' relabel='yes'/>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			if (seclabelType(seclabel, context.version) === 'none' && seclabel.relabel && yesNo(seclabel.relabel) === true) {
				context.report({
					span: attributeSpan(seclabel.relabel),
					message: "An unconfined guest (type='none') has no label to relabel its images with.",
					libvirtMessage: "unsupported configuration: resource relabeling is not compatible with 'none' label type",
					fixes: [{ title: "Remove relabel='yes'", edits: [removeAttribute(context.text, seclabel.relabel)], isPreferred: true }],
				});
			}
		}
	},
};
