import { formatLibxmlError } from '../parser/libxmlErrors';
import { libxmlMarkupError } from '../parser/libxmlMarkup';
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
		const first = libxmlMarkupError(context.doc.xml, context.version);
		context.doc.xml.problems.forEach((problem, index) => {
			// The parser marks at least one character, which at the very end of a half-typed
			// document lies past it; a range must stay inside the text.
			const start = Math.min(problem.start, length);
			const libvirtMessage = first && first.index === index ? formatLibxmlError(first.error, context.version) : undefined;
			context.report({ span: { start, end: Math.max(start, Math.min(problem.end, length)) }, message: problem.message, libvirtMessage });
		});
	},
};
