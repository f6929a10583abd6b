import { insertAfter, insertChild } from './edits';
import { nameSpan, type Rule } from './rule';
import { domainRelabel, exceedsLimit, labelLimit, modelOf, seclabelType } from './semantics';

const IMAGELABEL_PLACEHOLDER = '<imagelabel>system_u:object_r:svirt_image_t:s0:c0,c1</imagelabel>';

export const rule: Rule = {
	id: 'imagelabel-missing',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'domain' },
	title: 'Live XML of a relabelling seclabel without `<imagelabel>`.',
	libvirtMessage: 'XML error: security imagelabel is missing',
	reference: 'B9',
	description: "In live XML (a `<domstatus>` status file, a running guest's XML read from a host, a file marked `<!-- libvirt-seclabel: live -->`), every seclabel with relabelling on and a type other than `none` carries the `<imagelabel>` libvirt generated for the guest's files. Without it libvirt cannot read the XML back, for example when the daemon restarts. Define-time XML never needs one: the inactive output of a `type='static' relabel='yes'` domain is therefore not valid live XML, and a `virsh dumpxml` saved to a file is define-time XML again (`virsh define` ignores its `id`).",
	example: "<domstatus state='running' pid='4242'>…<domain type='kvm' id='3'>…<seclabel type='dynamic' model='selinux' relabel='yes'><label>…</label></seclabel>",
	check(context) {
		if (!context.live) {
			return;
		}
		for (const seclabel of context.doc.seclabels) {
			const type = seclabelType(seclabel, context.version);
			if (type === null || type === 'none' || modelOf(seclabel, context.version) === 'none' || domainRelabel(seclabel, context.version) !== true) {
				continue;
			}
			const first = seclabel.imagelabels[0];
			const value = first ? context.textOf(first) : '';
			if (value.length > 0 && !exceedsLimit(value, labelLimit(context.version))) {
				continue;
			}
			context.report({
				span: first ? nameSpan(first) : nameSpan(seclabel.element),
				message: 'A running guest that relabels its resources records the label of its files in <imagelabel>; this live XML has none.',
				libvirtMessage: 'XML error: security imagelabel is missing',
				fixes: first ? [] : [{
					title: 'Add an <imagelabel>',
					// libvirt writes <imagelabel> right after <label>; keeping that order keeps the XML comparable with dumpxml.
					edits: [seclabel.labels.length > 0
						? insertAfter(context.text, seclabel.labels[seclabel.labels.length - 1], IMAGELABEL_PLACEHOLDER)
						: insertChild(context.text, seclabel.element, IMAGELABEL_PLACEHOLDER)],
				}],
			});
		}
	},
};
