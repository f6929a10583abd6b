import { getAttribute } from '../parser/xmlParser';
import { LUN_VALIDATION, since } from '../version';
import { nameSpan, valueSpan, type Rule } from './rule';

/**
 * A `device='lun'` disk (SCSI passthrough) on a source that is not a block device, a volume or an
 * iSCSI LUN, or (from LUN_VALIDATION) in a format other than raw. libvirt refuses it when it
 * validates the domain (virDomainDiskDefValidate, after every device is parsed, before the disk's
 * other checks), so a malformed seclabel anywhere is reported first. Probed with all four oracles
 * (test/differential/sites.test.ts).
 */
export const rule: Rule = {
	id: 'disk-lun-invalid',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: "A `device='lun'` disk whose source is not a block device, volume or iSCSI LUN, or whose format is not raw.",
	libvirtMessage: "unsupported configuration: disk device='lun' is only valid for block type disk source",
	reference: 'E (storage sources)',
	description: "`device='lun'` passes SCSI commands through to the device itself, so libvirt wants something that is one: a `type='block'` source, a storage volume, or an iSCSI network source, read as raw. Anything else is refused when the domain is validated: `unsupported configuration: disk device='lun' is only valid for block type disk source`, `... is not supported for protocol='P'`, `disk device 'lun' must use 'raw' format`. Use `device='disk'` for an image file.",
	versions: "With the QEMU driver every release gives the cause and wants raw (its own validation, since 6.4.0, runs before the common check). With other drivers libvirt 7.0.0 says `unsupported configuration: disk 'X' improperly configured for a device='lun'` for every wrong source and accepts a lun in another format; 9.0.0 and later give the cause and want raw (the QEMU driver's check moved into common code).",
	example: "<disk type='file' device='lun'>\n  <source file='/var/lib/libvirt/images/a.img'/>\n  <target dev='sda' bus='scsi'/>\n</disk>",
	check(context) {
		// The QEMU driver's device validation (qemuDomainDefValidateDiskLunSource, 6.4.0) runs before
		// the common check and says the cause; other drivers get the common words before LUN_VALIDATION.
		const precise = since(context.version, LUN_VALIDATION) || context.driver === 'qemu';
		for (const disk of context.doc.disks) {
			if (disk.device !== 'lun') {
				continue;
			}
			const top = disk.layers[0];
			const device = getAttribute(disk.element, 'device');
			const span = device ? valueSpan(device) : nameSpan(disk.element);
			const protocol = top.type === 'network' && top.source ? getAttribute(top.source, 'protocol')?.value ?? undefined : undefined;
			if (!(top.type === 'block' || top.type === 'volume' || (top.type === 'network' && protocol === 'iscsi'))) {
				// A network source without a known protocol is refused while parsing (storage-source-invalid).
				if (top.type === 'network' && !protocol) continue;
				const libvirtMessage = !precise
					? `unsupported configuration: disk '${disk.targetDev ?? ''}' improperly configured for a device='lun'`
					: top.type === 'network'
						? `unsupported configuration: disk device='lun' is not supported for protocol='${protocol}'`
						: "unsupported configuration: disk device='lun' is only valid for block type disk source";
				context.report({
					span,
					message: `A lun passes SCSI commands to a device: libvirt takes it on a block device, a volume or an iSCSI LUN, not on ${top.type === 'network' ? `protocol '${protocol}'` : `a ${top.type} source`}. Use device='disk' for an image.`,
					libvirtMessage,
				});
				continue;
			}
			if (precise && top.format !== undefined && top.format !== 'raw' && top.format !== 'none') {
				context.report({
					span,
					message: `A lun is read as raw SCSI; libvirt refuses it with <driver type='${top.format}'/>.`,
					libvirtMessage: "unsupported configuration: disk device 'lun' must use 'raw' format",
				});
			}
		}
	},
};
