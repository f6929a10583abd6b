import { insertChild, setAttribute } from './edits';
import { attributeSpan, type Fix, type Rule } from './rule';
import { labelValue, seclabelType, yesNo } from './semantics';

export const rule: Rule = {
	id: 'dynamic-relabel-no',
	stage: 'define',
	scope: 'parser',
	title: "`type='dynamic'` with `relabel='no'`.",
	libvirtMessage: 'unsupported configuration: dynamic label type must use resource relabeling',
	reference: 'B4',
	versions: "A seclabel without `type` is dynamic before 8.0.0 and from 12.0.0, so `<seclabel model='selinux' relabel='no'/>` is refused there too; 8.0.0 to 11.x (9.0.0, 11.3.0) accept it (see `type-missing`).",
	description: [
		'A dynamic label gets a fresh MCS category pair at every start, so libvirt must relabel the guest\'s images with that pair; with relabelling off the guest could not open its own disks, and libvirt refuses the XML.',
		'This is the error from the classic bug report where a guest was meant to keep an image\'s existing label. To keep labels untouched, use `type=\'static\'` with an explicit `<label>` (and label the images yourself), or turn relabelling off for one disk only with `<seclabel model=\'selinux\' relabel=\'no\'/>` inside its `<source>`.',
	].join('\n\n'),
	example: "<seclabel type='dynamic' model='selinux' relabel='no'/>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			if (seclabelType(seclabel, context.version) === 'dynamic' && seclabel.relabel && yesNo(seclabel.relabel) === false) {
				const fixes: Fix[] = [{
					title: "Set relabel='yes'",
					edits: [setAttribute(context.text, seclabel.element, 'relabel', 'yes')],
					isPreferred: true,
				}];
				const switchToStatic = [setAttribute(context.text, seclabel.element, 'type', 'static')];
				if (labelValue(context, seclabel.labels) === null && seclabel.labels.length === 0) {
					switchToStatic.push(insertChild(context.text, seclabel.element, '<label>system_u:system_r:svirt_t:s0:c0,c1</label>'));
				}
				fixes.push({ title: "Switch to type='static' (keep image labels; needs a label)", edits: switchToStatic });
				context.report({
					span: attributeSpan(seclabel.relabel),
					message: seclabel.type
						? "A dynamic label needs relabelling: libvirt gives the guest new MCS categories at every start and must relabel its images to match."
						: `libvirt ${context.version.text} reads a seclabel without a type as dynamic, and a dynamic label needs relabelling: libvirt gives the guest new MCS categories at every start and must relabel its images to match.`,
					libvirtMessage: 'unsupported configuration: dynamic label type must use resource relabeling',
					fixes,
				});
			}
		}
	},
};
