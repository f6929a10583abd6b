import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings } from '../../support/fixture';

const RULE = 'seclabel-misplaced';

const diskWith = (inside: string, source = `<source file='/var/lib/libvirt/images/a.img'/>`) =>
	`    <disk type='file' device='disk'>\n${inside}      ${source}\n      <target dev='vda'/>\n    </disk>`;

test('seclabel-misplaced flags a seclabel directly inside <disk>, which libvirt ignores', () => {
	const xml = domain('', diskWith(`      <seclabel model='selinux' relabel='no'/>\n`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	assert.match(findings(xml).find((f) => f.rule.id === RULE)!.message, /belongs inside the <source> of its <disk>/);
});

test('seclabel-misplaced flags seclabels under <devices>, <os> and a chardev\'s second <source>', () => {
	const xml = domain('', `    <seclabel model='selinux' relabel='no'/>\n    <serial type='file'>\n      <source path='/tmp/a.log'/>\n      <source path='/tmp/b.log'><seclabel model='selinux' relabel='no'/></source>\n    </serial>`);
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'ignored' }, { code: RULE, text: 'seclabel', stage: 'ignored' }]);
	assert.deepEqual(findings(xml).filter((f) => f.rule.id === RULE).map((f) => f.fixes!.map((fix) => fix.title)), [['Remove it'], ['Remove it']]);
});

test('seclabel-misplaced stays silent for seclabels where libvirt reads them', () => {
	const xml = domain(`  <seclabel type='dynamic' model='selinux'/>`, diskWith('', `<source file='/a.img'><seclabel model='selinux' relabel='no'/></source>`)
		+ `\n    <serial type='file'>\n      <source path='/tmp/a.log'><seclabel model='selinux' relabel='no'/></source>\n    </serial>`);
	assert.deepEqual(codedFor(RULE, xml), []);
});

test('seclabel-misplaced fix moves the seclabel into <source>', () => {
	const xml = domain('', diskWith(`      <seclabel model='selinux' relabel='no'/>\n`, `<source file='/a.img'>\n      </source>`));
	assert.equal(applyFix(xml, RULE, 'Move it into <source>'), domain('', diskWith('', `<source file='/a.img'>\n        <seclabel model='selinux' relabel='no'/>\n      </source>`)));
	assert.equal(applyFix(xml, RULE, 'Remove it'), domain('', diskWith('', `<source file='/a.img'>\n      </source>`)));
});
