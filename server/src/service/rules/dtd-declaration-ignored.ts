import { internalSubsetOf } from '../parser/dtdSubset';
import type { Rule } from './rule';

/**
 * A declaration in the DOCTYPE's internal subset that libxml2 reads and then ignores: a second
 * `<!ELEMENT>` for an element, a second declaration of an element's attribute, a second entity of
 * the same name, or any declaration of a predefined entity. The first declaration is the one that
 * decides what libvirt reads (an attribute's default, an entity's text, which blanks a label
 * keeps); libxml2 prints its validity warning or error on stderr, which `virsh define` passes on
 * while it defines the domain. Probed with `virsh define` at 7.0.0, 9.0.0, 11.3.0 and 12.9.0
 * (test/differential/sites.test.ts).
 */
export const rule: Rule = {
	id: 'dtd-declaration-ignored',
	stage: 'ignored',
	scope: 'parser',
	extent: { unit: 'document' },
	title: 'A DOCTYPE declaration that libxml2 ignores because an earlier one (or a predefined entity) already applies.',
	description: [
		"In a DOCTYPE's internal subset the first declaration wins: a second `<!ELEMENT>` for the same element, a second declaration of the same attribute of an element (in the same `<!ATTLIST>` or another one) and a second `<!ENTITY>` of the same name are read and ignored. The five predefined entities (`&lt;`, `&gt;`, `&amp;`, `&apos;`, `&quot;`) always mean themselves, whatever the subset declares.",
		"libxml2 prints some of these on stderr while libvirt goes on defining the domain (`validity error : Redefinition of element label`, `validity warning : Attribute type of element seclabel: already defined`, `xmlAddEntity: invalid redeclaration of predefined entity`): the output of a successful `virsh define`, not an error. Remove the declaration that does not apply, so that the file says what libvirt reads.",
	].join('\n\n'),
	example: "<!DOCTYPE domain [\n  <!ATTLIST seclabel relabel CDATA 'no'>\n  <!ATTLIST seclabel relabel CDATA 'yes'>\n]>",
	check(context) {
		const subset = internalSubsetOf(context.doc.xml);
		for (const declaration of subset?.ignored ?? []) {
			context.report({ span: { start: declaration.start, end: declaration.end }, message: `${declaration.what[0].toUpperCase()}${declaration.what.slice(1)} is ignored: ${declaration.why}.` });
		}
	},
};
