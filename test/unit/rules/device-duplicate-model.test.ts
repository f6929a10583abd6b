import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, disk, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'device-duplicate-model';

test('device-duplicate-model flags a second override for one model in one source, at its model (E1)', () => {
	const xml = domain('', disk(`\n        <seclabel model='selinux' relabel='no'/>\n        <seclabel model='selinux' relabel='no'/>\n      `));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'selinux', stage: 'define' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.libvirtMessage, 'seclabel for model selinux is already provided');
	assert.equal(finding.span.start, xml.lastIndexOf("'selinux'") + 1);
	assert.equal(finding.related![0].span.start, xml.indexOf("'selinux'") + 1);
});

test('device-duplicate-model applies to chardev sources and live XML', () => {
	const serial = `    <serial type='file'>\n      <source path='/tmp/serial.log'>\n        <seclabel model='dac' relabel='no'/>\n        <seclabel model='dac' relabel='no'/>\n      </source>\n    </serial>`;
	assert.deepEqual(codedFor(RULE, liveDomain('', serial)), [{ code: RULE, text: 'dac', stage: 'define' }]);
});

test('device-duplicate-model stays silent for different models, different sources and model-less overrides', () => {
	// qemuxmlconfdata/seclabel-device-multiple.xml: one selinux and one dac override.
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='no'/><seclabel model='dac' relabel='no'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='no'/>`) + '\n' + disk(`<seclabel model='selinux' relabel='no'/>`, '', 'vdb', '/b.img'))), []);
	// derived/define-dev-no-model.xml: model-less overrides are never compared.
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel relabel='no'/><seclabel relabel='no'/>`))), []);
});
