import { setAttribute } from './edits';
import { valueSpan, type Rule } from './rule';
import { yesNo } from './semantics';
import { since, XML_PROP_PARSING, type Version } from '../version';

/** libvirt's message for a relabel value it refuses, in a domain or a device seclabel. */
export function invalidRelabelMessage(value: string, version: Version): string {
	return since(version, XML_PROP_PARSING)
		? `XML error: Invalid value for attribute 'relabel' in element 'seclabel': '${value}'.`
		: `XML error: invalid security relabel value ${value}`;
}

export const rule: Rule = {
	id: 'relabel-invalid',
	stage: 'define',
	scope: 'parser',
	title: "A seclabel's `relabel` is not `yes` or `no`.",
	libvirtMessage: "XML error: Invalid value for attribute 'relabel' in element 'seclabel': '<value>'.",
	reference: 'B3, E3',
	versions: 'Before 8.0.0 (libvirt 7.x, Debian 11) the message is `XML error: invalid security relabel value <value>`.',
	description: 'Both domain and device seclabels take `relabel=\'yes\'` or `relabel=\'no\'`, lower case, nothing else.',
	example: "<seclabel type='static' model='selinux' relabel='true'>…",
	check(context) {
		const all = [...context.doc.seclabels, ...context.doc.deviceSeclabels];
		for (const seclabel of all) {
			// An unquoted or missing value is a well-formedness error (xml-not-well-formed), usually half-typed.
			if (seclabel.relabel && seclabel.relabel.quote !== null && yesNo(seclabel.relabel) === null) {
				const value = seclabel.relabel.value ?? '';
				const lower = value.trim().toLowerCase();
				const guess = ['yes', 'true', '1', 'on'].includes(lower) ? 'yes' : ['no', 'false', '0', 'off'].includes(lower) ? 'no' : undefined;
				context.report({
					span: valueSpan(seclabel.relabel),
					message: `'${value}' is not a relabel value; use yes or no.`,
					libvirtMessage: invalidRelabelMessage(value, context.version),
					fixes: (guess ? [guess] : ['yes', 'no']).map((choice) => ({
						title: `Set relabel='${choice}'`,
						edits: [setAttribute(context.text, seclabel.element, 'relabel', choice)],
						isPreferred: !!guess,
					})),
				});
			}
		}
	},
};
