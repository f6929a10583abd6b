import { getAttribute } from '../parser/xmlParser';
import { CHARDEV_VDAGENT_DBUS, since } from '../version';
import { valueSpan, type Rule } from './rule';

/**
 * A serial, parallel, console or channel `type` that libvirt does not know: it refuses the device
 * while parsing it, before the seclabels of its `<source>` (virDomainChrDefParseXML), so the user
 * meets this error first. `qemu-vdagent` and `dbus` are unknown to 7.0.0 (CHARDEV_VDAGENT_DBUS); an
 * empty type is unknown everywhere. Probed with all four oracles (test/differential/sites.test.ts).
 */
const KNOWN = ['null', 'vc', 'pty', 'dev', 'file', 'pipe', 'stdio', 'udp', 'tcp', 'unix', 'spicevmc', 'spiceport', 'nmdm'];
const NEWER = ['qemu-vdagent', 'dbus'];

export const rule: Rule = {
	id: 'chardev-type-invalid',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A character device `type` libvirt does not know.',
	libvirtMessage: 'unsupported configuration: unknown type presented to host for character device: bogus',
	reference: 'D4',
	description: "A character device's `type` says what its `<source>` is (pty, file, unix, tcp, udp, dev, pipe, spiceport, nmdm, null, vc, stdio, spicevmc, qemu-vdagent, dbus). libvirt refuses any other value while it parses the device, before it reads a seclabel in it: `unsupported configuration: unknown type presented to host for character device: T`.",
	versions: 'libvirt before 8.4.0 (7.0.0 proven) does not know `qemu-vdagent` or `dbus`; 8.4.0 added both (its NEWS: "qemu: add qemu-vdagent channel", "qemu: D-Bus display").',
	example: "<serial type='socket'>\n  <source mode='connect' path='/run/guest.sock'/>\n</serial>",
	check(context) {
		for (const chardev of context.doc.chardevs) {
			const type = getAttribute(chardev.element, 'type');
			if (!type || type.value === null || KNOWN.includes(type.value) || (NEWER.includes(type.value) && since(context.version, CHARDEV_VDAGENT_DBUS))) {
				continue;
			}
			context.report({
				span: valueSpan(type),
				message: `'${type.value}' is not a character device type libvirt ${context.version.text} knows; it refuses the device before reading its seclabels.`,
				libvirtMessage: `unsupported configuration: unknown type presented to host for character device: ${type.value}`,
			});
		}
	},
};
