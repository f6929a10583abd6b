import { removeElement } from './edits';
import { nameSpan, type Rule } from './rule';
import { modelOf, seclabelType } from './semantics';
import { APPARMOR_SPELLING, since } from '../version';

export const rule: Rule = {
	id: 'apparmor-baselabel',
	stage: 'start',
	scope: 'runtime',
	title: "A `<baselabel>` in a `model='apparmor'` seclabel.",
	libvirtMessage: 'unsupported configuration: Cannot set a base label with AppArmor',
	reference: 'L1',
	versions: 'libvirt before 11.3.0 spells it `Cannot set a base label with AppArmour` (9.0.0 and 10.7.0 do; 11.3.0 and 12.9.0 say `AppArmor`).',
	description: "AppArmor labels are profile names that libvirt generates from the domain's UUID (`libvirt-<uuid>`), so there is nothing a base label could contribute: the AppArmor driver refuses it when the guest starts. Remove the `<baselabel>`. (On a host without AppArmor the model itself is unavailable: see `model-unavailable`.)",
	example: "<seclabel type='dynamic' model='apparmor'>\n  <baselabel>libvirt-template</baselabel>\n</seclabel>",
	check(context) {
		for (const seclabel of context.doc.seclabels) {
			if (modelOf(seclabel, context.version) !== 'apparmor' || seclabelType(seclabel, context.version) !== 'dynamic' || seclabel.baselabels.length === 0) {
				continue;
			}
			context.report({
				span: nameSpan(seclabel.baselabels[0]),
				message: 'AppArmor profiles are generated per guest (libvirt-<uuid>): the AppArmor driver refuses a base label when the guest starts.',
				libvirtMessage: `unsupported configuration: Cannot set a base label with ${since(context.version, APPARMOR_SPELLING) ? 'AppArmor' : 'AppArmour'}`,
				fixes: [{ title: 'Remove the <baselabel>', edits: seclabel.baselabels.map((element) => removeElement(context.text, element)), isPreferred: true }],
			});
		}
	},
};
