import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain } from '../../support/fixture';
import type { PolicyInfo } from '../../../server/src/service/selinux/policy';

const RULE = 'tcg-needs-execmem';
const REFPOLICY: PolicyInfo = { source: '/etc/selinux/default', policyName: 'default', domainContext: 'system_u:system_r:svirt_t:s0' };
const FEDORA: PolicyInfo = { ...REFPOLICY, source: '/etc/selinux/targeted', tcgDomainContext: 'system_u:system_r:svirt_tcg_t:s0' };

function tcgGuest(labels: string): string {
	return domain(labels).replace("<domain type='kvm'>", "<domain type='qemu'>");
}

test('tcg-needs-execmem flags an emulated guest on a policy without a TCG type', () => {
	assert.deepEqual(codedFor(RULE, tcgGuest("  <seclabel type='dynamic' model='selinux'/>"), { policy: REFPOLICY }), [{ code: RULE, text: 'qemu', stage: 'advice' }]);
	assert.deepEqual(codedFor(RULE, tcgGuest(''), { policy: REFPOLICY }).map((f) => f.text), ['qemu'], 'no seclabel: libvirt adds a dynamic one');
});

test('tcg-needs-execmem stays silent with a TCG type, an unknown policy, KVM guests and base labels', () => {
	assert.deepEqual(codedFor(RULE, tcgGuest("  <seclabel type='dynamic' model='selinux'/>"), { policy: FEDORA }), []);
	assert.deepEqual(codedFor(RULE, tcgGuest("  <seclabel type='dynamic' model='selinux'/>")), []);
	assert.deepEqual(codedFor(RULE, domain("  <seclabel type='dynamic' model='selinux'/>"), { policy: REFPOLICY }), []);
	assert.deepEqual(codedFor(RULE, tcgGuest("  <seclabel type='dynamic' model='selinux'><baselabel>system_u:system_r:svirt_prot_exec_t:s0</baselabel></seclabel>"), { policy: REFPOLICY }), []);
});
