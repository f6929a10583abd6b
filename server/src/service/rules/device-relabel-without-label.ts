import { insertChild, removeAttribute } from './edits';
import { attributeSpan, type Rule } from './rule';
import { labelValue, modelForMessage, yesNo } from './semantics';
import { placeholderLabel } from './label-missing';
import { DEVICE_RELABEL_NEEDS_LABEL, since } from '../version';

export const rule: Rule = {
	id: 'device-relabel-without-label',
	stage: 'define',
	scope: 'parser',
	title: "A device seclabel with `relabel='yes'` written out and no `<label>`.",
	libvirtMessage: 'XML error: Cannot specify relabel if label is missing. model=<model>',
	reference: 'E7',
	versions: "Refused in define-time XML (and at hot-plug) since 9.8.0 (commit a36318be9d6f, first released between 9.3 and 9.8; 11.3.0 and 12.9.0 refuse it); 7.0.0 and 9.0.0 (Debian 11 and 12) accept it and silently drop the override. Live XML accepts it in every version.",
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
			const refused = since(context.version, DEVICE_RELABEL_NEEDS_LABEL);
			const fixes = [{ title: "Remove relabel='yes'", edits: [removeAttribute(context.text, seclabel.relabel!)], isPreferred: true }];
			if (seclabel.labels.length === 0) {
				fixes.push({ title: 'Add a <label>', edits: [insertChild(context.text, seclabel.element, `<label>${placeholderLabel(model, 'image')}</label>`)], isPreferred: false });
			}
			context.report({
				span: attributeSpan(seclabel.relabel!),
				message: refused
					? "relabel='yes' without a <label> says nothing: add the label to apply, or remove relabel='yes'."
					: `libvirt ${context.version.text} silently drops an override with relabel='yes' and no <label> (9.8.0 and later refuse it): add the label to apply, or remove relabel='yes'.`,
				libvirtMessage: refused ? `XML error: Cannot specify relabel if label is missing. model=${modelForMessage(model, 'device')}` : undefined,
				stage: refused ? 'define' : 'ignored',
				fixes,
			});
		}
	},
};
