import { getAttribute } from '../parser/xmlParser';
import { catalogueFor, selinuxDomainSeclabel } from '../selinux/labels';
import { valueSpan, type Rule } from './rule';
import { seclabelType } from './semantics';

export const rule: Rule = {
	id: 'tcg-needs-execmem',
	stage: 'advice',
	severity: 'warning',
	scope: 'qemu',
	title: "A TCG guest (`<domain type='qemu'>`) on a policy without a TCG guest type.",
	reference: 'I4; selinux-semantics §3.3, §8.9',
	description: [
		"QEMU's TCG emulator needs executable memory. Fedora's policy has a guest type for it, `svirt_tcg_t` (line 2 of `virtual_domain_context`), which libvirt uses for `<domain type='qemu'>`; the reference policy has no such line, so the guest runs as `svirt_t` and is denied `execmem` unless the boolean `virt_use_execmem` is on. libvirt logs: *SELinux policy does not define a domain type for QEMU TCG. Guest startup may be denied due to missing 'execmem' privilege unless the 'virt_use_execmem' policy boolean is enabled*.",
		'Reported only when the host\'s `virtual_domain_context` was read and has no second line, and the guest takes its type from it (a dynamic label without `<baselabel>`).',
	].join('\n\n'),
	example: "<domain type='qemu'>…<seclabel type='dynamic' model='selinux'/></domain>",
	check(context) {
		const domainType = context.doc.domain && getAttribute(context.doc.domain, 'type');
		const policy = context.policy;
		if (!domainType || domainType.value !== 'qemu' || !policy?.domainContext || policy.tcgDomainContext) {
			return;
		}
		const seclabel = selinuxDomainSeclabel(context);
		const implicit = context.doc.seclabels.length === 0 && context.hostSecurityModel === 'selinux';
		if (!implicit && (!seclabel || seclabelType(seclabel, context.version) !== 'dynamic' || seclabel.baselabels.length > 0)) {
			return;
		}
		const type = catalogueFor(context).defaults.domainContext.split(':')[2] ?? 'svirt_t';
		context.report({
			span: valueSpan(domainType),
			message: `The host's policy (${policy.source}) names no TCG guest type, so this emulated guest runs as ${type} and is denied executable memory unless the boolean is on: setsebool -P virt_use_execmem on.`,
		});
	},
};
