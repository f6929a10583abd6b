/**
 * What libvirt does at start with a domain seclabel and each disk (shared/reference/libvirt-rules.md
 * §I and §J, security_selinux.c virSecuritySELinuxGenLabel and SetImageLabelInternal): the label it
 * generates, the label each image gets, and for a static label without relabelling the `chcon`
 * commands the images need.
 */
import type { DiskModel, DomainSeclabel, SeclabelDocument, StorageSource } from '../parser/seclabelModel';
import { firstChild, getAttribute } from '../parser/xmlParser';
import { libvirtText } from '../parser/dtdSubset';
import { domainRelabel, modelOf, seclabelType } from '../rules/semantics';
import { parseContext } from '../selinux/context';
import type { SelinuxCatalogue } from '../selinux/catalogue';
import type { LanguageSettings } from '../types';
import { contextLevel } from './hoverContext';
import { targetVersion } from '../version';

/** Stands for the pair libvirt draws at every start. */
const PAIR = 's0:cA,cB';

/** A hover lists this many disks; a domain with hundreds would bury the point. */
const LISTED_DISKS = 32;

/** The context with its level replaced: how GenNewContext combines a base context with a level. */
export function withLevel(context: string, level: string): string {
	const parsed = parseContext(context);
	if (!parsed.user || !parsed.role || !parsed.type) {
		return context;
	}
	return `${parsed.user.text}:${parsed.role.text}:${parsed.type.text}:${level}`;
}

function typeOf(context: string): string | undefined {
	return parseContext(context).type?.text;
}

/** The path a storage layer names, for messages and commands. */
export function sourcePath(layer: StorageSource): string | undefined {
	const source = layer.source;
	if (!source) return undefined;
	for (const name of ['file', 'dev', 'dir', 'name']) {
		const value = getAttribute(source, name)?.value;
		if (value) return value;
	}
	return undefined;
}

/** The model libvirt ends up with for a domain seclabel: a lone model-less one gets the host's. */
function effectiveModel(doc: SeclabelDocument, seclabel: DomainSeclabel, settings: LanguageSettings): string | null {
	const model = modelOf(seclabel, targetVersion(settings.libvirtVersion));
	if (model !== null) return model;
	return doc.seclabels.length === 1 ? settings.hostSecurityModel ?? 'selinux' : null;
}

function trimmedText(doc: SeclabelDocument, element: import('../parser/xmlParser').XmlElement | undefined): string | undefined {
	const value = element ? libvirtText(doc.xml, element).trim() : '';
	return value.length > 0 ? value : undefined;
}

/** Markdown: what libvirt does at start with this domain seclabel. */
export function domainSeclabelEffect(doc: SeclabelDocument, seclabel: DomainSeclabel, settings: LanguageSettings, catalogue: SelinuxCatalogue): string {
	const version = targetVersion(settings.libvirtVersion);
	const type = seclabelType(seclabel, version);
	const model = effectiveModel(doc, seclabel, settings);
	if (type === null) {
		return 'libvirt refuses this `type` at define.';
	}
	const lines: string[] = [];
	if (type === 'default') {
		lines.push(`No \`type\`: libvirt ${version.text} stores \`default\`, which becomes \`dynamic\` at start (\`none\` when qemu.conf sets \`security_default_confined = 0\`).`);
	} else if (!seclabel.type) {
		lines.push(`No \`type\`: libvirt ${version.text} reads it as \`dynamic\` (8.0.0 to 11.x store an internal \`default\` instead).`);
	}
	const effectiveType = type === 'default' ? 'dynamic' : type;
	if (model === 'none' || effectiveType === 'none') {
		lines.push(`**At start** the guest is not confined by ${model === 'none' || model === null ? 'this model' : `\`${model}\``} and no file is relabelled.`);
		return lines.join('\n\n');
	}
	if (model === 'selinux') {
		lines.push(...selinuxEffect(doc, seclabel, effectiveType, catalogue));
	} else if (model === 'dac') {
		lines.push(effectiveType === 'dynamic'
			? "**At start** QEMU runs as qemu.conf's `user`:`group` (`+107:+107`, qemu:qemu, on Fedora) and, with `dynamic_ownership = 1`, libvirt chowns the images to it and restores them at shutdown."
			: `**At start** QEMU runs as \`${trimmedText(doc, seclabel.labels[0]) ?? '(missing label)'}\`${domainRelabel(seclabel, version) ? ' and libvirt chowns the images to it' : '; nothing is chowned, so the images must already be accessible to that owner'}.`);
	} else if (model === 'apparmor') {
		const uuid = trimmedText(doc, doc.domain ? firstChild(doc.domain, 'uuid') : undefined) ?? '<uuid>';
		lines.push(effectiveType === 'dynamic'
			? `**At start** libvirt generates and loads the AppArmor profile \`libvirt-${uuid}\` (virt-aa-helper), listing the guest's images.`
			: `**At start** QEMU runs under the profile \`${trimmedText(doc, seclabel.labels[0]) ?? '(missing label)'}\`, which must already be loaded.`);
	} else {
		lines.push('With several seclabels each needs a `model`; this one has none.');
	}
	return lines.join('\n\n');
}

function selinuxEffect(doc: SeclabelDocument, seclabel: DomainSeclabel, type: 'dynamic' | 'static', catalogue: SelinuxCatalogue): string[] {
	const defaults = catalogue.defaults;
	const lines: string[] = [];
	let imageLevel: string | undefined;
	if (type === 'dynamic') {
		// libvirt takes the type from an explicit dynamic seclabel's baselabel, else from
		// virtual_domain_context (line 2 for TCG guests), and user and role from the daemon.
		const tcg = doc.domain && getAttribute(doc.domain, 'type')?.value === 'qemu' && defaults.tcgDomainContext;
		const base = seclabel.type ? trimmedText(doc, seclabel.baselabels[0]) : undefined;
		const domainContext = tcg ? defaults.tcgDomainContext! : defaults.domainContext;
		const process = base ? withLevel(domainContext, PAIR).replace(`:${typeOf(domainContext)}:`, `:${typeOf(base) ?? typeOf(domainContext)}:`) : withLevel(domainContext, PAIR);
		const image = withLevel(defaults.imageContext, PAIR);
		lines.push(`**At start** libvirt will generate \`${process}\` and label the images \`${typeOf(image)}\` with the same pair: \`${image}\`. cA < cB are two distinct categories drawn at every start from the daemon's window (c0.c1023), unique among the guests this daemon runs.`);
		imageLevel = PAIR;
	} else {
		const label = trimmedText(doc, seclabel.labels[0]);
		if (!label) {
			return ['A static seclabel needs a `<label>`: libvirt refuses it without one.'];
		}
		lines.push(`**At start** the guest runs as \`${label}\`.`);
		imageLevel = contextLevel(label);
		if (domainRelabel(seclabel) === true) {
			lines.push(`With \`relabel='yes'\` libvirt labels the images \`${withLevel(defaults.imageContext, imageLevel ?? 's0')}\` (its level taken from the label) and restores them at shutdown.`);
		} else {
			lines.push('Relabelling is off: libvirt changes no file label, so each image must already carry one the guest may use.');
			const commands = chconCommands(doc, imageLevel ?? 's0', catalogue);
			if (commands.length > 0) {
				lines.push(`Label the images once:\n\n\`\`\`sh\n${commands.join('\n')}\n\`\`\``);
			}
			return lines;
		}
	}
	const disks = doc.disks.slice(0, LISTED_DISKS).map((disk) => diskLine(disk, imageLevel ?? PAIR, catalogue)).filter((line): line is string => line !== undefined);
	if (doc.disks.length > LISTED_DISKS) {
		disks.push(`- … and ${doc.disks.length - LISTED_DISKS} more disks`);
	}
	if (disks.length > 0) {
		lines.push(disks.join('\n'));
	}
	return lines;
}

/** The commands a static, non-relabelled guest's images need, one per disk with a local path. */
function chconCommands(doc: SeclabelDocument, level: string, catalogue: SelinuxCatalogue): string[] {
	const commands: string[] = [];
	for (const disk of doc.disks.slice(0, LISTED_DISKS)) {
		const top = disk.layers[0];
		const path = top ? sourcePath(top) : undefined;
		if (!top || !path || top.type === 'network') continue;
		const quoted = /^[\w./+-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
		if (disk.shareable) {
			commands.push(`chcon -l s0 -t ${typeOf(catalogue.defaults.imageContext)} ${quoted}`);
		} else if (disk.readonly || disk.device === 'cdrom') {
			commands.push(`chcon -l s0 -t ${typeOf(catalogue.defaults.contentContext)} ${quoted}`);
		} else {
			commands.push(`chcon -l ${level} -t ${typeOf(catalogue.defaults.imageContext)} ${quoted}`);
		}
	}
	return commands;
}

/** How libvirt labels one disk's top image (rules reference J2), as a list item. */
function diskLine(disk: DiskModel, level: string, catalogue: SelinuxCatalogue): string | undefined {
	const top = disk.layers[0];
	const path = top ? sourcePath(top) : undefined;
	if (!top || !path) return undefined;
	const name = disk.targetDev ? `\`${disk.targetDev}\`` : 'disk';
	const effect = diskLabelEffect(disk, top, level, catalogue);
	return `- ${name} (\`${path}\`): ${effect}`;
}

/** The label one layer gets at start under relabelling SELinux confinement. */
export function diskLabelEffect(disk: DiskModel, layer: StorageSource, level: string, catalogue: SelinuxCatalogue): string {
	if (layer.type === 'network') {
		return 'network storage: not labelled.';
	}
	const override = layer.seclabels.find((seclabel) => seclabel.model?.value === 'selinux') ?? disk.layers[0].seclabels.find((seclabel) => seclabel.model?.value === 'selinux');
	if (override) {
		if (override.relabel?.value === 'no') return 'its label is left alone (`relabel=\'no\'` override).';
		if (override.labels.length > 0) return 'labelled with the override\'s own `<label>`.';
	}
	if (layer.depth > 0) {
		return `labelled \`${catalogue.defaults.contentContext}\` (backing file: read-only for every guest).`;
	}
	if (disk.shareable) {
		return `labelled \`${catalogue.defaults.imageContext}\`, no categories, never restored (shareable).`;
	}
	if (disk.readonly || disk.device === 'cdrom') {
		return `labelled \`${catalogue.defaults.contentContext}\`, never restored (read-only).`;
	}
	return `labelled \`${withLevel(catalogue.defaults.imageContext, level)}\`, restored at shutdown.`;
}
