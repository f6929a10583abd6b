import { removeElement } from './edits';
import { nameSpan, type Rule } from './rule';

export const rule: Rule = {
	id: 'vhostuser-disk-flags',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: '`<readonly/>`, `<shareable/>` or `<transient/>` on a vhost-user disk.',
	libvirtMessage: 'unsupported configuration: shareable is not supported with vhostuser disk',
	reference: 'G4',
	description: 'A vhost-user disk is served by an external process that decides about access itself; libvirt refuses `readonly`, `shareable` and `transient` on it.',
	check(context) {
		for (const disk of context.doc.disks) {
			if (disk.layers[0].type !== 'vhostuser') {
				continue;
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
