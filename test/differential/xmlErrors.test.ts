/**
 * libxml2's own well-formedness messages for the markup errors an admin makes by hand, checked
 * against libvirt's real parsers: each case is defined with `virsh -c test:///default define` by
 * every libvirt version the project knows (oracle.ts; a missing one fails, naming the setup script)
 * and linted by the CLI with `--libvirt-version` set to that version. libvirt must refuse it, and
 * exactly one of the project's xml-not-well-formed diagnostics must carry a libvirtMessage, all of
 * what virsh printed: the prefix, libxml2's first error, the context line and the caret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ORACLE_VERSIONS, defineAll, lintJson, temporaryDirectory } from './oracle';

const HEAD = "<domain type='kvm'>\n  <name>xmlerrors</name>\n  <memory unit='KiB'>219200</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n";
const SECLABEL = "<seclabel type='dynamic' model='selinux'>";

/** A domain whose metadata nests `<a>` so that `levels` elements are open at the deepest (the root is one). */
function nested(levels: number, tail = '</domain>\n'): string {
	const count = levels - 2;
	return `${HEAD}  <metadata>${'<a>'.repeat(count)}${'</a>'.repeat(count)}</metadata>\n${tail}`;
}

const cases: Record<string, string> = {
	'charref-hex-bad.xml': `${HEAD}  <description>a &#xZZ; b</description>\n</domain>\n`,
	'charref-zero.xml': `${HEAD}  <description>a &#0; b</description>\n</domain>\n`,
	'charref-one.xml': `${HEAD}  <description>a &#1; b</description>\n</domain>\n`,
	'charref-too-big.xml': `${HEAD}  <description>a &#x110000; b</description>\n</domain>\n`,
	'charref-empty.xml': `${HEAD}  <description>a &#; b</description>\n</domain>\n`,
	'charref-attr-hex-bad.xml': `${HEAD}  <seclabel type='&#xZZ;' model='selinux'/>\n</domain>\n`,
	'charref-attr-one.xml': `${HEAD}  <seclabel type='&#1;' model='selinux'/>\n</domain>\n`,
	'charref-decimal-bad.xml': `${HEAD}  <description>a &#12a; b</description>\n</domain>\n`,
	'charref-surrogate.xml': `${HEAD}  <description>a &#xD800; b</description>\n</domain>\n`,
	'charref-fffe.xml': `${HEAD}  <description>a &#xFFFE; b</description>\n</domain>\n`,
	'charref-huge-decimal.xml': `${HEAD}  <description>a &#99999999999999999999; b</description>\n</domain>\n`,
	'charref-no-semicolon.xml': `${HEAD}  <description>a &#12 b</description>\n</domain>\n`,
	'charref-hex-empty.xml': `${HEAD}  <description>a &#x; b</description>\n</domain>\n`,
	'charref-attr-empty.xml': `${HEAD}  <seclabel type='&#;' model='selinux'/>\n</domain>\n`,
	'depth-258.xml': nested(258),
	'depth-300.xml': nested(300),
	'depth-258-then-mismatch.xml': nested(258, '  </domain>\n</x>\n'),
	'mismatch-then-depth-258.xml': `${HEAD}  <devices>\n  </device>\n${nested(258).slice(HEAD.length)}`,
	'depth-258-lines.xml': `${HEAD}  <metadata>\n${'<a>\n'.repeat(256)}${'</a>'.repeat(256)}</metadata>\n</domain>\n`,
	'mismatch-typo.xml': `${HEAD}  ${SECLABEL}\n  </seclable>\n</domain>\n`,
	'mismatch-parent-closes.xml': `${HEAD}  ${SECLABEL}\n</domain>\n`,
	'mismatch-nested.xml': `${HEAD}  <devices>\n    <disk type='file' device='disk'>\n      <source file='/a.img'/>\n  </devices>\n</domain>\n`,
	'mismatch-then-extra.xml': `${HEAD}  ${SECLABEL}\n</domain>\n<foo/>\n`,
	'premature-newline.xml': `${HEAD}  ${SECLABEL}\n`,
	'premature-no-newline.xml': `${HEAD}  ${SECLABEL}`,
	'premature-blank-lines.xml': `${HEAD}  ${SECLABEL}\n\n\n`,
	'premature-after-child.xml': `${HEAD}  ${SECLABEL}\n    <label>x</label>\n`,
	'premature-root.xml': `${HEAD}`,
	'unquoted-value.xml': `${HEAD}  <seclabel type=dynamic model='selinux'/>\n</domain>\n`,
	'unquoted-value-last.xml': `${HEAD}  <seclabel model='selinux' relabel=no/>\n</domain>\n`,
	'unterminated-value.xml': `${HEAD}  <seclabel type='dynamic model='selinux'/>\n</domain>\n`,
	'unterminated-value-eol.xml': `${HEAD}  <seclabel type='dynamic' model='selinux\n</domain>\n`,
	'lt-in-value.xml': `${HEAD}  <seclabel type='a<b' model='selinux'/>\n</domain>\n`,
	'no-space-between.xml': `${HEAD}  <seclabel type='dynamic'model='selinux'/>\n</domain>\n`,
	'slash-without-gt.xml': `${HEAD}  <seclabel type='dynamic' model='selinux'/\n</domain>\n`,
	'tag-cut-off.xml': `${HEAD}  <seclabel type='dynamic' model='selinux'\n</domain>\n`,
	'duplicate-attribute-last.xml': `${HEAD}  <seclabel type='dynamic' model='selinux' type='none'/>\n</domain>\n`,
	'duplicate-attribute-middle.xml': `${HEAD}  <seclabel type='dynamic' type='none' model='selinux'/>\n</domain>\n`,
	'duplicate-attribute-open.xml': `${HEAD}  <seclabel type='dynamic' model='selinux' model='dac' >\n  </seclabel>\n</domain>\n`,
	'no-value.xml': `${HEAD}  <seclabel type='dynamic' model relabel='no'/>\n</domain>\n`,
	'no-value-slash.xml': `${HEAD}  <seclabel type='dynamic' model/>\n</domain>\n`,
	'tag-cut-by-end.xml': `${HEAD}  <seclabel type='dynamic' model='selinux'`,
	'end-tag-open.xml': `${HEAD}  <seclabel type='none'></seclabel\n</domain>\n`,
	'end-tag-junk.xml': `${HEAD}  <seclabel type='none'></seclabel foo>\n</domain>\n`,
	'end-tag-cut-by-end.xml': `${HEAD}</domain`,
	'end-tag-cut-by-end-newline.xml': `${HEAD}</domain\n`,
	'comment-open.xml': `${HEAD}  <!-- the label\n</domain>\n`,
	'text-before-root.xml': `hello\n${HEAD}</domain>\n`,
	'extra-text.xml': `${HEAD}</domain>\nextra\n`,
	'extra-element.xml': `${HEAD}</domain>\n<foo/>\n`,
	'extra-end-tag.xml': `${HEAD}</domain>\n</domain>\n`,
	'stray-lt.xml': `${HEAD}  <seclabel type='static' model='selinux'><label>a < b</label></seclabel>\n</domain>\n`,
	'stray-amp-space.xml': `${HEAD}  <seclabel type='static' model='selinux'><label>a & b</label></seclabel>\n</domain>\n`,
	'stray-amp-name.xml': `${HEAD}  <seclabel type='static' model='selinux'><label>a &b</label></seclabel>\n</domain>\n`,
	'stray-amp-attribute.xml': `${HEAD}  <seclabel type='a&b' model='selinux'/>\n</domain>\n`,
	'tab-context.xml': `${HEAD}\t<seclabel type='dynamic' model='selinux' type='none'/>\n</domain>\n`,
	'undefined-entity-then-mismatch.xml': `${HEAD}  <seclabel type='&x;' model='selinux'>\n</domain>\n`,
	'mismatch-then-undefined-entity.xml': `${HEAD}  <devices>\n  </device>\n  <seclabel type='&x;' model='selinux'/>\n</domain>\n`,
};

test("libxml2's first well-formedness error, as every libvirt version prints it", { timeout: 600000 }, async () => {
	const temp = temporaryDirectory('libvirt-seclabel-xmlerrors-');
	try {
		const files = Object.entries(cases).map(([name, xml]) => {
			const file = path.join(temp.dir, name);
			fs.writeFileSync(file, xml);
			return file;
		});
		const failures: string[] = [];
		for (const version of ORACLE_VERSIONS) {
			const verdicts = await defineAll(files, version);
			const report = await lintJson([temp.dir], ['--driver', 'test', '--libvirt-version', version]);
			const byPath = new Map(report.files.map((file) => [path.basename(file.path), file.diagnostics.filter((d) => d.stage === 'define')]));
			for (const file of files) {
				const name = path.basename(file);
				const verdict = verdicts.get(file)!;
				const ours = byPath.get(name) ?? [];
				const carrying = ours.filter((d) => d.code === 'xml-not-well-formed' && d.libvirtMessage !== undefined);
				if (verdict.accepted) {
					failures.push(`${version} ${name}: libvirt accepts it`);
				} else if (!ours.some((d) => d.code === 'xml-not-well-formed')) {
					failures.push(`${version} ${name}: no xml-not-well-formed diagnostic`);
				} else if (carrying.length !== 1 || carrying[0].libvirtMessage !== verdict.message) {
					failures.push(`${version} ${name}:\n  libvirt: ${verdict.message}\n  project: ${carrying.map((d) => d.libvirtMessage).join(' | ') || '(none)'}`);
				}
			}
		}
		assert.equal(failures.length, 0, `disagreements with libvirt:\n${failures.join('\n')}`);
	} finally {
		temp.remove();
	}
});

test("libxml2's depth limit: 257 open elements are accepted by every libvirt version, and not reported", { timeout: 600000 }, async () => {
	const temp = temporaryDirectory('libvirt-seclabel-xmldepth-');
	try {
		const file = path.join(temp.dir, 'depth-257.xml');
		fs.writeFileSync(file, nested(257));
		const failures: string[] = [];
		for (const version of ORACLE_VERSIONS) {
			const verdict = (await defineAll([file], version)).get(file)!;
			const report = await lintJson([file], ['--driver', 'test', '--libvirt-version', version]);
			const ours = report.files.flatMap((entry) => entry.diagnostics).filter((d) => d.code === 'xml-not-well-formed');
			if (!verdict.accepted) failures.push(`${version}: libvirt refuses it: ${verdict.message}`);
			if (ours.length > 0) failures.push(`${version}: the project reports ${ours.map((d) => d.message).join(' | ')}`);
		}
		assert.equal(failures.length, 0, failures.join('\n'));
	} finally {
		temp.remove();
	}
});
