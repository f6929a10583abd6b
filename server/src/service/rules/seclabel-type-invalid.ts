import { setAttribute } from './edits';
import { valueSpan, type Rule } from './rule';
import { seclabelType } from './semantics';
import { since, XML_PROP_PARSING, type Version } from '../version';

/** libvirt's message for a type it refuses: its generic property message since virXMLPropEnum, its own before. */
export function invalidTypeMessage(value: string, version: Version): string {
	return since(version, XML_PROP_PARSING)
		? `XML error: Invalid value for attribute 'type' in element 'seclabel': '${value}'.`
		: `unsupported configuration: invalid security type '${value}'`;
}

export const rule: Rule = {
	id: 'seclabel-type-invalid',
	stage: 'define',
	scope: 'parser',
	title: "A domain seclabel's `type` is not `dynamic`, `static` or `none`.",
	libvirtMessage: "XML error: Invalid value for attribute 'type' in element 'seclabel': '<value>'.",
	reference: 'B2',
	versions: "Before 8.0.0 (libvirt 7.x, Debian 11) the message is `unsupported configuration: invalid security type '<value>'`.",
	description: 'libvirt accepts exactly `dynamic`, `static` and `none` (case matters, no spaces). `default` exists inside libvirt but is refused in XML; leave the attribute out instead, or better, write `dynamic`.',
	example: "<seclabel type='Dynamic' model='selinux'/>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			// An unquoted or missing value is a well-formedness error (xml-not-well-formed), usually half-typed.
			if (seclabel.type && seclabel.type.quote !== null && seclabelType(seclabel, context.version) === null) {
				const value = seclabel.type.value ?? '';
				const suggestion = ['dynamic', 'static', 'none'].find((known) => known === value.trim().toLowerCase());
				context.report({
					span: valueSpan(seclabel.type),
					message: `'${value}' is not a seclabel type; use dynamic, static or none.`,
					libvirtMessage: invalidTypeMessage(value, context.version),
					fixes: (suggestion ? [suggestion] : ['dynamic', 'static', 'none']).map((type, index) => ({
						title: `Set type='${type}'`,
						edits: [setAttribute(context.text, seclabel.element, 'type', type)],
						isPreferred: index === 0 && !!suggestion,
					})),
				});
			}
		}
	},
};
