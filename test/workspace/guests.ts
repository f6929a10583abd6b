/**
 * Multi-guest fixtures: domain XML for named guests with chosen disks and labels, an in-memory
 * workspace index over them, and findings of one guest checked against the others.
 */
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings, type RuleFinding } from '../../server/src/service/features/findings';
import { WorkspaceIndex } from '../../server/src/service/workspace/workspaceIndex';
import type { LanguageSettings } from '../../server/src/service/types';

export const CROSS_GUEST_RULES = ['shared-image-not-shareable', 'shareable-mismatch', 'shared-image-private-categories', 'mcs-level-collision'];

export interface GuestOptions {
	readonly disks?: readonly string[];
	/** The whole `<seclabel>` element(s); none when absent. */
	readonly seclabel?: string;
	/**
	 * Makes the XML a running guest's, as `virsh dumpxml` prints it (`<domain id=…>`), saved with
	 * the `<!-- libvirt-seclabel: live -->` comment that makes it live XML (an id alone does not).
	 */
	readonly id?: number;
	readonly uuid?: string;
}

export const LIVE_COMMENT = '<!-- libvirt-seclabel: live -->\n';

export function guestXml(name: string, options: GuestOptions = {}): string {
	const id = options.id !== undefined ? ` id='${options.id}'` : '';
	const uuid = options.uuid ? `\n  <uuid>${options.uuid}</uuid>` : '';
	return `${id ? LIVE_COMMENT : ''}<domain type='kvm'${id}>\n  <name>${name}</name>${uuid}\n  <memory unit='KiB'>2097152</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n${(options.disks ?? []).join('\n')}\n  </devices>\n${options.seclabel ?? ''}\n</domain>\n`;
}

export interface DiskOptions {
	readonly target?: string;
	readonly readonly?: boolean;
	readonly shareable?: boolean;
	readonly format?: string;
	readonly device?: string;
	/** Content inside `<source>`, such as a device `<seclabel>`. */
	readonly sourceContent?: string;
}

function flags(options: DiskOptions): string {
	return `${options.readonly ? '\n      <readonly/>' : ''}${options.shareable ? '\n      <shareable/>' : ''}`;
}

export function fileDisk(file: string, options: DiskOptions = {}): string {
	const source = options.sourceContent ? `<source file='${file}'>${options.sourceContent}</source>` : `<source file='${file}'/>`;
	return `    <disk type='file' device='${options.device ?? 'disk'}'>\n      <driver name='qemu' type='${options.format ?? 'raw'}'/>\n      ${source}\n      <target dev='${options.target ?? 'vda'}' bus='virtio'/>${flags(options)}\n    </disk>`;
}

export function blockDisk(dev: string, options: DiskOptions = {}): string {
	return `    <disk type='block' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source dev='${dev}'/>\n      <target dev='${options.target ?? 'vda'}' bus='virtio'/>${flags(options)}\n    </disk>`;
}

export function networkDisk(protocol: string, name: string, hosts: readonly string[], options: DiskOptions = {}): string {
	const hostElements = hosts.map((host) => {
		const [hostName, port] = host.split(':');
		return `\n        <host name='${hostName}'${port ? ` port='${port}'` : ''}/>`;
	}).join('');
	return `    <disk type='network' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source protocol='${protocol}' name='${name}'>${hostElements}\n      </source>\n      <target dev='${options.target ?? 'vda'}' bus='virtio'/>${flags(options)}\n    </disk>`;
}

export function staticLabel(level: string, relabel = 'yes'): string {
	return `  <seclabel type='static' model='selinux' relabel='${relabel}'>\n    <label>system_u:system_r:svirt_t:${level}</label>\n  </seclabel>`;
}

/** A dynamic label as `virsh dumpxml` prints it for a running guest (the XML must be live). */
export function liveDynamicLabel(level: string): string {
	return `  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:${level}</label>\n    <imagelabel>system_u:object_r:svirt_image_t:${level}</imagelabel>\n  </seclabel>`;
}

export const DYNAMIC_LABEL = `  <seclabel type='dynamic' model='selinux' relabel='yes'/>`;

/** An index over the files, each on the host `hostOf` gives it (one host when absent). */
export function workspaceOf(files: Record<string, string>, hostOf: (uri: string) => string = () => ''): WorkspaceIndex {
	const index = new WorkspaceIndex();
	for (const [uri, text] of Object.entries(files)) {
		index.update(uri, parseSeclabelText(text), hostOf(uri));
	}
	return index;
}

export function crossFindings(index: WorkspaceIndex, uri: string, text: string, settings: LanguageSettings = {}): RuleFinding[] {
	return computeFindings(parseSeclabelText(text), { ...settings, workspace: index, documentUri: uri }).filter((finding) => CROSS_GUEST_RULES.includes(finding.rule.id));
}

/** Findings as rule id, the text the span covers, and where each related location points. */
export function summarize(findings: readonly RuleFinding[], text: string): { code: string; text: string; related: { uri: string; line: number }[] }[] {
	return findings.map((finding) => ({
		code: finding.rule.id,
		text: text.slice(finding.span.start, finding.span.end),
		related: (finding.related ?? []).map((related) => ({ uri: related.uri, line: related.range?.start.line ?? -1 })),
	}));
}

/** The zero-based line of the first occurrence of `needle` at or after `from`. */
export function lineOf(text: string, needle: string, from = 0): number {
	const at = text.indexOf(needle, from);
	if (at < 0) {
		throw new Error(`'${needle}' is not in the fixture`);
	}
	return text.slice(0, at).split('\n').length - 1;
}

export const IMAGES = '/var/lib/libvirt/images';

/** The bug report's two running guests (shared/seeds/004): vm1's image hot-added to vm2. */
export const VM1 = guestXml('vm1', { id: 28, disks: [fileDisk(`${IMAGES}/vm1.img`)], seclabel: liveDynamicLabel('s0:c219,c564') });
export const VM2 = guestXml('vm2', { id: 29, disks: [fileDisk(`${IMAGES}/vm2.img`), fileDisk(`${IMAGES}/vm1.img`, { target: 'vdb' })], seclabel: liveDynamicLabel('s0:c122,c658') });
