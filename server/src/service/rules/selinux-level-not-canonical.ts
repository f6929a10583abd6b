import { canonicalRange } from '../selinux/context';
import { selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'selinux-level-not-canonical',
	stage: 'advice',
	scope: 'runtime',
	extent: { unit: 'device', reads: ['domain'] },
	title: 'An SELinux level that works but is not written the way the kernel prints it.',
	reference: 'selinux-semantics §1.5',
	description: [
		'The kernel stores categories as a set, so `s0:c5,c3`, `s0:c3,c3,c5` and `s0:c3.c5` are accepted; but it prints them sorted, without duplicates, runs of three or more as `cA.cB`, pairs as `cA,cB`, and a range whose two ends are equal as one level. `virsh dumpxml`, `ps -Z` and `ls -Z` show that form, and mcstrans translations and other guests\' labels are compared with it, so a label written differently does not match when searched for.',
		'The fix rewrites the level in canonical form (`s0:c5,c3` → `s0:c3,c5`, `s0-s0` → `s0`, `s0:c1,c2,c3` → `s0:c1.c3`).',
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux'>\n  <label>system_u:system_r:svirt_t:s0:c5,c3</label>\n</seclabel>",
	check(context) {
		for (const label of selinuxLabels(context)) {
			const { range, low, high, problems } = label.parsed;
			if (label.use === 'base' || !range || !low || !high || problems.length > 0) {
				continue;
			}
			const canonical = canonicalRange(low, high);
			if (canonical === range.text) {
				continue;
			}
			const span = spanInLabel(label, range.start, range.end);
			context.report({
				span,
				message: `The kernel prints this level as ${canonical}; writing it that way keeps the label comparable with what virsh, ps -Z and ls -Z show.`,
				fixes: label.valueOffset === undefined ? [] : [{ title: `Write ${canonical}`, edits: [{ span, newText: canonical }], isPreferred: true }],
			});
		}
	},
};
