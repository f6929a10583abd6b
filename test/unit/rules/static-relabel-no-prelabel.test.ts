import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { codedFor, disk, findings } from '../../support/fixture';
import { staticGuest } from '../selinux/guests';

const RULE = 'static-relabel-no-prelabel';
const LABEL = 'system_u:system_r:svirt_t:s0:c1022,c1023';

test('static-relabel-no-prelabel names the chcon command for each local disk', () => {
	const xml = staticGuest(LABEL, [disk(), disk('', '\n      <readonly/>', 'vdb', '/var/lib/libvirt/isos/my disk.iso')].join('\n'));
	assert.deepEqual(codedFor(RULE, xml).map((f) => [f.text, f.stage]), [['/var/lib/libvirt/images/guest.qcow2', 'advice'], ['/var/lib/libvirt/isos/my disk.iso', 'advice']]);
	const messages = findings(xml).filter((f) => f.rule.id === RULE).map((f) => f.message);
	assert.match(messages[0], /chcon -t svirt_image_t -l s0:c1022,c1023 \/var\/lib\/libvirt\/images\/guest\.qcow2$/);
	assert.match(messages[1], /chcon -t virt_content_t -l s0 '\/var\/lib\/libvirt\/isos\/my disk\.iso'$/);
});

test('static-relabel-no-prelabel stays silent when libvirt relabels, and for dynamic guests', () => {
	assert.deepEqual(codedFor(RULE, staticGuest(LABEL, disk(), 'yes')), []);
	assert.deepEqual(codedFor(RULE, staticGuest(LABEL)), [], 'no disks, nothing to label');
	assert.deepEqual(codedFor(RULE, staticGuest('system_u:system_r:svirt_t:s0:c5.c3', disk())), [], 'an invalid label is reported elsewhere');
});
