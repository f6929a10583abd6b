import { removeElement } from './edits';
import { nameSpan, type Rule } from './rule';
import { CHARDEV_TYPES_WITH_SECLABEL } from './semantics';

export const rule: Rule = {
	id: 'chardev-seclabel-dropped',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A seclabel in a character device that has no file to label (tcp, udp, …).',
	reference: 'D4',
	description: 'libvirt labels only character devices backed by a file, device node, pipe, pty or UNIX socket. For other types (tcp, udp, spicevmc, …) the override is parsed but dropped from the saved config and never used.',
	example: "<serial type='tcp'>\n  <source mode='bind' host='127.0.0.1' service='4555'>\n    <seclabel model='selinux' relabel='no'/>\n  </source>\n</serial>",
	check(context) {
		for (const chardev of context.doc.chardevs) {
			if (CHARDEV_TYPES_WITH_SECLABEL.includes(chardev.type)) {
				continue;
			}
			for (const seclabel of chardev.seclabels) {
				context.report({
					span: nameSpan(seclabel.element),
					message: `A ${chardev.kind} of type '${chardev.type}' has no file to label; libvirt drops this override.`,
					fixes: [{ title: 'Remove this override', edits: [removeElement(context.text, seclabel.element)], isPreferred: true }],
				});
			}
		}
	},
};
