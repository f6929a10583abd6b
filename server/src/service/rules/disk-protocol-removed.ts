import { getAttribute } from '../parser/xmlParser';
import { SHEEPDOG_REFUSED, since } from '../version';
import { valueSpan, type Rule } from './rule';

/**
 * A network disk or backing layer with `protocol='sheepdog'`: QEMU removed the driver (6.0) and
 * libvirt its storage backend (8.8.0); from SHEEPDOG_REFUSED libvirt refuses it once the domain is
 * parsed and its consoles sorted out (a second serial console is reported first), before it validates
 * any device (an empty disk written before it is reported after it), so a malformed seclabel
 * anywhere still comes first. Probed with all four oracles
 * (test/differential/sites.test.ts).
 */
const REMOVED = ['sheepdog'];

export const rule: Rule = {
	id: 'disk-protocol-removed',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: "A network disk source whose protocol libvirt no longer supports (`sheepdog`).",
	libvirtMessage: "unsupported configuration: 'sheepdog' protocol is no longer supported by any hypervisor driver",
	reference: 'E (storage sources)',
	description: "Sheepdog storage is gone from QEMU (6.0) and libvirt (its storage backend since 8.8.0). Newer libvirt refuses a disk or backing store with `<source protocol='sheepdog'>` in the domain XML: `unsupported configuration: 'sheepdog' protocol is no longer supported by any hypervisor driver`. Move the image to another protocol (for example RBD, iSCSI or NBD).",
	versions: '9.0.0 still accepts the XML (a guest could not start with a QEMU of 6.0 or later); 11.3.0 and later refuse it. The refusal is taken from 11.1.0: its commit (most likely f976d1b06c6d) was first released in 11.1.0 or 11.2.0, and a refusal one release early costs nothing for a protocol no supported QEMU has.',
	example: "<disk type='network' device='disk'>\n  <source protocol='sheepdog' name='image'>\n    <host name='sheep.example.org' port='7000'/>\n  </source>\n  <target dev='vda' bus='virtio'/>\n</disk>",
	check(context) {
		if (!since(context.version, SHEEPDOG_REFUSED)) {
			return;
		}
		for (const disk of context.doc.disks) {
			for (const layer of disk.layers) {
				const protocol = layer.type === 'network' && layer.source ? getAttribute(layer.source, 'protocol') : undefined;
				if (!protocol?.value || !REMOVED.includes(protocol.value)) {
					continue;
				}
				context.report({
					span: valueSpan(protocol),
					message: `libvirt no longer supports '${protocol.value}' storage (QEMU removed it): it refuses this ${layer.depth === 0 ? 'disk' : 'backing store'}.`,
					libvirtMessage: `unsupported configuration: '${protocol.value}' protocol is no longer supported by any hypervisor driver`,
				});
			}
		}
	},
};
