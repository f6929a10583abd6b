import { insertChild, removeAttribute } from './edits';
import { attributeSpan, type Rule } from './rule';
import { labelValue, modelForMessage, yesNo } from './semantics';
import { placeholderLabel } from './label-missing';
import { atLeast } from '../version';

export const rule: Rule = {
	id: 'device-relabel-without-label',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device', reads: ['domain'] },
	title: "A device seclabel with `relabel='yes'` written out and no `<label>`.",
	libvirtMessage: 'XML error: Cannot specify relabel if label is missing. model=<model>',
	reference: 'E7',
	versions: "libvirt 10.7.0 refuses it in define-time XML (and at hot-plug); libvirt 9.0.0 (Debian 12) accepts it and silently drops the override. Live XML accepts it in both.",
	description: "An override with `relabel='yes'` but no label asks libvirt to relabel the image with… the default it would use anyway. Newer libvirt refuses it; older libvirt drops it without a word. Either add the `<label>` you meant, or remove `relabel='yes'` (or the whole override).",
	example: "<source file='/var/lib/libvirt/images/a.img'>\n  <seclabel model='selinux' relabel='yes'/>\n</source>",
	check(context) {
		if (context.live) {
			return;
		}
		for (const seclabel of context.doc.deviceSeclabels) {
			if (yesNo(seclabel.relabel) !== true || labelValue(context, seclabel.labels) !== null) {
				continue;
			}
			const model = seclabel.model?.value ?? null;
			const refused = atLeast(context.version, '10.7.0');
			const fixes = [{ title: "Remove relabel='yes'", edits: [removeAttribute(context.text, seclabel.relabel!)], isPreferred: true }];
			if (seclabel.labels.length === 0) {
				fixes.push({ title: 'Add a <label>', edits: [insertChild(context.text, seclabel.element, `<label>${placeholderLabel(model, 'image')}</label>`)], isPreferred: false });
			}
			context.report({
				span: attributeSpan(seclabel.relabel!),
				message: refused
					? "relabel='yes' without a <label> says nothing: add the label to apply, or remove relabel='yes'."
					: `libvirt ${context.version.text} silently drops an override with relabel='yes' and no <label> (10.7.0 refuses it): add the label to apply, or remove relabel='yes'.`,
				libvirtMessage: refused ? `XML error: Cannot specify relabel if label is missing. model=${modelForMessage(model, 'device')}` : undefined,
				stage: refused ? 'define' : 'ignored',
				fixes,
			});
		}
	},
};
