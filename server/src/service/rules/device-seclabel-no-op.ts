import { removeElement } from './edits';
import { nameSpan, type Rule } from './rule';
import { labelValue } from './semantics';

export const rule: Rule = {
	id: 'device-seclabel-no-op',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'device', reads: ['domain'] },
	title: 'A device seclabel that neither turns relabelling off nor gives a label.',
	reference: 'D3, E5',
	description: "An override such as `<seclabel model='selinux'/>` (or one whose `<label>` is empty) asks for the default, which is what happens without it: libvirt drops it from the saved config. Give it a `<label>`, or `relabel='no'` to leave the image's label alone, or remove it.",
	example: "<source file='/a.img'>\n  <seclabel model='selinux'/>\n</source>",
	check(context) {
		if (context.live) {
			return;
		}
		for (const seclabel of context.doc.deviceSeclabels) {
			// Overrides without a model are reported by device-model-missing, relabel='yes' ones by device-relabel-without-label.
			if (!seclabel.model || seclabel.relabel || seclabel.labelskip || labelValue(context, seclabel.labels) !== null) {
				continue;
			}
			context.report({
				span: nameSpan(seclabel.element),
				message: seclabel.labels.length > 0
					? 'An override whose <label> is empty changes nothing; libvirt drops it from the saved config.'
					: "An override without a <label> or relabel='no' changes nothing; libvirt drops it from the saved config.",
				fixes: [{ title: 'Remove this override', edits: [removeElement(context.text, seclabel.element)], isPreferred: true }],
			});
		}
	},
};
