import { insertChild } from './edits';
import { nameSpan, type Rule } from './rule';
import { exceedsLimit, labelLimit, modelOf, seclabelType } from './semantics';

/** A placeholder label per model, for the "add a label" fix. */
export function placeholderLabel(model: string | null, kind: 'process' | 'image'): string {
	if (model === 'dac') {
		return '+107:+107';
	}
	if (model === 'apparmor') {
		return 'libvirt-00000000-0000-0000-0000-000000000000';
	}
	return kind === 'process' ? 'system_u:system_r:svirt_t:s0:c0,c1' : 'system_u:object_r:svirt_image_t:s0:c0,c1';
}

export const rule: Rule = {
	id: 'label-missing',
	stage: 'define',
	scope: 'parser',
	title: 'A seclabel that needs a `<label>` has none (or an empty or over-long one).',
	libvirtMessage: 'XML error: security label is missing',
	reference: 'B7',
	description: [
		"`type='static'` means \"run the guest with exactly this label\", so it needs a `<label>`. In live XML (a running guest) every seclabel except `type='none'` carries the label libvirt generated.",
		'An empty `<label/>`, or one longer than 4096 bytes of UTF-8, counts as missing. Only the first `<label>` is read.',
	].join('\n\n'),
	example: "<seclabel type='static' model='selinux'/>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			const type = seclabelType(seclabel, context.version);
			if (type === null || modelOf(seclabel, context.version) === 'none') {
				continue;
			}
			const needed = type === 'static' || (context.live && type !== 'none');
			if (!needed) {
				continue;
			}
			const first = seclabel.labels[0];
			const value = first ? context.textOf(first) : '';
			if (value.length > 0 && !exceedsLimit(value, labelLimit(context.version))) {
				continue;
			}
			const why = !first ? 'has no <label>' : value.length === 0 ? 'has an empty <label>' : `has a <label> longer than ${labelLimit(context.version)} bytes (UTF-8)`;
			context.report({
				span: first ? nameSpan(first) : nameSpan(seclabel.element),
				message: type === 'static'
					? `A static seclabel names the exact label to run the guest with, but this one ${why}.`
					: `In live XML every confined seclabel carries its generated label, but this one ${why}.`,
				libvirtMessage: 'XML error: security label is missing',
				fixes: first ? [] : [{
					title: 'Add a <label>',
					edits: [insertChild(context.text, seclabel.element, `<label>${placeholderLabel(modelOf(seclabel, context.version), 'process')}</label>`)],
					isPreferred: true,
				}],
			});
		}
	},
};
