import { setAttribute } from './edits';
import { nameSpan, type Rule } from './rule';

export const rule: Rule = {
	id: 'device-model-missing',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A device seclabel without `model` has no effect.',
	reference: 'E2',
	description: "libvirt's security drivers look a device override up by their exact model name, so an override without `model` is kept in the XML but never used: the image is labelled as if it were not there. Write `model='selinux'` (or `dac`).",
	example: "<source file='/var/lib/libvirt/images/a.img'>\n  <seclabel relabel='no'/>\n</source>",
	check(context) {
		for (const seclabel of context.doc.deviceSeclabels) {
			if (seclabel.model) {
				continue;
			}
			context.report({
				span: nameSpan(seclabel.element),
				message: 'No security driver uses an override without a model: this seclabel changes nothing. Add model=\'selinux\' (or dac).',
				fixes: ['selinux', 'dac'].map((model, index) => ({
					title: `Add model='${model}'`,
					edits: [setAttribute(context.text, seclabel.element, 'model', model)],
					isPreferred: index === 0,
				})),
			});
		}
	},
};
