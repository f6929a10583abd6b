import { removeAttribute, setAttribute } from './edits';
import { nameSpan, type Fix, type Rule } from './rule';
import { modelOf, typelessType, yesNo } from './semantics';

export const rule: Rule = {
	id: 'type-missing',
	stage: 'ignored',
	scope: 'parser',
	title: 'A domain seclabel without a `type`.',
	reference: 'A5',
	versions: "A missing type means `dynamic`, as the documentation says, before 8.0.0 (7.0.0) and again from 12.0.0 (12.9.0 refuses a type-less `relabel='no'` as dynamic); from 8.0.0 to 11.x (9.0.0, 10.7.0, 11.3.0) virXMLPropEnum resets it to an internal `default` type, which is never written back.",
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
			if (modelOf(seclabel, context.version) === 'none') {
				continue;
			}
			const dynamic = typelessType(context.version) === 'dynamic';
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
				message: dynamic
					? `libvirt ${context.version.text} reads a seclabel without a type as dynamic, but 8.0.0 to 11.x drop it from the saved config: write type='dynamic' so that every version agrees.`
					: context.live
						? 'A seclabel without a type is not written back by libvirt; write the type you mean.'
						: 'A seclabel without a type is dropped from the saved config (with any <baselabel>); the guest gets the host default at start. Write the type you mean.',
				stage: dynamic ? 'advice' : undefined,
				fixes,
			});
		}
	},
};
