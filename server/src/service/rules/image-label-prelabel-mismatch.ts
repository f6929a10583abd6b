/**
 * The SELinux Notebook's static-label failure, decided from the image's real label: with relabelling
 * off libvirt labels nothing, so the label the image carries on disk (read only when the user turned
 * `readImageLabels` on) must be one the guest's context may use, or the guest fails at start.
 */
import { dominates, parseContext } from '../selinux/context';
import { processLevels } from '../selinux/labels';
import { imageUses, shellQuote } from '../workspace/imageUses';
import type { Rule } from './rule';

/** Types a confined guest may use for each role (Fedora/RHEL targeted policy, virt module). */
const USABLE_TYPES: Record<string, readonly string[]> = {
	private: ['svirt_image_t'],
	shared: ['svirt_image_t'],
	content: ['virt_content_t', 'svirt_image_t'],
};

export const rule: Rule = {
	id: 'image-label-prelabel-mismatch',
	stage: 'start',
	scope: 'runtime',
	title: "An image libvirt does not relabel whose label on disk the guest's context may not use (reads image labels).",
	reference: 'O2; selinux-semantics §6',
	description: [
		"With `type='static'` and relabelling off (the default for static labels), or a device seclabel with `relabel='no'`, libvirt leaves the image's label as it is, so the label it carries on disk decides whether the guest may open it. In the SELinux Notebook's walk-through the guest runs as `system_u:system_r:svirt_t:s0:c1022,c1023` while the image still carries `system_u:object_r:virt_image_t:s0` from when it was built: the guest fails to start until `chcon -t svirt_image_t -l s0:c1022,c1023` relabels it.",
		"Checked only when image labels are read (`--read-image-labels`, `libvirtSeclabel.readImageLabels`): a writable image must be `svirt_image_t` at a level the guest's label covers, a read-only one `virt_content_t` (or `svirt_image_t`). The finding gives the `chcon` command (make it permanent with `semanage fcontext`), or set `relabel='yes'` and let libvirt label it.",
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux' relabel='no'>\n  <label>system_u:system_r:svirt_t:s0:c1022,c1023</label>\n</seclabel>\n<!-- and an image labelled system_u:object_r:virt_image_t:s0 -->",
	check(context) {
		const labels = context.imageLabels;
		const process = processLevels(context);
		if (!labels || !process) {
			return;
		}
		for (const use of imageUses(context)) {
			const onDisk = labels.get(use.path);
			if (use.relabelled || !onDisk?.selinux) {
				continue;
			}
			const parsed = parseContext(onDisk.selinux);
			if (parsed.problems.length > 0 || !parsed.type || !parsed.low) {
				continue;
			}
			const typeOk = USABLE_TYPES[use.role].includes(parsed.type.text);
			const levelOk = dominates(process.high, parsed.low);
			if (typeOk && levelOk) {
				continue;
			}
			const why = !typeOk
				? `its type ${parsed.type.text} is not one a guest may ${use.role === 'content' ? 'read' : 'write'}`
				: `the guest's level does not cover the image's ${parsed.range?.text ?? ''}`;
			const command = `chcon -t ${use.type} -l ${use.level ?? process.low.sensitivity.text} ${shellQuote(use.path)}`;
			context.report({
				span: use.span,
				message: `libvirt does not relabel this image, and it is labelled ${onDisk.selinux} on disk: ${why}, so the guest is denied it and fails to start. Relabel it first: ${command}`,
			});
		}
	},
};
