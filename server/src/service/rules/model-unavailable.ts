import { nameSpan, valueSpan, type Rule } from './rule';
import { modelOf, seclabelType } from './semantics';
import { NONE_LABEL_NEEDS_NO_MODEL, since } from '../version';

export const rule: Rule = {
	id: 'model-unavailable',
	stage: 'start',
	scope: 'qemu',
	title: 'A seclabel for a security model the host does not run.',
	libvirtMessage: "unsupported configuration: Security driver model '<model>' is not available",
	reference: 'H1, A2, O7',
	versions: "From 12.3.0 a domain seclabel with `type='none'` for a model the host does not run no longer stops the guest (NEWS: \"security: Don't error out on security labels of type='none'\"); before, it fails like any other.",
	description: [
		"Before starting a guest libvirt checks every domain and device seclabel's model against the security drivers it runs: the host's primary driver (`selinux` or `apparmor`, the setting `libvirtSeclabel.hostSecurityModel`), plus `dac` for the privileged daemon, plus `none`. Any other model passes `virsh define` and fails at start: `Security driver model 'M' is not available`.",
		"Typical cases: `model='selinux'` on an AppArmor host, a typo (`selinx`), `model='dac'` with the session daemon (`qemu:///session`, which has no DAC driver: not detected here).",
	].join('\n\n'),
	example: "<seclabel type='dynamic' model='smack'/>",
	check(context) {
		const available = new Set(['dac', 'none']);
		if (context.hostSecurityModel !== 'none') {
			available.add(context.hostSecurityModel);
		}
		// From 12.3.0 a type='none' seclabel asks nothing of its model, so an unavailable one is fine.
		const noneIsFine = since(context.version, NONE_LABEL_NEEDS_NO_MODEL);
		const seclabels = [
			...context.doc.seclabels.filter((seclabel) => !(noneIsFine && seclabelType(seclabel, context.version) === 'none')),
			...context.doc.deviceSeclabels,
		];
		for (const seclabel of seclabels) {
			const model = modelOf(seclabel, context.version);
			if (model === null || available.has(model) || !seclabel.model) {
				continue;
			}
			const hostModels = [...available].join(', ');
			context.report({
				span: seclabel.model.value === '' ? nameSpan(seclabel.element) : valueSpan(seclabel.model),
				message: `This host's security drivers are ${hostModels}: a seclabel for '${model}' makes the guest fail to start.`,
				libvirtMessage: `unsupported configuration: Security driver model '${model}' is not available`,
			});
		}
	},
};
