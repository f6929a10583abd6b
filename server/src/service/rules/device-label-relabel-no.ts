import { removeAttribute, removeElement } from './edits';
import { nameSpan, type Rule } from './rule';
import { deviceRelabel, labelValue, modelForMessage } from './semantics';

export const rule: Rule = {
	id: 'device-label-relabel-no',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: "A device seclabel with both `relabel='no'` and a `<label>`.",
	libvirtMessage: 'XML error: Cannot specify a label if relabelling is turned off. model=<model>',
	reference: 'E6',
	description: "`relabel='no'` means \"leave this image's label alone\"; a `<label>` means \"label it with this\". libvirt refuses the contradiction. Keep the label (and drop `relabel='no'`) to have libvirt apply it, or drop the label to leave the file untouched.",
	example: "<seclabel model='selinux' relabel='no'>\n  <label>system_u:object_r:svirt_image_t:s0</label>\n</seclabel>",
	check(context) {
		for (const seclabel of context.doc.deviceSeclabels) {
			if (deviceRelabel(seclabel) !== false || labelValue(context, seclabel.labels) === null) {
				continue;
			}
			const model = seclabel.model?.value ?? null;
			context.report({
				span: nameSpan(seclabel.labels[0]),
				message: "relabel='no' leaves the image's label alone, so a <label> here contradicts it.",
				libvirtMessage: `XML error: Cannot specify a label if relabelling is turned off. model=${modelForMessage(model, 'device')}`,
				fixes: [
					{ title: "Remove relabel='no' (apply this label)", edits: [removeAttribute(context.text, seclabel.relabel!)], isPreferred: true },
					{ title: 'Remove the <label> (leave the image untouched)', edits: seclabel.labels.map((label) => removeElement(context.text, label)) },
				],
			});
		}
	},
};
