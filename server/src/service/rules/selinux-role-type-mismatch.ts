import { SELINUX_ROLES } from '../selinux/catalogue';
import { catalogueFor, refusal, selinuxLabels, spanInLabel, type SelinuxLabel } from '../selinux/labels';
import type { Finding, Fix, Rule, RuleContext } from './rule';

const PROCESS_ROLES = new Set(SELINUX_ROLES.filter((role) => role.kind === 'process').map((role) => role.name));

function typeOfContext(context: string): string | undefined {
	return context.split(':')[2];
}

function replacePart(label: SelinuxLabel, part: { start: number; end: number }, newText: string, title: string): Fix[] {
	return label.valueOffset === undefined ? [] : [{ title, edits: [{ span: spanInLabel(label, part.start, part.end), newText }], isPreferred: true }];
}

function checkLabel(context: RuleContext, label: SelinuxLabel): Finding[] {
	const { role, type } = label.parsed;
	if (!role || !type || label.parsed.problems.some((problem) => problem.start < type.end)) {
		return [];
	}
	const catalogue = catalogueFor(context);
	const kind = catalogue.typeInfo(type.text)?.kind;
	const findings: Finding[] = [];
	const processType = typeOfContext(catalogue.defaults.domainContext) ?? 'svirt_t';
	const imageType = typeOfContext(catalogue.defaults.imageContext) ?? 'svirt_image_t';
	if (label.use === 'process' || label.use === 'base') {
		if (label.use === 'process' && role.text === 'object_r') {
			findings.push({
				span: spanInLabel(label, role.start, role.end),
				message: 'object_r is the role of files and devices: a process cannot run with it, so QEMU is denied the transition to this label. Guests run with system_r.',
				fixes: replacePart(label, role, 'system_r', 'Use the role system_r'),
			});
		}
		if (kind === 'file') {
			const invalid = label.use === 'process' && role.text !== 'object_r';
			findings.push({
				span: spanInLabel(label, type.start, type.end),
				message: `${type.text} is a file type: ${label.use === 'base' ? 'libvirt runs the guest with the base label\'s type, and ' : ''}a process label needs a process (domain) type such as ${processType}.${invalid ? ` The kernel refuses ${role.text} with a file type.` : ''}`,
				...(invalid ? refusal(context, label) : {}),
				fixes: replacePart(label, type, processType, `Use the type ${processType}`),
			});
		}
		return findings;
	}
	// Image and device labels label files.
	if (PROCESS_ROLES.has(role.text) && kind !== undefined) {
		findings.push({
			span: spanInLabel(label, role.start, role.end),
			message: `${role.text} is a process role: files and devices are labelled with object_r.${kind === 'file' ? ` The kernel refuses ${role.text} with the file type ${type.text}, so labelling the image fails.` : ''}`,
			fixes: replacePart(label, role, 'object_r', 'Use the role object_r'),
		});
	}
	if (kind === 'process') {
		findings.push({
			span: spanInLabel(label, type.start, type.end),
			message: `${type.text} is a process type: a file labelled with it is not readable by the guest. Guest images use ${imageType} (or virt_content_t for read-only content).`,
			fixes: replacePart(label, type, imageType, `Use the type ${imageType}`),
		});
	}
	return findings;
}

export const rule: Rule = {
	id: 'selinux-role-type-mismatch',
	stage: 'start',
	scope: 'runtime',
	title: 'A process label with a file role or type, or an image label with a process role or type.',
	reference: 'selinux-semantics §1.3, §2, §8.3',
	description: [
		'A domain `<label>` (and the type of a `<baselabel>`) is what QEMU runs as: it needs a process role (`system_r`) and a process type (`svirt_t`, `svirt_tcg_t`). An `<imagelabel>` or device `<label>` labels files: it needs `object_r` and a file type (`svirt_image_t`, `virt_content_t`).',
		'`system_u:system_r:svirt_image_t:s0` is refused by the kernel (`system_r` is not authorised for file types; a static label with it fails when a QEMU guest starts, and at define for an LXC domain on an SELinux host); `system_u:object_r:svirt_t:s0` is a valid context but unusable for a process, and a file labelled `svirt_t` is not readable by the guest. The SELinux Notebook\'s tables print file labels with `system_r`: they are wrong.',
		'Types are known from the host\'s policy or the built-in catalogue of virtualization types; custom types are left alone.',
	].join('\n\n'),
	example: "<source file='/var/lib/libvirt/images/a.img'>\n  <seclabel model='selinux'>\n    <label>system_u:system_r:svirt_image_t:s0</label>\n  </seclabel>\n</source>",
	check(context) {
		for (const label of selinuxLabels(context)) {
			for (const finding of checkLabel(context, label)) {
				context.report(finding);
			}
		}
	},
};
