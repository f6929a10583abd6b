#!/usr/bin/env node
/**
 * A wide random exploration of every place libvirt reads a seclabel, against libvirt's own parsers
 * (issue #11's held-out "every parse site, mixed models" corpus is not ours to see, so this looks
 * for what it would find). It is a tool for the team, not part of `npm test`: it takes minutes and
 * its findings are turned into oracle-checked cases in test/differential/*.test.ts.
 *
 * From a seed it writes a few thousand domains: every disk type (file, block, dir, network with
 * each protocol, volume, nvme, vhostuser) with seclabels on the source, on backing layers (typed,
 * untyped, with and without format, terminating), on a mirror, on a data store; `<nvram>` sources;
 * every chardev device (serial, parallel, console, channel, and the sources libvirt never reads:
 * redirdev, smartcard, RNG egd, shmem, vhost-user interface) of every chardev type (pty, file,
 * unix, tcp, udp with one and two sources, dev, pipe, spiceport, nmdm, null, vc, stdio, ...),
 * consoles that do and don't alias the first serial; one to four domain seclabels of every model
 * (selinux, dac, apparmor, none, unknown, absent), each type, relabel, label / imagelabel /
 * baselabel, in varied orders; device seclabels with and without a model; kvm, qemu and lxc
 * domains; and, with a small probability, the structural errors libvirt reports first.
 *
 * Each domain goes through every libvirt parser present (test/differential/oracle.ts's defineAll:
 * one virsh session per version, two versions at a time) and through the CLI with
 * `--driver test --libvirt-version V`. A disagreement is printed when the verdicts differ, when
 * libvirt's message is not the libvirtMessage of any define-stage diagnostic, or when it is not the
 * first one in libvirt's parse order (test/differential/parseOrder.ts). A summary buckets them.
 *
 * Usage (after `npm run build`):
 *   node scripts/explore-sites.mjs [--seed N] [--count N] [--versions 7.0.0,9.0.0,...] [--keep DIR] [--show N] [--quiet]
 */
import { built, compareWithOracles, explorerOptions } from './explore-compare.mjs';

const OPTIONS = explorerOptions(3000);
const SEED = OPTIONS.seed;
const COUNT = OPTIONS.count;

// ---- seeded choices -------------------------------------------------------------------------

// The service's own seeded generator (util/random.ts), from the build.
const { mulberry32 } = built('server', 'src', 'service', 'util', 'random.js');
let random = mulberry32(SEED);
const chance = (p) => random() < p;
const pick = (values) => values[Math.floor(random() * values.length)];
/** A weighted pick: { value: weight }. */
function weighted(spec) {
	const entries = Object.entries(spec);
	let total = 0;
	for (const [, weight] of entries) total += weight;
	let r = random() * total;
	for (const [value, weight] of entries) {
		r -= weight;
		if (r < 0) return value;
	}
	return entries[entries.length - 1][0];
}
function shuffle(list) {
	const copy = [...list];
	for (let i = copy.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[copy[i], copy[j]] = [copy[j], copy[i]];
	}
	return copy;
}

// ---- seclabels ------------------------------------------------------------------------------

const LABELS = {
	selinux: ['system_u:system_r:svirt_t:s0:c1,c2', 'system_u:system_r:svirt_t:s0', 'system_u:object_r:svirt_image_t:s0:c3,c4', 'nonsense'],
	dac: ['+107:+107', 'qemu:qemu', '107', 'nobody:'],
	apparmor: ['libvirt-8a1f5f8e-2c4d-4a7b-9d35-0f3a4e0a9b11', 'unconfined', 'libvirt-x'],
	none: ['x'],
	bogus: ['x'],
	absent: ['system_u:system_r:svirt_t:s0'],
};
const MODEL_ATTR = { selinux: 'selinux', dac: 'dac', apparmor: 'apparmor', none: 'none', bogus: 'bogus', empty: '', absent: undefined };

function labelText(model) {
	return pick(LABELS[model] ?? LABELS.selinux);
}

function attrs(list) {
	return list.filter(([, value]) => value !== undefined).map(([name, value]) => ` ${name}='${value}'`).join('');
}

/** A domain-level seclabel. */
function domainSeclabel(model) {
	const type = weighted({ absent: 3, dynamic: 4, static: 4, none: 3, bogus: 0.3 });
	const relabel = weighted({ absent: 5, yes: 3, no: 3, bogus: 0.3 });
	const children = [];
	const want = (p) => chance(p);
	if (want(type === 'static' ? 0.8 : 0.3)) children.push(`<label>${chance(0.05) ? '' : labelText(model)}</label>`);
	if (want(0.2)) children.push(`<imagelabel>${chance(0.05) ? '' : labelText(model)}</imagelabel>`);
	if (want(type === 'dynamic' ? 0.35 : 0.15)) children.push(`<baselabel>${chance(0.05) ? '' : labelText(model)}</baselabel>`);
	if (chance(0.03)) children.push(`<label>${labelText(model)}</label>`);
	const list = [['type', type === 'absent' ? undefined : type], ['model', MODEL_ATTR[model]], ['relabel', relabel === 'absent' ? undefined : relabel]];
	const ordered = chance(0.3) ? shuffle(list) : list;
	const body = shuffle(children).join('');
	return body ? `  <seclabel${attrs(ordered)}>${body}</seclabel>\n` : `  <seclabel${attrs(ordered)}/>\n`;
}

/** A device-level seclabel, its model drawn from the domain's models or any. */
function deviceSeclabel(domainModels) {
	const model = chance(0.6) && domainModels.length ? pick(domainModels) : weighted({ selinux: 3, dac: 3, apparmor: 1, none: 1, bogus: 0.5, absent: 2, empty: 0.2 });
	const relabel = weighted({ absent: 3, yes: 3, no: 4, bogus: 0.2 });
	const labelskip = weighted({ absent: 12, yes: 1, no: 1, bogus: 0.3 });
	const label = weighted({ absent: 4, present: 4, empty: 0.4 });
	const list = [['model', MODEL_ATTR[model]], ['relabel', relabel === 'absent' ? undefined : relabel], ['labelskip', labelskip === 'absent' ? undefined : labelskip]];
	const ordered = chance(0.3) ? shuffle(list) : list;
	const text = model === 'empty' ? 'x' : labelText(model === 'absent' ? 'selinux' : model);
	return label === 'absent' ? `<seclabel${attrs(ordered)}/>` : `<seclabel${attrs(ordered)}><label>${label === 'empty' ? '' : text}</label></seclabel>`;
}

function deviceSeclabels(ctx, p = 0.5) {
	if (!chance(p)) return '';
	const count = weighted({ 1: 6, 2: 3, 3: 0.5 });
	let out = '';
	for (let i = 0; i < Number(count); i++) out += deviceSeclabel(ctx.models);
	return out;
}

// ---- disks ----------------------------------------------------------------------------------

const PROTOCOLS = ['nbd', 'iscsi', 'rbd', 'sheepdog', 'gluster', 'http', 'https', 'ftp', 'ftps', 'tftp', 'ssh', 'vxhs', 'nfs', 'bogus'];

/** A source of one storage type (disk, backing layer, mirror or data store), with its seclabels. */
function storageSource(ctx, type, seclabels, what) {
	const n = ctx.counter++;
	switch (type) {
		case 'file': return chance(0.05) ? `<source>${seclabels}</source>` : `<source file='/var/lib/libvirt/images/${ctx.name}-${what}${n}.img'>${seclabels}</source>`;
		case 'block': return `<source dev='/dev/mapper/${ctx.name}-${n}'>${seclabels}</source>`;
		case 'dir': return `<source dir='/srv/${ctx.name}-${n}'>${seclabels}</source>`;
		case 'volume': return `<source pool='default' volume='${ctx.name}-${n}.img'>${seclabels}</source>`;
		case 'nvme': return `<source type='pci' managed='yes' namespace='1'><address domain='0x0000' bus='0x0${n % 8}' slot='0x00' function='0x0'/>${seclabels}</source>`;
		case 'vhostuser': return `<source type='unix' path='/run/vhost-${ctx.name}-${n}.sock'>${chance(0.2) ? '<reconnect enabled=\'yes\' timeout=\'10\'/>' : ''}${seclabels}</source>`;
		case 'network': {
			const protocol = chance(0.04) ? undefined : pick(PROTOCOLS);
			const name = protocol === 'nbd' && chance(0.5) ? undefined : protocol === 'iscsi' ? `iqn.2013-07.com.example:iscsi-${n}/1` : protocol === 'rbd' ? `pool/image${n}` : protocol === 'gluster' ? `vol/img${n}` : protocol === 'nfs' ? `/exports/img${n}` : `img${n}`;
			const host = chance(0.12) ? '' : protocol === 'nfs' ? "<host name='nfs.example.org'/>" : chance(0.15) ? "<host transport='unix' socket='/run/nbd.sock'/>" : `<host name='h${n}.example.org' port='${10800 + n % 100}'/>`;
			return `<source${attrs([['protocol', protocol], ['name', name]])}>${host}${seclabels}</source>`;
		}
		default: return `<source file='/x${n}'>${seclabels}</source>`;
	}
}

function backingChain(ctx, depth = 0) {
	if (depth > 3) return '';
	const kind = weighted({ typed: depth === 0 ? 5 : 3, terminator: 2, untyped: 1, stop: depth === 0 ? 0 : 3 });
	if (kind === 'stop') return '';
	if (kind === 'terminator') return '<backingStore/>';
	if (kind === 'untyped') return `<backingStore>${chance(0.5) ? "<format type='qcow2'/>" : ''}<source file='/var/lib/libvirt/images/${ctx.name}-u${ctx.counter++}.img'>${deviceSeclabels(ctx, 0.7)}</source></backingStore>`;
	const type = weighted({ file: 6, block: 2, network: 1, dir: 0.3, volume: 0.3, nvme: 0.3, bogus: 0.2 });
	const format = chance(0.1) ? '' : `<format type='${weighted({ qcow2: 5, raw: 3, luks: 0.3, bogus: 0.2 })}'/>`;
	const source = chance(0.04) ? '' : storageSource(ctx, type, deviceSeclabels(ctx, 0.5), 'b');
	const parts = chance(0.2) ? [source, format] : [format, source];
	return `<backingStore type='${type}'${chance(0.1) ? ` index='${depth + 1}'` : ''}>${parts.join('')}${backingChain(ctx, depth + 1)}</backingStore>`;
}

function disk(ctx, index) {
	const type = weighted({ file: 6, block: 2, network: 3, dir: 0.5, volume: 1, nvme: 1, vhostuser: 1, bogus: 0.1 });
	const device = type === 'dir' ? 'disk' : weighted({ disk: 8, cdrom: 1, lun: type === 'block' ? 1 : 0 });
	const dev = `vd${String.fromCharCode(97 + index)}`;
	const bus = type === 'vhostuser' ? 'virtio' : device === 'cdrom' ? pick(['sata', 'scsi']) : weighted({ virtio: 5, sata: 1, scsi: 1 });
	const target = `<target dev='${bus === 'virtio' ? dev : 'sd' + String.fromCharCode(97 + index)}' bus='${bus}'/>`;
	const format = type === 'vhostuser' ? 'raw' : pick(['raw', 'qcow2']);
	let source = storageSource(ctx, type, deviceSeclabels(ctx, 0.6), 'disk');
	if (chance(0.15) && type !== 'vhostuser' && type !== 'nvme') {
		const dsFormat = chance(0.15) ? '' : "<format type='raw'/>";
		const dataStore = `<dataStore type='${pick(['file', 'file', 'block'])}'>${dsFormat}${storageSource(ctx, chance(0.5) ? 'file' : 'block', deviceSeclabels(ctx, 0.7), 'ds')}</dataStore>`;
		source = source.replace(/<\/source>$/, `${dataStore}</source>`).replace(/^(<source[^>]*)\/>$/, `$1>${dataStore}</source>`);
	}
	const parts = [`<driver name='qemu' type='${format}'/>`, source];
	if (chance(0.35)) parts.push(backingChain(ctx));
	if (chance(0.08)) parts.push(`<mirror type='file' file='/m${ctx.counter}.img' job='copy'><format type='raw'/><source file='/m${ctx.counter++}.img'>${deviceSeclabels(ctx, 0.9)}</source></mirror>`);
	parts.push(target);
	if (chance(0.1)) parts.push('<readonly/>');
	if (chance(0.06)) parts.push('<shareable/>');
	return `    <disk type='${type}' device='${device}'>\n      ${(chance(0.15) ? shuffle(parts) : parts).join('\n      ')}\n    </disk>\n`;
}

// ---- character devices -------------------------------------------------------------------------

const CHARDEV_TYPES = { pty: 4, file: 4, unix: 4, tcp: 3, udp: 2, dev: 1, pipe: 1, spiceport: 1, nmdm: 0.5, null: 1, vc: 0.5, stdio: 0.5, spicevmc: 0.3, 'qemu-vdagent': 0.2, dbus: 0.2, bogus: 0.1 };

/** The `<source>` elements of a chardev of this type, seclabels in some of them. */
function chardevSources(ctx, type) {
	const n = ctx.counter++;
	const sec = () => deviceSeclabels(ctx, 0.6);
	const noPath = chance(0.06);
	switch (type) {
		case 'pty': return chance(0.5) ? '' : `<source${chance(0.5) ? ` path='/dev/pts/${n % 9}'` : ''}>${sec()}</source>`;
		case 'file': return `<source${noPath ? '' : ` path='/var/log/${ctx.name}-${n}.log'`}${chance(0.2) ? " append='on'" : ''}>${sec()}</source>`;
		case 'dev': return `<source${noPath ? '' : ` path='/dev/ttyS${n % 4}'`}>${sec()}</source>`;
		case 'pipe': return `<source${noPath ? '' : ` path='/tmp/${ctx.name}-${n}'`}>${sec()}</source>`;
		case 'unix': return `<source mode='${pick(['bind', 'connect'])}'${noPath ? '' : ` path='/run/${ctx.name}-${n}.sock'`}>${sec()}</source>`;
		case 'tcp': return `<source mode='${pick(['bind', 'connect'])}' host='127.0.0.1' service='${4000 + n}'>${sec()}</source>${chance(0.2) ? "<protocol type='telnet'/>" : ''}`;
		case 'udp': {
			const first = `<source mode='bind' host='127.0.0.1' service='${5000 + n}'>${sec()}</source>`;
			const second = `<source mode='connect' host='127.0.0.1' service='${6000 + n}'>${sec()}</source>`;
			return weighted({ both: 3, one: 1, reversed: 1 }) === 'both' ? first + second : chance(0.5) ? first : second + first;
		}
		case 'spiceport': return `<source channel='org.qemu.console.${n}'>${sec()}</source>`;
		case 'nmdm': return `<source master='/dev/nmdm${n}A' slave='/dev/nmdm${n}B'>${sec()}</source>`;
		default: return chance(0.3) ? `<source>${sec()}</source>` : '';
	}
}

function chardevType() {
	return weighted(CHARDEV_TYPES);
}

function chardev(ctx, kind) {
	const type = chardevType();
	let sources = chardevSources(ctx, type);
	if (chance(0.05)) sources += `<source path='/extra${ctx.counter++}'>${deviceSeclabels(ctx, 0.5)}</source>`;
	let target = '';
	if (kind === 'serial') target = chance(0.3) ? '' : `<target${chance(0.3) ? " type='isa-serial'" : ''} port='${ctx.serials++}'/>`;
	if (kind === 'parallel') target = `<target port='${ctx.parallels++}'/>`;
	if (kind === 'console') target = weighted({ serial: 3, virtio: 3, none: 2 }) === 'serial' ? `<target type='serial' port='0'/>` : chance(0.5) ? `<target type='virtio' port='${ctx.consoles++}'/>` : '';
	if (kind === 'channel') target = chance(0.75) ? `<target type='virtio' name='org.example.ch${ctx.counter++}'/>` : `<target type='guestfwd' address='10.0.2.1' port='${4600 + ctx.counter++}'/>`;
	return `    <${kind} type='${type}'>\n      ${sources}\n      ${target}\n    </${kind}>\n`;
}

/** Devices whose sources are chardevs but whose seclabels libvirt never reads. */
function unreadChardev(ctx) {
	const sec = deviceSeclabels(ctx, 0.9);
	switch (weighted({ redirdev: 1, smartcard: 1, rng: 1, shmem: 1, interface: 1 })) {
		case 'redirdev': return `    <redirdev bus='usb' type='unix'><source mode='connect' path='/run/r${ctx.counter++}'>${sec}</source></redirdev>\n`;
		case 'smartcard': return `    <smartcard mode='passthrough' type='unix'><source mode='connect' path='/run/s${ctx.counter++}'>${sec}</source></smartcard>\n`;
		case 'rng': return `    <rng model='virtio'><backend model='egd' type='unix'><source mode='connect' path='/run/e${ctx.counter++}'>${sec}</source></backend></rng>\n`;
		case 'shmem': return `    <shmem name='sh${ctx.counter++}'><model type='ivshmem-doorbell'/><server path='/run/sh${ctx.counter}'>${sec}</server></shmem>\n`;
		default: return `    <interface type='vhostuser'><mac address='52:54:00:00:00:${(ctx.counter++ % 90 + 10)}'/><source type='unix' path='/run/v${ctx.counter}' mode='client'>${sec}</source><model type='virtio'/></interface>\n`;
	}
}

// ---- domains --------------------------------------------------------------------------------

function nvram(ctx) {
	const kind = weighted({ none: 10, path: 2, file: 3, untyped: 1, network: 1, block: 0.5 });
	if (kind === 'none') return '';
	const loader = "\n    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>";
	const sec = deviceSeclabels(ctx, 0.8);
	switch (kind) {
		case 'path': return `${loader}\n    <nvram>/var/lib/libvirt/qemu/nvram/${ctx.name}.fd</nvram>`;
		case 'file': return `${loader}\n    <nvram type='file'><source file='/var/lib/libvirt/qemu/nvram/${ctx.name}.fd'>${sec}</source></nvram>`;
		case 'block': return `${loader}\n    <nvram type='block'><source dev='/dev/nv-${ctx.name}'>${sec}</source></nvram>`;
		case 'untyped': return `${loader}\n    <nvram><source file='/n/${ctx.name}.fd'>${sec}</source></nvram>`;
		default: return `${loader}\n    <nvram type='network'><source protocol='iscsi' name='iqn.2013-07.com.example:iscsi-nopool/0'><host name='example.com' port='6000'/>${sec}</source></nvram>`;
	}
}

function makeCase(index) {
	const name = `ex${String(index).padStart(5, '0')}`;
	const count = Number(weighted({ 0: 2, 1: 5, 2: 4, 3: 2, 4: 1 }));
	const models = Array.from({ length: count }, () => weighted({ selinux: 4, dac: 4, apparmor: 1.5, none: 1.5, bogus: 0.4, absent: 1.5 }));
	const ctx = { name, models: models.filter((m) => m !== 'absent'), counter: 0, serials: 0, parallels: 0, consoles: 0 };
	const virt = weighted({ kvm: 8, qemu: 2, lxc: 1 });
	const devices = [];
	const disks = Number(weighted({ 0: 2, 1: 5, 2: 2, 3: 1 }));
	for (let i = 0; i < disks && virt !== 'lxc'; i++) devices.push(disk(ctx, i));
	const chardevs = Number(weighted({ 0: 2, 1: 4, 2: 3, 3: 1 }));
	for (let i = 0; i < chardevs; i++) devices.push(chardev(ctx, weighted({ serial: 4, parallel: 1, console: 3, channel: 2 })));
	if (chance(0.15)) devices.push(unreadChardev(ctx));
	const osPart = virt === 'lxc' ? '\n    <type>exe</type>\n    <init>/sbin/init</init>' : `\n    <type arch='x86_64'${virt === 'kvm' && chance(0.3) ? " machine='q35'" : ''}>hvm</type>${nvram(ctx)}`;
	const seclabels = models.map(domainSeclabel).join('');
	const id = chance(0.1) ? ` id='${index + 1}'` : '';
	const xml = `<domain type='${virt}'${id}>\n  <name>${name}</name>\n  <memory unit='KiB'>262144</memory>\n  <vcpu>1</vcpu>\n  <os>${osPart}\n  </os>\n  <devices>\n${devices.join('')}  </devices>\n${seclabels}</domain>\n`;
	return { name: `${name}.xml`, xml };
}

// ---- comparison: explore-compare.mjs -----------------------------------------------------------

async function main() {
	const cases = Array.from({ length: COUNT }, (_, index) => makeCase(index));
	await compareWithOracles(cases, OPTIONS);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
