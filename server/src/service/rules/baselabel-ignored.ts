import { removeElement, setAttribute } from './edits';
import { nameSpan, type Fix, type Rule } from './rule';
import { exceedsLimit, labelLimit, modelOf, seclabelType } from './semantics';

export const rule: Rule = {
	id: 'baselabel-ignored',
	stage: 'ignored',
	scope: 'parser',
	title: "A `<baselabel>` without an explicit `type='dynamic'`.",
	reference: 'B10, A5',
	versions: "libvirt's documentation says a baselabel without a type implies `dynamic`. That holds before 8.0.0 (7.0.0) and again from 12.0.0 (12.9.0); from 8.0.0 to 11.x (9.0.0, 11.3.0), where virXMLPropEnum reads the missing type as `default`, the baselabel is dropped.",
	description: [
		"libvirt reads `<baselabel>` only when `type='dynamic'` is written out. Under `static`, `none` or no type at all it is silently dropped, and with it the process type you chose: the guest runs as the policy's default `svirt_t`.",
		'An empty baselabel, one longer than 4096 bytes of UTF-8, or a second one is dropped too.',
	].join('\n\n'),
	example: "<seclabel model='selinux'>\n  <baselabel>system_u:system_r:svirt_tcg_t:s0</baselabel>\n</seclabel>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			const type = seclabelType(seclabel, context.version);
			if (type === null || seclabel.baselabels.length === 0) {
				continue;
			}
			const modelNone = modelOf(seclabel, context.version) === 'none';
			seclabel.baselabels.forEach((baselabel, index) => {
				const value = context.textOf(baselabel);
				let message: string | undefined;
				const fixes: Fix[] = [];
				if (modelNone) {
					message = "The 'none' model has no labels; libvirt ignores this <baselabel>.";
				} else if (type !== 'dynamic') {
					if (type === 'default') {
						message = "libvirt reads <baselabel> only with an explicit type='dynamic'; without a type it is dropped and the guest runs with the default process type.";
						fixes.push({ title: "Add type='dynamic'", edits: [setAttribute(context.text, seclabel.element, 'type', 'dynamic')], isPreferred: true });
					} else {
						message = `libvirt reads <baselabel> only for type='dynamic'; under type='${type}' it is ignored.`;
					}
				} else if (index > 0) {
					message = 'libvirt reads only the first <baselabel>; this one is ignored.';
				} else if (value.length === 0) {
					message = 'An empty <baselabel> is ignored: the guest runs with the default process type.';
				} else if (exceedsLimit(value, labelLimit(context.version))) {
					message = `A <baselabel> longer than ${labelLimit(context.version)} bytes (UTF-8) is ignored.`;
				}
				if (message) {
					fixes.push({ title: 'Remove the ignored <baselabel>', edits: [removeElement(context.text, baselabel)], isPreferred: fixes.length === 0 });
					context.report({ span: nameSpan(baselabel), message, fixes });
				}
			});
		}
	},
};
