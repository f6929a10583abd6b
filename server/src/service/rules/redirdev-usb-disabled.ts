import { firstChild } from '../parser/seclabelModel';
import { getAttribute, type XmlElement } from '../parser/xmlParser';
import { nameSpan, type Rule } from './rule';

/**
 * A USB `<redirdev>` in a domain without a USB controller that works: libvirt refuses it when it
 * validates the device (virDomainRedirdevDefValidate, virDomainDefHasUSB), which a user meets
 * before or instead of the label errors of the guest's later devices. A USB controller counts unless
 * its model is `none`. The QEMU driver adds a default USB controller to a guest that names none
 * (qemuDomainDefAddDefaultDevices), so there only `model='none'` disables USB; libvirt's test driver
 * adds none, so there a guest without a `<controller type='usb'>` has no USB. Probed with all four
 * oracles (test/differential/sites.test.ts).
 */
export const rule: Rule = {
	id: 'redirdev-usb-disabled',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'document' },
	title: "A USB `<redirdev>` in a guest whose USB is disabled (`<controller type='usb' model='none'/>`).",
	libvirtMessage: 'unsupported configuration: cannot add redirected USB device: USB is disabled for this domain',
	reference: 'structure (redirdev)',
	description: "USB redirection (`<redirdev bus='usb'>`, SPICE's or a chardev's) needs a USB controller. A guest with only `<controller type='usb' model='none'/>` has USB switched off, and libvirt refuses the redirdev with `unsupported configuration: cannot add redirected USB device: USB is disabled for this domain`. On a QEMU host a guest that names no USB controller gets a default one; libvirt's test driver (`driver: 'test'`) adds none, so there the redirdev needs a `<controller type='usb'>` written out.",
	example: "<controller type='usb' model='none'/>\n<redirdev bus='usb' type='spicevmc'/>",
	check(context) {
		const devices = context.doc.domain ? firstChild(context.doc.domain, 'devices') : undefined;
		if (!devices) {
			return;
		}
		// The model lists these devices (this rule runs on every keystroke, and <devices> may hold
		// 100,000 disks); libvirt's checks here read the first <devices>.
		const redirdevs: XmlElement[] = [];
		const usb: XmlElement[] = [];
		for (const child of context.doc.usbDevices ?? []) {
			if (child.parent !== devices) continue;
			if (child.name === 'redirdev') {
				if ((getAttribute(child, 'bus')?.value ?? 'usb') === 'usb') redirdevs.push(child);
			} else if (child.name === 'controller' && getAttribute(child, 'type')?.value === 'usb') {
				usb.push(child);
			}
		}
		if (redirdevs.length === 0) {
			return;
		}
		if (usb.some((controller) => getAttribute(controller, 'model')?.value !== 'none')) {
			return;
		}
		if (usb.length === 0 && context.driver !== 'test') {
			return;
		}
		const why = usb.length === 0 ? "this guest names no <controller type='usb'> and libvirt's test driver adds none" : "its only USB controller is model='none'";
		for (const redirdev of redirdevs) {
			context.report({
				span: nameSpan(redirdev),
				message: `USB redirection needs a USB controller, and ${why}: libvirt refuses the redirdev.`,
				libvirtMessage: 'unsupported configuration: cannot add redirected USB device: USB is disabled for this domain',
			});
		}
	},
};
