/**
 * Every place libvirt reads a `<seclabel>` (and the places it does not), checked against libvirt's
 * own parser: each case is defined with `virsh -c test:///default define` by the installed libvirt
 * and by every release set up in a chroot under /var/cache/libvirt-seclabel/oracles/<version>
 * (scripts/setup-libvirt-oracles.sh), and checked by the CLI with `--driver test --libvirt-version`
 * set to that release. The verdict must agree, libvirt's message must be the libvirtMessage of one
 * of the define-stage diagnostics, and the first in libvirt's parse order.
 *
 * A seclabel is probed with two override seclabels for the same model, which every release refuses
 * with the same words ("seclabel for model selinux is already provided") wherever it reads them, so
 * the probe says "read here" or "not read here" without depending on messages that differ between
 * releases. libxml2's own refusals (an undefined entity, UTF-16 and Latin-1 bytes) are compared
 * with its whole message as libvirt prints it, context line and caret included. Cases about validation (whether a console that aliases the serial port is validated)
 * need libvirt's override cross-check (E8) to be observable; they are compared on the releases that
 * refuse the plain control case, which the oracle itself decides.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { JsonDiagnostic } from '../../server/src/cli/lint';
import { parseSeclabelText } from '../../server/src/service/seclabelLanguageService';
import { installedLibvirtVersion, lintJson, parseVirshError, temporaryDirectory, type LibvirtVerdict } from './oracle';
import { compareKeys, parseOrderKey } from './parseOrder';

const ORACLES = '/var/cache/libvirt-seclabel/oracles';
const C_LOCALE = { ...process.env, LC_ALL: 'C', LANG: 'C' };

const DUP = "<seclabel model='selinux' relabel='no'/><seclabel model='selinux' relabel='no'/>";
const OVERRIDE = "<seclabel model='selinux' relabel='no'/>";
const NONE = "  <seclabel type='none' model='selinux'/>\n";

function domain(devices: string, labels = '', os = ''): string {
	return `<domain type='kvm'>\n  <name>sites</name>\n  <memory unit='KiB'>219200</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>${os}\n  </os>\n  <devices>\n${devices}\n  </devices>\n${labels}</domain>\n`;
}

/** An lxc guest (os type `exe`): libvirt's console compatibility step is for HVM guests only. */
function lxcDomain(devices: string, labels = ''): string {
	return domain(devices, labels).replace("<domain type='kvm'>", "<domain type='lxc'>").replace("<type arch='x86_64'>hvm</type>", '<type>exe</type>\n    <init>/sbin/init</init>');
}

/** A static DAC label (relabel off by default) and an override for it, refused by every release. */
const STATIC_DAC = "  <seclabel type='static' model='dac'><label>+0:+0</label></seclabel>\n";
const DAC_OVERRIDE = "<seclabel model='dac'/>";

const disk = (type: string, source: string, extra = '') => `    <disk type='${type}' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      ${source}\n      ${extra}\n      <target dev='vda' bus='virtio'/>\n    </disk>`;
const chardev = (kind: string, type: string, sources: string, target = "<target port='0'/>") => `    <${kind} type='${type}'>\n      ${sources}\n      ${target}\n    </${kind}>`;
const nvram = (inner: string) => `\n    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>\n    ${inner}`;

interface Case {
	readonly name: string;
	readonly xml: string;
	/** The file's bytes, when they are not the XML in UTF-8. */
	readonly bytes?: Uint8Array;
	/** Compared only on releases where the control case shows libvirt's override cross-check. */
	readonly needsCrossCheck?: boolean;
}

const CONTROL = 'cross-check-control.xml';

const cases: Case[] = [
	// Disk sources of every disk type.
	{ name: 'disk-file.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}</source>`)) },
	{ name: 'disk-block.xml', xml: domain(disk('block', `<source dev='/dev/sdb'>${DUP}</source>`)) },
	{ name: 'disk-dir.xml', xml: domain(disk('dir', `<source dir='/srv/d'>${DUP}</source>`)) },
	{ name: 'disk-network.xml', xml: domain(disk('network', `<source protocol='nbd' name='x'><host name='h' port='10809'/>${DUP}</source>`)) },
	{ name: 'disk-volume.xml', xml: domain(disk('volume', `<source pool='p' volume='v'>${DUP}</source>`)) },
	{ name: 'disk-nvme.xml', xml: domain(disk('nvme', `<source type='pci' managed='yes' namespace='1'><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>${DUP}</source>`)) },
	// Backing chains: every typed layer is read; an untyped <backingStore> ends the chain.
	{ name: 'backing-1.xml', xml: domain(disk('file', "<source file='/a.img'/>", `<backingStore type='file'><format type='qcow2'/><source file='/b.img'>${DUP}</source></backingStore>`)) },
	{ name: 'backing-2.xml', xml: domain(disk('file', "<source file='/a.img'/>", `<backingStore type='file'><format type='qcow2'/><source file='/b.img'/><backingStore type='block'><format type='raw'/><source dev='/dev/c'>${DUP}</source></backingStore></backingStore>`)) },
	{ name: 'backing-untyped.xml', xml: domain(disk('file', "<source file='/a.img'/>", `<backingStore><format type='qcow2'/><source file='/b.img'>${DUP}</source></backingStore>`)) },
	{ name: 'backing-terminator.xml', xml: domain(disk('file', "<source file='/a.img'/>", `<backingStore type='file'><format type='raw'/><source file='/b.img'/><backingStore/></backingStore>`)) },
	// Structural errors libvirt reports before the seclabels of a layer.
	{ name: 'backing-no-format.xml', xml: domain(disk('file', "<source file='/a.img'/>", `<backingStore type='file'><source file='/b.img'>${DUP}</source></backingStore>`)) },
	{ name: 'backing-no-format-after-top.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}</source>`, "<backingStore type='file'><source file='/b.img'/></backingStore>")) },
	{ name: 'backing-no-source.xml', xml: domain(disk('file', "<source file='/a.img'/>", "<backingStore type='file'><format type='qcow2'/></backingStore>")) },
	{ name: 'backing-bad-type.xml', xml: domain(disk('file', "<source file='/a.img'/>", "<backingStore type='bogus'><format type='qcow2'/><source file='/b.img'/></backingStore>")) },
	{ name: 'backing-bad-format.xml', xml: domain(disk('file', "<source file='/a.img'/>", "<backingStore type='file'><format type='luks'/><source file='/b.img'/></backingStore>")) },
	{ name: 'disk-bad-type.xml', xml: domain(disk('bogus', `<source file='/a.img'>${DUP}</source>`)) },
	{ name: 'disk-network-no-protocol.xml', xml: domain(disk('network', `<source name='x'>${DUP}</source>`)) },
	// <mirror> is parsed only in live XML, which virsh define never reads.
	{ name: 'mirror.xml', xml: domain(disk('file', "<source file='/a.img'/>", `<mirror type='file' job='copy'><format type='raw'/><source file='/m.img'>${DUP}</source></mirror>`)) },
	// <dataStore> (from 10.10.0) and <nvram type=…><source> (from 8.5.0); an untyped nvram's <source> is never read.
	{ name: 'datastore.xml', xml: domain(disk('file', `<source file='/a.img'><dataStore type='file'><format type='raw'/><source file='/d.img'>${DUP}</source></dataStore></source>`)) },
	{ name: 'nvram-source.xml', xml: domain('', '', nvram(`<nvram type='file'><source file='/var/lib/libvirt/qemu/nvram/g.fd'>${DUP}</source></nvram>`)) },
	{ name: 'nvram-untyped.xml', xml: domain('', '', nvram(`<nvram><source file='/n.fd'>${DUP}</source></nvram>`)) },
	// Character devices: the first <source> of serial, parallel, console and channel.
	{ name: 'serial.xml', xml: domain(chardev('serial', 'file', `<source path='/var/log/s.log'>${DUP}</source>`)) },
	{ name: 'parallel.xml', xml: domain(chardev('parallel', 'file', `<source path='/var/log/p.log'>${DUP}</source>`)) },
	{ name: 'channel.xml', xml: domain(chardev('channel', 'unix', `<source mode='bind' path='/var/lib/c.sock'>${DUP}</source>`, "<target type='virtio' name='org.example.0'/>")) },
	{ name: 'console.xml', xml: domain(chardev('console', 'file', `<source path='/var/log/c.log'>${DUP}</source>`, "<target type='virtio' port='0'/>")) },
	{ name: 'serial-second-source.xml', xml: domain(chardev('serial', 'file', `<source path='/a.log'/><source path='/b.log'>${DUP}</source>`)) },
	{ name: 'udp-first.xml', xml: domain(chardev('serial', 'udp', `<source mode='bind' host='127.0.0.1' service='1'>${DUP}</source><source mode='connect' host='127.0.0.1' service='2'/>`)) },
	{ name: 'udp-second.xml', xml: domain(chardev('serial', 'udp', `<source mode='bind' host='127.0.0.1' service='1'/><source mode='connect' host='127.0.0.1' service='2'>${DUP}</source>`)) },
	{ name: 'tcp.xml', xml: domain(chardev('serial', 'tcp', `<source mode='bind' host='127.0.0.1' service='1'>${DUP}</source>`)) },
	// Devices whose source is a chardev but whose seclabels libvirt never reads.
	{ name: 'smartcard.xml', xml: domain(`    <smartcard mode='passthrough' type='unix'><source mode='connect' path='/s'>${DUP}</source></smartcard>`) },
	{ name: 'redirdev.xml', xml: domain(`    <controller type='usb' model='qemu-xhci'/>\n    <redirdev bus='usb' type='unix'><source mode='connect' path='/s'>${DUP}</source></redirdev>`) },
	{ name: 'rng-egd.xml', xml: domain(`    <rng model='virtio'><backend model='egd' type='unix'><source mode='connect' path='/s'>${DUP}</source></backend></rng>`) },
	{ name: 'interface-vhostuser.xml', xml: domain(`    <interface type='vhostuser'><mac address='52:54:00:00:00:01'/><source type='unix' path='/s' mode='client'>${DUP}</source><model type='virtio'/></interface>`) },
	{ name: 'hostdev-scsi.xml', xml: domain(`    <hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/>${DUP}</source></hostdev>`) },
	// A file/dev/pipe/unix chardev without a path: validation, after every parse error.
	{ name: 'chardev-no-path.xml', xml: domain(chardev('serial', 'file', `<source>${OVERRIDE}</source>`)) },
	{ name: 'chardev-no-path-after-parse.xml', xml: domain(`${chardev('serial', 'unix', "<source mode='connect'/>")}\n${chardev('channel', 'file', `<source path='/c'>${DUP}</source>`, "<target type='virtio' name='x'/>")}`) },
	{ name: 'channel-unix-virtio-no-path.xml', xml: domain(chardev('channel', 'unix', '', "<target type='virtio' name='org.qemu.guest_agent.0'/>")) },
	{ name: 'channel-unix-guestfwd-no-path.xml', xml: domain(chardev('channel', 'unix', '', "<target type='guestfwd' address='10.0.2.1' port='4600'/>")) },
	// Structural errors libvirt reports before or instead of a label error (found with
	// scripts/explore-sites.mjs): chardev addresses, unknown chardev types, backing layers, empty
	// disks, data stores, vhost-user backing chains.
	{ name: 'tcp-no-host.xml', xml: domain(chardev('serial', 'tcp', `<source mode='connect' service='4555'>${DUP}</source>`)) },
	{ name: 'tcp-no-service.xml', xml: domain(chardev('serial', 'tcp', `<source mode='connect' host='127.0.0.1'>${DUP}</source>`)) },
	{ name: 'udp-no-service.xml', xml: domain(chardev('serial', 'udp', `<source mode='connect' host='127.0.0.1'>${DUP}</source>`)) },
	{ name: 'dbus-no-channel.xml', xml: domain(chardev('serial', 'dbus', '')) },
	{ name: 'dbus-empty-channel.xml', xml: domain(chardev('serial', 'dbus', "<source channel=''/>")) },
	{ name: 'dbus-no-channel-before-tcp.xml', xml: domain(`${chardev('serial', 'dbus', `<source>${OVERRIDE}</source>`)}\n${chardev('serial', 'tcp', "<source mode='connect' host='h'/>", "<target port='1'/>")}`) },
	{ name: 'nmdm-master-only.xml', xml: domain(chardev('serial', 'nmdm', `<source master='/dev/nmdm0A'>${DUP}</source>`)) },
	{ name: 'nmdm-neither.xml', xml: domain(chardev('serial', 'nmdm', `<source>${DUP}</source>`)) },
	{ name: 'chardev-type-unknown.xml', xml: domain(chardev('serial', 'bogus', `<source path='/tmp/x'>${DUP}</source>`)) },
	{ name: 'chardev-qemu-vdagent.xml', xml: domain(chardev('channel', 'qemu-vdagent', '', "<target type='virtio' name='com.redhat.spice.0'/>") + '\n' + chardev('serial', 'file', `<source path='/l'>${DUP}</source>`)) },
	{ name: 'backing-unknown-type-no-format.xml', xml: domain(disk('file', `<source file='/a.img'>${OVERRIDE}</source>`, "<backingStore type='bogus'><source file='/b.img'/></backingStore>")) },
	{ name: 'backing-empty-format.xml', xml: domain(disk('file', "<source file='/a.img'/>", `<backingStore type='file'><format type=''/><source file='/b.img'>${DUP}</source></backingStore>`)) },
	// A vhost-user disk: the virtio bus (from bus= or the target's name), a backing store, readonly
	// (a cdrom always is), shareable, transient, in that order, before a seclabel cross-check.
	...vhostuserCases(),
	// USB redirection needs a USB controller that is not model='none' (the test driver adds none).
	{ name: 'redirdev-no-controller.xml', xml: domain(`    <redirdev bus='usb' type='spicevmc'/>`) },
	{ name: 'redirdev-controller-none.xml', xml: domain(`    <controller type='usb' index='0' model='none'/>\n    <redirdev type='tcp'><source mode='connect' host='h' service='1'/></redirdev>`) },
	{ name: 'redirdev-controller.xml', xml: domain(`    <controller type='usb' index='0'/>\n    <redirdev bus='usb' type='spicevmc'/>`) },
	{ name: 'redirdev-after-duplicate.xml', xml: domain(`${chardev('serial', 'file', `<source path='/l'>${DUP}</source>`)}\n    <redirdev bus='usb' type='spicevmc'/>`) },
	// spicevmc only as a virtio channel (or what has the same number in its own list), checked while
	// the device is parsed, after its source's seclabels.
	{ name: 'spicevmc-serial.xml', xml: domain(chardev('serial', 'spicevmc', '')) },
	{ name: 'spicevmc-serial-usb.xml', xml: domain(chardev('serial', 'spicevmc', '', "<target type='usb-serial' port='0'/>")) },
	{ name: 'spicevmc-console-virtio.xml', xml: domain(chardev('console', 'spicevmc', '', "<target type='virtio' port='0'/>")) },
	{ name: 'spicevmc-console-xen.xml', xml: domain(chardev('console', 'spicevmc', '', "<target type='xen' port='0'/>")) },
	{ name: 'spicevmc-parallel.xml', xml: domain(chardev('parallel', 'spicevmc', '')) },
	{ name: 'spicevmc-channel-guestfwd.xml', xml: domain(chardev('channel', 'spicevmc', '', "<target type='guestfwd' address='10.0.2.1' port='4600'/>")) },
	{ name: 'spicevmc-channel-virtio.xml', xml: domain(chardev('channel', 'spicevmc', '', "<target type='virtio' name='com.redhat.spice.0'/>")) },
	{ name: 'spicevmc-serial-after-own-duplicate.xml', xml: domain(chardev('serial', 'spicevmc', `<source>${DUP}</source>`)) },
	{ name: 'spicevmc-serial-before-later-duplicate.xml', xml: domain(`${chardev('serial', 'spicevmc', '')}\n${chardev('serial', 'file', `<source path='/x'>${DUP}</source>`, "<target port='1'/>")}`) },
	{ name: 'spicevmc-channel-after-serial-label.xml', xml: domain(`${chardev('channel', 'spicevmc', '', "<target type='guestfwd' address='10.0.2.1' port='4600'/>")}\n${chardev('serial', 'file', `<source path='/x'>${DUP}</source>`)}`) },
	// device='lun': a block device, volume or iSCSI LUN, raw (from 9.0.0), checked at validation.
	{ name: 'lun-file.xml', xml: domain(`    <disk type='file' device='lun'>\n      <driver name='qemu' type='raw'/>\n      <source file='/a.img'/>\n      <target dev='sda' bus='scsi'/>\n    </disk>`) },
	{ name: 'lun-block-qcow2.xml', xml: domain(`    <disk type='block' device='lun'>\n      <driver name='qemu' type='qcow2'/>\n      <source dev='/dev/sdb'/>\n      <target dev='sda' bus='scsi'/>\n    </disk>`) },
	{ name: 'lun-block-raw.xml', xml: domain(`    <disk type='block' device='lun'>\n      <driver name='qemu' type='raw'/>\n      <source dev='/dev/sdb'/>\n      <target dev='sda' bus='scsi'/>\n    </disk>`) },
	{ name: 'lun-nbd.xml', xml: domain(`    <disk type='network' device='lun'>\n      <driver name='qemu' type='raw'/>\n      <source protocol='nbd' name='x'><host name='h'/></source>\n      <target dev='sda' bus='scsi'/>\n    </disk>`) },
	{ name: 'lun-iscsi.xml', xml: domain(`    <disk type='network' device='lun'>\n      <driver name='qemu' type='raw'/>\n      <source protocol='iscsi' name='iqn.2026-12.org.example:t/1'><host name='h'/></source>\n      <target dev='sda' bus='scsi'/>\n    </disk>`) },
	{ name: 'lun-file-qcow2-after-duplicate.xml', xml: domain(`${`    <disk type='file' device='lun'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='/a.img'/>\n      <target dev='sda' bus='scsi'/>\n    </disk>`}\n${disk('file', `<source file='/b.img'>${DUP}</source>`).replace("dev='vda'", "dev='vdb'")}`) },
	{ name: 'lun-file-before-override.xml', needsCrossCheck: true, xml: domain(`    <disk type='file' device='lun'>\n      <driver name='qemu' type='raw'/>\n      <source file='/a.img'>${OVERRIDE}</source>\n      <target dev='sda' bus='scsi'/>\n    </disk>`, NONE) },
	// sheepdog: accepted by 9.0.0, refused from 11.3.0 after parsing, before device validation.
	{ name: 'sheepdog.xml', xml: domain(disk('network', "<source protocol='sheepdog' name='x'><host name='h'/></source>")) },
	{ name: 'sheepdog-own-duplicate.xml', xml: domain(disk('network', `<source protocol='sheepdog' name='x'><host name='h'/>${DUP}</source>`)) },
	{ name: 'sheepdog-after-empty-disk.xml', xml: domain(`${disk('file', '').replace("dev='vda'", "dev='vdb'")}\n${disk('network', "<source protocol='sheepdog' name='x'><host name='h'/></source>")}`) },
	{ name: 'sheepdog-after-console.xml', xml: domain(`${disk('network', "<source protocol='sheepdog' name='x'><host name='h'/></source>")}\n${chardev('serial', 'pty', '')}\n${chardev('console', 'pty', '', "<target type='serial' port='0'/>")}\n${chardev('console', 'pty', '', "<target type='serial' port='1'/>")}`) },
	{ name: 'sheepdog-backing.xml', xml: domain(disk('file', "<source file='/a.img'/>", "<backingStore type='network'><format type='raw'/><source protocol='sheepdog' name='x'><host name='h'/></source></backingStore>")) },
	{ name: 'disk-no-source.xml', xml: domain(disk('file', '')) },
	// 7.0.0 refuses the empty disk while parsing it, before a later disk's seclabels; later releases
	// only when they validate, after every device is parsed.
	{ name: 'disk-no-source-before-duplicate.xml', xml: domain(`${disk('file', '')}\n${disk('file', `<source file='/a.img'>${DUP}</source>`).replace("dev='vda'", "dev='vdb'")}`) },
	{ name: 'datastore-raw-disk.xml', xml: domain(disk('file', `<source file='/a.img'><dataStore type='file'><format type='raw'/><source file='/d.img'/></dataStore></source>`).replace("type='qcow2'", "type='raw'")) },
	// The top source's seclabels are read before its <dataStore> (its format, then its seclabels).
	{ name: 'datastore-no-format-after-duplicate.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}<dataStore type='file'><source file='/d.img'/></dataStore></source>`)) },
	{ name: 'datastore-no-format-before-duplicate.xml', xml: domain(disk('file', `<source file='/a.img'><dataStore type='file'><source file='/d.img'/></dataStore>${DUP}</source>`)) },
	{ name: 'datastore-seclabel-after-top.xml', xml: domain(disk('file', `<source file='/a.img'><dataStore type='file'><format type='raw'/><source file='/d.img'><seclabel model='dac' relabel='no'><label>qemu:qemu</label></seclabel></source></dataStore>${DUP}</source>`)) },
	{ name: 'datastore-qcow2-store.xml', xml: domain(disk('file', `<source file='/a.img'><dataStore type='file'><format type='qcow2'/><source file='/d.img'/></dataStore></source>`)) },
	{ name: 'network-protocol-unknown.xml', xml: domain(disk('network', `<source protocol='bogus' name='x'><host name='h'/>${DUP}</source>`)) },
	{ name: 'console-alias-file-no-path.xml', xml: domain(`${chardev('serial', 'file', '')}\n${chardev('console', 'file', '', "<target type='serial' port='0'/>")}`) },
	// Console aliasing: a serial-target console whose source differs from the serial's is replaced by
	// a copy of the serial after parsing; its own seclabels are parsed but never validated.
	{ name: CONTROL, needsCrossCheck: true, xml: domain(chardev('serial', 'file', `<source path='/var/log/s.log'>${OVERRIDE}</source>`), NONE) },
	{ name: 'console-alias-parsed.xml', xml: domain(`${chardev('serial', 'file', "<source path='/l'/>")}\n${chardev('console', 'pty', `<source>${DUP}</source>`, "<target type='serial' port='0'/>")}`) },
	{ name: 'console-alias-differs.xml', needsCrossCheck: true, xml: domain(`${chardev('serial', 'file', "<source path='/l'/>")}\n${chardev('console', 'file', `<source path='/other'>${OVERRIDE}</source>`, "<target type='serial' port='0'/>")}`, NONE) },
	{ name: 'console-alias-same-file.xml', needsCrossCheck: true, xml: domain(`${chardev('serial', 'file', "<source path='/l'/>")}\n${chardev('console', 'file', `<source path='/l'>${OVERRIDE}</source>`, "<target type='serial' port='0'/>")}`, NONE) },
	{ name: 'console-alias-pty.xml', needsCrossCheck: true, xml: domain(`${chardev('serial', 'pty', '')}\n${chardev('console', 'pty', `<source>${OVERRIDE}</source>`, "<target type='serial' port='0'/>")}`, NONE) },
	{ name: 'console-alias-type-differs.xml', needsCrossCheck: true, xml: domain(`${chardev('serial', 'file', "<source path='/l'/>")}\n${chardev('console', 'pty', `<source>${OVERRIDE}</source>`, "<target type='serial' port='0'/>")}`, NONE) },
	{ name: 'console-virtio.xml', needsCrossCheck: true, xml: domain(`${chardev('serial', 'file', "<source path='/l'/>")}\n${chardev('console', 'file', `<source path='/other'>${OVERRIDE}</source>`, "<target type='virtio' port='0'/>")}`, NONE) },
	// Disks are validated in virDomainDiskInsert's order (by bus, then target index), and each disk's
	// override is cross-checked in its own validation, before a later device's (no release differs).
	{ name: 'disk-order-empty-vda-after.xml', xml: domain(`${disk('file', `<source file='/a.img'>${DAC_OVERRIDE}</source>`).replace("dev='vda'", "dev='vdb'")}\n${disk('file', '')}`, STATIC_DAC) },
	{ name: 'disk-order-busless.xml', xml: domain(`${disk('file', `<source file='/a.img'>${DAC_OVERRIDE}</source>`).replace("dev='vda' bus='virtio'", "dev='vdb'")}\n${disk('file', '').replace("dev='vda' bus='virtio'", "dev='sda'")}`, STATIC_DAC) },
	{ name: 'disk-order-other-bus.xml', xml: domain(`${disk('file', `<source file='/a.img'>${DAC_OVERRIDE}</source>`).replace("dev='vda'", "dev='vdb'")}\n${disk('file', '').replace("dev='vda' bus='virtio'", "dev='sda' bus='sata'")}`, STATIC_DAC) },
	{ name: 'sheepdog-after-earlier-override.xml', xml: domain(`${disk('file', `<source file='/a.img'>${DAC_OVERRIDE}</source>`)}\n${disk('network', "<source protocol='sheepdog' name='x'><host name='h'/></source>").replace("dev='vda'", "dev='vdb'")}`, STATIC_DAC) },
	{ name: 'sheepdog-before-own-override.xml', xml: domain(disk('network', `<source protocol='sheepdog' name='x'><host name='h'/>${DAC_OVERRIDE}</source>`), STATIC_DAC) },
	// Character devices are validated serials, parallels, channels, consoles (not in parse order).
	{ name: 'validate-channel-before-console.xml', xml: domain(`${chardev('console', 'udp', "<source mode='bind' host='127.0.0.1' service='5000'/>", "<target type='virtio' port='0'/>")}\n${chardev('channel', 'file', '<source/>', "<target type='virtio' name='org.example.c'/>")}`) },
	{ name: 'validate-serial-before-parallel.xml', xml: domain(`${chardev('parallel', 'file', '<source/>')}\n${chardev('serial', 'udp', "<source mode='bind' host='127.0.0.1' service='5000'/>")}`) },
	// An HVM guest's serial-target console without a serial port becomes the first serial: validated before a parallel port.
	{ name: 'validate-console-as-serial.xml', xml: domain(`${chardev('parallel', 'file', `<source path='/p'>${DAC_OVERRIDE}</source>`)}\n${chardev('console', 'unix', "<source mode='bind'/>", "<target type='serial' port='0'/>")}`, STATIC_DAC) },
	{ name: 'validate-virtio-console-last.xml', xml: domain(`${chardev('parallel', 'file', `<source path='/p'>${DAC_OVERRIDE}</source>`)}\n${chardev('console', 'unix', "<source mode='bind'/>", "<target type='virtio' port='0'/>")}`, STATIC_DAC) },
	{ name: 'disk-override-before-chardev-path.xml', xml: domain(`${disk('file', `<source file='/a.img'>${DAC_OVERRIDE}</source>`)}\n${chardev('serial', 'unix', "<source mode='connect'/>")}`, STATIC_DAC) },
	// Only an HVM guest's console is replaced: an lxc guest's console beside a pty serial is validated.
	{ name: 'console-lxc-validated.xml', xml: lxcDomain(`${chardev('serial', 'pty', '')}\n${chardev('console', 'file', `<source path='/var/log/c.log'>${DAC_OVERRIDE}</source>`, "<target type='serial' port='0'/>")}`, STATIC_DAC) },
	{ name: 'console-hvm-replaced.xml', xml: domain(`${chardev('serial', 'pty', '')}\n${chardev('console', 'file', `<source path='/var/log/c.log'>${DAC_OVERRIDE}</source>`, "<target type='serial' port='0'/>")}`, STATIC_DAC) },
	// 7.0.0 parses both sources of a UDP chardev into one list: the second's seclabels replace the first's.
	{ name: 'udp-second-replaces-first.xml', xml: domain(chardev('serial', 'udp', `<source mode='bind' host='127.0.0.1' service='1'>${DAC_OVERRIDE}</source><source mode='connect' host='127.0.0.1' service='2'>${OVERRIDE}</source>`), STATIC_DAC) },
	{ name: 'udp-second-without-seclabel.xml', xml: domain(chardev('serial', 'udp', `<source mode='bind' host='127.0.0.1' service='1'>${DAC_OVERRIDE}</source><source mode='connect' host='127.0.0.1' service='2'/>`), STATIC_DAC) },
	{ name: 'console-second-serial.xml', xml: domain(`${chardev('serial', 'pty', '')}\n${chardev('console', 'pty', '', "<target type='serial' port='0'/>")}\n${chardev('console', 'pty', '', "<target port='1'/>")}`) },
	{ name: 'console-second-serial-after-parse.xml', xml: domain(`${chardev('console', 'pty', '', "<target type='virtio' port='0'/>")}\n${chardev('console', 'file', `<source path='/x'>${DUP}</source>`, "<target type='serial' port='0'/>")}`) },
	{ name: 'console-second-serial-before-path.xml', xml: domain(`${chardev('serial', 'file', '')}\n${chardev('console', 'pty', '', "<target type='serial'/>")}\n${chardev('console', 'pty', '', "<target type='serial'/>")}`) },
	{ name: 'console-second-virtio.xml', xml: domain(`${chardev('console', 'pty', '', "<target type='serial' port='0'/>")}\n${chardev('console', 'pty', '', "<target type='virtio' port='1'/>")}`) },
	{ name: 'nvram-after-domain-before-disks.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}</source>`), "  <seclabel type='dynamic' model='selinux' relabel='bogus'/>\n", nvram("<nvram type='file'><source file='/n.fd'><seclabel model='selinux' relabel='bogus'/></source></nvram>")) },
	{ name: 'nvram-before-disks.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}</source>`), '', nvram("<nvram type='file'><source file='/n.fd'><seclabel model='selinux' relabel='bogus'/></source></nvram>")) },
	{ name: 'nvram-not-cross-checked.xml', needsCrossCheck: true, xml: domain('', NONE, nvram(`<nvram type='file'><source file='/n.fd'>${OVERRIDE}</source></nvram>`)) },
	// XML as libxml2 reads it: an attribute is looked up by its local name when its prefix is bound.
	{ name: 'prefixed-model-bound.xml', xml: domain(disk('file', `<source file='/a.img' xmlns:x='urn:x'><seclabel x:model='selinux' relabel='no'/>${OVERRIDE}</source>`)) },
	{ name: 'prefixed-model-unbound.xml', xml: domain(disk('file', `<source file='/a.img'><seclabel x:model='selinux' relabel='no'/>${OVERRIDE}</source>`)) },
	{ name: 'prefixed-model-second.xml', xml: domain(disk('file', `<source file='/a.img' xmlns:x='urn:x'><seclabel model='dac' x:model='selinux' relabel='no'/>${OVERRIDE}</source>`)) },
	{ name: 'prefixed-element.xml', xml: domain(disk('file', `<source file='/a.img' xmlns:x='urn:x'><x:seclabel model='selinux' relabel='no'/>${OVERRIDE}</source>`)) },
	// Blank text: kept as the only content of a label, dropped beside a comment.
	{ name: 'label-space.xml', xml: domain('', "  <seclabel type='static' model='selinux'><label> </label></seclabel>\n") },
	{ name: 'label-comment-only.xml', xml: domain('', "  <seclabel type='static' model='selinux'><label><!-- none --></label></seclabel>\n") },
	{ name: 'label-blank-comment.xml', xml: domain('', "  <seclabel type='static' model='selinux'><label>\n    <!-- none -->\n  </label></seclabel>\n") },
	{ name: 'label-blank-cdata.xml', xml: domain('', "  <seclabel type='static' model='selinux'><label>\n    <![CDATA[]]>\n  </label></seclabel>\n") },
	// The internal DTD subset: entities in attribute values and text, ATTLIST defaults, tokenized types.
	{ name: 'dtd-entity-model.xml', xml: `<!DOCTYPE domain [<!ENTITY m "selinux">]>\n` + domain(disk('file', "<source file='/a.img'><seclabel model='&m;' relabel='no'/><seclabel model='selinux' relabel='no'/></source>")) },
	{ name: 'dtd-parameter-entity.xml', xml: `<!DOCTYPE domain [<!ENTITY % p "<!ENTITY m 'selinux'>"> %p;]>\n` + domain(disk('file', "<source file='/a.img'><seclabel model='&m;' relabel='no'/><seclabel model='selinux' relabel='no'/></source>")) },
	{ name: 'dtd-entity-label.xml', xml: '<!DOCTYPE domain [<!ENTITY l "">]>\n' + domain('', "  <seclabel type='static' model='selinux'><label>&l;</label></seclabel>\n") },
	{ name: 'dtd-entity-elements.xml', xml: `<!DOCTYPE domain [<!ENTITY s "${DUP.replace(/'/g, '&#39;')}">]>\n` + domain(disk('file', "<source file='/a.img'>&s;</source>")) },
	{ name: 'dtd-default-relabel.xml', xml: '<!DOCTYPE domain [<!ATTLIST seclabel relabel CDATA "no">]>\n' + domain('', "  <seclabel type='dynamic' model='selinux'/>\n") },
	{ name: 'dtd-default-model.xml', xml: '<!DOCTYPE domain [<!ATTLIST seclabel model CDATA #FIXED "selinux">]>\n' + domain(disk('file', "<source file='/a.img'><seclabel relabel='no'/><seclabel relabel='no'/></source>"), "  <seclabel type='dynamic'/>\n") },
	// ATTLIST defaults given to seclabels written with no attribute at all (the parser once pushed them
	// onto its shared frozen empty attribute list, and the CLI crashed on the file).
	{ name: 'dtd-default-no-attributes.xml', xml: '<!DOCTYPE domain [<!ATTLIST seclabel model CDATA "selinux" relabel CDATA "no">]>\n' + domain(disk('file', "<source file='/a.img'><seclabel/><seclabel/></source>"), "  <seclabel type='dynamic' relabel='yes'/>\n") },
	{ name: 'dtd-nmtoken-model.xml', xml: '<!DOCTYPE domain [<!ATTLIST seclabel model NMTOKEN #IMPLIED>]>\n' + domain(disk('file', "<source file='/a.img'><seclabel model='  selinux ' relabel='no'/><seclabel model='selinux' relabel='no'/></source>")) },
	{ name: 'dtd-cdata-model.xml', xml: '<!DOCTYPE domain [<!ATTLIST seclabel model CDATA #IMPLIED>]>\n' + domain(disk('file', "<source file='/a.img'><seclabel model='  selinux ' relabel='no'/><seclabel model='selinux' relabel='no'/></source>")) },
	// An entity's replacement text goes into an attribute value as it is (white space kept, spaces
	// not collapsed even for a tokenized type); an ATTLIST default keeps entity references as written.
	{ name: 'dtd-entity-tab-attribute.xml', xml: '<!DOCTYPE domain [<!ENTITY t "dyn&#9;x">]>\n' + domain('', "  <seclabel type='&t;' model='selinux'/>\n") },
	{ name: 'dtd-entity-newline-attribute.xml', xml: '<!DOCTYPE domain [<!ENTITY t "dyn\tl\nx">]>\n' + domain('', "  <seclabel type='&t;' model='selinux'/>\n") },
	{ name: 'dtd-entity-spaces-nmtoken.xml', xml: '<!DOCTYPE domain [<!ENTITY s " dynamic "><!ATTLIST seclabel type NMTOKEN #IMPLIED>]>\n' + domain('', "  <seclabel type='&s;' model='selinux'/>\n") },
	{ name: 'dtd-entity-trimmed-nmtoken.xml', xml: '<!DOCTYPE domain [<!ENTITY s "none"><!ATTLIST seclabel type NMTOKEN #IMPLIED>]>\n' + domain('', "  <seclabel type='  &s;  ' model='selinux'/>\n") },
	{ name: 'dtd-default-entity.xml', xml: '<!DOCTYPE domain [<!ENTITY d "dyn"><!ATTLIST seclabel type CDATA "&d;amic">]>\n' + domain('', "  <seclabel model='selinux'/>\n") },
	{ name: 'dtd-default-amp.xml', xml: '<!DOCTYPE domain [<!ATTLIST seclabel type CDATA "dyn&amp;x&#9;y">]>\n' + domain('', "  <seclabel model='selinux'/>\n") },
	// Namespaces on the root: libvirt compares the root's local name (a bound prefix is a domain
	// whose unprefixed children it reads), reads `string(./name[1])` before anything else, and sees
	// only elements in no namespace (a default xmlns on <domain> hides the name and the seclabels).
	{ name: 'root-prefixed.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}</source>`)).replace("<domain type='kvm'>", "<q:domain xmlns:q='urn:example' type='kvm'>").replace('</domain>', '</q:domain>') },
	{ name: 'root-prefixed-domain-seclabel.xml', xml: domain('', "  <seclabel type='bogus'/>\n").replace("<domain type='kvm'>", "<q:domain xmlns:q='urn:example' type='kvm'>").replace('</domain>', '</q:domain>') },
	{ name: 'root-default-namespace.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}</source>`), "  <seclabel type='bogus'/>\n").replace("<domain type='kvm'>", "<domain xmlns='urn:example' type='kvm'>") },
	{ name: 'root-default-namespace-name-reset.xml', xml: domain('', "  <seclabel type='bogus'/>\n").replace("<domain type='kvm'>", "<domain xmlns='urn:example' type='kvm'>").replace('<name>', "<name xmlns=''>").replace('<memory ', "<memory xmlns='' ").replace('<os>', "<os xmlns=''>") },
	// An unbound prefix on the root: libxml2 keeps `q:domain` whole, libvirt refuses the root first.
	{ name: 'root-unbound-prefix.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}</source>`), "  <seclabel type='bogus'/>\n").replace("<domain type='kvm'>", "<q:domain type='kvm'>").replace('</domain>', '</q:domain>').replace('<name>sites</name>', '') },
	// `xml` is bound in every document (a domain); `xmlns` is no element prefix (refused for the root).
	{ name: 'root-xml-prefix.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}</source>`)).replace("<domain type='kvm'>", "<xml:domain type='kvm'>").replace('</domain>', '</xml:domain>') },
	{ name: 'root-xmlns-prefix.xml', xml: domain(disk('file', `<source file='/a.img'>${DUP}</source>`)).replace("<domain type='kvm'>", "<xmlns:domain type='kvm'>").replace('</domain>', '</xmlns:domain>') },
	{ name: 'name-namespaced.xml', xml: domain('', "  <seclabel type='bogus'/>\n").replace('<name>', "<name xmlns='urn:example'>") },
	{ name: 'name-prefixed.xml', xml: domain('', "  <seclabel type='bogus'/>\n").replace("<domain type='kvm'>", "<domain xmlns:q='urn:example' type='kvm'>").replace('<name>sites</name>', '<q:name>sites</q:name>') },
	{ name: 'name-absent.xml', xml: domain('', "  <seclabel type='bogus'/>\n").replace('<name>sites</name>', '') },
	{ name: 'name-empty-first.xml', xml: domain('', "  <seclabel type='bogus'/>\n").replace('<name>sites</name>', '<name/><name>sites</name>') },
	{ name: 'name-spaces.xml', xml: domain('', "  <seclabel type='bogus'/>\n").replace('<name>sites</name>', '<name>  </name>') },
	{ name: 'name-entity.xml', xml: '<!DOCTYPE domain [<!ENTITY n "">]>\n' + domain('', "  <seclabel type='bogus'/>\n").replace('<name>sites</name>', '<name>&n;</name>') },
	// White space in a label as libxml2's blank test decides it: an <!ELEMENT> declaration (element
	// content drops every blank, the label's only text included; #PCDATA, ANY and EMPTY keep them;
	// the first declaration wins, a parameter entity's counts) and xml:space (written, inherited,
	// `default` undoing an ancestor's `preserve`, another value changing nothing, an ATTLIST default
	// not counting).
	...blankCases(),
	// A removed protocol and refused overrides in one chain, and disks off and on a bus: which error
	// comes first (each disk's chain is validated layer by layer, in virDomainDiskInsert's order).
	...sheepdogAndBusCases(),
	// libxml2's own refusals: an undefined entity, and bytes libvirt reads as a UTF-8 C string.
	{ name: 'undefined-entity-attribute.xml', xml: domain('', "  <seclabel type='x&nope;y' model='selinux'/>\n") },
	{ name: 'undefined-entity-label.xml', xml: domain('', "  <seclabel type='static' model='selinux'>\n\t<label>\u00e9&nope;</label></seclabel>\n") },
	latin1('latin1-declared.xml', "<?xml version='1.0' encoding='ISO-8859-1'?>\n"),
	latin1('latin1-undeclared.xml', ''),
	{ name: 'utf16le-bom.xml', xml: '', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(domain(''), 'utf16le')]) },
	{ name: 'utf16be-bom.xml', xml: '', bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(domain(''), 'utf16le').swap16()]) },
	{ name: 'utf16le-no-bom.xml', xml: '', bytes: Buffer.from(domain(''), 'utf16le') },
];

function blankCases(): Case[] {
	const label = (inner: string, labelAttributes = '', seclabelAttributes = '') => `  <seclabel type='static' model='selinux'${seclabelAttributes}><label${labelAttributes}>${inner}</label></seclabel>\n`;
	const withSubset = (subset: string, xml: string) => `<!DOCTYPE domain [${subset}]>\n${xml}`;
	const COMMENTED = ' <!-- c --> ';
	return [
		{ name: 'blank-element-content-only-blank.xml', xml: withSubset('<!ELEMENT label (x)*>', domain('', label('   '))) },
		{ name: 'blank-pcdata-commented.xml', xml: withSubset('<!ELEMENT label (#PCDATA)>', domain('', label(COMMENTED))) },
		{ name: 'blank-any-commented.xml', xml: withSubset('<!ELEMENT label ANY>', domain('', label(COMMENTED))) },
		{ name: 'blank-empty-commented.xml', xml: withSubset('<!ELEMENT label EMPTY>', domain('', label(COMMENTED))) },
		{ name: 'blank-mixed-commented.xml', xml: withSubset('<!ELEMENT label (#PCDATA|x)*>', domain('', label(' <?p x?> '))) },
		{ name: 'blank-first-declaration-wins.xml', xml: withSubset('<!ELEMENT label (x)*><!ELEMENT label (#PCDATA)>', domain('', label('   '))) },
		{ name: 'blank-attlist-then-element.xml', xml: withSubset('<!ATTLIST label a CDATA #IMPLIED><!ELEMENT label (x)*>', domain('', label('   '))) },
		{ name: 'blank-parameter-entity-declaration.xml', xml: withSubset('<!ENTITY % e "<!ELEMENT label (x)*>">%e;', domain('', label('   '))) },
		{ name: 'blank-device-element-content.xml', xml: withSubset('<!ELEMENT label (x)*>', domain(disk('file', "<source file='/a.img'><seclabel model='selinux' relabel='yes'><label>   </label></seclabel></source>"))) },
		{ name: 'blank-preserve-on-label.xml', xml: domain('', label(COMMENTED, " xml:space='preserve'")) },
		{ name: 'blank-preserve-inherited.xml', xml: domain('', label(COMMENTED, '', " xml:space='preserve'")) },
		{ name: 'blank-preserve-on-root.xml', xml: domain('', label(COMMENTED)).replace("<domain type='kvm'>", "<domain type='kvm' xml:space='preserve'>") },
		{ name: 'blank-default-undoes-preserve.xml', xml: domain('', label(COMMENTED, " xml:space='default'", " xml:space='preserve'")) },
		{ name: 'blank-bogus-space-inherits.xml', xml: domain('', label(COMMENTED, " xml:space='bogus'", " xml:space='preserve'")) },
		{ name: 'blank-preserve-over-element-content.xml', xml: withSubset('<!ELEMENT label (x)*>', domain('', label('   ', " xml:space='preserve'"))) },
		{ name: 'blank-attlist-default-preserve.xml', xml: withSubset("<!ATTLIST label xml:space (default|preserve) 'preserve'>", domain('', label(COMMENTED))) },
		// The first declaration applies (dtd-declaration-ignored); a predefined entity means itself.
		{ name: 'dtd-second-attlist-ignored.xml', xml: withSubset("<!ATTLIST seclabel type CDATA 'dynamic'><!ATTLIST seclabel type CDATA 'bogus'>", domain('', "  <seclabel model='selinux'/>\n")) },
		{ name: 'dtd-first-attlist-applies.xml', xml: withSubset("<!ATTLIST seclabel type CDATA 'bogus'><!ATTLIST seclabel type CDATA 'dynamic'>", domain('', "  <seclabel model='selinux'/>\n")) },
		{ name: 'dtd-second-entity-ignored.xml', xml: withSubset("<!ENTITY t 'dynamic'><!ENTITY t 'bogus'>", domain('', "  <seclabel type='&t;' model='selinux'/>\n")) },
		{ name: 'dtd-predefined-entity-kept.xml', xml: withSubset("<!ENTITY lt 'dynamic'>", domain('', "  <seclabel type='&lt;' model='selinux'/>\n")) },
		{ name: 'dtd-predefined-entity-label.xml', xml: withSubset("<!ENTITY amp 'x'>", domain('', "  <seclabel type='static' model='selinux'><label>&amp;</label></seclabel>\n")) },
	];
}

function sheepdogAndBusCases(): Case[] {
	const overrideLabel = "<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>";
	const sheep = (inner = '') => `<source protocol='sheepdog' name='img'><host name='h'/>${inner}</source>`;
	const file = (inner = '') => `<source file='/a.img'>${inner}</source>`;
	const typeOf = (source: string) => (source.includes('sheepdog') ? 'network' : 'file');
	const chainDisk = (source: string, backing = '', dev = 'vda') => `    <disk type='${typeOf(source)}' device='disk'><driver name='qemu' type='qcow2'/>${source}${backing}<target dev='${dev}' bus='virtio'/></disk>`;
	const layer = (source: string, inner = '') => `<backingStore type='${typeOf(source)}'><format type='qcow2'/>${source}${inner}</backingStore>`;
	const floppy = (target: string) => `    <disk type='file' device='floppy'><source file='/f.img'>${overrideLabel}</source><target ${target}/></disk>`;
	const empty = (target: string) => `    <disk type='file' device='disk'><target ${target}/></disk>`;
	return [
		{ name: 'chain-sheep-top-override-top.xml', xml: domain(chainDisk(sheep(overrideLabel)), NONE), needsCrossCheck: true },
		{ name: 'chain-override-top-sheep-backing.xml', xml: domain(chainDisk(file(overrideLabel), layer(sheep())), NONE), needsCrossCheck: true },
		{ name: 'chain-sheep-backing-with-override.xml', xml: domain(chainDisk(file(), layer(sheep(overrideLabel))), NONE), needsCrossCheck: true },
		{ name: 'chain-sheep-top-override-backing.xml', xml: domain(chainDisk(sheep(), layer(file(overrideLabel))), NONE), needsCrossCheck: true },
		{ name: 'chain-override-backing-sheep-deeper.xml', xml: domain(chainDisk(file(), layer(file(overrideLabel), layer(sheep()))), NONE), needsCrossCheck: true },
		{ name: 'chain-sheep-backing-override-deeper.xml', xml: domain(chainDisk(file(), layer(sheep(), layer(file(overrideLabel)))), NONE), needsCrossCheck: true },
		{ name: 'disks-override-then-sheep.xml', xml: domain(chainDisk(file(overrideLabel)) + '\n' + chainDisk(sheep(), '', 'vdb'), NONE), needsCrossCheck: true },
		{ name: 'disks-sheep-then-override.xml', xml: domain(chainDisk(sheep()) + '\n' + chainDisk(file(overrideLabel), '', 'vdb'), NONE), needsCrossCheck: true },
		{ name: 'floppy-no-bus-before-empty-virtio.xml', xml: domain(`${floppy("dev='fda'")}\n${empty("dev='vdb' bus='virtio'")}`, NONE), needsCrossCheck: true },
		{ name: 'empty-virtio-before-floppy-fdc.xml', xml: domain(`${empty("dev='vdb' bus='virtio'")}\n${floppy("dev='fda' bus='fdc'")}`, NONE), needsCrossCheck: true },
		{ name: 'empty-no-bus-before-floppy-no-bus.xml', xml: domain(`${empty("dev='vdb'")}\n${floppy("dev='fda'")}`, NONE), needsCrossCheck: true },
	];
}

function vhostuserCases(): Case[] {
	const vhostuser = (name: string, device: string, target: string, extra: string): Case => ({
		name,
		xml: domain(`    <disk type='vhostuser' device='${device}'>\n      <driver name='qemu' type='raw'/>\n      <source type='unix' path='/run/v.sock'>${OVERRIDE}<reconnect enabled='yes' timeout='10'/></source>\n      ${extra}\n      <target ${target}/>\n    </disk>`),
	});
	return [
		vhostuser('vhostuser-bus-sata.xml', 'disk', "dev='sda' bus='sata'", '<readonly/><backingStore/>'),
		vhostuser('vhostuser-bus-from-name.xml', 'disk', "dev='sda'", ''),
		vhostuser('vhostuser-bus-from-vd-name.xml', 'disk', "dev='vdb'", ''),
		vhostuser('vhostuser-cdrom.xml', 'cdrom', "dev='vda' bus='virtio'", '<shareable/>'),
		vhostuser('vhostuser-floppy.xml', 'floppy', "dev='fda'", ''),
		vhostuser('vhostuser-transient-readonly.xml', 'disk', "dev='vda' bus='virtio'", '<transient/><shareable/><readonly/>'),
		vhostuser('vhostuser-transient-backing.xml', 'disk', "dev='vda' bus='virtio'", '<transient/><backingStore/>'),
	];
}

function latin1(name: string, declaration: string): Case {
	const xml = declaration + domain('', "  <seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:s0\u00e9</label></seclabel>\n");
	return { name, xml, bytes: Buffer.from(xml, 'latin1') };
}

interface Oracle {
	readonly version: string;
	/** The chroot, or undefined for the installed virsh. */
	readonly root?: string;
}

function oracles(): Oracle[] {
	const found: Oracle[] = [{ version: installedLibvirtVersion() }];
	if (fs.existsSync(ORACLES)) {
		for (const entry of fs.readdirSync(ORACLES).sort()) {
			const root = path.join(ORACLES, entry);
			if (/^\d+\.\d+\.\d+$/.test(entry) && entry !== found[0].version && fs.existsSync(path.join(root, 'usr', 'bin', 'virsh'))) {
				found.push({ version: entry, root });
			}
		}
	}
	return found;
}

function define(oracle: Oracle, file: string): Promise<LibvirtVerdict> {
	let command = 'virsh';
	let args = ['-q', '-c', 'test:///default', 'define', file];
	let inside: string | undefined;
	if (oracle.root) {
		const dir = fs.mkdtempSync(path.join(oracle.root, 'tmp', 'seclabel-sites-'));
		inside = path.join(dir, path.basename(file));
		fs.copyFileSync(file, inside);
		command = 'chroot';
		args = [oracle.root, 'virsh', '-q', '-c', 'test:///default', 'define', '/' + path.relative(oracle.root, inside)];
	}
	return new Promise((resolve, reject) => {
		execFile(command, args, { env: C_LOCALE, timeout: 60000 }, (error, _stdout, stderr) => {
			if (inside) {
				fs.rmSync(path.dirname(inside), { recursive: true, force: true });
			}
			if (!error) {
				resolve({ accepted: true });
			} else if (typeof error.code === 'number') {
				resolve({ accepted: false, message: parseVirshError(stderr) });
			} else {
				reject(new Error(`libvirt ${oracle.version} could not run (${error.message}); the oracles come from scripts/setup-libvirt-oracles.sh, the installed one from Debian's libvirt-clients`));
			}
		});
	});
}

function firstInParseOrder(xml: string, diagnostics: JsonDiagnostic[], version: string): JsonDiagnostic | undefined {
	const document = TextDocument.create('file:///case.xml', 'xml', 0, xml);
	const doc = parseSeclabelText(xml);
	const keyed = diagnostics.map((diagnostic) => ({ diagnostic, key: parseOrderKey(doc, diagnostic.code, document.offsetAt(diagnostic.range.start), version) }));
	if (keyed.some((entry) => !entry.key)) {
		return undefined;
	}
	keyed.sort((a, b) => compareKeys(a.key!, b.key!));
	return keyed[0]?.diagnostic;
}

test('every parse site: libvirt reads a seclabel exactly where the project says, at every release present, with its first error', { timeout: 600000 }, async () => {
	const temp = temporaryDirectory('libvirt-seclabel-sites-');
	try {
		for (const entry of cases) {
			fs.writeFileSync(path.join(temp.dir, entry.name), entry.bytes ?? entry.xml);
		}
		const failures: string[] = [];
		const compared: string[] = [];
		for (const oracle of oracles()) {
			const verdicts = new Map<string, LibvirtVerdict>();
			let next = 0;
			await Promise.all(Array.from({ length: 4 }, async () => {
				while (next < cases.length) {
					const entry = cases[next++];
					verdicts.set(entry.name, await define(oracle, path.join(temp.dir, entry.name)));
				}
			}));
			const report = await lintJson([temp.dir], ['--driver', 'test', '--libvirt-version', oracle.version]);
			const byName = new Map(report.files.map((file) => [path.basename(file.path), file.diagnostics.filter((d) => d.stage === 'define')]));
			const refused = [...verdicts.values()].filter((verdict) => !verdict.accepted).length;
			assert.ok(refused >= 20 && verdicts.size - refused >= 15, `libvirt ${oracle.version} refused ${refused} of ${verdicts.size} cases: both verdicts should be common`);
			const crossCheck = !verdicts.get(CONTROL)!.accepted;
			let count = 0;
			for (const entry of cases) {
				if (entry.needsCrossCheck && !crossCheck) {
					continue;
				}
				count++;
				const verdict = verdicts.get(entry.name)!;
				const ours = byName.get(entry.name) ?? [];
				let why: string | undefined;
				if (verdict.accepted) {
					why = ours.length === 0 ? undefined : 'libvirt accepts it, the project reports define-stage diagnostics';
				} else if (!ours.some((d) => d.libvirtMessage === verdict.message)) {
					why = "libvirt's message is not among the project's";
				} else {
					const first = entry.bytes ? undefined : firstInParseOrder(entry.xml, ours, oracle.version);
					if (first && first.libvirtMessage !== verdict.message) {
						why = `libvirt reports ${verdict.message} first, the project's parse order puts ${first.code} first`;
					}
				}
				if (why) {
					failures.push(`${oracle.version} ${entry.name}: ${why}\n  libvirt: ${verdict.accepted ? 'accepted' : verdict.message}\n  project: ${ours.map((d) => `${d.code}: ${d.libvirtMessage}`).join('; ') || '(none)'}`);
				}
			}
			compared.push(`${oracle.version} (${count} cases${crossCheck ? '' : '; no override cross-check in this release'})`);
		}
		assert.equal(failures.length, 0, `disagreements with libvirt (compared: ${compared.join(', ')}):\n${failures.join('\n')}`);
	} finally {
		temp.remove();
	}
});
