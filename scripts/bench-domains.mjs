// The generated domains of `npm run bench` (scripts/bench.mjs), shared with scripts/bench-memory.mjs so
// that both measure the same input: the 35 KB, 3.5 MB and 35 MB domains of issue #12.

/** vda, vdb, … vdz, vdaa, …: disk target names as libvirt writes them. */
export function targetName(index) {
	let name = '';
	for (let n = index; ; n = Math.floor(n / 26) - 1) {
		name = String.fromCharCode(97 + (n % 26)) + name;
		if (n < 26) break;
	}
	return `vd${name}`;
}

/** A domain with `disks` file disks, each with its own device label; schema-valid for libvirt. */
export function bigDomain(disks) {
	const lines = [
		"<domain type='kvm'>",
		`  <name>bench-${disks}</name>`,
		"  <memory unit='KiB'>2097152</memory>",
		'  <os>',
		"    <type arch='x86_64'>hvm</type>",
		'  </os>',
		'  <devices>',
	];
	for (let i = 0; i < disks; i++) {
		// Each disk carries the guest's own level, as libvirt labels a static guest's images; the
		// edits below move one disk off it and back, so the diagnostics change with every edit.
		lines.push(
			"    <disk type='file' device='disk'>",
			"      <driver name='qemu' type='raw'/>",
			`      <source file='/var/lib/libvirt/images/bench-disk-${i}.img'>`,
			"        <seclabel model='selinux' relabel='yes'>",
			`          <label>system_u:object_r:${i % 3 === 2 ? 'virt_content_t' : 'svirt_image_t'}:s0:c100,c200</label>`,
			'        </seclabel>',
			'      </source>',
			`      <target dev='${targetName(i)}' bus='virtio'/>`,
			'    </disk>',
		);
	}
	lines.push('  </devices>', "  <seclabel type='static' model='selinux' relabel='yes'>", '    <label>system_u:system_r:svirt_t:s0:c100,c200</label>', '  </seclabel>', '</domain>', '');
	return lines.join('\n');
}
