import { canonicalLevel } from '../selinux/context';
import { selinuxLabels, spanInLabel } from '../selinux/labels';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'static-level-weak-isolation',
	stage: 'advice',
	scope: 'runtime',
	extent: { unit: 'device', reads: ['domain'] },
	title: 'A static SELinux label with fewer than two categories, which other guests dominate.',
	reference: 'selinux-semantics §4.3, §8.7',
	description: [
		"sVirt keeps guests apart by giving each a pair of categories: a guest may use files whose categories are a subset of its own. libvirt's dynamic pairs are always two distinct categories (since 7.5.0; a single category was CVE-2021-3631), because a guest at `s0:c5` is dominated by every guest whose pair contains `c5`, and a guest at plain `s0` by every guest: their files are open to those guests.",
		"Static labels are never reserved against dynamic ones either, so pick a pair of your own (for example `s0:c1022,c1023`), ideally outside the category window the daemon draws dynamic pairs from.",
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux' relabel='yes'>\n  <label>system_u:system_r:svirt_t:s0:c5</label>\n</seclabel>",
	check(context) {
		for (const label of selinuxLabels(context)) {
			const { range, low, high, type, problems } = label.parsed;
			if (label.use !== 'process' || !label.isStatic || !range || !low || !high || problems.length > 0 || type?.text === 'unconfined_t') {
				continue;
			}
			// A ranged label (s0-s0:c0.c1023) is deliberately broad: it is a choice, not an accident.
			if (low !== high && low.categories.length !== high.categories.length) {
				continue;
			}
			const count = high.categories.length;
			if (count >= 2) {
				continue;
			}
			context.report({
				span: spanInLabel(label, range.start, range.end),
				message: count === 0
					? `At ${canonicalLevel(high)} without categories every confined guest dominates this one: files labelled for it are open to all of them. Give it a category pair such as s0:c1022,c1023.`
					: `At ${canonicalLevel(high)} this guest is dominated by every guest whose pair contains c${high.categories[0]}, including dynamic ones: give it a pair of two categories.`,
			});
		}
	},
};
