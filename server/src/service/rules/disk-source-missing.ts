import { getAttribute } from '../parser/xmlParser';
import { DISK_SOURCE_VALIDATED, since, STORAGE_PROP_PARSING } from '../version';
import { nameSpan, type Rule } from './rule';

/**
 * A disk that is neither a cdrom nor a floppy and has no source: a file, block or dir disk without
 * its `file`, `dev` or `dir` (or with an empty one), or a network disk whose protocol is `none`.
 * libvirt refuses it (virStorageSourceIsEmpty), and the user meets this error before or instead of a
 * label error in the same domain: from 9.0.0 when the domain is validated (after every device is
 * parsed, after the disk's own seclabel cross-check up to 11.3.0, before it in 12.9.0), in 7.0.0
 * while parsing the disk (after its own source's seclabels, before its backing chain). A volume,
 * NVMe or vhost-user disk is never empty to libvirt. Probed with all four oracles
 * (test/differential/sites.test.ts).
 */
const PATH_ATTRIBUTE: Record<string, string> = { file: 'file', block: 'dev', dir: 'dir' };

export const rule: Rule = {
	id: 'disk-source-missing',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A disk (not a cdrom or floppy) without source information.',
	libvirtMessage: 'missing source information for device vda',
	reference: 'E (storage sources)',
	description: "Only a removable drive (`device='cdrom'` or `'floppy'`) may be empty. A `type='file'`, `'block'` or `'dir'` disk needs `<source file=…>`, `dev=…` or `dir=…`, which is also the file a seclabel override in that `<source>` labels; without it libvirt refuses the domain with `missing source information for device X`, where X is the target's `dev`.",
	versions: 'libvirt 7.0.0 reports it while parsing the disk, before its backing chain; 9.0.0 and later when they validate the domain, after every device is parsed. A network source with `protocol=\'none\'` is refused as unknown by 7.0.0 and as empty by 9.0.0 and later.',
	example: "<disk type='file' device='disk'>\n  <source/>\n  <target dev='vda' bus='virtio'/>\n</disk>",
	check(context) {
		for (const disk of context.doc.disks) {
			if (disk.device === 'cdrom' || disk.device === 'floppy' || !disk.targetDev) {
				continue;
			}
			const top = disk.layers[0];
			const attribute = PATH_ATTRIBUTE[top.type];
			const empty = attribute
				? !top.source || !getAttribute(top.source, attribute)?.value
				: top.type === 'network' && !!top.source && getAttribute(top.source, 'protocol')?.value === 'none' && since(context.version, STORAGE_PROP_PARSING);
			if (!empty) {
				continue;
			}
			context.report({
				span: nameSpan(top.source ?? disk.element),
				message: `This ${top.type} disk has no source${attribute ? ` (<source ${attribute}='…'/>)` : ''}: only a cdrom or floppy may be empty. libvirt refuses it${since(context.version, DISK_SOURCE_VALIDATED) ? ' when it validates the domain' : ''}.`,
				libvirtMessage: `missing source information for device ${disk.targetDev}`,
			});
		}
	},
};
