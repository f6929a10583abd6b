/**
 * Fragments against libvirt's real parser. Debian's libvirt 9.0.0 (installed) has no attach-device
 * in its test driver, so there each fragment is defined as the only device of a minimal domain
 * (the device parser and its validation are the same functions, with the same define-time flags);
 * libvirt 12.9.0's test driver accepts attach-device, so there each fragment is really attached
 * to a running guest of a test:/// node file, in the chroot `versions` sets up
 * (scripts/setup-libvirt-oracles.sh, /var/cache/libvirt-seclabel/oracles/12.9.0). The CLI checks
 * the fragment alone (`--driver test`, that version): libvirt refuses exactly the fragments we
 * give a define-stage diagnostic, with libvirt's message.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { defineAll, installedLibvirtVersion } from '../differential/oracle';
import { cliJson, tempDir } from './host';
import { CORPUS_DIR } from '../support/corpus';

const SOURCE = (inner: string) => `<source file='/var/lib/libvirt/images/new.img'>${inner}</source>`;
const DISK = (inner: string, extra = '') => `<disk type='file' device='disk'>\n  <driver name='qemu' type='raw'/>\n  ${SOURCE(inner)}\n  <target dev='vdb' bus='virtio'/>${extra}\n</disk>\n`;
const CHARDEV = (name: string, type: string, source: string, inner: string, target = '') => `<${name} type='${type}'>\n  <source ${source}>${inner}</source>${target}\n</${name}>\n`;

/** Fragments that reach the device seclabel parser's branches, accepted and refused. */
const FRAGMENTS: Record<string, string> = {
	'plain-disk': DISK(''),
	'relabel-no': DISK("<seclabel model='selinux' relabel='no'/>"),
	'relabel-yes-no-label': DISK("<seclabel model='selinux' relabel='yes'/>"),
	'label': DISK("<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0:c1,c2</label></seclabel>"),
	'label-and-relabel-no': DISK("<seclabel model='selinux' relabel='no'><label>system_u:object_r:svirt_image_t:s0</label></seclabel>"),
	'modelless': DISK("<seclabel relabel='no'/>"),
	'relabel-invalid': DISK("<seclabel model='selinux' relabel='maybe'/>"),
	'duplicate-model': DISK("<seclabel model='selinux' relabel='no'/><seclabel model='selinux' relabel='no'/>"),
	'dac-label': DISK("<seclabel model='dac' relabel='yes'><label>+107:+107</label></seclabel>"),
	'labelskip': DISK("<seclabel model='selinux' labelskip='yes'/>"),
	'backing-store': `<disk type='file' device='disk'>\n  <driver name='qemu' type='qcow2'/>\n  <source file='/var/lib/libvirt/images/top.qcow2'/>\n  <backingStore type='file'>\n    <format type='raw'/>\n    <source file='/var/lib/libvirt/images/base.img'><seclabel model='selinux' relabel='yes'/></source>\n  </backingStore>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n`,
	'serial-file': CHARDEV('serial', 'file', "path='/var/log/s.log'", "<seclabel model='selinux' relabel='no'/>", "\n  <target port='1'/>"),
	'serial-relabel-yes': CHARDEV('serial', 'file', "path='/var/log/s.log'", "<seclabel model='selinux' relabel='yes'/>", "\n  <target port='1'/>"),
	'channel-unix': CHARDEV('channel', 'unix', "mode='bind' path='/var/lib/libvirt/qemu/ch.sock'", "<seclabel model='selinux' relabel='maybe'/>", "\n  <target type='virtio' name='org.example.0'/>"),
	'console-pty': CHARDEV('console', 'pty', '', "<seclabel model='selinux' relabel='no'/>", "\n  <target type='virtio' port='1'/>"),
	'parallel-file': CHARDEV('parallel', 'file', "path='/var/log/p.log'", "<seclabel model='selinux' relabel='yes'><label>system_u:object_r:svirt_image_t:s0</label></seclabel><seclabel model='selinux' relabel='no'/>", "\n  <target port='0'/>"),
};

/**
 * Roots with a prefix, which only a real attach-device can judge (inside a domain's <devices> a
 * prefixed element is not a device at all): libvirt takes the device type from the root's local
 * name, so a bound prefix reads as usual and an unbound one is an unknown device type.
 */
const PREFIXED: Record<string, string> = {
	'prefixed-disk': DISK('').replace('<disk ', "<q:disk xmlns:q='urn:example' ").replace('</disk>', '</q:disk>'),
	'prefixed-disk-relabel-invalid': DISK("<seclabel model='selinux' relabel='maybe'/>").replace('<disk ', "<q:disk xmlns:q='urn:example' ").replace('</disk>', '</q:disk>'),
	'prefixed-serial-relabel-yes': CHARDEV('q:serial', 'file', "path='/var/log/s.log'", "<seclabel model='selinux' relabel='yes'/>", "\n  <target port='1'/>").replace('<q:serial ', "<q:serial xmlns:q='urn:example' "),
	'prefixed-console': CHARDEV('q:console', 'pty', '', "<seclabel model='selinux' relabel='no'/>", "\n  <target type='virtio' port='1'/>").replace('<q:console ', "<q:console xmlns:q='urn:example' "),
	'unbound-disk': DISK("<seclabel model='selinux' relabel='maybe'/>").replace('<disk ', '<q:disk ').replace('</disk>', '</q:disk>'),
	'unbound-serial': CHARDEV('q:serial', 'file', "path='/var/log/s.log'", '', "\n  <target port='1'/>"),
};

function domainWith(device: string): string {
	return `<domain type='test'>\n  <name>fragment</name>\n  <memory>1048576</memory>\n  <os><type>hvm</type></os>\n  <devices>\n${device}  </devices>\n</domain>\n`;
}

interface Verdict { accepted: boolean; message?: string }

async function ours(dir: string, version: string, fragments: Record<string, string> = FRAGMENTS): Promise<Map<string, Verdict>> {
	const files = Object.keys(fragments).map((name) => path.join(dir, `${name}.xml`));
	const { report } = await cliJson(['--driver', 'test', '--libvirt-version', version, ...files]);
	const result = new Map<string, Verdict>();
	for (const file of report.files) {
		const refusal = file.diagnostics.find((d) => d.stage === 'define');
		result.set(path.basename(file.path, '.xml'), refusal ? { accepted: false, message: refusal.libvirtMessage } : { accepted: true });
	}
	return result;
}

function compare(theirs: Map<string, Verdict>, mine: Map<string, Verdict>, fragments: Record<string, string> = FRAGMENTS): void {
	const differences: string[] = [];
	for (const name of Object.keys(fragments)) {
		const a = theirs.get(name);
		const b = mine.get(name);
		if (!a || !b || a.accepted !== b.accepted || (!a.accepted && a.message !== b.message)) {
			differences.push(`${name}: libvirt ${JSON.stringify(a)}, ours ${JSON.stringify(b)}`);
		}
	}
	assert.deepEqual(differences, []);
	assert.ok([...theirs.values()].some((verdict) => !verdict.accepted), 'the set has refusals');
	assert.ok([...theirs.values()].some((verdict) => verdict.accepted), 'the set has accepted fragments');
}

test('libvirt 9.0.0: each fragment as the device of a defined domain; the CLI agrees with the fragment alone', async () => {
	const version = installedLibvirtVersion();
	const dir = tempDir('seclabel-fragment-oracle-');
	const wrapped = path.join(dir, 'wrapped');
	fs.mkdirSync(wrapped);
	for (const [name, fragment] of Object.entries(FRAGMENTS)) {
		fs.writeFileSync(path.join(dir, `${name}.xml`), fragment);
		fs.writeFileSync(path.join(wrapped, `${name}.xml`), domainWith(fragment));
	}
	const verdicts = await defineAll(Object.keys(FRAGMENTS).map((name) => path.join(wrapped, `${name}.xml`)));
	const theirs = new Map([...verdicts].map(([file, verdict]) => [path.basename(file, '.xml'), verdict]));
	compare(theirs, await ours(dir, version));
});

const ORACLE_12 = '/var/cache/libvirt-seclabel/oracles/12.9.0';

function chrootVirsh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		execFile('chroot', [ORACLE_12, 'virsh', ...args], { env: { ...process.env, LC_ALL: 'C' }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
			if (error && typeof error.code !== 'number') {
				reject(new Error(`cannot run virsh in ${ORACLE_12}: ${error.message}`));
			} else {
				resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
			}
		});
	});
}

test('libvirt 12.9.0: each fragment really attached (virsh attach-device) to a running test-driver guest', async () => {
	assert.ok(fs.existsSync(path.join(ORACLE_12, 'usr', 'bin', 'virsh')), `libvirt 12.9.0 is not set up in ${ORACLE_12}: run scripts/setup-libvirt-oracles.sh (as root)`);
	const version = (await chrootVirsh(['--version'])).stdout.trim();
	assert.equal(version, '12.9.0');
	const inside = fs.mkdtempSync(path.join(ORACLE_12, 'tmp', 'seclabel-attach-'));
	const dir = tempDir('seclabel-fragment-oracle-');
	try {
		const node = `<node>\n  <domain type='test'>\n    <name>vm2</name>\n    <memory>1048576</memory>\n    <os><type>hvm</type></os>\n    <devices/>\n  </domain>\n</node>\n`;
		fs.writeFileSync(path.join(inside, 'node.xml'), node);
		const at = `/${path.relative(ORACLE_12, inside)}`;
		const all = { ...FRAGMENTS, ...PREFIXED };
		for (const [name, fragment] of Object.entries(all)) {
			fs.writeFileSync(path.join(dir, `${name}.xml`), fragment);
			fs.writeFileSync(path.join(inside, `${name}.xml`), fragment);
		}
		// One virsh process per fragment: each attaches to a freshly started guest.
		const theirs = new Map<string, Verdict>();
		let parsedThenUnsupported = 0;
		for (const [name] of Object.entries(all)) {
			const result = await chrootVirsh(['-q', '-c', `test://${at}/node.xml`, `attach-device vm2 ${at}/${name}.xml`]);
			const message = result.stderr.split('\n').filter((line) => line.startsWith('error: ') && !line.startsWith('error: Failed to attach device')).map((line) => line.slice(7)).join('\n');
			// The test driver hot-plugs disks only; a chardev that parsed and validated is then refused with
			// this message (and --config is not supported at all), so it means: the parser accepted it.
			if (message === "Operation not supported: live attach of device 'chr' is not supported") {
				parsedThenUnsupported++;
				theirs.set(name, { accepted: true });
				continue;
			}
			theirs.set(name, result.code === 0 ? { accepted: true } : { accepted: false, message });
		}
		assert.ok(parsedThenUnsupported > 0, 'chardev fragments reach the driver after parsing');
		compare(theirs, await ours(dir, '12.9.0', all), all);
		// The prefixed roots on their own: a bound prefix is read (a refusal for the bad relabel), an unbound one is not a device.
		assert.deepEqual(theirs.get('unbound-disk'), { accepted: false, message: "unsupported configuration: unknown device type 'q:disk'" });
		assert.equal(theirs.get('prefixed-disk-relabel-invalid')?.accepted, false);
		assert.equal(theirs.get('prefixed-disk')?.accepted, true);
	} finally {
		fs.rmSync(inside, { recursive: true, force: true });
	}
});

test('the seed\'s hot-add on libvirt 12.9.0: attach-device gives vm2 vm1\'s image without any check; the CLI reports it first', async () => {
	assert.ok(fs.existsSync(path.join(ORACLE_12, 'usr', 'bin', 'virsh')), `libvirt 12.9.0 is not set up in ${ORACLE_12}: run scripts/setup-libvirt-oracles.sh (as root)`);
	const inside = fs.mkdtempSync(path.join(ORACLE_12, 'tmp', 'seclabel-seed-'));
	try {
		const at = `/${path.relative(ORACLE_12, inside)}`;
		const guest = (name: string, level: string) => `  <domain type='test'>\n    <name>${name}</name>\n    <memory>1048576</memory>\n    <os><type>hvm</type></os>\n    <devices>\n      <disk type='file' device='disk'>\n        <source file='/var/lib/libvirt/images/${name}.img'/>\n        <target dev='vda' bus='virtio'/>\n      </disk>\n    </devices>\n    <seclabel type='static' model='selinux' relabel='yes'>\n      <label>system_u:system_r:svirt_t:${level}</label>\n    </seclabel>\n  </domain>`;
		fs.writeFileSync(path.join(inside, 'node.xml'), `<node>\n${guest('vm1', 's0:c219,c564')}\n${guest('vm2', 's0:c122,c658')}\n</node>\n`);
		const fragment = "<disk type='file' device='disk'>\n  <source file='/var/lib/libvirt/images/vm1.img'/>\n  <target dev='vdb' bus='virtio'/>\n</disk>\n";
		fs.writeFileSync(path.join(inside, 'attach.xml'), fragment);
		const attached = await chrootVirsh(['-q', '-c', `test://${at}/node.xml`, `attach-device vm2 ${at}/attach.xml; dumpxml vm2`]);
		assert.equal(attached.code, 0, attached.stderr);
		assert.match(attached.stdout, /<source file='\/var\/lib\/libvirt\/images\/vm1\.img'\/>\s*<target dev='vdb'/, 'libvirt took it');
		// The same host read by the installed virsh (the node file is an ordinary file outside the chroot too).
		const { report } = await cliJson(['--connect', `test://${path.join(inside, 'node.xml')}`, path.join(inside, 'attach.xml')]);
		const diagnostics = report.files.find((file) => file.path === path.join(inside, 'attach.xml'))!.diagnostics;
		assert.deepEqual(diagnostics.map((d) => d.code), ['shared-image-not-shareable']);
		assert.match(diagnostics[0].message, /'vm1' \(running as system_u:system_r:svirt_t:s0:c219,c564\)/);
	} finally {
		fs.rmSync(inside, { recursive: true, force: true });
	}
});

test('libvirt\'s own hot-plug test devices (qemuhotplugtestdevices): each label-taking root is a fragment, judged as libvirt 9.0.0 judges it', async () => {
	const version = installedLibvirtVersion();
	const devices = path.join(CORPUS_DIR, 'qemuhotplugtestdevices');
	const fragments = fs.readdirSync(devices).filter((name) => name.endsWith('.xml')).filter((name) => {
		const text = fs.readFileSync(path.join(devices, name), 'utf8');
		return /^\s*<(disk|serial|console|channel|parallel)[\s>]/.test(text);
	});
	assert.ok(fragments.length >= 5, `libvirt's hot-plug devices are in ${devices}`);
	const dir = tempDir('seclabel-hotplug-corpus-');
	for (const name of fragments) {
		fs.writeFileSync(path.join(dir, name), domainWith(fs.readFileSync(path.join(devices, name), 'utf8')));
	}
	const verdicts = await defineAll(fragments.map((name) => path.join(dir, name)));
	const { report } = await cliJson(['--driver', 'test', '--libvirt-version', version, ...fragments.map((name) => path.join(devices, name))]);
	assert.equal(report.files.length, fragments.length, 'every fragment is checked, none skipped');
	for (const name of fragments) {
		const theirs = verdicts.get(path.join(dir, name))!;
		const ours = report.files.find((file) => file.path.endsWith(`/${name}`))!;
		assert.equal(ours.diagnostics.some((d) => d.stage === 'define'), !theirs.accepted, `${name}: libvirt ${JSON.stringify(theirs)}, ours ${JSON.stringify(ours.diagnostics)}`);
	}
});
