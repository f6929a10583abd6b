import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, domain, findings } from '../../support/fixture';

const RULE = 'chardev-udp-source-seclabel';

function udp(second: string): string {
	return domain('', `    <serial type='udp'>\n      <source mode='bind' host='0.0.0.0' service='2445'/>\n      <source mode='connect' host='192.0.2.1' service='2445'>${second}</source>\n      <target port='0'/>\n    </serial>`);
}

test('chardev-udp-source-seclabel: libvirt 7.0.0 refuses a bad relabel in the second UDP source', () => {
	// virsh (7.0.0): "XML error: invalid security relabel value maybe"; 9.0.0 and later accept it.
	const xml = udp("<seclabel model='selinux' relabel='maybe'/>");
	assert.deepEqual(codedFor(RULE, xml, { libvirtVersion: '7.0.0' }), [{ code: RULE, text: 'maybe', stage: 'define' }]);
	assert.equal(findings(xml, { libvirtVersion: '7.0.0' }).find((f) => f.rule.id === RULE)?.libvirtMessage, 'XML error: invalid security relabel value maybe');
	for (const libvirtVersion of ['9.0.0', '12.9.0']) {
		assert.deepEqual(codedFor(RULE, xml, { libvirtVersion }), [], libvirtVersion);
	}
});

test('chardev-udp-source-seclabel: a duplicate model and a label with relabel=no in the second source', () => {
	const duplicate = udp("<seclabel model='dac' relabel='no'/><seclabel model='dac' relabel='no'/>");
	assert.equal(findings(duplicate, { libvirtVersion: '7.0.0' }).find((f) => f.rule.id === RULE)?.libvirtMessage, 'seclabel for model dac is already provided');
	const labelled = udp("<seclabel relabel='no'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>");
	assert.equal(findings(labelled, { libvirtVersion: '7.0.0' }).find((f) => f.rule.id === RULE)?.libvirtMessage, 'XML error: Cannot specify a label if relabelling is turned off. model=<null>');
	assert.deepEqual(codedFor(RULE, udp("<seclabel model='selinux' relabel='no'/>"), { libvirtVersion: '7.0.0' }), []);
});
