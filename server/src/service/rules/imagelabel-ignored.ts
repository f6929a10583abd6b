import { markLive, removeElement } from './edits';
import { nameSpan, type Fix, type Rule } from './rule';
import { domainRelabel, modelOf, runningGuestDumpId, seclabelType } from './semantics';

export const rule: Rule = {
	id: 'imagelabel-ignored',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'domain' },
	title: 'An `<imagelabel>` that libvirt never reads.',
	reference: 'B9, D2',
	description: "`<imagelabel>` is output-only: libvirt computes it at start (the image type from `virtual_image_context` with the process label's MCS level) and ignores it in define-time XML. In live XML it is read only when relabelling is on and the type is not `none`, and only the first one. To give one disk a custom label, put `<seclabel model='selinux'><label>…</label></seclabel>` in that disk's `<source>`. A `<domain id='N'>` (a running guest's `virsh dumpxml`) is define-time XML to `virsh define` too; a file kept as the record of the running guest can say so with `<!-- libvirt-seclabel: live -->` (a quick fix adds it).",
	example: "<seclabel type='static' model='selinux' relabel='yes'>\n  <label>…</label>\n  <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n</seclabel>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			const type = seclabelType(seclabel, context.version);
			if (type === null || seclabel.imagelabels.length === 0) {
				continue;
			}
			const readWhenLive = type !== 'none' && modelOf(seclabel, context.version) !== 'none' && domainRelabel(seclabel, context.version) === true;
			const read = context.live && readWhenLive;
			seclabel.imagelabels.forEach((imagelabel, index) => {
				if (read && index === 0) {
					return;
				}
				let message = !context.live
					? '<imagelabel> is output-only: libvirt computes the image label at every start and ignores this one. Use a <seclabel> in a disk\'s <source> to label one image differently.'
					: index > 0 && read
						? 'libvirt reads only the first <imagelabel>; this one is ignored.'
						: 'Without relabelling (or with type/model none) libvirt has no image label and ignores this <imagelabel>.';
				const fixes: Fix[] = [{ title: 'Remove the ignored <imagelabel>', edits: [removeElement(context.text, imagelabel)], isPreferred: true }];
				// Read as live XML, this one would be read: say so for a running guest's dump.
				const id = readWhenLive && index === 0 ? runningGuestDumpId(context) : undefined;
				if (id) {
					message += ` (id='${id.value}' says this is a running guest's dump: \`virsh define\` drops the image label it generated; if the file is the record of the running guest, mark it live.)`;
					fixes.push({ title: 'Mark the file as live XML (the record of a running guest)', edits: [markLive(context.text, context.doc.domain!)] });
				}
				context.report({ span: nameSpan(imagelabel), message, fixes });
			});
		}
	},
};
