import { firstChild } from '../parser/xmlParser';
import { insertChild, removeElement } from './edits';
import { nameSpan, type Fix, type Rule } from './rule';
import { CHARDEV_ELEMENTS } from '../parser/seclabelModel';
import { READ_SITES, strayReason } from '../parser/parseSites';

/**
 * A `<seclabel>` in a place libvirt's parser does not read. Which places it reads, per release and
 * XML mode, is in parseSites.ts; this rule only words the message.
 */

export const rule: Rule = {
	id: 'seclabel-misplaced',
	stage: 'ignored',
	scope: 'parser',
	title: 'A `<seclabel>` where libvirt never looks for one.',
	reference: 'E (where device seclabels are parsed)',
	description: [
		"libvirt reads `<seclabel>` directly under `<domain>`, in a disk's `<source>` (every disk type) and in the `<source>` of each `<backingStore>` that has a `type`, in `<os><nvram>`'s `<source>` (from libvirt 8.5.0), in a `<dataStore>`'s `<source>` (from 10.10.0), in a `<mirror>` and its backing chain (live XML only: `virsh define` ignores `<mirror>`), and in the first `<source>` of a serial, parallel, console or channel device (for UDP, the first of its two). Anywhere else it is silently ignored, and so is whatever it was meant to do: directly inside `<disk>` or `<devices>`, inside an untyped `<backingStore/>` (which ends the chain), in a smartcard, redirdev, RNG backend, vhost-user interface, TPM or hostdev source.",
		'Each of these places was checked with `virsh -c test:///default define` and a malformed seclabel: libvirt refuses it where it reads it and accepts it everywhere else.',
	].join('\n\n'),
	versions: 'libvirt before 8.5.0 ignores a seclabel in `<nvram>`, before 10.10.0 one in `<dataStore>`.',
	example: "<disk type='file' device='disk'>\n  <seclabel model='selinux' relabel='no'/>\n  <source file='/a.img'/>\n</disk>",
	check(context) {
		for (const element of context.doc.strayseclabels) {
			const parent = element.parent;
			const fixes: Fix[] = [];
			const reason = strayReason(element, context.doc, context.version);
			let message = `libvirt does not read a <seclabel> inside <${parent?.name ?? '?'}>; it is ignored. It reads them ${READ_SITES}.`;
			if (reason) {
				message = reason;
			} else if (parent && (parent.name === 'disk' || parent.name === 'backingStore' || CHARDEV_ELEMENTS.includes(parent.name))) {
				message = `A device seclabel belongs inside the <source> of its <${parent.name}>; here libvirt ignores it.`;
				const source = firstChild(parent, 'source');
				if (source) {
					const xml = context.text.slice(element.start, element.end);
					fixes.push({ title: 'Move it into <source>', edits: [removeElement(context.text, element), insertChild(context.text, source, xml)], isPreferred: true });
				}
			} else if (parent && parent.name === 'source') {
				message = parent.parent && CHARDEV_ELEMENTS.includes(parent.parent.name)
					? `libvirt reads seclabels only in the first <source> of a <${parent.parent.name}>; this one is ignored.`
					: `libvirt does not read a seclabel in the <source> of <${parent.parent?.name ?? '?'}>; it is ignored. It reads them ${READ_SITES}.`;
			}
			fixes.push({ title: 'Remove it', edits: [removeElement(context.text, element)] });
			context.report({ span: nameSpan(element), message, fixes });
		}
	},
};
