import type { XmlElement } from '../parser/xmlParser';
import { contentSpan } from '../parser/xmlParser';
import type { Rule, RuleContext } from './rule';
import { deviceRelabel, effectiveDomainModels, seclabelType } from './semantics';

/** A user or group as virGetUserID/virGetGroupID read it: `+N` (numeric), a name, or a number. */
const OWNER = /^(\+[0-9]+|[A-Za-z_][A-Za-z0-9_.-]*\$?|[0-9]+)$/;

/** The DAC labels libvirt uses from this document. */
function dacLabels(context: RuleContext): XmlElement[] {
	const labels: XmlElement[] = [];
	const models = effectiveDomainModels(context);
	context.doc.seclabels.forEach((seclabel, index) => {
		const type = seclabelType(seclabel, context.version);
		if (models[index] !== 'dac' || type === null || type === 'none' || type === 'default') {
			return;
		}
		if (type === 'static' || context.live) {
			labels.push(...seclabel.labels.slice(0, 1));
		}
		if (context.live) {
			labels.push(...seclabel.imagelabels.slice(0, 1));
		}
	});
	for (const seclabel of context.doc.deviceSeclabels) {
		if (seclabel.model?.value === 'dac' && deviceRelabel(seclabel) !== false) {
			labels.push(...seclabel.labels.slice(0, 1));
		}
	}
	return labels;
}

export const rule: Rule = {
	id: 'dac-label-syntax',
	stage: 'start',
	scope: 'runtime',
	title: "A `model='dac'` label that is not `user:group` or `+uid:+gid`.",
	libvirtMessage: "invalid argument: Failed to parse uid and gid from '<label>'",
	reference: 'H6, K1',
	description: [
		"A DAC label is the owner libvirt gives QEMU and its files: `user:group`, each a name or a number, or `+107:+107` to force numbers. libvirt splits it at the first `:` only when it uses it, so a label without a colon (`qemu`), with an empty part or a malformed `+` number passes `virsh define` and fails when the guest starts: `Failed to parse uid and gid from 'qemu'`.",
		'Whether a user or group name exists depends on the host, so names are not checked.',
	].join('\n\n'),
	example: "<seclabel type='static' model='dac'>\n  <label>qemu</label>\n</seclabel>",
	check(context) {
		for (const element of dacLabels(context)) {
			const value = context.textOf(element);
			if (value.length === 0) {
				continue;
			}
			const span = contentSpan(element);
			const colon = value.indexOf(':');
			if (colon < 0) {
				context.report({
					span,
					message: `'${value}' has no ':': a DAC label is user:group (for example qemu:qemu or +107:+107).`,
					libvirtMessage: `invalid argument: Failed to parse uid and gid from '${value}'`,
				});
				continue;
			}
			const parts: [string, string][] = [['user', value.slice(0, colon)], ['group', value.slice(colon + 1)]];
			for (const [what, part] of parts) {
				if (!OWNER.test(part)) {
					context.report({
						span,
						message: part === '' ? `The ${what} of '${value}' is empty.` : `'${part}' is not a ${what}: write a name, a number, or +N to force a numeric id.`,
					});
				}
			}
		}
	},
};
