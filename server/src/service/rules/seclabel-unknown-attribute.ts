import { removeAttribute } from './edits';
import { attributeSpan, type Rule } from './rule';
import { getAttribute } from '../parser/xmlParser';

const DOMAIN_ATTRIBUTES = ['type', 'model', 'relabel'];
const DEVICE_ATTRIBUTES = ['model', 'relabel', 'labelskip'];
const DOMAIN_CHILDREN = ['label', 'imagelabel', 'baselabel'];
const DEVICE_CHILDREN = ['label'];

function closest(name: string, known: string[]): string | undefined {
	const lower = name.toLowerCase();
	return known.find((candidate) => candidate === lower || editDistance(candidate, lower) <= 2);
}

function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0];
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const current = row[j];
			row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = current;
		}
	}
	return row[b.length];
}

export const rule: Rule = {
	id: 'seclabel-unknown-attribute',
	stage: 'ignored',
	scope: 'parser',
	title: 'An attribute or child element that `<seclabel>` does not have.',
	description: "libvirt silently ignores unknown attributes and children of `<seclabel>`, so a typo such as `relable='no'` or `<lable>` quietly loses what it meant. A domain seclabel has `type`, `model`, `relabel` and `<label>`, `<imagelabel>`, `<baselabel>`; a device seclabel has `model`, `relabel`, `labelskip` and `<label>`. libvirt ignores namespace prefixes when it looks an attribute up, so a prefixed `x:relabel` (its prefix declared) is read as `relabel` when it comes before a plain one, and the later one is ignored.",
	example: "<seclabel type='static' model='selinux' relable='yes'>…",
	check(context) {
		const seclabels = [
			...context.doc.seclabels.map((s) => ({ element: s.element, attributes: DOMAIN_ATTRIBUTES, children: DOMAIN_CHILDREN })),
			...context.doc.deviceSeclabels.map((s) => ({ element: s.element, attributes: DEVICE_ATTRIBUTES, children: DEVICE_CHILDREN })),
		];
		for (const { element, attributes, children } of seclabels) {
			for (const attribute of element.attributes) {
				if (attribute.name === 'xmlns' || attribute.name.startsWith('xmlns:')) {
					continue;
				}
				// libvirt reads the first attribute with a known local name, prefixed or not (getAttribute).
				const local = attribute.name.slice(attribute.name.indexOf(':') + 1);
				if (attributes.includes(local)) {
					const read = getAttribute(element, local);
					if (read === attribute) {
						continue;
					}
					if (read) {
						context.report({
							span: attributeSpan(attribute),
							message: `libvirt reads the earlier '${read.name}' as '${local}' (it ignores namespace prefixes) and ignores this '${attribute.name}'.`,
							fixes: [{ title: `Remove '${attribute.name}'`, edits: [removeAttribute(context.text, attribute)] }],
						});
						continue;
					}
				}
				const guess = closest(attribute.name, attributes);
				context.report({
					span: attributeSpan(attribute),
					message: `libvirt ignores '${attribute.name}' on this seclabel${guess ? `; did you mean '${guess}'?` : `; it knows ${attributes.join(', ')}.`}`,
					fixes: [{ title: `Remove '${attribute.name}'`, edits: [removeAttribute(context.text, attribute)], isPreferred: !guess }],
				});
			}
			for (const child of element.children) {
				if (children.includes(child.name)) {
					continue;
				}
				const guess = closest(child.name, children);
				context.report({
					span: { start: child.start + 1, end: child.nameEnd },
					message: `libvirt ignores <${child.name}> in this seclabel${guess ? `; did you mean <${guess}>?` : `; it reads ${children.map((c) => `<${c}>`).join(', ')}.`}`,
				});
			}
		}
	},
};
