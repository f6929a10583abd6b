import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyFix, codedFor, domain, findings } from '../../support/fixture';

const RULE = 'chardev-source-count';

function chardev(type: string, sources: string[]): string {
	return `    <serial type='${type}'>\n${sources.map((source) => `      ${source}\n`).join('')}    </serial>`;
}

test('chardev-source-count flags a second <source> of a file serial, at that source', () => {
	// virsh -c test:///default define (libvirt 9.0.0) refuses this with the message below.
	const xml = domain('', chardev('file', [`<source path='/tmp/a.log'/>`, `<source path='/tmp/b.log'><seclabel model='selinux' relabel='no'/></source>`]));
	assert.deepEqual(codedFor(RULE, xml), [{ code: RULE, text: 'source', stage: 'define' }]);
	const finding = findings(xml).find((f) => f.rule.id === RULE)!;
	assert.equal(finding.libvirtMessage, 'XML error: only one source element is allowed for character device');
	assert.equal(finding.span.start, xml.lastIndexOf('<source') + 1);
});

test('chardev-source-count allows two sources on UDP and refuses a third', () => {
	const bind = `<source mode='bind' host='0.0.0.0' service='2445'/>`;
	const connect = `<source mode='connect' host='192.0.2.1' service='2445'/>`;
	assert.deepEqual(codedFor(RULE, domain('', chardev('udp', [bind, connect]))), []);
	const three = domain('', chardev('udp', [bind, connect, connect]));
	assert.deepEqual(codedFor(RULE, three), [{ code: RULE, text: 'source', stage: 'define' }]);
	assert.equal(findings(three).find((f) => f.rule.id === RULE)!.libvirtMessage, 'XML error: only two source elements are allowed for character device');
});

test('chardev-source-count stays silent for one source per chardev', () => {
	// qemuxmlconfdata/chardev-label.xml
	assert.deepEqual(codedFor(RULE, domain('', chardev('file', [`<source path='/tmp/a.log'><seclabel model='selinux' relabel='no'/></source>`]) + '\n' + chardev('pty', [`<source path='/dev/pts/3'/>`]))), []);
});

test('chardev-source-count fix removes every extra source', () => {
	const xml = domain('', chardev('pty', [`<source path='/dev/pts/1'/>`, `<source path='/dev/pts/2'/>`, `<source path='/dev/pts/3'/>`]));
	assert.equal(applyFix(xml, RULE, 'Remove the extra <source>'), domain('', chardev('pty', [`<source path='/dev/pts/1'/>`])));
});
