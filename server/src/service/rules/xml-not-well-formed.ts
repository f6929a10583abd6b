import { formatLibxmlError, libxmlErrorInText } from '../parser/libxmlErrors';
import type { Rule } from './rule';

export const rule: Rule = {
	id: 'xml-not-well-formed',
	stage: 'define',
	scope: 'parser',
	title: 'The document is not well-formed XML.',
	description: 'libvirt parses domain XML with libxml2 and refuses a document that is not well-formed before it looks at any label. Each problem is reported where it is; everything that could still be read is checked as usual.',
	example: "<domain type='kvm'>\n  <seclabel type='dynamic' model='selinux'>\n</domain>",
	check(context) {
		const length = context.text.length;
		for (const problem of context.doc.xml.problems) {
			// The parser marks at least one character, which at the very end of a half-typed
			// document lies past it; a range must stay inside the text.
			const start = Math.min(problem.start, length);
			context.report({ span: { start, end: Math.max(start, Math.min(problem.end, length)) }, message: problem.message, libvirtMessage: libxmlMessage(context.text, problem, context.version) });
		}
	},
};

/**
 * libxml2's own words for the problems whose wording and position are known: an undefined entity
 * ("Entity 'x' not defined", with the input just after its ';'), checked with `virsh define`.
 */
function libxmlMessage(text: string, problem: { start: number; message: string }, version: Parameters<typeof formatLibxmlError>[1]): string | undefined {
	const entity = /^Entity '([^']+)' is not defined/.exec(problem.message);
	if (entity) {
		const semicolon = text.indexOf(';', problem.start);
		return formatLibxmlError(libxmlErrorInText(text, semicolon + 1, `Entity '${entity[1]}' not defined\n`), version);
	}
	return undefined;
}
