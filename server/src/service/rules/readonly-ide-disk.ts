import { removeElement } from './edits';
import { nameSpan, type Rule } from './rule';

/** The bus libvirt assumes from the target name when `bus` is not written. */
function busOf(bus: string | undefined, dev: string | undefined): string | undefined {
	if (bus) {
		return bus;
	}
	if (dev?.startsWith('hd')) {
		return 'ide';
	}
	return undefined;
}

export const rule: Rule = {
	id: 'readonly-ide-disk',
	stage: 'define',
	scope: 'qemu',
	extent: { unit: 'device' },
	title: 'A read-only IDE or SATA hard disk (QEMU driver).',
	libvirtMessage: 'unsupported configuration: readonly ide disks are not supported',
	reference: 'G5',
	description: "QEMU cannot emulate a read-only IDE or SATA hard disk, and the QEMU driver refuses one when the domain is defined. Use `device='cdrom'` for read-only media on those buses, or a virtio/SCSI bus. (libvirt's generic parser and test driver accept it.)",
	example: "<disk type='file' device='disk'>\n  <source file='/a.img'/>\n  <target dev='hda' bus='ide'/>\n  <readonly/>\n</disk>",
	check(context) {
		if (context.driver !== 'qemu') {
			return;
		}
		for (const disk of context.doc.disks) {
			const bus = busOf(disk.bus, disk.targetDev);
			if (disk.device !== 'disk' || !disk.readonly || (bus !== 'ide' && bus !== 'sata')) {
				continue;
			}
			context.report({
				span: nameSpan(disk.readonly),
				message: `QEMU cannot emulate a read-only ${bus.toUpperCase()} hard disk; use device='cdrom' or a virtio/SCSI bus.`,
				libvirtMessage: `unsupported configuration: readonly ${bus} disks are not supported`,
				fixes: [{ title: 'Remove <readonly/>', edits: [removeElement(context.text, disk.readonly)] }],
			});
		}
	},
};
