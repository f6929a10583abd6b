import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'labelskip-invalid';
/** A running guest's dump: `virsh define` ignores the id, so it is define-time XML, not live. */
const ID = " id='1'";
const LABELS = `  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c1,c2</imagelabel>\n  </seclabel>`;

test('labelskip-invalid flags a bad labelskip value in live XML (E4)', () => {
	const xml = liveDomain(LABELS, disk(`<seclabel model='selinux' labelskip='maybe'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'maybe', stage: 'define' }]);
	assert.equal(findings(xml).find((f) => f.rule.id === RULE)!.libvirtMessage, "XML error: Invalid value for attribute 'labelskip' in element 'seclabel': 'maybe'.");
});

test('labelskip-invalid stays silent in define-time XML, where libvirt does not read labelskip at all', () => {
	assert.deepEqual(codedFor(RULE, domain(LABELS, disk(`<seclabel model='selinux' labelskip='maybe'/>`))), []);
	assert.deepEqual(codedFor(RULE, domain(LABELS, disk(`<seclabel model='selinux' labelskip='maybe'/>`), ID)), []);
});

test('labelskip-invalid stays silent for yes and no in live XML', () => {
	// derived/live-dev-labelskip.xml, qemuxmlactive2xmldata/seclabel-static-labelskip-active.
	assert.deepEqual(codedFor(RULE, liveDomain(LABELS, disk(`<seclabel model='selinux' labelskip='yes'/>`) + '\n' + disk(`<seclabel model='selinux' labelskip='no'/>`, '', 'vdb', '/b.img'))), []);
});

test('labelskip-invalid fix sets labelskip to yes', () => {
	const xml = liveDomain(LABELS, disk(`<seclabel model='selinux' labelskip='maybe'/>`));
	assert.equal(applyFix(xml, RULE, "Set labelskip='yes'"), liveDomain(LABELS, disk(`<seclabel model='selinux' labelskip='yes'/>`)));
});
