// The 1,000 (or 10,000) generated guests of `npm run bench` (scripts/bench.mjs), shared with
// scripts/bench-cli.mjs so that both time the CLI over the same files (issue #12).
import { targetName } from './bench-domains.mjs';

/** One guest of the generated workspace: a mix of label kinds, static levels unique per guest. */
export function workspaceGuest(i) {
	const disk = (n, extra = '') => `    <disk type='file' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source file='/var/lib/libvirt/images/guest-${i}-${n}.img'/>\n      <target dev='${targetName(n)}' bus='virtio'/>${extra}\n    </disk>`;
	const disks = [disk(0), disk(1)];
	if (i % 10 === 0) {
		// Every tenth guest shares an image with its neighbour, for the shared-image rules.
		disks.push(`    <disk type='file' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source file='/var/lib/libvirt/images/shared-${Math.floor(i / 20)}.img'/>\n      <target dev='vdc' bus='virtio'/>\n      <shareable/>\n    </disk>`);
	}
	let seclabel;
	switch (i % 4) {
		case 0: seclabel = "  <seclabel type='dynamic' model='selinux' relabel='yes'/>"; break;
		case 1: seclabel = `  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c${i % 1024},c${1000 + Math.floor(i / 1024) % 24}</label>\n  </seclabel>`; break;
		case 2: seclabel = `  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:c${i % 1024},c${1000 + Math.floor(i / 1024) % 24}</label>\n  </seclabel>\n  <seclabel type='static' model='dac' relabel='no'>\n    <label>+107:+107</label>\n  </seclabel>`; break;
		default: seclabel = "  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <baselabel>system_u:system_r:svirt_tcg_t:s0</baselabel>\n  </seclabel>";
	}
	return `<domain type='kvm'>\n  <name>guest-${i}</name>\n  <memory unit='KiB'>1048576</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n${disks.join('\n')}\n  </devices>\n${seclabel}\n</domain>\n`;
}
