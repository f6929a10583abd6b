/**
 * Whole labels first in a `<label>` that is still empty (or whose first part is being typed): the
 * labels people actually write, ready to use, ahead of the part-by-part items. A guest's static
 * `<label>` gets the policy's guest context with a category pair no other guest uses; an
 * `<imagelabel>` or a device `<label>` the image context with the guest's own level; a DAC label
 * the owners QEMU runs as (qemu `+107:+107` on Fedora and RHEL, libvirt-qemu `+64055:+64055` on
 * Debian and Ubuntu, whose libvirt-daemon-system allocates that uid and gid) and root.
 */
import { CompletionItemKind } from 'vscode-languageserver-types';
import type { SeclabelDocument } from '../parser/seclabelModel';
import { getAttribute, type Span } from '../parser/xmlParser';
import type { SelinuxCatalogue } from '../selinux/catalogue';
import type { LanguageSettings } from '../types';
import type { CompletionCollector } from './completionCollector';
import { freshLevelFor, processLevelOf, type LabelContainer } from './completionContexts';
import { withLevel } from './hoverEffects';

const DAC_OWNERS: readonly { owner: string; detail: string; doc: string }[] = [
	{ owner: '+107:+107', detail: 'qemu:qemu on Fedora and RHEL', doc: 'The uid and gid of the `qemu` user Fedora and RHEL run guests as. Numeric (`+N`), so that libvirt does not look names up on the host.' },
	{ owner: '+64055:+64055', detail: 'libvirt-qemu on Debian and Ubuntu', doc: 'The uid and gid Debian\'s `libvirt-daemon-system` allocates for `libvirt-qemu`, the user it runs guests as (`user`/`group` in `/etc/libvirt/qemu.conf`).' },
	{ owner: '+0:+0', detail: 'root:root', doc: 'Runs QEMU as root: no DAC isolation between guests and the host.' },
];

export function completeWholeDacLabels(collector: CompletionCollector, span: Span): void {
	for (const entry of DAC_OWNERS) {
		collector.add(span, { label: entry.owner, kind: CompletionItemKind.Value, detail: entry.detail, documentation: entry.doc });
	}
}

export function completeWholeContexts(collector: CompletionCollector, doc: SeclabelDocument, label: LabelContainer, span: Span, settings: LanguageSettings, catalogue: SelinuxCatalogue): void {
	const defaults = catalogue.defaults;
	const tcg = doc.domain ? getAttribute(doc.domain, 'type')?.value === 'qemu' : false;
	const add = (context: string, detail: string, documentation: string, preselect = false) => {
		if (!collector.has(context)) collector.add(span, { label: context, kind: CompletionItemKind.Value, detail, documentation, preselect });
	};
	if (label.kind === 'process') {
		const bases = tcg && defaults.tcgDomainContext ? [defaults.tcgDomainContext, defaults.domainContext] : [defaults.domainContext];
		if (label.element.name === 'baselabel') {
			for (const base of bases) add(base, 'the guest type libvirt keeps', 'libvirt keeps the **type** of a `<baselabel>` and gives the guest its own fresh pair.');
			return;
		}
		const fresh = freshLevelFor(doc, settings, collector.uri);
		for (const [index, base] of bases.entries()) {
			add(withLevel(base, fresh), `the guest's label, with a pair no other guest uses`,
				`The context libvirt gives a confined guest (\`virtual_domain_context\`${tcg && index === 0 ? ', the TCG line' : ''}), with a category pair no guest in the workspace index uses: its images, labelled \`svirt_image_t\` at the same level, are private to it.`, index === 0);
		}
		return;
	}
	const guestLevel = processLevelOf(doc, label);
	if (label.element.name === 'imagelabel' || guestLevel) {
		const level = guestLevel ?? freshLevelFor(doc, settings, collector.uri);
		add(withLevel(defaults.imageContext, level), guestLevel ? "the image label at the guest's level" : 'an image label with a pair no other guest uses',
			'The context libvirt gives the guest\'s images (`virtual_image_context`) with the same level as the guest\'s process label: the guest can use them, other guests cannot.', true);
	}
	if (label.element.name === 'label') {
		add(defaults.imageContext, 'a writable image every guest may use', '`s0` has no categories: how libvirt labels a `<shareable/>` disk.');
		add(defaults.contentContext, 'read-only content for every guest', 'How libvirt labels `<readonly/>` disks and cdroms: readable by every guest, writable by none.');
	}
}
