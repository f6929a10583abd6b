import { nameSpan, valueSpan, type Rule } from './rule';
import { modelForMessage, modelOf, seclabelType } from './semantics';

export const rule: Rule = {
	id: 'duplicate-model',
	stage: 'define',
	scope: 'parser',
	title: 'Two domain seclabels for the same security model.',
	libvirtMessage: 'seclabel for model <model> is already provided',
	reference: 'C1',
	description: 'A domain has at most one `<seclabel>` per model: typically one `selinux` (or `apparmor`) and one `dac`. Two without a model collide as well (libvirt then prints the model as `(null)`).',
	example: "<seclabel type='dynamic' model='selinux'/>\n<seclabel type='none' model='selinux'/>",
	check(context) {
		const seclabels = context.doc.seclabels;
		// The first seclabel seen for each model (null for model-less ones): one pass, not one scan per seclabel.
		const first = new Map<string | null, (typeof seclabels)[number]>();
		for (let i = 0; i < seclabels.length; i++) {
			const model = modelOf(seclabels[i], context.version);
			const earlier = first.get(model);
			if (!earlier) {
				first.set(model, seclabels[i]);
				continue;
			}
			if (seclabelType(seclabels[i], context.version) === null) {
				continue;
			}
			const shown = modelForMessage(model, 'domain');
			context.report({
				span: seclabels[i].model ? valueSpan(seclabels[i].model!) : nameSpan(seclabels[i].element),
				message: model === null ? 'A second seclabel without a model: each seclabel needs its own model.' : `A second seclabel for model '${model}': a domain has one seclabel per model.`,
				libvirtMessage: `seclabel for model ${shown} is already provided`,
				related: [{ uri: '', text: context.text, span: nameSpan(earlier.element), message: 'The first seclabel for this model' }],
			});
		}
	},
};
