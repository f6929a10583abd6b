/**
 * libvirt 7.0.0 (Debian 11) parses the seclabels of BOTH `<source>` elements of a UDP character
 * device (its virDomainChrSourceDefParseXML walks every `<source>` and reads each one's seclabels,
 * the second replacing the first), so a bad seclabel in the connect source is refused there; from
 * the 8.0.0 rewrite on only the first source's seclabels are read and the second's are ignored.
 * The service's model reads the first source; this rule applies libvirt's device-seclabel checks
 * to the second one for the versions that read it.
 */
import { childElements, getAttribute } from '../parser/xmlParser';
import { nameSpan, valueSpan, type Rule } from './rule';
import { invalidRelabelMessage } from './relabel-invalid';
import { exceedsLimit, labelLimit, modelForMessage, yesNo } from './semantics';
import { since, XML_PROP_PARSING } from '../version';

export const rule: Rule = {
	id: 'chardev-udp-source-seclabel',
	stage: 'define',
	scope: 'parser',
	title: "A bad seclabel in the second `<source>` of a UDP character device, for libvirt before 8.0.0.",
	libvirtMessage: 'XML error: invalid security relabel value <value>',
	reference: 'E1, E3, E6',
	versions: "Only before 8.0.0 (7.0.0 reads the seclabels of both UDP sources); 9.0.0 and later read only the first source's and ignore these.",
	description: "libvirt 7.0.0 reads the seclabels of both sources of a `<serial type='udp'>` (or other UDP character device), the second set replacing the first, and refuses a bad one there: a duplicate model, an invalid `relabel`, or a `<label>` with `relabel='no'`. Newer libvirt reads only the first source's seclabels. Put the override in the first `<source>`.",
	example: "<serial type='udp'>\n  <source mode='bind' host='0.0.0.0' service='2445'/>\n  <source mode='connect' host='192.0.2.1' service='2445'>\n    <seclabel model='selinux' relabel='maybe'/>\n  </source>\n</serial>",
	check(context) {
		if (since(context.version, XML_PROP_PARSING)) {
			return;
		}
		for (const chardev of context.doc.chardevs) {
			if (chardev.type !== 'udp') {
				continue;
			}
			const second = childElements(chardev.element, 'source')[1];
			if (!second) {
				continue;
			}
			const models: string[] = [];
			for (const seclabel of childElements(second, 'seclabel')) {
				const model = getAttribute(seclabel, 'model');
				if (model?.value != null) {
					if (models.includes(model.value)) {
						context.report({ span: valueSpan(model), message: `A second seclabel for model '${model.value}' in this source.`, libvirtMessage: `seclabel for model ${model.value} is already provided` });
						return;
					}
					models.push(model.value);
				}
				const relabel = getAttribute(seclabel, 'relabel');
				const relabelValue = yesNo(relabel);
				if (relabel && relabel.quote !== null && relabelValue === null) {
					context.report({ span: valueSpan(relabel), message: `'${relabel.value ?? ''}' is not a relabel value; libvirt ${context.version.text} reads this second UDP source's seclabels and refuses it.`, libvirtMessage: invalidRelabelMessage(relabel.value ?? '', context.version) });
					return;
				}
				const label = childElements(seclabel, 'label')[0];
				const text = label ? context.textOf(label) : '';
				if (relabelValue === false && text.length > 0 && !exceedsLimit(text, labelLimit(context.version))) {
					context.report({ span: nameSpan(label), message: "A label with relabel='no' in this second UDP source, which this libvirt reads.", libvirtMessage: `XML error: Cannot specify a label if relabelling is turned off. model=${modelForMessage(model?.value ?? null, 'device')}` });
					return;
				}
			}
		}
	},
};
