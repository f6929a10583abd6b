import { removeAttribute, setAttribute } from './edits';
import { nameSpan, type Fix, type Rule } from './rule';
import { modelOf, yesNo } from './semantics';

export const rule: Rule = {
	id: 'type-missing',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'domain' },
	title: 'A domain seclabel without a `type`.',
	reference: 'A5',
	versions: 'libvirt before the switch to virXMLPropEnum treated a missing type as `dynamic`, as the documentation still says; 9.0.0 and 10.7.0 store it as an internal `default` type.',
	description: [
		"Without `type`, libvirt stores an internal `default` type that it never writes back: the seclabel vanishes from the saved configuration, a `<baselabel>` in it is dropped, and at start the guest gets whatever the host's `security_default_confined` says (normally a dynamic label). `relabel='no'` without a type is not even refused, although the guest then runs dynamic.",
		"Write the type you mean: `type='dynamic'` for the usual per-guest categories.",
	].join('\n\n'),
	example: "<seclabel model='selinux'/>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			if (seclabel.type) {
				continue;
			}
			// model='none' at define time is rewritten to type none (model-none-type says so).
			if (modelOf(seclabel) === 'none') {
				continue;
			}
			const fixes: Fix[] = [];
			if (yesNo(seclabel.relabel) === false) {
				fixes.push({
					title: "Add type='dynamic' and remove relabel='no'",
					edits: [setAttribute(context.text, seclabel.element, 'type', 'dynamic'), removeAttribute(context.text, seclabel.relabel!)],
				});
			} else {
				fixes.push({ title: "Add type='dynamic'", edits: [setAttribute(context.text, seclabel.element, 'type', 'dynamic')], isPreferred: true });
			}
			context.report({
				span: nameSpan(seclabel.element),
				message: context.live
					? 'A seclabel without a type is not written back by libvirt; write the type you mean.'
					: 'A seclabel without a type is dropped from the saved config (with any <baselabel>); the guest gets the host default at start. Write the type you mean.',
				fixes,
			});
		}
	},
};
