import { removeElement } from './edits';
import { nameSpan, type Rule } from './rule';
import { describeOwner, rootName } from '../parser/seclabelModel';
import { deviceRelabel, domainRelabel, effectiveDomainModels, effectiveDomainRelabels, seclabelType, yesNo } from './semantics';
import { atLeast, NORELABEL_OVERRIDE_ALLOWED, since } from '../version';

export const rule: Rule = {
	id: 'device-override-needs-relabel',
	stage: 'define',
	scope: 'parser',
	// Not per device: whether a <console> is validated depends on the first serial's source (aliasOf),
	// so an edit of the serial can change the console's finding.
	extent: { unit: 'document' },
	title: 'A device seclabel for a model whose domain seclabel has relabelling off.',
	libvirtMessage: 'unsupported configuration: label overrides require relabeling to be enabled at the domain level',
	reference: 'E8',
	versions: "From 12.8.0 (Debian sid's 12.8.0 and 12.9.0 checked) an override that only says `relabel='no'` (no label) is accepted, since it asks for what the domain does anyway; 11.3.0 and older refuse it too.",
	description: [
		"When the domain's seclabel for a model does not relabel (`type='none'`, `type='static'` with the default `relabel='no'`, or `model='none'`), libvirt touches no file for that model, so a per-device override for the same model, even a harmless `relabel='no'`, is refused. The check is per model: a `dac` override is fine under a `none` SELinux label. It covers backing stores and character devices too, but not the NVRAM, a data store, or a `<console>` that libvirt replaces by a copy of the first serial port (a serial-target console whose source differs from the serial's: its own seclabels are parsed, never validated).",
		"Turn relabelling on at the domain level (`relabel='yes'` on a static label), or remove the override.",
		"The model is compared after parsing: on a real host a lone model-less domain seclabel takes the host's default model (and with default model `none` its relabelling is off). libvirt's test driver (`driver: 'test'`) has no default model, so such a seclabel keeps no model there, and a model-less device seclabel matches it (checked with `virsh -c test:///default define`).",
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux'><label>…</label></seclabel>\n…<source file='/a.img'><seclabel model='selinux' relabel='no'/></source>",
	check(context) {
		const domainSeclabels = context.doc.seclabels;
		// Status files (<domstatus>) are parsed without the validation step this rule lives in.
		if (domainSeclabels.length === 0 || (context.doc.xml.root && rootName(context.doc.xml.root)) === 'domstatus') {
			return;
		}
		if (domainSeclabels.some((seclabel) => seclabelType(seclabel, context.version) === null || domainRelabel(seclabel, context.version) === null)) {
			return;
		}
		const models = effectiveDomainModels(context);
		const relabels = effectiveDomainRelabels(context);
		if (!relabels.includes(false)) {
			// Every domain seclabel relabels: no override can be refused (and 10,000 disks are not walked).
			return;
		}
		const norelabelAllowed = since(context.version, NORELABEL_OVERRIDE_ALLOWED);
		for (const seclabel of context.doc.deviceSeclabels) {
			// A console that only aliases the first serial is replaced by a copy of it before validation.
			// libvirt validates the overrides of disks (and their backing chains) and chardevs only: not
			// the NVRAM's or a data store's (checked with virsh define, 9.0.0 and 11.3.0).
			if (deviceRelabel(seclabel) === null || (norelabelAllowed && yesNo(seclabel.relabel) === false)
				|| (seclabel.owner.kind === 'chardev' && seclabel.owner.chardev.aliasOf)
				// 7.0.0 replaces a UDP chardev's first-source seclabels by its second source's before validating.
				|| (seclabel.replacedBefore !== undefined && !atLeast(context.version, seclabel.replacedBefore))
				|| seclabel.owner.kind === 'nvram' || (seclabel.owner.kind === 'disk' && seclabel.owner.source.role === 'dataStore')) {
				continue;
			}
			const model = seclabel.model?.value ?? null;
			const index = models.findIndex((domainModel, i) => domainModel === model && relabels[i] === false);
			if (index < 0) {
				continue;
			}
			const domainSeclabel = domainSeclabels[index];
			context.report({
				span: nameSpan(seclabel.element),
				message: `The domain's ${model === null ? 'model-less' : `'${model}'`} seclabel does not relabel anything, so this override on the ${describeOwner(seclabel.owner)} is refused.`,
				libvirtMessage: 'unsupported configuration: label overrides require relabeling to be enabled at the domain level',
				related: [{ uri: '', text: context.text, span: nameSpan(domainSeclabel.element), message: 'The domain seclabel with relabelling off' }],
				fixes: [{ title: 'Remove this override', edits: [removeElement(context.text, seclabel.element)], isPreferred: true }],
			});
		}
	},
};
