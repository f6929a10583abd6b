import { firstChild, getAttribute } from '../parser/xmlParser';
import { insertChild, removeElement } from './edits';
import { nameSpan, type Rule } from './rule';

export const rule: Rule = {
	id: 'shareable-non-raw',
	stage: 'define',
	scope: 'qemu',
	extent: { unit: 'device' },
	title: '`<shareable/>` on a writable disk whose format is not raw (QEMU driver).',
	libvirtMessage: "unsupported configuration: shared access for disk '<target>' requires use of supported storage format",
	reference: 'G3',
	description: [
		'Only raw images (without LUKS encryption) can be written by several guests at once; qcow2 and other formats keep metadata that concurrent writers corrupt. The QEMU driver refuses a writable shareable disk in any other format when the domain is defined (libvirt\'s generic parser, and its test driver, accept it). A read-only shareable disk is fine.',
		'QEMU driver only. Use `<driver type=\'raw\'/>` with a raw image, or make the disk `<readonly/>`.',
	].join('\n\n'),
	example: "<disk type='file' device='disk'>\n  <driver name='qemu' type='qcow2'/>\n  <source file='/var/lib/libvirt/images/shared.qcow2'/>\n  <target dev='vdb'/>\n  <shareable/>\n</disk>",
	check(context) {
		if (context.driver !== 'qemu') {
			return;
		}
		for (const disk of context.doc.disks) {
			const top = disk.layers[0];
			// cdroms are forced read-only; a volume's format is only known at start.
			if (!disk.shareable || disk.readonly || disk.device === 'cdrom' || top.type === 'volume') {
				continue;
			}
			const format = top.format ?? 'raw';
			const encryption = top.source ? firstChild(top.source, 'encryption') : undefined;
			const luks = encryption && getAttribute(encryption, 'format')?.value === 'luks';
			if (format === 'raw' && !luks) {
				continue;
			}
			const target = disk.targetDev ?? '';
			context.report({
				span: nameSpan(disk.shareable),
				message: luks
					? 'A LUKS-encrypted image cannot be shared by writable guests.'
					: `A writable shareable disk must be raw; this one is ${format}, whose metadata several writers would corrupt.`,
				libvirtMessage: `unsupported configuration: shared access for disk '${target}' requires use of supported storage format`,
				fixes: [
					{ title: 'Make the disk read-only (<readonly/>)', edits: [insertChild(context.text, disk.element, '<readonly/>')] },
					{ title: 'Remove <shareable/>', edits: [removeElement(context.text, disk.shareable)] },
				],
			});
		}
	},
};
