import { formatLibxmlError } from '../parser/libxmlErrors';
import { firstCandidate, libxmlDepthError } from '../parser/libxmlMarkup';
import { LIBXML_MAX_OPEN, problemApplies } from '../parser/xmlParser';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'xml-not-well-formed',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'document' },
	title: 'The document is not well-formed XML.',
	description: 'libvirt parses domain XML with libxml2 and refuses a document that is not well-formed before it looks at any label. Each problem is reported where it is; everything that could still be read is checked as usual.',
	example: "<domain type='kvm'>\n  <seclabel type='dynamic' model='selinux'>\n</domain>",
	check(context) {
		const length = context.text.length;
		// libxml2 stops at its first error and libvirt prints only that one, so one problem carries it.
		const candidate = firstCandidate(context.doc.xml, context.version);
		// libxml2 also refuses elements nested too deep, which the tolerant parser reads.
		const deep = libxmlDepthError(context.doc.xml);
		const deepFirst = deep && (!candidate || deep.element.start < candidate.offset);
		const first = deepFirst ? undefined : candidate?.known;
		if (deep && deepFirst) {
			const start = deep.element.start;
			context.report({ span: { start, end: Math.min(length, deep.element.nameEnd) }, message: `Elements are nested more than ${LIBXML_MAX_OPEN} deep here: libxml2 refuses the document (libvirt parses without XML_PARSE_HUGE).`, libvirtMessage: formatLibxmlError(deep.error(), context.version) });
		}
		context.doc.xml.problems.forEach((problem, index) => {
			// A problem of a later release (an encoding name only ICU knows) is none for this one.
			if (!problemApplies(problem, context.version)) return;
			// The parser marks at least one character, which at the very end of a half-typed
			// document lies past it; a range must stay inside the text.
			const start = Math.min(problem.start, length);
			const libvirtMessage = first && first.index === index ? formatLibxmlError(first.error, context.version) : undefined;
			context.report({ span: { start, end: Math.max(start, Math.min(problem.end, length)) }, message: problem.message, libvirtMessage });
		});
	},
};
