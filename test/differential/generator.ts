/**
 * Generates domain XMLs that exercise libvirt's seclabel parsing, for the differential test against
 * `virsh -c test:///default define`. A case is a choice of one value per factor; the XML is built
 * from that choice. Three passes build the set, all from a seeded PRNG so that it is stable between
 * runs: one-factor-at-a-time variations of a few valid baselines (so that every value is seen
 * without another error masking it, since libvirt reports only its first error), a greedy pairwise
 * covering array (every pair of factor values appears at least once), and weighted random cases
 * that lean towards valid values to reach deeper combinations.
 */
import { mulberry32 } from '../../server/src/service/util/random';

/** A factor value and how likely the random pass is to pick it. */
interface Level {
	readonly value: string;
	readonly weight: number;
}

interface Factor {
	readonly name: string;
	readonly levels: readonly Level[];
}

export type Choice = Readonly<Record<string, string>>;

export interface GeneratedCase {
	/** A file name: `NNN-pass.xml`. */
	readonly name: string;
	readonly xml: string;
	/** The factor values the XML was built from, for failure messages. */
	readonly choice: Choice;
}

function levels(spec: Record<string, number>): Level[] {
	return Object.entries(spec).map(([value, weight]) => ({ value, weight }));
}

const DOMAIN_TYPES = { absent: 3, dynamic: 5, static: 4, none: 3, default: 1, empty: 1, Dynamic: 1 };
// exact255/exact256 sit on libvirt's model limit, which moved by one byte in 8.0.0 (see version.ts).
const DOMAIN_MODELS = { absent: 3, selinux: 5, dac: 3, apparmor: 1, none: 2, empty: 1, long: 1, wideLong: 1, entity: 1, exact255: 1, exact256: 1 };
const RELABELS = { absent: 8, yes: 4, no: 4, maybe: 1, empty: 1 };
// exact4095/exact4096 sit on libvirt's label limit, which moved by one byte in 8.0.0.
const DOMAIN_LABELS = { absent: 4, present: 4, empty: 1, two: 1, firstEmpty: 1, blank: 1, long: 1, wideLong: 1, cdata: 1, comment: 1, namespaced: 1, exact4095: 1, exact4096: 1 };
const DEVICE_MODELS = { absent: 2, selinux: 5, dac: 3, none: 1, empty: 1, entity: 1 };
const DEVICE_LABELS = { absent: 4, present: 4, empty: 1, two: 1, wideLong: 1, namespaced: 1, exact4096: 1 };

/**
 * More places where libvirt reads a device seclabel, each with its own factors: the hook for every
 * parse site the service models beyond the first disk and character device. To reach a new site
 * (an `<nvram>` or `<dataStore>` source, a `<mirror>`, ...) once the service models it, add an
 * entry: its factors (named `<prefix>.…`, with the site's own `none` level first so that the
 * baselines leave it out) and a builder that returns the device XML for a choice, using
 * deviceSeclabel() for the seclabels so that they vary like everywhere else.
 */
interface ExtraSite {
	readonly factors: readonly Factor[];
	build(choice: Choice, name: string): string;
}

const EXTRA_SITES: readonly ExtraSite[] = [
	{
		// A seclabel two layers down a backing chain: libvirt reads every layer of a typed chain.
		factors: [
			{ name: 'chain', levels: levels({ none: 6, deep: 2 }) },
			{ name: 'k.model', levels: levels(DEVICE_MODELS) },
			{ name: 'k.relabel', levels: levels(RELABELS) },
			{ name: 'k.label', levels: levels({ absent: 3, present: 3, empty: 1 }) },
		],
		build(choice, name) {
			if ((choice.chain ?? 'none') === 'none') {
				return '';
			}
			const image = (layer: string) => `/var/lib/libvirt/images/${name}-chain-${layer}.qcow2`;
			return `    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n      <source file='${image('top')}'/>\n`
				+ `      <backingStore type='file'><format type='qcow2'/><source file='${image('mid')}'/>`
				+ `<backingStore type='file'><format type='raw'/><source file='${image('base')}'>${deviceSeclabel(choice, 'k')}</source><backingStore/></backingStore></backingStore>\n`
				+ `      <target dev='vdy' bus='virtio'/>\n    </disk>\n`;
		},
	},
];

function EXTRA_SITES_FACTORS(): Factor[] {
	return EXTRA_SITES.flatMap((site) => site.factors);
}

const FACTORS: readonly Factor[] = [
	{ name: 'seclabels', levels: levels({ 0: 2, 1: 4, 2: 3 }) },
	{ name: 's1.type', levels: levels(DOMAIN_TYPES) },
	{ name: 's1.model', levels: levels(DOMAIN_MODELS) },
	{ name: 's1.relabel', levels: levels(RELABELS) },
	{ name: 's1.label', levels: levels(DOMAIN_LABELS) },
	{ name: 's1.imagelabel', levels: levels({ absent: 4, present: 2, empty: 1 }) },
	{ name: 's1.baselabel', levels: levels({ absent: 4, present: 2, empty: 1 }) },
	{ name: 's1.namespace', levels: levels({ no: 8, yes: 1 }) },
	{ name: 's2.type', levels: levels(DOMAIN_TYPES) },
	{ name: 's2.model', levels: levels({ ...DOMAIN_MODELS, dac: 5 }) },
	{ name: 's2.relabel', levels: levels(RELABELS) },
	{ name: 's2.label', levels: levels({ absent: 3, present: 4, empty: 1 }) },
	{ name: 'disk', levels: levels({ none: 1, file: 6, block: 2, network: 2, volume: 1, vhostuser: 1 }) },
	{ name: 'disk.device', levels: levels({ disk: 4, cdrom: 1 }) },
	{ name: 'disk.bus', levels: levels({ virtio: 4, ide: 1, sata: 1, scsi: 1 }) },
	{ name: 'disk.format', levels: levels({ raw: 3, qcow2: 2 }) },
	{ name: 'disk.readonly', levels: levels({ no: 4, yes: 1 }) },
	{ name: 'disk.shareable', levels: levels({ no: 4, yes: 1 }) },
	{ name: 'disk.transient', levels: levels({ no: 6, yes: 1 }) },
	{ name: 'disk.seclabels', levels: levels({ 0: 2, 1: 5, 2: 2 }) },
	{ name: 'd1.model', levels: levels(DEVICE_MODELS) },
	{ name: 'd1.relabel', levels: levels(RELABELS) },
	{ name: 'd1.labelskip', levels: levels({ absent: 6, yes: 1, no: 1, bogus: 1 }) },
	{ name: 'd1.label', levels: levels(DEVICE_LABELS) },
	{ name: 'd2.model', levels: levels({ ...DEVICE_MODELS, dac: 5, selinux: 2 }) },
	{ name: 'd2.relabel', levels: levels(RELABELS) },
	{ name: 'd2.label', levels: levels({ absent: 3, present: 3, empty: 1 }) },
	{ name: 'backing', levels: levels({ none: 3, plain: 1, seclabel: 3 }) },
	{ name: 'b.model', levels: levels(DEVICE_MODELS) },
	{ name: 'b.relabel', levels: levels(RELABELS) },
	{ name: 'b.label', levels: levels({ absent: 3, present: 3, empty: 1 }) },
	{ name: 'disk2', levels: levels({ none: 4, seclabel: 2 }) },
	{ name: 'e.model', levels: levels(DEVICE_MODELS) },
	{ name: 'e.relabel', levels: levels(RELABELS) },
	{ name: 'e.label', levels: levels({ absent: 3, present: 3, empty: 1 }) },
	{ name: 'chardev', levels: levels({ none: 3, serial: 4, console: 1, channel: 1, parallel: 1 }) },
	{ name: 'chardev.type', levels: levels({ pty: 3, file: 3, tcp: 2, udp: 2, unix: 1, dev: 1, pipe: 1 }) },
	{ name: 'chardev.seclabels', levels: levels({ 0: 1, 1: 5, 2: 1 }) },
	{ name: 'c.model', levels: levels(DEVICE_MODELS) },
	{ name: 'c.relabel', levels: levels(RELABELS) },
	{ name: 'c.label', levels: levels({ absent: 3, present: 3, empty: 1 }) },
	{ name: 'c.secondSource', levels: levels({ no: 10, yes: 1 }) },
	...EXTRA_SITES_FACTORS(),
];

/** Valid starting points for the one-factor-at-a-time pass: confined, static, and no domain label. */
const BASELINES: readonly Choice[] = [
	{
		seclabels: '1', 's1.type': 'dynamic', 's1.model': 'selinux', 's1.relabel': 'absent', 's1.label': 'absent', 's1.imagelabel': 'absent', 's1.baselabel': 'absent',
		disk: 'file', 'disk.seclabels': '1', 'd1.model': 'selinux', 'd1.relabel': 'absent', 'd1.label': 'present',
		chardev: 'serial', 'chardev.type': 'file', 'chardev.seclabels': '1', 'c.model': 'selinux', 'c.relabel': 'no', 'c.label': 'absent',
	},
	{
		seclabels: '2', 's1.type': 'static', 's1.model': 'selinux', 's1.relabel': 'yes', 's1.label': 'present', 's1.imagelabel': 'absent', 's1.baselabel': 'absent',
		's2.type': 'dynamic', 's2.model': 'dac', 's2.relabel': 'absent', 's2.label': 'absent',
		disk: 'file', 'disk.format': 'qcow2', 'disk.seclabels': '2', 'd1.model': 'selinux', 'd1.relabel': 'no', 'd1.label': 'absent', 'd2.model': 'dac', 'd2.relabel': 'yes', 'd2.label': 'present',
		backing: 'seclabel', 'b.model': 'selinux', 'b.relabel': 'absent', 'b.label': 'present',
		disk2: 'seclabel', 'e.model': 'dac', 'e.relabel': 'no', 'e.label': 'absent',
		chardev: 'serial', 'chardev.type': 'pty', 'chardev.seclabels': '1', 'c.model': 'dac', 'c.relabel': 'absent', 'c.label': 'present',
	},
	{
		seclabels: '0',
		disk: 'block', 'disk.seclabels': '1', 'd1.model': 'absent', 'd1.relabel': 'no', 'd1.label': 'absent',
		chardev: 'channel', 'chardev.type': 'unix', 'chardev.seclabels': '1', 'c.model': 'selinux', 'c.relabel': 'yes', 'c.label': 'present',
	},
];

/** The project's seeded PRNG (mulberry32), so that the generated set is stable between runs. */
export const seededRandom = mulberry32;

function pickWeighted(random: () => number, factor: Factor): string {
	const total = factor.levels.reduce((sum, level) => sum + level.weight, 0);
	let roll = random() * total;
	for (const level of factor.levels) {
		roll -= level.weight;
		if (roll < 0) {
			return level.value;
		}
	}
	return factor.levels[factor.levels.length - 1].value;
}

/** The default of a factor in a baseline that does not mention it: its first level. */
function complete(partial: Choice): Choice {
	const full: Record<string, string> = {};
	for (const factor of FACTORS) {
		full[factor.name] = partial[factor.name] ?? factor.levels[0].value;
	}
	return full;
}

function oneFactorAtATime(): Choice[] {
	const result: Choice[] = [];
	for (const baseline of BASELINES) {
		const base = complete(baseline);
		result.push(base);
		for (const factor of FACTORS) {
			for (const level of factor.levels) {
				if (level.value !== base[factor.name]) {
					result.push({ ...base, [factor.name]: level.value });
				}
			}
		}
	}
	return result;
}

/** A greedy covering array: each row is the best of a few random candidates at covering new pairs. */
function pairwise(random: () => number): Choice[] {
	const key = (a: number, va: string, b: number, vb: string) => `${a}=${va}|${b}=${vb}`;
	const uncovered = new Set<string>();
	for (let a = 0; a < FACTORS.length; a++) {
		for (let b = a + 1; b < FACTORS.length; b++) {
			for (const la of FACTORS[a].levels) {
				for (const lb of FACTORS[b].levels) {
					uncovered.add(key(a, la.value, b, lb.value));
				}
			}
		}
	}
	const rows: Choice[] = [];
	const covers = (row: string[]) => {
		const found: string[] = [];
		for (let a = 0; a < row.length; a++) {
			for (let b = a + 1; b < row.length; b++) {
				const pair = key(a, row[a], b, row[b]);
				if (uncovered.has(pair)) {
					found.push(pair);
				}
			}
		}
		return found;
	};
	while (uncovered.size > 0) {
		// Seed each candidate with one uncovered pair, so that every row makes progress.
		const [first] = uncovered;
		const match = /^(\d+)=(.*)\|(\d+)=(.*)$/.exec(first)!;
		let best: string[] = [];
		let bestPairs: string[] = [];
		for (let candidate = 0; candidate < 24; candidate++) {
			const row = FACTORS.map((factor) => factor.levels[Math.floor(random() * factor.levels.length)].value);
			row[Number(match[1])] = match[2];
			row[Number(match[3])] = match[4];
			const pairs = covers(row);
			if (pairs.length > bestPairs.length) {
				best = row;
				bestPairs = pairs;
			}
		}
		for (const pair of bestPairs) {
			uncovered.delete(pair);
		}
		rows.push(Object.fromEntries(FACTORS.map((factor, index) => [factor.name, best[index]])));
	}
	return rows;
}

function weightedRandom(random: () => number, count: number): Choice[] {
	const rows: Choice[] = [];
	for (let i = 0; i < count; i++) {
		rows.push(Object.fromEntries(FACTORS.map((factor) => [factor.name, pickWeighted(random, factor)])));
	}
	return rows;
}

const SELINUX_PROCESS = 'system_u:system_r:svirt_t:s0:c10,c20';
const SELINUX_IMAGE = 'system_u:object_r:svirt_image_t:s0:c10,c20';
const SELINUX_BASE = 'system_u:system_r:svirt_custom_t:s0';

function attribute(name: string, value: string): string {
	if (value === 'absent') {
		return '';
	}
	const special: Record<string, string> = {
		empty: '',
		long: 'm'.repeat(300),
		exact255: 'm'.repeat(255),
		exact256: 'm'.repeat(256),
		// 129 two-byte characters: 258 bytes, over libvirt's 256-byte model limit in fewer characters.
		wideLong: '\u00e9'.repeat(129),
		// A character reference that decodes to 'selinux'.
		entity: 'sel&#105;nux',
	};
	const text = special[value] ?? value;
	return ` ${name}='${text}'`;
}

function labelElements(tag: string, variant: string, content: string): string {
	switch (variant) {
		case 'absent': return '';
		case 'present': return `<${tag}>${content}</${tag}>`;
		case 'empty': return `<${tag}/>`;
		case 'blank': return `<${tag}> </${tag}>`;
		case 'two': return `<${tag}>${content}</${tag}><${tag}>other_u:object_r:other_t:s0</${tag}>`;
		case 'firstEmpty': return `<${tag}></${tag}><${tag}>${content}</${tag}>`;
		case 'long': return `<${tag}>${'x'.repeat(4097)}</${tag}>`;
		// 2049 two-byte characters: over libvirt's 4096-byte label limit in fewer characters.
		case 'wideLong': return `<${tag}>${'\u00e9'.repeat(2049)}</${tag}>`;
		case 'exact4095': return `<${tag}>${'x'.repeat(4095)}</${tag}>`;
		case 'exact4096': return `<${tag}>${'x'.repeat(4096)}</${tag}>`;
		case 'cdata': return `<${tag}><![CDATA[${content}]]></${tag}>`;
		case 'comment': return `<${tag}><!-- generated --></${tag}>`;
		// libvirt's XPath matches only elements in no namespace, so this label does not exist for it.
		case 'namespaced': return `<${tag} xmlns='urn:example:other'>${content}</${tag}>`;
		default: throw new Error(`unknown label variant ${variant}`);
	}
}

function domainSeclabel(choice: Choice, prefix: string): string {
	const type = choice[`${prefix}.type`];
	const typeAttribute = type === 'absent' ? '' : ` type='${type === 'empty' ? '' : type}'`;
	const children = labelElements('label', choice[`${prefix}.label`], SELINUX_PROCESS)
		+ labelElements('imagelabel', choice[`${prefix}.imagelabel`] ?? 'absent', SELINUX_IMAGE)
		+ labelElements('baselabel', choice[`${prefix}.baselabel`] ?? 'absent', SELINUX_BASE);
	const namespace = choice[`${prefix}.namespace`] === 'yes' ? " xmlns='urn:example:other'" : '';
	const attributes = `${namespace}${typeAttribute}${attribute('model', choice[`${prefix}.model`])}${attribute('relabel', choice[`${prefix}.relabel`])}`;
	return children ? `  <seclabel${attributes}>${children}</seclabel>\n` : `  <seclabel${attributes}/>\n`;
}

function deviceSeclabel(choice: Choice, prefix: string): string {
	const labelskip = choice[`${prefix}.labelskip`] ?? 'absent';
	const attributes = `${attribute('model', choice[`${prefix}.model`])}${attribute('relabel', choice[`${prefix}.relabel`])}${attribute('labelskip', labelskip)}`;
	const children = labelElements('label', choice[`${prefix}.label`], SELINUX_IMAGE);
	return children ? `<seclabel${attributes}>${children}</seclabel>` : `<seclabel${attributes}/>`;
}

const TARGET_PREFIX: Record<string, string> = { virtio: 'vd', ide: 'hd', sata: 'sd', scsi: 'sd' };

function diskXml(choice: Choice, name: string): string {
	const kind = choice.disk;
	if (kind === 'none') {
		return '';
	}
	const vhostuser = kind === 'vhostuser';
	// A cdrom has no virtio frontend and a vhost-user disk has only that one: keep both realistic.
	const device = vhostuser ? 'disk' : choice['disk.device'];
	const bus = vhostuser ? 'virtio' : device === 'cdrom' && choice['disk.bus'] === 'virtio' ? 'sata' : choice['disk.bus'];
	const format = vhostuser ? 'raw' : choice['disk.format'];
	const count = Number(choice['disk.seclabels']);
	const seclabels = (count >= 1 ? deviceSeclabel(choice, 'd1') : '') + (count >= 2 ? deviceSeclabel(choice, 'd2') : '');
	let source: string;
	switch (kind) {
		case 'file': source = `<source file='/var/lib/libvirt/images/${name}-top.${format}'>${seclabels}</source>`; break;
		case 'block': source = `<source dev='/dev/vg0/${name}'>${seclabels}</source>`; break;
		case 'network': source = `<source protocol='nbd' name='${name}'><host name='nbd.example.com' port='10809'/>${seclabels}</source>`; break;
		case 'volume': source = `<source pool='default-pool' volume='${name}.img'>${seclabels}</source>`; break;
		default: source = `<source type='unix' path='/run/${name}-vhost-user-blk.sock'>${seclabels}<reconnect enabled='yes' timeout='10'/></source>`;
	}
	let backing = '';
	if (!vhostuser && kind !== 'network' && choice.backing !== 'none') {
		const backingSeclabel = choice.backing === 'seclabel' ? deviceSeclabel(choice, 'b') : '';
		backing = `\n      <backingStore type='file'><format type='raw'/><source file='/var/lib/libvirt/images/${name}-base.raw'>${backingSeclabel}</source><backingStore/></backingStore>`;
	}
	const flags = (choice['disk.readonly'] === 'yes' ? '\n      <readonly/>' : '')
		+ (choice['disk.shareable'] === 'yes' ? '\n      <shareable/>' : '')
		+ (choice['disk.transient'] === 'yes' ? '\n      <transient/>' : '');
	let xml = `    <disk type='${kind}' device='${device}'>\n      <driver name='qemu' type='${format}'/>\n      ${source}${backing}\n      <target dev='${TARGET_PREFIX[bus]}a' bus='${bus}'/>${flags}\n    </disk>\n`;
	if (choice.disk2 === 'seclabel') {
		xml += `    <disk type='file' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source file='/var/lib/libvirt/images/${name}-second.raw'>${deviceSeclabel(choice, 'e')}</source>\n      <target dev='vdz' bus='virtio'/>\n    </disk>\n`;
	}
	return xml;
}

function chardevXml(choice: Choice, name: string): string {
	const element = choice.chardev;
	if (element === 'none') {
		return '';
	}
	// The virtio channel is a guest-agent socket, so always unix; unix sockets on other ports are
	// left to serial ports, the others fall back to a pty.
	const type = element === 'channel' ? 'unix' : choice['chardev.type'] === 'unix' && element !== 'serial' ? 'pty' : choice['chardev.type'];
	const count = Number(choice['chardev.seclabels']);
	const first = count >= 1 ? deviceSeclabel(choice, 'c') : '';
	// The second seclabel on a chardev repeats the first one's model: a duplicate (E1) unless model-less.
	const seclabels = first + (count >= 2 ? deviceSeclabel({ ...choice, 'c.relabel': 'no', 'c.label': 'absent' }, 'c') : '');
	// A second <source> is refused for every type but UDP, which takes exactly two.
	const second = choice['c.secondSource'] === 'yes' ? `<source path='/var/log/libvirt/qemu/${name}-other.log'><seclabel model='selinux' relabel='maybe'/></source>` : '';
	const strayInSecond = choice['c.secondSource'] === 'yes' ? "<seclabel model='selinux' relabel='maybe'/>" : '';
	let source: string;
	switch (type) {
		case 'pty': source = `<source path='/dev/pts/3'>${seclabels}</source>${second}`; break;
		case 'file': source = `<source path='/var/log/libvirt/qemu/${name}-serial.log'>${seclabels}</source>${second}`; break;
		case 'tcp': source = `<source mode='bind' host='127.0.0.1' service='4555'>${seclabels}</source>${second}<protocol type='raw'/>`; break;
		case 'udp': source = `<source mode='bind' host='0.0.0.0' service='2445'>${seclabels}</source><source mode='connect' host='192.0.2.1' service='2445'>${strayInSecond}</source>`; break;
		case 'dev': source = `<source path='/dev/ttyS${name.length % 4}'>${seclabels}</source>${second}`; break;
		case 'pipe': source = `<source path='/var/lib/libvirt/qemu/${name}.pipe'>${seclabels}</source>${second}`; break;
		default: source = `<source mode='bind' path='/var/lib/libvirt/qemu/${name}.agent'>${seclabels}</source>${second}`;
	}
	const target = element === 'channel' ? "<target type='virtio' name='org.qemu.guest_agent.0'/>" : element === 'console' ? "<target type='serial' port='0'/>" : "<target port='0'/>";
	return `    <${element} type='${type}'>\n      ${source}\n      ${target}\n    </${element}>\n`;
}

/**
 * Every path in the document carries the guest's name, so that the generated guests share no image,
 * log or socket: each is defined on its own by virsh, and the CLI, which reads the directory as one
 * workspace, must not see cross-guest conflicts that the oracle never has.
 */
export function buildXml(choice: Choice, name: string): string {
	const count = Number(choice.seclabels);
	const seclabels = (count >= 1 ? domainSeclabel(choice, 's1') : '') + (count >= 2 ? domainSeclabel(choice, 's2') : '');
	const extra = EXTRA_SITES.map((site) => site.build(choice, name)).join('');
	return `<domain type='kvm'>\n  <name>${name}</name>\n  <memory unit='KiB'>262144</memory>\n  <vcpu>1</vcpu>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n${diskXml(choice, name)}${chardevXml(choice, name)}${extra}  </devices>\n${seclabels}</domain>\n`;
}

/** The whole stable set: about 600 distinct documents (the seed and size are fixed for stability). */
export function generateCases(seed = 20240910, randomCount = 160): GeneratedCase[] {
	const random = seededRandom(seed);
	const passes: [string, Choice[]][] = [
		['oat', oneFactorAtATime()],
		['pair', pairwise(random)],
		['rand', weightedRandom(random, randomCount)],
	];
	const seen = new Set<string>();
	const cases: GeneratedCase[] = [];
	for (const [pass, choices] of passes) {
		for (const choice of choices) {
			const name = `g${String(cases.length).padStart(3, '0')}-${pass}`;
			const xml = buildXml(choice, 'guest');
			if (seen.has(xml)) {
				continue;
			}
			seen.add(xml);
			cases.push({ name: `${name}.xml`, xml: buildXml(choice, name.replace(/-/g, '_')), choice });
		}
	}
	return cases;
}
