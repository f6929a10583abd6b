import { setAttribute } from './edits';
import { valueSpan, type Rule } from './rule';
import { yesNo } from './semantics';
import { since, XML_PROP_PARSING } from '../version';

export const rule: Rule = {
	id: 'labelskip-invalid',
	stage: 'define',
	scope: 'parser',
	title: "Live XML with a `labelskip` that is not `yes` or `no`.",
	libvirtMessage: "XML error: Invalid value for attribute 'labelskip' in element 'seclabel': '<value>'.",
	reference: 'E4',
	versions: 'Before 8.0.0 (libvirt 7.x) an invalid live `labelskip` is ignored (read as no) instead of refused.',
	description: 'In live XML libvirt reads `labelskip` and accepts only `yes` or `no`.',
	check(context) {
		// Before virXMLPropTristateBool, libvirt ignored a labelskip it could not parse.
		if (!context.live || !since(context.version, XML_PROP_PARSING)) {
			return;
		}
		for (const seclabel of context.doc.deviceSeclabels) {
			// An unquoted or missing value is a well-formedness error (xml-not-well-formed), usually half-typed.
			if (seclabel.labelskip && seclabel.labelskip.quote !== null && yesNo(seclabel.labelskip) === null) {
				const value = seclabel.labelskip.value ?? '';
				context.report({
					span: valueSpan(seclabel.labelskip),
					message: `'${value}' is not a labelskip value; use yes or no.`,
					libvirtMessage: `XML error: Invalid value for attribute 'labelskip' in element 'seclabel': '${value}'.`,
					fixes: [{ title: "Set labelskip='yes'", edits: [setAttribute(context.text, seclabel.element, 'labelskip', 'yes')] }],
				});
			}
		}
	},
};
