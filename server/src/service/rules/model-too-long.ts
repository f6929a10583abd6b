import { valueSpan, type Rule } from './rule';
import { exceedsLimit, modelLimit } from './semantics';

export const rule: Rule = {
	id: 'model-too-long',
	stage: 'ignored',
	scope: 'parser',
	title: 'A domain seclabel `model` longer than 256 bytes.',
	reference: 'B1',
	description: 'libvirt reads at most 256 bytes (UTF-8, so fewer characters when they are not ASCII) of a domain seclabel\'s `model`; a longer value is silently treated as absent, so the seclabel gets the host\'s default model (or "missing security model" errors follow).',
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			const value = seclabel.model?.value;
			if (seclabel.model && value && exceedsLimit(value, modelLimit(context.version))) {
				context.report({ span: valueSpan(seclabel.model), message: `libvirt ignores a model longer than ${modelLimit(context.version)} bytes (UTF-8) and treats the seclabel as model-less.` });
			}
		}
	},
};
