import { removeElement } from './edits';
import { nameSpan, type Rule } from './rule';

const UNLABELLED_STORAGE = ['network', 'nvme', 'vhostuser', 'vdpa', 'dir'];

export const rule: Rule = {
	id: 'seclabel-unused-storage',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A seclabel on storage that libvirt never labels (network, NVMe, vhost-user, vDPA, directory).',
	reference: 'J1, N2',
	description: "libvirt labels only local files and block devices. An override in the `<source>` of a network disk (iSCSI, RBD, NBD, …), an NVMe or vhost-user disk has no effect (and libvirt's schema does not allow it there); `type='dir'` disks are skipped with a warning in the log.",
	example: "<disk type='network'>\n  <source protocol='rbd' name='pool/image'>\n    <seclabel model='selinux' relabel='no'/>\n  </source>\n</disk>",
	check(context) {
		for (const disk of context.doc.disks) {
			for (const layer of disk.layers) {
				if (!UNLABELLED_STORAGE.includes(layer.type)) {
					continue;
				}
				for (const seclabel of layer.seclabels) {
					context.report({
						span: nameSpan(seclabel.element),
						message: `libvirt never labels ${layer.type} storage, so this override has no effect.`,
						fixes: [{ title: 'Remove this override', edits: [removeElement(context.text, seclabel.element)], isPreferred: true }],
					});
				}
			}
		}
	},
};
