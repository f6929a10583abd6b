import { firstChild } from '../parser/seclabelModel';
import { getAttribute } from '../parser/xmlParser';
import { nameSpan, valueSpan, type Rule } from './rule';

/**
 * A `type='spicevmc'` character device that is not a virtio channel. libvirt refuses it while
 * parsing the device, after the seclabels of its `<source>` and before any later device
 * (virDomainChrDefParseXML), so this error comes before the label errors of the devices after it.
 * libvirt compares the target type's number with the virtio channel's (2), whatever the device
 * kind, so a serial with `usb-serial` and a console with `xen` (2 in their own lists) pass too; a
 * parallel port never does. Target types the device does not know are refused before this, with
 * another message, and are left alone here. Probed with all four oracles (test/differential/sites.test.ts).
 */
const PASSING: Record<string, string> = { channel: 'virtio', serial: 'usb-serial', console: 'xen' };
const KNOWN_TARGETS: Record<string, readonly string[]> = {
	channel: ['guestfwd', 'virtio', 'xen'],
	serial: ['isa-serial', 'usb-serial', 'pci-serial', 'spapr-vio-serial', 'system-serial', 'sclp-serial', 'isa-debug'],
	console: ['serial', 'xen', 'uml', 'virtio', 'lxc', 'openvz', 'sclp', 'sclplm'],
	parallel: [],
};

export const rule: Rule = {
	id: 'chardev-spicevmc-target',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: "A `spicevmc` character device that is not a `<channel>` with `<target type='virtio'/>`.",
	libvirtMessage: 'unsupported configuration: spicevmc device type only supports virtio',
	reference: 'D4',
	description: "A `spicevmc` character device is SPICE's agent channel: libvirt accepts it as `<channel type='spicevmc'>` with `<target type='virtio' name='com.redhat.spice.0'/>` and refuses a serial, console or parallel port of that type while it parses the device, with `unsupported configuration: spicevmc device type only supports virtio`. (libvirt compares the target type's number, so a serial with `type='usb-serial'` and a console with `type='xen'` slip through.)",
	example: "<serial type='spicevmc'>\n  <target port='0'/>\n</serial>",
	check(context) {
		for (const chardev of context.doc.chardevs) {
			if (chardev.type !== 'spicevmc' || !(chardev.kind in KNOWN_TARGETS)) {
				continue;
			}
			const target = firstChild(chardev.element, 'target');
			const targetType = target ? getAttribute(target, 'type')?.value ?? undefined : undefined;
			if (targetType === undefined ? chardev.kind === 'channel' : targetType === PASSING[chardev.kind] || !KNOWN_TARGETS[chardev.kind].includes(targetType)) {
				continue;
			}
			const type = getAttribute(chardev.element, 'type');
			context.report({
				span: type ? valueSpan(type) : nameSpan(chardev.element),
				message: `A spicevmc device is SPICE's agent channel: libvirt takes it only as a <channel> with <target type='virtio'/>, not as this ${chardev.kind}.`,
				libvirtMessage: 'unsupported configuration: spicevmc device type only supports virtio',
			});
		}
	},
};
