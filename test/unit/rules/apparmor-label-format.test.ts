import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, liveDomain } from '../../support/fixture';

const RULE = 'apparmor-label-format';
const UUID = 'c7b3edbd-edaf-9455-926a-d65c16db1800';

function apparmorGuest(type: string, label: string, live = false): string {
	const xml = (live ? liveDomain : domain)(`  <seclabel type='${type}' model='apparmor' relabel='yes'>\n    <label>${label}</label>\n    <imagelabel>${label}</imagelabel>\n  </seclabel>`, '');
	return xml.replace('<name>guest</name>', `<name>guest</name>\n  <uuid>${UUID}</uuid>`);
}

test('apparmor-label-format flags an SELinux context or whitespace in an AppArmor label', () => {
	assert.deepEqual(codedFor(RULE, apparmorGuest('static', 'system_u:system_r:svirt_t:s0:c1,c2'), { hostSecurityModel: 'apparmor' }), [{ code: RULE, text: 'system_u:system_r:svirt_t:s0:c1,c2', stage: 'start' }]);
	assert.deepEqual(codedFor(RULE, apparmorGuest('static', 'my profile')).map((f) => f.text), ['my profile']);
});

test('apparmor-label-format flags a live dynamic label that is not libvirt-<uuid> as advice', () => {
	assert.deepEqual(codedFor(RULE, apparmorGuest('dynamic', 'libvirt-00000000-0000-0000-0000-000000000000', true)).map((f) => f.stage), ['advice']);
	assert.deepEqual(codedFor(RULE, apparmorGuest('dynamic', `libvirt-${UUID}`, true)), []);
});

test('apparmor-label-format stays silent for profile names', () => {
	assert.deepEqual(codedFor(RULE, apparmorGuest('static', 'libvirt-custom-profile')), []);
});
