import { markLive, removeElement, setAttribute } from './edits';
import { nameSpan, type Fix, type Rule } from './rule';
import { modelOf, runningGuestDumpId, seclabelType } from './semantics';

export const rule: Rule = {
	id: 'label-ignored',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'domain' },
	title: 'A `<label>` that libvirt never reads.',
	reference: 'B8, D2',
	description: [
		"libvirt reads a domain `<label>` only for `type='static'`, and in live XML for every type except `none`. Under `type='dynamic'` (or no type) in define-time XML the label is output-only: libvirt generates a new one at every start and drops what was written. Under `type='none'` or `model='none'` there is no label at all. Only the first `<label>` is read.",
		"To choose the guest's SELinux type while keeping dynamic categories, use `<baselabel>`; to run with exactly this label, use `type='static'`.",
		"A `<domain id='N'>` is a running guest's `virsh dumpxml`; `virsh define` reads it as define-time XML all the same and drops the generated label. A file kept as the record of the running guest can say so with `<!-- libvirt-seclabel: live -->` before the root (a quick fix adds it).",
	].join('\n\n'),
	example: "<seclabel type='dynamic' model='selinux'>\n  <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n</seclabel>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			const type = seclabelType(seclabel, context.version);
			if (type === null || seclabel.labels.length === 0) {
				continue;
			}
			const modelNone = modelOf(seclabel, context.version) === 'none';
			const read = !modelNone && (type === 'static' || (context.live && type !== 'none'));
			seclabel.labels.forEach((label, index) => {
				if (read && index === 0) {
					return;
				}
				let message: string;
				const fixes: Fix[] = [{ title: 'Remove the ignored <label>', edits: [removeElement(context.text, label)], isPreferred: true }];
				if (index > 0 && read) {
					message = 'libvirt reads only the first <label>; this one is ignored.';
				} else if (modelNone) {
					message = "The 'none' model has no labels; libvirt ignores this <label>.";
				} else if (type === 'none') {
					message = "An unconfined seclabel (type='none') has no label; libvirt ignores this <label>.";
				} else {
					message = `libvirt ignores a <label> under a ${type === 'dynamic' ? 'dynamic' : 'type-less'} seclabel in define-time XML: it generates a fresh label at every start. Use <baselabel> to choose the type, or type='static' to keep this label.`;
					fixes.push({ title: "Switch to type='static' to keep this label", edits: [setAttribute(context.text, seclabel.element, 'type', 'static')] });
					// Read as live XML, the first label would be read: say so for a running guest's dump.
					const id = index === 0 ? runningGuestDumpId(context) : undefined;
					if (id) {
						message += ` (id='${id.value}' says this is a running guest's dump: \`virsh define\` drops the label it generated; if the file is the record of the running guest, mark it live.)`;
						fixes.push({ title: 'Mark the file as live XML (the record of a running guest)', edits: [markLive(context.text, context.doc.domain!)] });
					}
				}
				context.report({ span: nameSpan(label), message, fixes });
			});
		}
	},
};
