import { firstChild, getAttribute } from '../parser/xmlParser';
import type { ChardevModel } from '../parser/seclabelModel';
import { nameSpan, type Rule } from './rule';

/**
 * A file, dev, pipe or unix character device without a `path`: libvirt refuses it when it
 * validates the device (virDomainChrSourceDefValidate), after every device is parsed, so a
 * malformed seclabel anywhere in the devices is reported before it. An empty `path=''` passes, and
 * so does a UNIX channel with a virtio or xen target (libvirt makes its socket path).
 * A console libvirt replaces by a copy of the first serial (ChardevModel.aliasOf) is never validated.
 * Checked with `virsh -c test:///default define` (9.0.0; the alias with all four oracles).
 */
const NEEDS_PATH = ['file', 'dev', 'pipe', 'unix'];

/** A UNIX-socket channel with a virtio or xen target may leave the path to libvirt (guest agent channels). */
function generatesPath(chardev: ChardevModel): boolean {
	const target = chardev.kind === 'channel' && chardev.type === 'unix' ? firstChild(chardev.element, 'target') : undefined;
	const type = target ? getAttribute(target, 'type')?.value : undefined;
	return type === 'virtio' || type === 'xen';
}

export const rule: Rule = {
	id: 'chardev-source-path-missing',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: "A file, device, pipe or UNIX-socket character device without a `path`.",
	libvirtMessage: 'internal error: Missing source path attribute for char device',
	reference: 'D4',
	description: "A character device of `type='file'`, `'dev'`, `'pipe'` or `'unix'` is the file, device node, pipe or socket named by its `<source path='…'/>`, which is also what a seclabel override in that `<source>` labels. Without a `path` libvirt refuses the device (after parsing everything else, so malformed seclabels are reported first).",
	example: "<serial type='file'>\n  <source>\n    <seclabel model='selinux' relabel='no'/>\n  </source>\n</serial>",
	check(context) {
		for (const chardev of context.doc.chardevs) {
			if (chardev.aliasOf || !NEEDS_PATH.includes(chardev.type) || (chardev.source && getAttribute(chardev.source, 'path')) || generatesPath(chardev)) {
				continue;
			}
			context.report({
				span: nameSpan(chardev.source ?? chardev.element),
				message: `A ${chardev.kind} of type '${chardev.type}' needs <source path='…'/>: the ${chardev.type === 'unix' ? 'socket' : chardev.type === 'file' ? 'file' : chardev.type === 'dev' ? 'device node' : 'pipe'} it uses and that libvirt labels.`,
				libvirtMessage: 'internal error: Missing source path attribute for char device',
			});
		}
	},
};
