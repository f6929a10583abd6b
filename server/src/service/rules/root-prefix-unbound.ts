import { refusedByLibxml } from '../parser/xmlParser';
import { ROOT_ELEMENT_CHECK, since } from '../version';
import type { OffsetEdit, Rule } from './rule';

/**
 * A root written `<q:domain>` (or `<q:disk>`, `<q:serial>`… for attach-device) with the prefix bound
 * nowhere. libxml2 reports the unbound prefix as a namespace error it does not stop for, and keeps
 * the element's name whole, `q:domain`; libvirt compares the root's name before it reads anything
 * else and refuses the document: a domain for its root (virXMLParseHelper's root check from 9.0.0,
 * virDomainDefParseNode's before: ROOT_ELEMENT_CHECK), a device as an unknown device type
 * (virDomainDeviceDefParse takes the type from the name). With `xmlns:q='…'` on the root the local
 * name counts and libvirt reads the document as usual (seclabelModel.ts rootName). Probed with
 * `virsh define` at 7.0.0, 9.0.0, 11.3.0 and 12.9.0 (test/differential/sites.test.ts) and with
 * `virsh attach-device` at 11.3.0 and 12.9.0 (test/hotplug/fragmentOracle.test.ts); the device
 * message is the same in the source of 7.0.0, 9.0.0 and 11.3.0.
 */
function libvirtMessageFor(root: string, local: string, newWords: boolean): string {
	if (local !== 'domain') {
		return `unsupported configuration: unknown device type '${root}'`;
	}
	return newWords
		? `XML error: expecting root element of 'domain', not '${root}'`
		: `XML error: unexpected root element <${root}>, expecting <domain>`;
}

export const rule: Rule = {
	id: 'root-prefix-unbound',
	stage: 'define',
	scope: 'parser',
	// The document: only its root's name, and libvirt gets there only in well-formed XML.
	extent: { unit: 'document' },
	title: 'A `<domain>` (or attach-device) root with a namespace prefix that is not declared: libvirt refuses the document.',
	libvirtMessage: "XML error: expecting root element of 'domain', not '%s'",
	versions: `Before ${ROOT_ELEMENT_CHECK.since} (from 7.0.0 at least) libvirt says \`unexpected root element <q:domain>, expecting <domain>\`. A device fragment (\`<q:disk>\`) is refused by attach-device with \`unsupported configuration: unknown device type 'q:disk'\` at every release.`,
	description: [
		"A prefix such as `q:` in `<q:domain>` must be declared with `xmlns:q='…'`. When it is not, libxml2 keeps the root's name as it is written, `q:domain`, and libvirt refuses the document because its root is not `domain`, before it reads the name or any seclabel. A device for `virsh attach-device` written `<q:disk>` is refused the same way, as an unknown device type.",
		'Remove the prefix from the start and end tags (libvirt\'s own XML has none).',
	].join('\n\n'),
	example: "<q:domain type='kvm'>\n  <name>guest</name>\n</q:domain>",
	check(context) {
		const { doc } = context;
		const root = doc.xml.root;
		// Text libxml2 refuses never gets this far (xml-not-well-formed).
		if (!doc.refusedRoot || !root || refusedByLibxml(doc.xml, context.version)) {
			return;
		}
		const prefix = doc.refusedRoot.slice(0, doc.refusedRoot.indexOf(':'));
		const cut = prefix.length + 1;
		const local = doc.refusedRoot.slice(cut);
		const edits: OffsetEdit[] = [{ span: { start: root.start + 1, end: root.start + 1 + cut }, newText: '' }];
		if (root.endTagStart >= 0) {
			edits.push({ span: { start: root.endTagStart + 2, end: root.endTagStart + 2 + cut }, newText: '' });
		}
		const what = local === 'domain' ? "a root that is not 'domain'" : 'it as an unknown device type';
		context.report({
			span: { start: root.start + 1, end: root.nameEnd },
			message: `${prefix === 'xmlns' ? "The prefix 'xmlns' only declares namespaces, an element cannot have it" : `The prefix '${prefix}' is not declared (no xmlns:${prefix} on this element)`}: libxml2 keeps the root's name as '${doc.refusedRoot}', and libvirt refuses ${what} before it reads any seclabel.`,
			libvirtMessage: libvirtMessageFor(doc.refusedRoot, local, since(context.version, ROOT_ELEMENT_CHECK)),
			fixes: [{ title: `Remove the prefix '${prefix}:' from <${doc.refusedRoot}>`, edits, isPreferred: true }],
		});
	},
};
