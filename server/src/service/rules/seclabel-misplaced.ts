import { firstChild } from '../parser/xmlParser';
import { insertChild, removeElement } from './edits';
import { nameSpan, type Fix, type Rule } from './rule';
import { CHARDEV_ELEMENTS } from '../parser/seclabelModel';

export const rule: Rule = {
	id: 'seclabel-misplaced',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'document' },
	title: 'A `<seclabel>` where libvirt never looks for one.',
	reference: 'E (where device seclabels are parsed)',
	description: "libvirt reads `<seclabel>` in exactly three places: directly under `<domain>`, inside a disk's (or backing store's) `<source>`, and inside a character device's first `<source>`. Anywhere else, for example directly inside `<disk>` or `<devices>`, it is silently ignored, and so is whatever it was meant to do.",
	example: "<disk type='file' device='disk'>\n  <seclabel model='selinux' relabel='no'/>\n  <source file='/a.img'/>\n</disk>",
	check(context) {
		for (const element of context.doc.strayseclabels) {
			const parent = element.parent;
			const fixes: Fix[] = [];
			let message = `libvirt does not read a <seclabel> inside <${parent?.name ?? '?'}>; it is ignored.`;
			if (parent && (parent.name === 'disk' || parent.name === 'backingStore' || CHARDEV_ELEMENTS.includes(parent.name))) {
				message = `A device seclabel belongs inside the <source> of its <${parent.name}>; here libvirt ignores it.`;
				const source = firstChild(parent, 'source');
				if (source) {
					const xml = context.text.slice(element.start, element.end);
					fixes.push({ title: 'Move it into <source>', edits: [removeElement(context.text, element), insertChild(context.text, source, xml)], isPreferred: true });
				}
			} else if (parent && parent.name === 'source') {
				message = `libvirt reads seclabels only in the first <source> of a ${parent.parent?.name ?? 'device'}; this one is ignored.`;
			}
			fixes.push({ title: 'Remove it', edits: [removeElement(context.text, element)] });
			context.report({ span: nameSpan(element), message, fixes });
		}
	},
};
