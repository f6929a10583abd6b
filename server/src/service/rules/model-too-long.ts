import { valueSpan, type Rule } from './rule';
import { MODEL_MAX } from './semantics';

export const rule: Rule = {
	id: 'model-too-long',
	stage: 'ignored',
	scope: 'parser',
	title: 'A domain seclabel `model` longer than 256 characters.',
	reference: 'B1',
	description: 'libvirt reads at most 256 characters of a domain seclabel\'s `model`; a longer value is silently treated as absent, so the seclabel gets the host\'s default model (or "missing security model" errors follow).',
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			const value = seclabel.model?.value;
			if (seclabel.model && value && value.length > MODEL_MAX) {
				context.report({ span: valueSpan(seclabel.model), message: `libvirt ignores a model longer than ${MODEL_MAX} characters and treats the seclabel as model-less.` });
			}
		}
	},
};
