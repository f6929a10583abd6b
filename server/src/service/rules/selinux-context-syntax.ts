import type { ContextProblem } from '../selinux/context';
import { refusal, selinuxLabels, spanInLabel, type SelinuxLabel } from '../selinux/labels';
import type { Fix, Rule } from './rule';

/** Problems other rules report with their own explanation. */
const OWN_RULES = new Set(['range-not-dominating', 'unknown-category', 'unknown-sensitivity']);

/** The problems that matter for a label: a baselabel's level is replaced, so only its first three fields count. */
function relevantProblems(label: SelinuxLabel): ContextProblem[] {
	const rangeStart = label.use === 'base' && label.parsed.range ? label.parsed.range.start : Infinity;
	return label.parsed.problems.filter((problem) => {
		if (OWN_RULES.has(problem.code)) {
			return false;
		}
		if (problem.start < rangeStart) {
			return true;
		}
		// libselinux's context_new refuses tabs and line breaks anywhere, even in the part libvirt replaces.
		return problem.code === 'whitespace' && /[\t\r\n]/.test(label.value.slice(problem.start, problem.end));
	});
}

function fixesFor(label: SelinuxLabel, problem: ContextProblem): Fix[] {
	if (label.valueOffset === undefined) {
		return [];
	}
	const trimmed = label.value.trim();
	if (problem.code === 'whitespace' && (problem.start === 0 || problem.end === label.value.length) && !/\s/.test(trimmed)) {
		return [{ title: 'Remove the whitespace around the label', edits: [{ span: spanInLabel(label, 0, label.value.length), newText: trimmed }], isPreferred: true }];
	}
	if (problem.code === 'category-range-order') {
		const match = /^c(\d+)\.c(\d+)$/.exec(label.value.slice(problem.start, problem.end));
		if (match) {
			const [low, high] = [Number(match[1]), Number(match[2])].sort((a, b) => a - b);
			const replacement = low === high ? `c${low}` : `c${low}.c${high}`;
			return [{ title: `Write ${replacement}`, edits: [{ span: spanInLabel(label, problem.start, problem.end), newText: replacement }], isPreferred: true }];
		}
	}
	return [];
}

export const rule: Rule = {
	id: 'selinux-context-syntax',
	stage: 'start',
	scope: 'runtime',
	title: 'An SELinux label that is not a well-formed context (user:role:type:level).',
	libvirtMessage: 'XML error: Invalid security label <label>',
	reference: 'H3; selinux-semantics §1.1-1.2',
	description: [
		"libvirt's parser and schema treat `<label>`, `<imagelabel>` and `<baselabel>` as free text, so a malformed context is found only by SELinux. A context is `user:role:type:level`; the level is `s0`, `s0:c1,c2`, `s0:c0.c1023` or a range `low-high`. Category ranges `cA.cB` must strictly increase, names are exact lower-case strings (`c01`, `C1`, `S0` are other names), and there are no spaces, empty items or trailing commas. libvirt does not trim the label, so whitespace around it is part of the context.",
		"**When it bites.** With the QEMU driver a static `<label>` is never checked at define time (its security manager is a stack, which `virSecurityManagerVerify` skips), so the guest fails when it starts. Only the LXC driver checks it with `security_check_context()` when it parses the XML: `virsh define` of an `<domain type='lxc'>` on an SELinux host fails with `XML error: Invalid security label …` (define stage). Device labels, live labels and base labels fail when the guest starts (`unable to set security context …`). Of a `<baselabel>` only the user, role and type must be well formed, since libvirt replaces its level.",
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux'>\n  <label>system_u:system_r:svirt_t:s0:c5.c3</label>\n</seclabel>",
	check(context) {
		for (const label of selinuxLabels(context)) {
			for (const problem of relevantProblems(label)) {
				context.report({
					span: spanInLabel(label, problem.start, problem.end),
					message: problem.code === 'whitespace' && (problem.start === 0 || problem.end === label.value.length)
						? 'libvirt does not trim labels: this whitespace becomes part of the context, which SELinux then refuses.'
						: problem.message,
					...refusal(context, label),
					fixes: fixesFor(label, problem),
				});
			}
		}
	},
};
