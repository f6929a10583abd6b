import { childElements } from '../parser/seclabelModel';
import { getAttribute } from '../parser/xmlParser';
import { removeElement, setAttribute } from './edits';
import { attributeSpan, nameSpan, type Rule } from './rule';

/**
 * virDomainDiskVhostUserValidate, in its order (all four oracles, hand probes on 2026-12-02 and
 * 12-03): the bus (virtio only; without `bus=` libvirt takes it from the target's name, `vd…` being
 * virtio and a floppy always fdc), any `<backingStore>`, then readonly (which a cdrom always is),
 * shareable, transient. test/differential/parseOrder.ts orders the reports the same way.
 */

export const rule: Rule = {
	id: 'vhostuser-disk-flags',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A bus other than virtio, a `<backingStore>`, `<readonly/>` (or a cdrom), `<shareable/>` or `<transient/>` on a vhost-user disk.',
	libvirtMessage: 'unsupported configuration: shareable is not supported with vhostuser disk',
	reference: 'G4',
	description: 'A vhost-user disk is served by an external process that decides about access itself; libvirt refuses `readonly` (which a `device=\'cdrom\'` always is), `shareable` and `transient` on it, and any `<backingStore>` (even the `<backingStore/>` that ends a chain), which it checks before them: `unsupported configuration: backingStore is not supported with vhostuser disk`. Before all of these it wants the virtio bus: `unsupported configuration: vhostuser disk supports only virtio bus`.',
	check(context) {
		for (const disk of context.doc.disks) {
			if (disk.layers[0].type !== 'vhostuser') {
				continue;
			}
			const target = childElements(disk.element, 'target')[0];
			const bus = target ? getAttribute(target, 'bus') : undefined;
			const busName = bus?.value ?? (disk.device === 'floppy' ? 'fdc' : disk.targetDev?.startsWith('vd') ? 'virtio' : 'another bus');
			if (target && busName !== 'virtio') {
				context.report({
					span: bus ? attributeSpan(bus) : nameSpan(target),
					message: `A vhost-user disk is a virtio device; libvirt refuses it on ${bus ? `bus '${bus.value}'` : `the bus it takes from the target name '${disk.targetDev ?? ''}'`}.`,
					libvirtMessage: 'unsupported configuration: vhostuser disk supports only virtio bus',
					...(bus ? { fixes: [{ title: "Use bus='virtio'", edits: [setAttribute(context.text, target, 'bus', 'virtio')], isPreferred: true }] } : {}),
				});
			}
			const backing = childElements(disk.element, 'backingStore')[0];
			if (backing) {
				context.report({
					span: nameSpan(backing),
					message: 'A vhost-user disk has no backing chain libvirt could open: the backend serves the image; libvirt refuses <backingStore> on it.',
					libvirtMessage: 'unsupported configuration: backingStore is not supported with vhostuser disk',
					fixes: [{ title: 'Remove <backingStore>', edits: [removeElement(context.text, backing)], isPreferred: true }],
				});
			}
			if (disk.device === 'cdrom' && !disk.readonly) {
				const device = getAttribute(disk.element, 'device');
				context.report({
					span: device ? attributeSpan(device) : nameSpan(disk.element),
					message: 'A cdrom is always read-only, and the vhost-user backend controls access itself; libvirt refuses a read-only vhost-user disk.',
					libvirtMessage: 'unsupported configuration: readonly is not supported with vhostuser disk',
				});
			}
			for (const [flag, element] of [['readonly', disk.readonly], ['shareable', disk.shareable], ['transient', disk.transient]] as const) {
				if (!element) {
					continue;
				}
				context.report({
					span: nameSpan(element),
					message: `The vhost-user backend controls access itself; libvirt refuses <${flag}/> on such a disk.`,
					libvirtMessage: `unsupported configuration: ${flag} is not supported with vhostuser disk`,
					fixes: [{ title: `Remove <${flag}/>`, edits: [removeElement(context.text, element)], isPreferred: true }],
				});
			}
		}
	},
};
