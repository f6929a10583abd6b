import { canonicalLevel } from '../selinux/context';
import { getAttribute } from '../parser/xmlParser';
import { processLevels, selinuxDomainSeclabel } from '../selinux/labels';
import { valueSpan, type Rule } from './rule';
import { effectiveDomainRelabels, seclabelType } from './semantics';

/** Quotes a path for a shell command line when it needs it. */
function shellQuote(path: string): string {
	return /^[A-Za-z0-9_./:+-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}

export const rule: Rule = {
	id: 'static-relabel-no-prelabel',
	stage: 'advice',
	scope: 'runtime',
	title: "A static SELinux label with relabel off: each image must already carry a label the guest can use.",
	reference: 'O2; selinux-semantics §6',
	description: [
		"`type='static'` defaults to `relabel='no'`: libvirt then labels nothing, so every disk must already have a label the guest's context may use, or the guest fails to start (or SELinux denies its reads and writes). In the SELinux Notebook's walk-through the guest `system_u:system_r:svirt_t:s0:c1022,c1023` failed until the image was relabelled with `chcon -t svirt_image_t -l s0:c1022,c1023 image`.",
		"The finding names the command for each local disk: `svirt_image_t` with the guest's level for writable disks, `virt_content_t` at `s0` for read-only ones, `svirt_image_t` at `s0` for shareable ones. `chcon` does not survive a `restorecon`: make it permanent with `semanage fcontext`. Alternatively set `relabel='yes'` and libvirt labels the images itself.",
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux'>\n  <label>system_u:system_r:svirt_t:s0:c1022,c1023</label>\n</seclabel>",
	check(context) {
		const seclabel = selinuxDomainSeclabel(context);
		if (!seclabel || seclabelType(seclabel, context.version) !== 'static') {
			return;
		}
		const index = context.doc.seclabels.indexOf(seclabel);
		const process = processLevels(context);
		if (effectiveDomainRelabels(context)[index] !== false || !process) {
			return;
		}
		const guestLevel = canonicalLevel(process.high);
		for (const disk of context.doc.disks) {
			const top = disk.layers[0];
			const path = top?.source && (getAttribute(top.source, 'file') ?? getAttribute(top.source, 'dev'));
			if (!top || !path || path.value === null || path.value === '' || (top.type !== 'file' && top.type !== 'block')) {
				continue;
			}
			const [type, level, how] = disk.shareable
				? ['svirt_image_t', process.low.sensitivity.text, 'shareable, so every guest sharing it needs a label without categories']
				: disk.readonly || disk.device === 'cdrom'
					? ['virt_content_t', process.low.sensitivity.text, 'read-only content every guest may read']
					: ['svirt_image_t', guestLevel, "the guest's own image at its level"];
			context.report({
				span: valueSpan(path),
				message: `With a static label and relabel off libvirt does not label this image: it must already be labelled as ${how}, for example: chcon -t ${type} -l ${level} ${shellQuote(path.value)}`,
			});
		}
	},
};
