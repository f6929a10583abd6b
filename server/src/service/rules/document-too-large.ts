import type { Rule } from './rule';

/**
 * Past a parse limit (bytes, elements, nesting depth) a document is not checked at all: one finding
 * says so, where the limit was hit, and the rest of the pipeline sees an empty document. Memory then
 * stays proportional to a real domain whatever a file holds.
 */
export const rule: Rule = {
	id: 'document-too-large',
	stage: 'advice',
	severity: 'warning',
	scope: 'parser',
	extent: { unit: 'document' },
	title: 'The document is past a size limit and is not checked.',
	description: 'A libvirt domain has a few elements per device and nests a few levels deep. A document with more than `libvirtSeclabel.limits.maxElements` elements (default 1,000,000), nested deeper than `libvirtSeclabel.limits.maxDepth` (default 1,000), or longer than `libvirtSeclabel.limits.maxBytes` (default 64 MiB) is not checked, so that a generated or damaged file cannot exhaust the editor\'s memory. Raise the limit in the settings to check it anyway. The command line reports such a file and exits with status 2.',
	example: "<domain type='kvm'>\n  <a><a><a><a>…(more than 1,000 deep)…</a></a></a></a>\n</domain>",
	check(context) {
		// The findings pipeline reports this one itself, before any rule runs; the rule exists for its id and docs.
		void context;
	},
};
