/**
 * Attach-device fragments in the language service: which roots are fragments, the device-level
 * rules on a fragment alone, the attach-to directive, and a fragment checked inside its guest
 * (rules that need the guest run, offsets come back to the fragment, related locations point into
 * the guest's file, and no fix edits the guest).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { computeFindings } from '../../server/src/service/features/findings';
import { attachToDirective, composeWithTarget } from '../../server/src/service/features/attachTarget';
import { applyEdits } from '../support/fixture';
import { hoverAt, hoverText } from '../support/cursor';
import { WorkspaceIndex } from '../../server/src/service/workspace/workspaceIndex';

const DISK = "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/new.img'>\n    <seclabel model='selinux' relabel='yes'/>\n  </source>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n";

function codes(text: string, settings = {}): { code: string; text: string }[] {
	return computeFindings(parseSeclabelText(text), settings).map((finding) => ({ code: finding.rule.id, text: text.slice(finding.span.start, finding.span.end) }));
}

test('device roots are fragments with their one device in the model; other roots are not parsed', () => {
	const disk = parseSeclabelText(`<?xml version='1.0'?>\n<!-- for vm2 -->\n${DISK}`);
	assert.equal(disk.domain, null);
	assert.equal(disk.fragment?.name, 'disk');
	assert.equal(disk.disks.length, 1);
	assert.equal(disk.deviceSeclabels.length, 1);
	assert.equal(disk.kind, 'inactive');
	for (const name of ['serial', 'parallel', 'console', 'channel']) {
		const chardev = parseSeclabelText(`<${name} type='file'>\n  <source path='/var/log/x.log'>\n    <seclabel model='selinux' relabel='no'/>\n  </source>\n</${name}>\n`);
		assert.equal(chardev.fragment?.name, name);
		assert.equal(chardev.chardevs.length, 1, name);
		assert.equal(chardev.chardevs[0].seclabels.length, 1, name);
	}
	for (const other of ['<interface type="network"/>', '<network><name>x</name></network>', "<x:interface xmlns:x='urn:x'/>"]) {
		const doc = parseSeclabelText(other);
		assert.equal(doc.fragment, undefined, other);
		assert.deepEqual(computeFindings(doc), [], other);
	}
	// update-device --live parses the device as live XML: the comment says so.
	assert.equal(parseSeclabelText(`<!-- libvirt-seclabel: live -->\n${DISK}`).kind, 'live');
});

test('a root with a bound prefix is a fragment (attach-device reads the local name); an unbound one is refused', () => {
	const prefixed = DISK.replace('<disk ', "<q:disk xmlns:q='urn:example' ").replace('</disk>', '</q:disk>');
	const doc = parseSeclabelText(prefixed);
	assert.equal(doc.fragment?.name, 'q:disk');
	assert.equal(doc.disks.length, 1);
	assert.deepEqual(codes(prefixed, { libvirtVersion: '12.9.0' }), [{ code: 'device-relabel-without-label', text: "relabel='yes'" }]);
	const serial = parseSeclabelText("<q:serial xmlns:q='urn:example' type='file'>\n  <source path='/var/log/x.log'>\n    <seclabel model='selinux' relabel='no'/>\n  </source>\n</q:serial>\n");
	assert.equal(serial.chardevs[0]?.kind, 'serial');
	assert.equal(serial.chardevs[0].seclabels.length, 1);
	// Unbound: libxml2 keeps `q:disk`, which libvirt's device parser does not know (attach-device at 11.3.0 and 12.9.0).
	const unbound = prefixed.replace(" xmlns:q='urn:example'", '');
	assert.deepEqual(codes(unbound), [{ code: 'root-prefix-unbound', text: 'q:disk' }]);
	assert.equal(computeFindings(parseSeclabelText(unbound))[0].libvirtMessage, "unsupported configuration: unknown device type 'q:disk'");
});

const GUEST_STATIC_NO_RELABEL = "<domain type='kvm'>\n  <name>vm2</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='/var/lib/libvirt/images/vm2.img'/>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n  <seclabel type='static' model='selinux' relabel='no'>\n    <label>system_u:system_r:svirt_t:s0:c1,c2</label>\n  </seclabel>\n</domain>\n";

test('a prefixed fragment inside its guest: checked as the guest\'s device, offsets back in the fragment', () => {
	const fragment = "<q:disk xmlns:q='urn:example' type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/new.img'>\n    <seclabel model='selinux' relabel='no'/>\n  </source>\n  <target dev='vdb'/>\n</q:disk>\n";
	const target = { uri: 'file:///guests/vm2.xml', text: GUEST_STATIC_NO_RELABEL };
	const findings = computeFindings(parseSeclabelText(fragment), { attachTarget: target, libvirtVersion: '11.3.0' });
	assert.deepEqual(findings.map((finding) => [finding.rule.id, fragment.slice(finding.span.start, finding.span.end)]), [
		['static-relabel-no-prelabel', '/var/lib/libvirt/images/new.img'],
		['device-override-needs-relabel', 'seclabel'],
	]);
});

test('a fragment alone gets the device-level rules, as attach-device parses it', () => {
	assert.deepEqual(codes(DISK, { libvirtVersion: '12.9.0' }), [{ code: 'device-relabel-without-label', text: "relabel='yes'" }]);
	const finding = computeFindings(parseSeclabelText(DISK), { libvirtVersion: '12.9.0' })[0];
	assert.equal(finding.libvirtMessage, 'XML error: Cannot specify relabel if label is missing. model=selinux');
	// The same device parsed for update-device --live: live XML accepts it.
	assert.deepEqual(codes(`<!-- libvirt-seclabel: live -->\n${DISK}`, { libvirtVersion: '12.9.0' }), []);
	// Spelling the command out in the comment breaks the file: libxml2 refuses `--` inside a comment.
	assert.ok(codes(`<!-- libvirt-seclabel: update-device --live -->\n${DISK}`, { libvirtVersion: '12.9.0' }).some((found) => found.code === 'xml-not-well-formed'));
	const modelLess = "<serial type='file'>\n  <source path='/var/log/s.log'>\n    <seclabel relabel='no'/>\n  </source>\n</serial>\n";
	assert.deepEqual(codes(modelLess).map((entry) => entry.code), ['device-model-missing']);
});

test('the attach-to directive names the guest; only in the prolog of a fragment', () => {
	assert.equal(attachToDirective(parseSeclabelText(`<!-- libvirt-seclabel: attach-to vm2 -->\n${DISK}`)), 'vm2');
	assert.equal(attachToDirective(parseSeclabelText(`<!--libvirt-seclabel: attach-to ../guests/vm2.xml-->\n${DISK}`)), '../guests/vm2.xml');
	assert.equal(attachToDirective(parseSeclabelText(DISK.replace('</disk>', '<!-- libvirt-seclabel: attach-to vm2 --></disk>'))), undefined);
	assert.equal(attachToDirective(parseSeclabelText(`<!-- libvirt-seclabel: attach-to vm2 -->\n<domain><name>x</name></domain>`)), undefined);
});

test('inside its guest: an override under a domain label that relabels nothing is refused, with the related location in the guest file', () => {
	const fragment = "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/new.img'>\n    <seclabel model='selinux' relabel='no'/>\n  </source>\n  <target dev='vdb'/>\n</disk>\n";
	assert.deepEqual(codes(fragment), [], 'without the guest the rule cannot know');
	const target = { uri: 'file:///guests/vm2.xml', text: GUEST_STATIC_NO_RELABEL };
	// From 12.9.0 a bare relabel='no' override under a non-relabelling domain label is accepted; 11.3.0 refuses it.
	assert.deepEqual(computeFindings(parseSeclabelText(fragment), { attachTarget: target, libvirtVersion: '12.9.0' }).map((finding) => finding.rule.id), ['static-relabel-no-prelabel']);
	const findings = computeFindings(parseSeclabelText(fragment), { attachTarget: target, libvirtVersion: '11.3.0' });
	// The guest labels nothing, so the attached image must be labelled beforehand too (with the guest's level in the chcon command).
	assert.deepEqual(findings.map((finding) => [finding.rule.id, fragment.slice(finding.span.start, finding.span.end)]), [
		['static-relabel-no-prelabel', '/var/lib/libvirt/images/new.img'],
		['device-override-needs-relabel', 'seclabel'],
	]);
	assert.match(findings[0].message, /chcon -t svirt_image_t -l s0:c1,c2 \/var\/lib\/libvirt\/images\/new\.img/);
	findings.shift();
	const related = findings[0].related![0];
	assert.equal(related.uri, target.uri);
	assert.equal(GUEST_STATIC_NO_RELABEL.slice(related.span.start, related.span.end), 'seclabel');
	assert.ok(related.span.start > GUEST_STATIC_NO_RELABEL.indexOf('</devices>'), 'the domain seclabel after <devices>, in the guest\'s own offsets');
	// The fix edits the fragment (remove the override), at the fragment's offsets.
	const fixed = applyEdits(fragment, findings[0].fixes![0].edits);
	assert.equal(fixed, "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/new.img'>\n  </source>\n  <target dev='vdb'/>\n</disk>\n");
});

test('inside a running guest: the device label must fit the level libvirt generated for it (MCS), and the guest\'s own findings stay out', () => {
	const fragment = "<!-- libvirt-seclabel: attach-to vm1 -->\n<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/data.img'>\n    <seclabel model='selinux'>\n      <label>system_u:object_r:svirt_image_t:s0:c1,c2</label>\n    </seclabel>\n  </source>\n  <target dev='vdb'/>\n</disk>\n";
	// A running guest's XML as virsh dumpxml prints it: a dynamic label with the generated level (and, here, an imagelabel-less seclabel the guest's own check would flag).
	const running = "<domain type='kvm' id='28'>\n  <name>vm1</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='/var/lib/libvirt/images/vm1.img'/>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c219,c564</label>\n  </seclabel>\n</domain>\n";
	const alone = codes(fragment);
	assert.deepEqual(alone.map((entry) => entry.code), [], 'alone: the guest\'s level is unknown');
	// Read from a host (`virsh dumpxml` of a running guest): live XML, which its id alone does not say.
	const inside = codes(fragment, { attachTarget: { uri: 'libvirt-host:vm1', text: running, live: true } });
	assert.deepEqual(inside, [{ code: 'selinux-mcs-mismatch', text: 's0:c1,c2' }]);
	const fitting = fragment.replace('s0:c1,c2', 's0:c219,c564');
	assert.deepEqual(codes(fitting, { attachTarget: { uri: 'libvirt-host:vm1', text: running, live: true } }), []);
	// The same text not said to be live (a saved dump): a definition, whose dynamic level is drawn again at start.
	assert.deepEqual(codes(fragment, { attachTarget: { uri: 'file:///vm1.xml', text: running } }), []);
});

test('a fragment is never indexed as a guest, but is checked against the guests of the index', () => {
	const index = new WorkspaceIndex();
	// A running guest's dump saved in the workspace, marked live (an id alone is define-time XML).
	const vm1 = "<!-- libvirt-seclabel: live -->\n<domain type='kvm' id='3'>\n  <name>vm1</name>\n  <devices>\n    <disk type='file' device='disk'>\n      <source file='/var/lib/libvirt/images/vm1.img'/>\n      <target dev='vda'/>\n    </disk>\n  </devices>\n  <seclabel type='dynamic' model='selinux' relabel='yes'>\n    <label>system_u:system_r:svirt_t:s0:c219,c564</label>\n    <imagelabel>system_u:object_r:svirt_image_t:s0:c219,c564</imagelabel>\n  </seclabel>\n</domain>\n";
	const fragment = "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/vm1.img'/>\n  <target dev='vdb'/>\n</disk>\n";
	index.update('file:///vm1.xml', parseSeclabelText(vm1));
	index.update('file:///attach.xml', parseSeclabelText(fragment));
	assert.equal(index.size, 1);
	const findings = computeFindings(parseSeclabelText(fragment), { workspace: index, documentUri: 'file:///attach.xml' });
	assert.deepEqual(findings.map((finding) => finding.rule.id), ['shared-image-not-shareable']);
	assert.match(findings[0].message, /'vm1' \(running as system_u:system_r:svirt_t:s0:c219,c564\)/);
	assert.match(findings[0].message, /attaching this disk is refused/);
	assert.deepEqual(computeFindings(parseSeclabelText(vm1), { workspace: index, documentUri: 'file:///vm1.xml' }).filter((finding) => finding.rule.id.startsWith('shared')), []);
});

test('hover works in a fragment', () => {
	const { hover } = hoverAt("<disk type='file' device='disk'>\n  <source file='/a.img'>\n    <secl|abel model='selinux' relabel='no'/>\n  </source>\n</disk>\n");
	assert.match(hoverText(hover), /seclabel|label/i);
});

test('composing keeps every offset of the guest: a running guest\'s dynamic label is read as the level it runs at', () => {
	const running = "<domain type='kvm' id='4'>\n  <name>vm1</name>\n  <devices>\n  </devices>\n  <seclabel model='selinux' relabel='yes' type='dynamic'><label>system_u:system_r:svirt_t:s0:c3,c4</label><imagelabel>system_u:object_r:svirt_image_t:s0:c3,c4</imagelabel></seclabel>\n</domain>\n";
	const fragment = parseSeclabelText("<disk type='file' device='disk'>\n  <source file='/a.img'/>\n  <target dev='vdb'/>\n</disk>\n");
	const composed = composeWithTarget(fragment, { uri: 'x', text: running, live: true })!;
	assert.equal(composed.doc.xml.text.length, running.length + composed.added);
	assert.equal(composed.doc.seclabels[0].type?.value, 'static');
	assert.equal(composed.doc.xml.problems.length, 0);
	assert.equal(composed.doc.fragment, composed.doc.disks[0].element);
	assert.equal(composed.doc.kind, 'inactive', 'attach-device parses the device as define-time XML');
	const after = running.indexOf('<label>');
	assert.equal(composed.doc.xml.text.slice(after + composed.added, after + composed.added + 7), '<label>');
	// The same text as a file is a definition (an id alone is not live): its dynamic label is regenerated at start, so it stays dynamic.
	const asFile = composeWithTarget(parseSeclabelText("<disk type='file' device='disk'>\n  <source file='/a.img'/>\n  <target dev='vdb'/>\n</disk>\n"), { uri: 'x', text: running })!;
	assert.equal(asFile.doc.seclabels[0].type?.value, 'dynamic');
});
