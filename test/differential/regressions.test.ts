/**
 * Disagreements the differential test found between libvirt 9.0.0's parser and the project, each
 * pinned with the smallest document that showed it. The verdicts in the comments are what
 * `virsh -c test:///default define` printed; the same documents are among the generated cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, codedFor, disk, domain, findings } from '../support/fixture';

const TEST_DRIVER = { driver: 'test' as const, libvirtVersion: '9.0.0' };

function defineMessages(xml: string): string[] {
	return findings(xml, TEST_DRIVER).filter((finding) => finding.stage === 'define').map((finding) => finding.libvirtMessage ?? `(${finding.rule.id} without libvirtMessage)`);
}

test('a label over 4096 bytes of UTF-8 is missing even with fewer characters (libvirt counts bytes)', () => {
	// virsh: "XML error: security label is missing" for 2049 two-byte characters (4098 bytes).
	const tooLong = domain(`  <seclabel type='static' model='selinux'><label>${'\u00e9'.repeat(2049)}</label></seclabel>`);
	assert.deepEqual(defineMessages(tooLong), ['XML error: security label is missing']);
	// 2048 two-byte characters are exactly 4096 bytes, which libvirt still reads.
	const atLimit = domain(`  <seclabel type='static' model='selinux'><label>${'\u00e9'.repeat(2048)}</label></seclabel>`);
	assert.deepEqual(defineMessages(atLimit), []);
});

test('a model over 256 bytes of UTF-8 counts as absent even with fewer characters', () => {
	// virsh: "seclabel for model (null) is already provided": the 258-byte model was dropped.
	const tooLong = domain(`  <seclabel type='dynamic' model='${'\u00e9'.repeat(129)}'/>\n  <seclabel type='dynamic'/>`);
	assert.deepEqual(defineMessages(tooLong).sort(), ['XML error: missing security model when using multiple labels', 'XML error: missing security model when using multiple labels', 'seclabel for model (null) is already provided']);
	assert.equal(codedFor('model-too-long', tooLong, TEST_DRIVER).length, 1);
	// 128 two-byte characters are 256 bytes: a real model, so only the second seclabel lacks one.
	const atLimit = domain(`  <seclabel type='dynamic' model='${'\u00e9'.repeat(128)}'/>\n  <seclabel type='dynamic'/>`);
	assert.deepEqual(defineMessages(atLimit), ['XML error: missing security model when using multiple labels']);
	assert.deepEqual(codedFor('model-too-long', atLimit, TEST_DRIVER), []);
});

test('elements in an XML namespace are invisible to libvirt, like unknown elements', () => {
	// virsh accepts a seclabel with a bogus type when it sits in a default namespace.
	assert.deepEqual(defineMessages(domain("  <seclabel xmlns='urn:example' type='bogus'/>")), []);
	// An empty default namespace puts it back in no namespace, and libvirt reads it again.
	assert.deepEqual(defineMessages(domain("  <seclabel xmlns='' type='bogus'/>")), ["XML error: Invalid value for attribute 'type' in element 'seclabel': 'bogus'."]);
	// virsh: "security label is missing" when the only <label> is in a namespace.
	assert.deepEqual(defineMessages(domain("  <seclabel type='static' model='selinux'><label xmlns='urn:example'>system_u:system_r:svirt_t:s0</label></seclabel>")), ['XML error: security label is missing']);
	// virsh accepts a namespaced disk whatever its seclabel says: libvirt never sees the disk.
	const namespacedDisk = disk("<seclabel model='selinux' relabel='bogus'/>").replace("<disk type='file'", "<disk xmlns='urn:example' type='file'");
	assert.deepEqual(defineMessages(domain('', namespacedDisk)), []);
	assert.deepEqual(defineMessages(domain('', disk("<seclabel model='selinux' relabel='bogus'/>"))), ["XML error: Invalid value for attribute 'relabel' in element 'seclabel': 'bogus'."]);
});

test('a character device takes one <source>, two for UDP, before libvirt reads its seclabels', () => {
	const serial = (type: string, sources: string) => `    <serial type='${type}'>\n      ${sources}\n      <target port='0'/>\n    </serial>`;
	// virsh: "only one source element is allowed" even though the first source's seclabel is also bad.
	const two = domain('', serial('file', "<source path='/var/log/a.log'><seclabel relabel='bogus'/></source><source path='/var/log/b.log'/>"));
	assert.deepEqual(defineMessages(two).sort(), ["XML error: Invalid value for attribute 'relabel' in element 'seclabel': 'bogus'.", 'XML error: only one source element is allowed for character device'].sort());
	assert.deepEqual(codedFor('chardev-source-count', two, TEST_DRIVER).map((finding) => finding.text), ['source']);
	const fixed = applyFix(two, 'chardev-source-count', 'Remove the extra <source>', TEST_DRIVER);
	assert.deepEqual(codedFor('chardev-source-count', fixed, TEST_DRIVER), []);
	assert.ok(fixed.includes("<source path='/var/log/a.log'>") && !fixed.includes('b.log'));
	// UDP takes a bind and a connect source; virsh accepts it and refuses a third.
	const udpSource = (service: number) => `<source mode='connect' host='192.0.2.1' service='${service}'/>`;
	assert.deepEqual(defineMessages(domain('', serial('udp', udpSource(1) + udpSource(2)))), []);
	assert.deepEqual(defineMessages(domain('', serial('udp', udpSource(1) + udpSource(2) + udpSource(3)))), ['XML error: only two source elements are allowed for character device']);
});

// Disagreements the differential suite found against the other oracles (7.0.0, 11.3.0, 12.9.0);
// the verdicts in the comments are what each version's `virsh -c test:///default define` printed.

function defineMessagesFor(xml: string, libvirtVersion: string): string[] {
	return findings(xml, { driver: 'test', libvirtVersion }).filter((finding) => finding.stage === 'define').map((finding) => finding.libvirtMessage ?? `(${finding.rule.id} without libvirtMessage)`);
}

test('libvirt 7.0.0 keeps labels of at most 4095 bytes and models of at most 255; 9.0.0 one byte more', () => {
	const label = (bytes: number) => domain(`  <seclabel type='static' model='selinux'><label>${'x'.repeat(bytes)}</label></seclabel>`);
	// 7.0.0: "XML error: security label is missing" for 4096 bytes; 9.0.0 accepts 4096 and refuses 4097.
	assert.deepEqual(defineMessagesFor(label(4095), '7.0.0'), []);
	assert.deepEqual(defineMessagesFor(label(4096), '7.0.0'), ['XML error: security label is missing']);
	assert.deepEqual(defineMessagesFor(label(4096), '9.0.0'), []);
	assert.deepEqual(defineMessagesFor(label(4097), '12.9.0'), ['XML error: security label is missing']);
	// 7.0.0: "seclabel for model (null) is already provided" for a 256-byte model (dropped); 9.0.0 keeps it.
	const model = (bytes: number) => domain(`  <seclabel type='dynamic' model='${'m'.repeat(bytes)}'/>\n  <seclabel type='dynamic'/>`);
	assert.ok(defineMessagesFor(model(256), '7.0.0').includes('seclabel for model (null) is already provided'));
	assert.deepEqual(defineMessagesFor(model(256), '9.0.0'), ['XML error: missing security model when using multiple labels']);
	assert.deepEqual(defineMessagesFor(model(255), '7.0.0'), ['XML error: missing security model when using multiple labels']);
});

test('libvirt 7.0.0 words a bad type and relabel itself, an empty relabel with a trailing space', () => {
	assert.deepEqual(defineMessagesFor(domain("  <seclabel type='bogus' model='selinux'/>"), '7.0.0'), ["unsupported configuration: invalid security type 'bogus'"]);
	assert.deepEqual(defineMessagesFor(domain("  <seclabel type='' model='selinux'/>"), '7.0.0'), ["unsupported configuration: invalid security type ''"]);
	assert.deepEqual(defineMessagesFor(domain("  <seclabel type='dynamic' model='selinux' relabel='maybe'/>"), '7.0.0'), ['XML error: invalid security relabel value maybe']);
	// virsh prints "invalid security relabel value " with the space: the oracle keeps it.
	assert.deepEqual(defineMessagesFor(domain('', disk("<seclabel model='selinux' relabel=''/>")), '7.0.0'), ['XML error: invalid security relabel value ']);
	assert.deepEqual(defineMessagesFor(domain("  <seclabel type='bogus' model='selinux'/>"), '9.0.0'), ["XML error: Invalid value for attribute 'type' in element 'seclabel': 'bogus'."]);
});

test('a type-less seclabel with relabel=no: refused by 7.0.0 and 12.9.0 as dynamic, accepted by 9.0.0 and 11.3.0', () => {
	const xml = domain("  <seclabel model='selinux' relabel='no'/>");
	for (const version of ['7.0.0', '12.9.0']) {
		assert.deepEqual(defineMessagesFor(xml, version), ['unsupported configuration: dynamic label type must use resource relabeling'], version);
	}
	for (const version of ['9.0.0', '11.3.0']) {
		assert.deepEqual(defineMessagesFor(xml, version), [], version);
	}
});

test('12.9.0 accepts a bare relabel=no override under a type=none domain label, which 11.3.0 refuses', () => {
	// derived/define-dev-relabel-no-domain-none.xml
	const xml = domain("  <seclabel type='none' model='selinux'/>", disk("<seclabel model='selinux' relabel='no'/>"));
	assert.deepEqual(defineMessagesFor(xml, '11.3.0'), ['unsupported configuration: label overrides require relabeling to be enabled at the domain level']);
	assert.deepEqual(defineMessagesFor(xml, '12.9.0'), []);
});
