import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, liveDomain } from '../../support/fixture';

const RULE = 'labelskip-ignored';

test('labelskip-ignored flags labelskip in define-time XML, at the attribute (E4)', () => {
	// qemuxmlconfdata/seclabel-static-labelskip.xml, derived/define-dev-labelskip.xml
	const xml = domain('', disk(`<seclabel model='selinux' labelskip='yes'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: "labelskip='yes'", stage: 'ignored' }]);
});

test('labelskip-ignored flags even an invalid value, which define-time parsing never reads', () => {
	// derived/define-dev-labelskip-bogus.xml is accepted by libvirt.
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' labelskip='maybe'/>`))), [{ code: RULE, text: "labelskip='maybe'", stage: 'ignored' }]);
	assert.deepEqual(codedFor('labelskip-invalid', domain('', disk(`<seclabel model='selinux' labelskip='maybe'/>`))), []);
});

test('labelskip-ignored stays silent in live XML and without labelskip', () => {
	const live = liveDomain(`  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n  </seclabel>`, disk(`<seclabel model='selinux' labelskip='yes'/>`));
	assert.deepEqual(codedFor(RULE, live), []);
	assert.deepEqual(codedFor(RULE, domain('', disk(`<seclabel model='selinux' relabel='no'/>`))), []);
});

test('labelskip-ignored fix removes labelskip', () => {
	const xml = domain('', disk(`<seclabel model='selinux' labelskip='yes'/>`));
	assert.equal(applyFix(xml, RULE, 'Remove labelskip'), domain('', disk(`<seclabel model='selinux'/>`)));
});
