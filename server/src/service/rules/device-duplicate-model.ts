import { valueSpan, type Rule } from './rule';
import type { DeviceSeclabel } from '../parser/seclabelModel';

export const rule: Rule = {
	id: 'device-duplicate-model',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'Two device seclabels for the same model in one `<source>`.',
	libvirtMessage: 'seclabel for model <model> is already provided',
	reference: 'E1',
	description: 'A disk or character device source takes at most one override per security model. Model-less overrides are never compared (and have no effect, see `device-model-missing`).',
	example: "<source file='/var/lib/libvirt/images/a.qcow2'>\n  <seclabel model='selinux' relabel='no'/>\n  <seclabel model='selinux' relabel='no'/>\n</source>",
	check(context) {
		const bySource = new Map<unknown, DeviceSeclabel[]>();
		for (const seclabel of context.doc.deviceSeclabels) {
			const key = seclabel.element.parent;
			const group = bySource.get(key) ?? [];
			group.push(seclabel);
			bySource.set(key, group);
		}
		for (const group of bySource.values()) {
			// The first override seen for each model on this source: one pass, not one scan per override.
			const first = new Map<string, DeviceSeclabel>();
			group.forEach((seclabel) => {
				const model = seclabel.model?.value;
				if (model === undefined || model === null) {
					return;
				}
				const earlier = first.get(model);
				if (!earlier) {
					first.set(model, seclabel);
				} else {
					context.report({
						span: valueSpan(seclabel.model!),
						message: `A second override for model '${model}' on the same source.`,
						libvirtMessage: `seclabel for model ${model} is already provided`,
						related: [{ uri: '', text: context.text, span: valueSpan(earlier.model!), message: 'The first override for this model' }],
					});
				}
			});
		}
	},
};
