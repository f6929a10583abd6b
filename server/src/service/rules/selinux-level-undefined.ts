import { sensitivityNumber } from '../selinux/context';
import { catalogueFor, refusal, selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

/** Policies built as MCS: one sensitivity, s0. */
const MCS_POLICIES = new Set(['targeted', 'minimum']);

export const rule: Rule = {
	id: 'selinux-level-undefined',
	stage: 'start',
	scope: 'runtime',
	extent: { unit: 'device', reads: ['domain'] },
	title: 'An SELinux level that names a sensitivity or category the policy does not define.',
	reference: 'selinux-semantics §1.2, §1.6',
	description: [
		'Sensitivities and categories are names the policy declares. Fedora, RHEL and the reference policy declare categories `c0` to `c1023` (the window libvirt draws dynamic pairs from); MLS policies declare sensitivities `s0` to `s15`, and MCS policies (targeted, minimum) only `s0`. A level outside that is refused by the kernel.',
		'Sensitivities above `s0` are flagged only when the host\'s policy is known to be an MCS one (targeted or minimum), since MLS hosts use them.',
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux'>\n  <label>system_u:system_r:svirt_t:s0:c1022,c1024</label>\n</seclabel>",
	check(context) {
		const catalogue = catalogueFor(context);
		const mcsOnly = catalogue.policyName !== undefined && MCS_POLICIES.has(catalogue.policyName);
		for (const label of selinuxLabels(context)) {
			if (label.use === 'base') {
				continue;
			}
			for (const problem of label.parsed.problems) {
				if (problem.code === 'unknown-category' || problem.code === 'unknown-sensitivity') {
					context.report({ span: spanInLabel(label, problem.start, problem.end), message: problem.message, ...refusal(context, label) });
				}
			}
			if (!mcsOnly || label.parsed.problems.length > 0) {
				continue;
			}
			for (const level of new Set([label.parsed.low, label.parsed.high])) {
				const number = level && sensitivityNumber(level.sensitivity.text);
				if (level && number !== undefined && number > 0) {
					context.report({
						span: spanInLabel(label, level.sensitivity.start, level.sensitivity.end),
						message: `The host's ${catalogue.policyName} policy is MCS: it defines only the sensitivity s0, so ${level.sensitivity.text} is refused.`,
						...refusal(context, label),
					});
				}
			}
		}
	},
};
