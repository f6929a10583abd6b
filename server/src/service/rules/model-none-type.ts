import { setAttribute } from './edits';
import { nameSpan, valueSpan, type Rule } from './rule';
import { modelOf, seclabelType } from './semantics';

export const rule: Rule = {
	id: 'model-none-type',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'domain' },
	title: "`model='none'` with a type other than `none`.",
	libvirtMessage: "unsupported configuration: unsupported type='<type>' to model 'none'",
	reference: 'B6',
	versions: 'Define-time XML is silently rewritten to `type=\'none\'` ("fix older configurations"); live XML is refused.',
	description: [
		"The `none` security model has no labels at all. In define-time XML libvirt silently rewrites any other type to `type='none'`, `relabel='no'` and ignores the seclabel's children, so what was written is lost. In live XML (a status file, a running guest's XML read from a host) libvirt refuses it; `virsh define` never reads live XML, even with an `id`.",
		"Write `type='none'`, or choose the model you meant (`selinux`, `apparmor`, `dac`).",
	].join('\n\n'),
	example: "<seclabel type='dynamic' model='none'/>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			const type = seclabelType(seclabel, context.version);
			if (modelOf(seclabel, context.version) !== 'none' || type === 'none' || type === null) {
				continue;
			}
			const span = seclabel.type ? valueSpan(seclabel.type) : nameSpan(seclabel.element);
			const fixes = [{ title: "Set type='none'", edits: [setAttribute(context.text, seclabel.element, 'type', 'none')], isPreferred: true }];
			if (context.live) {
				context.report({
					span,
					message: `The 'none' model takes only type='none'; libvirt refuses type='${type}' in live XML.`,
					libvirtMessage: `unsupported configuration: unsupported type='${type}' to model 'none'`,
					fixes,
				});
			} else {
				context.report({
					span,
					stage: 'ignored',
					message: `libvirt rewrites this to type='none' (unconfined, no relabelling) and drops its children: the 'none' model has no labels.`,
					fixes,
				});
			}
		}
	},
};
