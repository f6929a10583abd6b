import { childElements } from '../parser/seclabelModel';
import { removeElement } from './edits';
import { nameSpan, type Rule } from './rule';

/**
 * The chardev types libvirt knows (virDomainChr enum). For any other value it refuses the type
 * itself ("unknown type presented to host for character device") before counting sources.
 */
const KNOWN_CHARDEV_TYPES = ['null', 'vc', 'pty', 'dev', 'file', 'pipe', 'stdio', 'udp', 'tcp', 'unix', 'spicevmc', 'spiceport', 'nmdm', 'qemu-vdagent', 'dbus'];

export const rule: Rule = {
	id: 'chardev-source-count',
	stage: 'define',
	scope: 'parser',
	title: 'A character device with more `<source>` elements than its type takes.',
	libvirtMessage: 'XML error: only one source element is allowed for character device',
	reference: 'D4',
	description: [
		"A character device reads one `<source>`; only `type='udp'` takes two (the local `bind` end and the remote `connect` end). libvirt refuses a second `<source>` on any other type, and a third on UDP, before it reads any seclabel of the device.",
		"This matters for seclabels because a device override placed in a second `<source>` looks plausible but is never where libvirt reads it: put it in the first `<source>`.",
	].join('\n\n'),
	versions: 'Refused by every version from 7.0.0 to 12.9.0 (checked with `virsh -c test:///default define`). 9.0.0 and later count the sources before reading any seclabel; 7.0.0 reads the first source\'s seclabels first, so a bad seclabel there is the error it reports.',
	example: "<serial type='file'>\n  <source path='/var/log/guest.log'/>\n  <source path='/var/log/other.log'><seclabel model='selinux' relabel='no'/></source>\n</serial>",
	check(context) {
		for (const chardev of context.doc.chardevs) {
			if (!KNOWN_CHARDEV_TYPES.includes(chardev.type)) {
				continue;
			}
			const sources = childElements(chardev.element, 'source');
			const allowed = chardev.type === 'udp' ? 2 : 1;
			if (sources.length <= allowed) {
				continue;
			}
			const extra = sources[allowed];
			context.report({
				span: nameSpan(extra),
				message: allowed === 1
					? `A ${chardev.kind} of type '${chardev.type}' takes one <source>; libvirt refuses this second one.`
					: 'A UDP character device takes two <source> elements (bind and connect); libvirt refuses a third.',
				libvirtMessage: allowed === 1
					? 'XML error: only one source element is allowed for character device'
					: 'XML error: only two source elements are allowed for character device',
				fixes: [{ title: 'Remove the extra <source>', edits: sources.slice(allowed).map((source) => removeElement(context.text, source)), isPreferred: true }],
			});
		}
	},
};
