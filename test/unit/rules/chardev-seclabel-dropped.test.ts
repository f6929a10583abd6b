import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, liveDomain, findings } from '../../support/fixture';

const RULE = 'chardev-seclabel-dropped';

function chardev(element: string, type: string, source: string, seclabel: string): string {
	// libvirt refuses a channel without a target type, whatever its seclabels.
	const target = element === 'channel' ? `\n      <target type='virtio' name='org.example.${type}'/>` : '';
	return `    <${element} type='${type}'>\n      <source ${source}>\n        ${seclabel}\n      </source>${target}\n    </${element}>`;
}

test('chardev-seclabel-dropped flags an override in a tcp serial, which libvirt drops (D4)', () => {
	// derived/define-chardev-tcp-seclabel.xml
	const xml = domain('', chardev('serial', 'tcp', "mode='bind' host='127.0.0.1' service='4555'", `<seclabel model='selinux' relabel='no'/>`));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	assert.match(findings(xml).find((f) => f.rule.id === RULE)!.message, /serial of type 'tcp'/);
});

test('chardev-seclabel-dropped flags udp channels and consoles too', () => {
	assert.deepEqual(codedFor(RULE, domain('', chardev('channel', 'udp', "mode='connect' host='127.0.0.1' service='9999'", `<seclabel model='dac' relabel='no'/>`))), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
	assert.deepEqual(codedFor(RULE, liveDomain('', chardev('console', 'tcp', "mode='connect' host='127.0.0.1' service='2445'", `<seclabel model='selinux' relabel='no'/>`))), [{ code: RULE, text: 'seclabel', stage: 'ignored' }]);
});

test('chardev-seclabel-dropped stays silent for file, pty, dev, pipe and unix chardevs', () => {
	// qemuxmlconfdata/chardev-label.xml
	const devices = [
		chardev('serial', 'file', "path='/tmp/serial.log'", `<seclabel model='selinux' relabel='no'/>`),
		chardev('serial', 'pty', "path='/dev/pts/3'", `<seclabel model='selinux' relabel='no'/>`),
		chardev('parallel', 'dev', "path='/dev/parport0'", `<seclabel model='selinux' relabel='no'/>`),
		chardev('channel', 'pipe', "path='/tmp/pipe'", `<seclabel model='selinux' relabel='no'/>`),
		chardev('channel', 'unix', "mode='bind' path='/tmp/sock'", `<seclabel model='selinux' relabel='no'/>`),
	].join('\n');
	assert.deepEqual(codedFor(RULE, domain('', devices)), []);
});

test('chardev-seclabel-dropped fix removes the override', () => {
	const xml = domain('', chardev('serial', 'tcp', "mode='bind' host='127.0.0.1' service='4555'", `<seclabel model='selinux' relabel='no'/>`));
	assert.equal(applyFix(xml, RULE, 'Remove this override'), domain('', `    <serial type='tcp'>\n      <source mode='bind' host='127.0.0.1' service='4555'>\n      </source>\n    </serial>`));
});
