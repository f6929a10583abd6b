import { removeAttribute } from './edits';
import { attributeSpan, type Rule } from './rule';

export const rule: Rule = {
	id: 'labelskip-ignored',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'device', reads: ['domain'] },
	title: '`labelskip` in define-time XML.',
	reference: 'E4, D3',
	description: "`labelskip` is an output-only marker of live XML (it tells libvirt not to restore an image's label at shutdown). In define-time XML libvirt ignores it, whatever its value, and an override with only `labelskip` disappears from the saved config. To stop libvirt from labelling an image, use `relabel='no'`.",
	example: "<seclabel model='selinux' labelskip='yes'/>",
	check(context) {
		if (context.live) {
			return;
		}
		for (const seclabel of context.doc.deviceSeclabels) {
			if (seclabel.labelskip) {
				context.report({
					span: attributeSpan(seclabel.labelskip),
					message: "libvirt ignores labelskip in define-time XML; it only appears in a running guest's XML. Use relabel='no' to leave the image's label alone.",
					fixes: [{ title: 'Remove labelskip', edits: [removeAttribute(context.text, seclabel.labelskip)], isPreferred: true }],
				});
			}
		}
	},
};
