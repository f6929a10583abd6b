/**
 * `<disk type='vhostuser'>` before libvirt knew it: 7.0.0 (Debian 11) refuses the disk type itself,
 * before it reads the disk's source or any seclabel in it, so that is the first error the user sees.
 */
import { getAttribute } from '../parser/xmlParser';
import { valueSpan, type Rule } from './rule';
import { since, VHOSTUSER_DISK } from '../version';

export const rule: Rule = {
	id: 'vhostuser-disk-unsupported',
	stage: 'define',
	scope: 'parser',
	title: "A `<disk type='vhostuser'>` for a libvirt older than 7.1.0.",
	libvirtMessage: "unsupported configuration: unknown disk type 'vhostuser'",
	reference: 'G4',
	versions: 'vhost-user disks exist since libvirt 7.1.0 (NEWS: "Introduce `<disk type=\'vhostuser\'>` support"); 7.0.0 refuses the type.',
	description: "libvirt 7.0.0 (Debian 11) does not know vhost-user disks: it refuses the disk type before it reads anything else in the disk, seclabels included. Use a file or block disk there, or target libvirt 7.1.0 or later.",
	example: "<disk type='vhostuser' device='disk'>\n  <source type='unix' path='/run/vhost-blk.sock'/>\n  <target dev='vda' bus='virtio'/>\n</disk>",
	check(context) {
		if (since(context.version, VHOSTUSER_DISK)) {
			return;
		}
		for (const disk of context.doc.disks) {
			const type = getAttribute(disk.element, 'type');
			if (type?.value === 'vhostuser') {
				context.report({
					span: valueSpan(type),
					message: `libvirt ${context.version.text} has no vhost-user disks (they came in 7.1.0): it refuses the disk type.`,
					libvirtMessage: "unsupported configuration: unknown disk type 'vhostuser'",
				});
			}
		}
	},
};
