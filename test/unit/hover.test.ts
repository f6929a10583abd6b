import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { domain, disk } from '../support/fixture';
import { hoverAt, hoverText, prepared, textOf } from '../support/cursor';

/** The hover's markdown and the text its range covers. */
function hovered(marked: string, settings = {}): { text: string; range: string } {
	const { hover, cursor } = hoverAt(marked, settings);
	assert.ok(hover?.range, `no hover at the cursor of ${JSON.stringify(marked)}`);
	return { text: hoverText(hover), range: textOf(cursor, hover.range) };
}

const DISKS = [
	disk('', '', 'vda', '/var/lib/libvirt/images/guest.qcow2'),
	disk('', '\n      <shareable/>', 'vdb', '/var/lib/libvirt/images/shared.img'),
	disk('', '\n      <readonly/>', 'vdc', '/var/lib/libvirt/images/install.iso'),
].join('\n');

test('a dynamic seclabel: what libvirt will generate, and how each disk is labelled', () => {
	const { text, range } = hovered(domain("  <sec|label type='dynamic' model='selinux'/>", DISKS));
	assert.equal(range, 'seclabel');
	assert.match(text, /\*\*Domain security label\.\*\*/);
	assert.match(text, /libvirt will generate `system_u:system_r:svirt_t:s0:cA,cB` and label the images `svirt_image_t` with the same pair/);
	assert.match(text, /- `vda` \(`\/var\/lib\/libvirt\/images\/guest\.qcow2`\): labelled `system_u:object_r:svirt_image_t:s0:cA,cB`, restored at shutdown\./);
	assert.match(text, /- `vdb` \(`[^`]+shared\.img`\): labelled `system_u:object_r:svirt_image_t:s0`, no categories, never restored/);
	assert.match(text, /- `vdc` \(`[^`]+install\.iso`\): labelled `system_u:object_r:virt_content_t:s0`/);
	assert.match(text, /\(https:\/\/libvirt\.org\/formatdomain\.html#security-label\)/);
});

test('the generated label follows the host policy, a TCG guest and a baselabel', () => {
	const policy = { source: '/etc/selinux/targeted', domainContext: 'system_u:system_r:svirt_t:s0', tcgDomainContext: 'system_u:system_r:svirt_tcg_t:s0', imageContext: 'system_u:object_r:svirt_image_t:s0', contentContext: 'system_u:object_r:virt_content_t:s0' };
	const tcg = hovered(domain("  <sec|label type='dynamic' model='selinux'/>").replace("type='kvm'", "type='qemu'"), { policy });
	assert.match(tcg.text, /generate `system_u:system_r:svirt_tcg_t:s0:cA,cB`/);
	const base = hovered(domain("  <sec|label type='dynamic' model='selinux'><baselabel>system_u:system_r:container_t:s0</baselabel></seclabel>"));
	assert.match(base.text, /generate `system_u:system_r:container_t:s0:cA,cB`/);
});

test('a static seclabel without relabelling: the chcon command each image needs', () => {
	const { text } = hovered(domain("  <seclabel| type='static' model='selinux' relabel='no'><label>system_u:system_r:svirt_t:s0:c7,c9</label></seclabel>", DISKS));
	assert.match(text, /the guest runs as `system_u:system_r:svirt_t:s0:c7,c9`/);
	assert.ok(text.includes([
		'```sh',
		'chcon -l s0:c7,c9 -t svirt_image_t /var/lib/libvirt/images/guest.qcow2',
		'chcon -l s0 -t svirt_image_t /var/lib/libvirt/images/shared.img',
		'chcon -l s0 -t virt_content_t /var/lib/libvirt/images/install.iso',
		'```',
	].join('\n')), text);
});

test('a type-less seclabel says it becomes dynamic at start', () => {
	const { text } = hovered(domain("  <seclabel| model='selinux'/>"), { libvirtVersion: '11.3.0' });
	assert.match(text, /No `type`: libvirt 11\.3\.0 stores `default`, which becomes `dynamic` at start/);
	assert.match(text, /libvirt will generate/);
	const newest = hovered(domain("  <seclabel| model='selinux'/>")).text;
	assert.match(newest, /No `type`: libvirt 12\.9\.0 reads it as `dynamic`/);
	assert.match(newest, /libvirt will generate/);
});

test('attribute names: meaning, values, default, versions and the documentation link', () => {
	const { text, range } = hovered(domain("  <seclabel ty|pe='dynamic' model='selinux'/>"));
	assert.equal(range, 'type');
	assert.match(text, /^\*\*type\*\* \(Domain seclabel\)/);
	assert.match(text, /- `dynamic`: /);
	assert.match(text, /\*\*Default:\*\* none written: `dynamic` \(7\.x, 12\.x\); the internal `default` type in 8\.0\.0 to 11\.x/);
	assert.match(text, /\*\*Versions:\*\* /);
	assert.match(text, /libvirt\.org\/formatdomain\.html/);
	const device = hovered(domain('', disk("<seclabel model='selinux' re|label='yes'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>")));
	assert.match(device.text, /\(Device seclabel\)/);
	assert.match(device.text, /libvirt 10\.7\.0 refuses it in define-time XML; 9\.0\.0 accepts it/);
	const labelskip = hovered(domain('', disk("<seclabel model='selinux' label|skip='yes'/>")));
	assert.match(labelskip.text, /define-time XML: libvirt ignores the attribute here/);
});

test('attribute values: the value explained, and a refused value named as such', () => {
	const value = hovered(domain("  <seclabel type='dyn|amic' model='selinux'/>"));
	assert.equal(value.range, 'dynamic');
	assert.match(value.text, /^\*\*type='dynamic'\*\* libvirt generates a unique label/);
	const bad = hovered(domain("  <seclabel type='def|ault' model='selinux'/>"));
	assert.equal(bad.range, 'default');
	assert.match(bad.text, /is not a value libvirt accepts here: use `dynamic`, `static`, `none`/);
});

test('a context decoded: user, role, type, level with canonical form and translation', () => {
	const { text, range } = hovered(domain("  <seclabel type='static' model='selinux'><label>\n    system_u:system_r:svirt_t:s0:c5,c3,c4|\n  </label></seclabel>"));
	assert.equal(range, 'system_u:system_r:svirt_t:s0:c5,c3,c4');
	assert.match(text, /- \*\*user\*\* `system_u`: /);
	assert.match(text, /- \*\*role\*\* `system_r`: /);
	assert.match(text, /- \*\*type\*\* `svirt_t`: process type: A confined QEMU\/KVM guest/);
	assert.match(text, /- \*\*level\*\* `s0:c5,c3,c4`: sensitivity `s0`, categories c3, c4, c5 \(3 categories\)/);
	assert.match(text, /- \*\*canonical\*\* `s0:c3\.c5` \(how the kernel prints it\)/);
});

test('a range expanded, with its mcstrans translation from the host when given', () => {
	const marked = domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:s0-s0:c0.c|1023</label></seclabel>");
	const builtIn = hovered(marked);
	assert.match(builtIn.text, /- \*\*low\*\* `s0`: sensitivity `s0`, categories none/);
	assert.match(builtIn.text, /- \*\*high\*\* `s0:c0\.c1023`: sensitivity `s0`, categories c0, c1, .* … c1023 \(1024 categories\)/);
	assert.match(builtIn.text, /- \*\*translation\*\* SystemLow-SystemHigh/);
	const host = hovered(marked, { policy: { source: '/etc/selinux/mls', policyName: 'mls', translations: { 's0-s0:c0.c1023': 'Everything' } } });
	assert.match(host.text, /- \*\*translation\*\* Everything \(mcstrans, setrans\.conf of mls\)/);
});

test('an alias type and a baselabel are explained as such', () => {
	const alias = hovered(domain("  <seclabel type='static' model='selinux'><label>system_u:system_r:qemu_t:s0:c1,c2|</label></seclabel>"));
	assert.match(alias.text, /an alias of `svirt_t`/);
	const base = hovered(domain("  <seclabel type='dynamic' model='selinux'><baselabel>system_u:system_r:svirt_tcg_t:s0|</baselabel></seclabel>"));
	assert.match(base.text, /keeps only the \*\*type\*\* of a base label/);
});

test('a DAC label is explained as an owner, not a context', () => {
	const { text, range } = hovered(domain("  <seclabel type='static' model='dac'><label>+107:+1|07</label></seclabel>"));
	assert.equal(range, '+107:+107');
	assert.match(text, /\*\*DAC owner\*\*/);
	assert.match(text, /numeric group id 107/);
});

test('<shareable/> and <readonly/>: what they do to this disk at start', () => {
	const shareable = hovered(domain("  <seclabel type='dynamic' model='selinux'/>", disk('', '\n      <share|able/>', 'vdb', '/srv/shared.img')));
	assert.equal(shareable.range, 'shareable');
	assert.match(shareable.text, /`\/srv\/shared\.img` is labelled `system_u:object_r:svirt_image_t:s0`, no categories, never restored/);
	const readonly = hovered(domain('', disk('', '\n      <read|only/>', 'vdc', '/srv/install.iso')));
	assert.match(readonly.text, /`\/srv\/install\.iso` is labelled `system_u:object_r:virt_content_t:s0`/);
	const off = hovered(domain("  <seclabel type='static' model='selinux' relabel='no'><label>system_u:system_r:svirt_t:s0:c1,c2</label></seclabel>", disk('', '\n      <read|only/>')));
	assert.match(off.text, /relabelling is off for SELinux/);
});

test('device seclabels and their labels', () => {
	const override = hovered(domain('', disk("<secl|abel model='selinux' relabel='no'/>", '', 'vda', '/srv/a.img')));
	assert.match(override.text, /\*\*Device override\.\*\*/);
	assert.match(override.text, /leaves the label of disk 'vda' \(`\/srv\/a\.img`\) alone/);
	const label = hovered(domain('', disk("<seclabel model='selinux'><lab|el>system_u:object_r:svirt_image_t:s0</label></seclabel>")));
	assert.equal(label.range, 'label');
	assert.match(label.text, /^\*\*<label>\*\* The label to give this file/);
	const endTag = hovered(domain('', disk("<seclabel model='selinux'><label>system_u:object_r:svirt_image_t:s0</lab|el></seclabel>")));
	assert.equal(endTag.range, 'label');
});

test('nothing to say outside seclabels and their disks', () => {
	assert.equal(hoverAt(domain('').replace('<name>guest</name>', '<name>gu|est</name>')).hover, null);
	assert.equal(hoverAt('<network><na|me>x</name></network>').hover, null);
});

// Its time is a row of `npm run bench` (hover on a 35 KB domain, p95 < 5 ms), not asserted here.
test('hover on a large domain lists the first disks and counts the rest', () => {
	const disks = Array.from({ length: 200 }, (_, index) => disk('', '', `vd${index}`, `/var/lib/libvirt/images/guest${index}.qcow2`)).join('\n');
	const marked = domain("  <sec|label type='dynamic' model='selinux'/>", disks);
	const { cursor, doc, service } = prepared(marked);
	const position = cursor.document.positionAt(cursor.offset);
	const text = hoverText(service.doHover(cursor.document, position, doc, {}));
	assert.match(text, /- `vd31` /);
	assert.match(text, /- … and 168 more disks/);
});

test('a baselabel element names the versions that read it differently', () => {
	const { text, range } = hovered(domain("  <seclabel type='dynamic' model='selinux'><base|label>system_u:system_r:svirt_t:s0</baselabel></seclabel>"));
	assert.equal(range, 'baselabel');
	assert.match(text, /^\*\*<baselabel>\*\* For `type='dynamic'` only/);
	assert.match(text, /\*\*Versions:\*\* .*8\.0\.0 to 11\.x \(9\.0\.0 and 10\.7\.0 read a missing type as `default`\)/);
});
