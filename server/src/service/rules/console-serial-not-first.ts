import { firstChild, getAttribute } from '../parser/xmlParser';
import { nameSpan, type Rule } from './rule';

/**
 * A `<console>` after the first with a serial target (or no target type, which means serial).
 * libvirt's console compatibility step (virDomainDefAddConsoleCompat, after parsing and before
 * validation) makes the first console an alias of the first serial port and refuses a serial
 * target anywhere else; a malformed seclabel is reported before it, a missing chardev path after.
 * Checked with `virsh -c test:///default define`.
 */
export const rule: Rule = {
	id: 'console-serial-not-first',
	stage: 'define',
	scope: 'parser',
	title: 'A second `<console>` with a serial target.',
	libvirtMessage: 'unsupported configuration: Only the first console can be a serial port',
	reference: 'D (console aliasing)',
	description: [
		"Only the first `<console>` may have a serial target: libvirt makes it an alias of the first `<serial>` (and, when their sources differ, replaces it by a copy of that serial, so its own seclabels are never used). A later console needs another target type, such as `virtio`; without a `type` on its `<target>` it is a serial console too.",
	].join('\n\n'),
	example: "<console type='pty'><target type='serial' port='0'/></console>\n<console type='pty'><target type='serial' port='1'/></console>",
	check(context) {
		const consoles = context.doc.chardevs.filter((chardev) => chardev.kind === 'console');
		for (const console of consoles.slice(1)) {
			const target = firstChild(console.element, 'target');
			const type = target ? getAttribute(target, 'type')?.value ?? 'serial' : 'serial';
			if (type !== 'serial') {
				continue;
			}
			context.report({
				span: nameSpan(target ?? console.element),
				message: "Only the first <console> can be the serial console; give this one another target type (type='virtio').",
				libvirtMessage: 'unsupported configuration: Only the first console can be a serial port',
			});
			break;
		}
	},
};
