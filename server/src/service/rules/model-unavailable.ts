import { nameSpan, valueSpan, type Rule } from './rule';
import { modelOf } from './semantics';

export const rule: Rule = {
	id: 'model-unavailable',
	stage: 'start',
	scope: 'qemu',
	extent: { unit: 'device', reads: ['domain'] },
	title: 'A seclabel for a security model the host does not run.',
	libvirtMessage: "unsupported configuration: Security driver model '<model>' is not available",
	reference: 'H1, A2, O7',
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
		const seclabels = [...context.doc.seclabels, ...context.doc.deviceSeclabels];
		for (const seclabel of seclabels) {
			const model = modelOf(seclabel);
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
