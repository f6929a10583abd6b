import { setAttribute } from './edits';
import { nameSpan, type Rule } from './rule';
import { modelOf } from './semantics';

export const rule: Rule = {
	id: 'model-missing-multiple',
	stage: 'define',
	scope: 'parser',
	title: 'Several domain seclabels, one of them without `model`.',
	libvirtMessage: 'XML error: missing security model when using multiple labels',
	reference: 'C3',
	description: 'With two or more domain seclabels (for example `selinux` and `dac`), every one of them must name its model; libvirt cannot tell which driver a model-less one belongs to.',
	example: "<seclabel type='dynamic'/>\n<seclabel type='dynamic' model='dac'/>",
	check(context) {
		const seclabels = context.doc.seclabels;
		if (seclabels.length < 2) {
			return;
		}
		const used = new Set(seclabels.map((seclabel) => modelOf(seclabel, context.version)));
		const candidate = ['selinux', 'dac', 'apparmor'].find((model) => !used.has(model)) ?? 'selinux';
		for (const seclabel of seclabels) {
			if (modelOf(seclabel, context.version) !== null) {
				continue;
			}
			context.report({
				span: nameSpan(seclabel.element),
				message: 'With more than one seclabel, each must say which security model it is for.',
				libvirtMessage: 'XML error: missing security model when using multiple labels',
				fixes: [{ title: `Add model='${candidate}'`, edits: [setAttribute(context.text, seclabel.element, 'model', candidate)], isPreferred: true }],
			});
		}
	},
};
