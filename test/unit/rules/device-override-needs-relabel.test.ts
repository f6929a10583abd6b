import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fixture from '../../support/fixture';
import { disk, domain, liveDomain } from '../../support/fixture';
import type { LanguageSettings } from '../../../server/src/service/types';

// Most cases use a harmless relabel='no' override, which libvirt refuses up to 11.x (12.9.0 accepts
// it: see the last test), so they run for 11.3.0 unless they say otherwise.
const UP_TO_11: LanguageSettings = { libvirtVersion: '11.3.0' };
const codedFor = (rule: string, xml: string, settings: LanguageSettings = {}) => fixture.codedFor(rule, xml, { ...UP_TO_11, ...settings });
const findings = (xml: string, settings: LanguageSettings = {}) => fixture.findings(xml, { ...UP_TO_11, ...settings });
const applyFix = (xml: string, rule: string, title: string, settings: LanguageSettings = {}) => fixture.applyFix(xml, rule, title, { ...UP_TO_11, ...settings });

const RULE = 'device-override-needs-relabel';
const STATIC = `  <seclabel type='static' model='selinux'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`;

test('device-override-needs-relabel flags any override under a static label without relabelling (E8)', () => {
	const xml = domain(STATIC, disk(`<seclabel model='selinux' relabel='no'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.libvirtMessage, 'unsupported configuration: label overrides require relabeling to be enabled at the domain level');
	assert.equal(finding.span.start, xml.indexOf('<seclabel model=') + 1);
	assert.equal(finding.related![0].span.start, xml.indexOf('<seclabel type=') + 1);
});

test('device-override-needs-relabel covers type none, backing stores and every chardev type', () => {
	const none = domain(`  <seclabel type='none' model='selinux'/>`, disk(`<seclabel model='selinux'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>`));
	assert.deepEqual(codedFor(RULE, none), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	const backing = `    <disk type='file' device='disk'>\n      <source file='/top.qcow2'/>\n      <backingStore type='file'>\n        <format type='raw'/>\n        <source file='/base.img'>\n          <seclabel model='selinux' relabel='no'/>\n        </source>\n      </backingStore>\n      <target dev='vda'/>\n    </disk>`;
	assert.deepEqual(codedFor(RULE, domain(STATIC, backing)), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	// virsh -c test:///default define refuses a tcp serial's override as well: validation runs for every chardev source.
	const tcp = `    <serial type='tcp'>\n      <source mode='bind' host='127.0.0.1' service='4555'>\n        <seclabel model='selinux' relabel='no'/>\n      </source>\n    </serial>`;
	assert.deepEqual(codedFor(RULE, domain(STATIC, tcp)), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
});

test('device-override-needs-relabel: model none is forced to relabel=no at define time', () => {
	const xml = domain(`  <seclabel type='dynamic' model='none'/>`, disk(`<seclabel model='none' relabel='no'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
});

test('device-override-needs-relabel: a lone model-less none label takes the host model on QEMU, not on the test driver', () => {
	const xml = domain(`  <seclabel type='none'/>`, disk(`<seclabel model='selinux' relabel='no'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.deepEqual(codedFor(RULE, xml, { hostSecurityModel: 'apparmor' }), []);
	// virsh -c test:///default define accepts this: the test driver has no default model to give.
	assert.deepEqual(codedFor(RULE, xml, { driver: 'test' }), []);
	// ...but there a model-less override matches the model-less domain label (STREQ_NULLABLE), which virsh refuses.
	const modelless = domain(`  <seclabel type='none'/>`, disk(`<seclabel relabel='no'/>`));
	assert.deepEqual(codedFor(RULE, modelless, { driver: 'test' }), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	assert.deepEqual(codedFor(RULE, modelless), []);
});

test('device-override-needs-relabel stays silent when the domain relabels, for other models, and without a domain seclabel', () => {
	// qemuxmlconfdata/seclabel-dynamic-override.xml and seclabel-static-relabel.xml patterns.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='dynamic' model='selinux'/>`, disk(`<seclabel model='selinux' relabel='no'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='static' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>`, disk(`<seclabel model='selinux' relabel='no'/>`))), []);
	// derived/define-dev-override-other-model.xml and define-dev-override-no-domain-seclabel.xml
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='none' model='selinux'/>`, disk(`<seclabel model='dac' relabel='no'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='no'/>`))), []);
	// libvirt stops at a parse error before it validates.
	assert.deepEqual(codedFor(RULE, domain(`  <seclabel type='bogus' model='selinux'/>`, disk(`<seclabel model='selinux' relabel='no'/>`))), []);
});

test('device-override-needs-relabel stays silent for status XML, which libvirt reads without validation', () => {
	const status = `<domstatus state='running' reason='booted' pid='1234'>\n${domain(STATIC, disk(`<seclabel model='selinux' relabel='no'/>`), " id='1'")}</domstatus>\n`;
	assert.deepEqual(codedFor(RULE, status), []);
	assert.deepEqual(codedFor(RULE, liveDomain(STATIC, disk(`<seclabel model='selinux' relabel='no'/>`))), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
});

test('device-override-needs-relabel fix removes the override', () => {
	const xml = domain(STATIC, disk(`\n        <seclabel model='selinux' relabel='no'/>\n      `));
	assert.equal(applyFix(xml, RULE, 'Remove this override'), domain(STATIC, disk(`\n      `)));
});

test('device-override-needs-relabel: from 12.9.0 a bare relabel=\'no\' override is accepted, an override that labels is not', () => {
	// The 11.3.0 oracle refuses derived/define-dev-relabel-no-domain-none.xml, the 12.9.0 one accepts it.
	const norelabel = domain(`  <seclabel type='none' model='selinux'/>`, disk(`<seclabel model='selinux' relabel='no'/>`));
	assert.deepEqual(codedFor(RULE, norelabel, { libvirtVersion: '12.9.0' }), []);
	assert.deepEqual(codedFor(RULE, norelabel, { libvirtVersion: '7.0.0' }), [{ code: RULE, text: 'seclabel', stage: 'define' }]);
	for (const override of [`<seclabel model='selinux'/>`, `<seclabel model='selinux'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>`]) {
		assert.deepEqual(codedFor(RULE, domain(STATIC, disk(override)), { libvirtVersion: '12.9.0' }), [{ code: RULE, text: 'seclabel', stage: 'define' }], override);
	}
});
