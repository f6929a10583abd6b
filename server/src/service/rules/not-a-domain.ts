import type { Rule } from './rule';

export const rule: Rule = {
	id: 'not-a-domain',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'document' },
	title: 'A file given to the command line is empty or not XML at all.',
	description: 'Reported only by `libvirt-seclabel-lint` for files named on its command line: `virsh define` would refuse an empty file or one without a root element. XML with another root element (a network or pool definition) is not a domain and is not checked.',
	check(context) {
		// The validation feature reports this one itself; the rule exists for its id and docs.
		void context;
	},
};
