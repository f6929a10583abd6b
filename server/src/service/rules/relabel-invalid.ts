import { setAttribute } from './edits';
import { valueSpan, type Rule } from './rule';
import { yesNo } from './semantics';

export const rule: Rule = {
	id: 'relabel-invalid',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device', reads: ['domain'] },
	title: "A seclabel's `relabel` is not `yes` or `no`.",
	libvirtMessage: "XML error: Invalid value for attribute 'relabel' in element 'seclabel': '<value>'.",
	reference: 'B3, E3',
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
					libvirtMessage: `XML error: Invalid value for attribute 'relabel' in element 'seclabel': '${value}'.`,
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
