import { defaultNamespaceOf } from '../parser/parseSites';
import { firstChild } from '../parser/seclabelModel';
import { refusedByLibxml } from '../parser/xmlParser';
import { removeAttribute } from './edits';
import { attributeSpan, nameSpan, type Fix, type Rule } from './rule';

/**
 * A domain whose `<name>` libvirt cannot see. virDomainDefParseIDs reads `string(./name[1])`
 * before anything else of the domain (its uuid, its type, every seclabel), and an empty result is
 * `missing name information`. The usual cause in hand-written XML is a default namespace on
 * `<domain>` (`xmlns='…'`, copied from another tool's output): libvirt's XPath queries match only
 * elements in no namespace, so the name and every seclabel vanish together, and the user is told
 * about the name only. Probed with `virsh define` at 7.0.0, 9.0.0, 11.3.0 and 12.9.0
 * (test/differential/sites.test.ts): no name, an empty first name, a name only in a namespace are
 * refused before a bad seclabel; a name of spaces is a name.
 */
const MESSAGE = 'missing name information';

export const rule: Rule = {
	id: 'domain-name-missing',
	stage: 'define',
	scope: 'parser',
	// The document: libvirt reaches the name only in well-formed XML, and a problem anywhere stops it.
	extent: { unit: 'document' },
	title: 'A domain without a `<name>` libvirt can read: it is refused before any label is read.',
	libvirtMessage: MESSAGE,
	description: [
		"libvirt reads a domain's `<name>` first, before its uuid, its type and every `<seclabel>`; without one it refuses the domain with `missing name information`, so none of the labels is ever checked. Its first `<name>` must have text, and be in no XML namespace.",
		"A default namespace on `<domain>` (`xmlns='…'`) puts `<name>` and every other element in that namespace, where libvirt's queries do not see them: the domain is refused for its name, and its seclabels would be ignored. Remove the `xmlns` attribute (libvirt's own XML has none).",
	].join('\n\n'),
	example: "<domain type='kvm' xmlns='http://libvirt.org/schemas/domain/1.0'>\n  <name>guest</name>\n</domain>",
	check(context) {
		const domain = context.doc.domain;
		// Text libxml2 refuses never gets this far (xml-not-well-formed), and a document being typed
		// has not got its name yet.
		if (!domain || refusedByLibxml(context.doc.xml, context.version)) {
			return;
		}
		const name = firstChild(domain, 'name');
		if (name && context.textOf(name) !== '') {
			return;
		}
		const hidden = name ? undefined : domain.children.find((child) => child.name === 'name' && child.namespaced);
		if (hidden) {
			const declaration = defaultNamespaceOf(hidden);
			// The xmlns on <domain> or on <name> itself can go; one on a status file's <domstatus> is left alone.
			const removable = declaration && (declaration.element === domain || declaration.element === hidden) ? declaration : undefined;
			const fixes: Fix[] = removable
				? [{ title: `Remove xmlns='${removable.attribute.value}' from <${removable.element.name}>`, edits: [removeAttribute(context.text, removable.attribute)], isPreferred: true }]
				: [];
			const hidesLabels = declaration?.element === domain ? ' (and hides every seclabel of the domain with it)' : '';
			context.report({
				span: removable ? attributeSpan(removable.attribute) : nameSpan(hidden),
				message: `<name> is in the XML namespace '${declaration?.attribute.value ?? '?'}'${declaration ? ` (the xmlns on <${declaration.element.name}>)` : ''}: libvirt sees only elements in no namespace, so it finds no name and refuses the domain before it reads any seclabel${hidesLabels}.`,
				libvirtMessage: MESSAGE,
				fixes,
			});
			return;
		}
		context.report({
			span: nameSpan(name ?? domain),
			message: name
				? 'This <name> is empty: libvirt refuses a domain without a name before it reads any seclabel.'
				: 'This domain has no <name>: libvirt refuses it before it reads any seclabel.',
			libvirtMessage: MESSAGE,
		});
	},
};
