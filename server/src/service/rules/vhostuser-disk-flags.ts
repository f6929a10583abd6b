import { childElements } from '../parser/seclabelModel';
import { removeElement } from './edits';
import { nameSpan, type Rule } from './rule';

export const rule: Rule = {
	id: 'vhostuser-disk-flags',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A `<backingStore>`, `<readonly/>`, `<shareable/>` or `<transient/>` on a vhost-user disk.',
	libvirtMessage: 'unsupported configuration: shareable is not supported with vhostuser disk',
	reference: 'G4',
	description: 'A vhost-user disk is served by an external process that decides about access itself; libvirt refuses `readonly`, `shareable` and `transient` on it, and any `<backingStore>` (even the `<backingStore/>` that ends a chain), which it checks first: `unsupported configuration: backingStore is not supported with vhostuser disk`.',
	check(context) {
		for (const disk of context.doc.disks) {
			if (disk.layers[0].type !== 'vhostuser') {
				continue;
			}
			// virDomainDiskVhostUserValidate checks the backing store first (all four oracles, hand probes on 2026-12-02).
			const backing = childElements(disk.element, 'backingStore')[0];
			if (backing) {
				context.report({
					span: nameSpan(backing),
					message: 'A vhost-user disk has no backing chain libvirt could open: the backend serves the image; libvirt refuses <backingStore> on it.',
					libvirtMessage: 'unsupported configuration: backingStore is not supported with vhostuser disk',
					fixes: [{ title: 'Remove <backingStore>', edits: [removeElement(context.text, backing)], isPreferred: true }],
				});
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
