/**
 * The host policy reader against the fixture trees in test/fixtures/selinux: a Fedora-like tree is
 * read in full, a reference-policy tree has no TCG line, and a garbled tree or a missing root
 * fall back quietly. The last tests run the rules with a policy read from disk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lint, parseArguments, USAGE } from '../../../server/src/cli/lint';
import { readSettings } from '../../../server/src/settings';
import { parseSeinfo, parseSelinuxConfig, parseSetrans, policyForRoot, readSelinuxPolicy } from '../../../server/src/node/policyReader';
import { effectiveCatalogue } from '../../../server/src/service/selinux/catalogue';
import { codedFor, domain, disk } from '../../support/fixture';

const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../../..' : '../../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'selinux');

test('a Fedora-like targeted tree is read in full', () => {
	const policy = readSelinuxPolicy(path.join(FIXTURES, 'fedora'));
	assert.ok(policy, `no policy read from ${FIXTURES}/fedora`);
	assert.equal(policy.policyName, 'targeted');
	assert.equal(policy.source, path.join(FIXTURES, 'fedora', 'targeted'));
	assert.equal(policy.domainContext, 'system_u:system_r:svirt_t:s0');
	assert.equal(policy.tcgDomainContext, 'system_u:system_r:svirt_tcg_t:s0');
	assert.equal(policy.imageContext, 'system_u:object_r:svirt_image_t:s0');
	assert.equal(policy.contentContext, 'system_u:object_r:virt_content_t:s0');
	assert.deepEqual(policy.translations, {
		's0': 'SystemLow',
		's0-s0:c0.c1023': 'SystemLow-SystemHigh',
		's0:c0.c1023': 'SystemHigh',
		's0:c3,c5': 'ProjectX',
	});
	assert.deepEqual(policy.users, ['system_u', 'unconfined_u', 'user_u']);
	assert.deepEqual(policy.roles, ['object_r', 'system_r', 'unconfined_r', 'user_r']);
	assert.equal(policy.types?.length, 7);
});

test('the catalogue lays the host facts over the built-in data and translates canonically', () => {
	const catalogue = effectiveCatalogue(readSelinuxPolicy(path.join(FIXTURES, 'fedora')));
	assert.equal(catalogue.hostNames, true);
	assert.equal(catalogue.types.has('svirt_prot_exec_t'), false);
	assert.equal(catalogue.types.has('qemu_t'), true, 'seinfo lists primary names; the alias qemu_t is known through svirt_t');
	assert.equal(catalogue.types.has('svirt_lxc_net_t'), false, 'the alias of container_t, which this policy lacks');
	assert.equal(catalogue.types.has('svirt_t'), true);
	assert.equal(catalogue.translate('s0:c5,c3'), 'ProjectX');
	assert.equal(catalogue.translate('s0-s0:c0.c511,c512.c1023'), 'SystemLow-SystemHigh');
	assert.equal(catalogue.translate('s0-s0:c3,c5'), 'SystemLow-ProjectX');
	assert.equal(catalogue.translate('s0:c1,c2'), undefined);
});

test('a reference-policy tree has no TCG domain type', () => {
	const policy = readSelinuxPolicy(path.join(FIXTURES, 'refpolicy'));
	assert.ok(policy);
	assert.equal(policy.policyName, 'default');
	assert.equal(policy.domainContext, 'system_u:system_r:svirt_t:s0');
	assert.equal(policy.tcgDomainContext, undefined);
	assert.equal(policy.users, undefined);
	const catalogue = effectiveCatalogue(policy);
	assert.equal(catalogue.defaults.tcgDomainContext, undefined);
	assert.equal(catalogue.hostNames, false);
	assert.equal(catalogue.translate('s0'), 'SystemLow', 'without setrans.conf the Fedora defaults translate');
});

test('a garbled tree falls back field by field without throwing', () => {
	const policy = readSelinuxPolicy(path.join(FIXTURES, 'garbled'));
	assert.ok(policy, 'the config names a policy whose directory exists');
	assert.equal(policy.policyName, 'targeted');
	assert.equal(policy.domainContext, undefined, 'virtual_domain_context is a directory');
	assert.equal(policy.imageContext, undefined, 'virtual_image_context holds no valid context');
	assert.equal(policy.translations, undefined);
	const catalogue = effectiveCatalogue(policy);
	assert.equal(catalogue.defaults.imageContext, 'system_u:object_r:svirt_image_t:s0');
	assert.equal(catalogue.translate('s0:c0.c1023'), 'SystemHigh');
});

test('a missing root or a config without SELINUXTYPE gives no policy', () => {
	assert.equal(readSelinuxPolicy(path.join(FIXTURES, 'does-not-exist')), undefined);
	assert.equal(readSelinuxPolicy(FIXTURES), undefined);
	assert.equal(parseSelinuxConfig('SELINUX=enforcing\n'), undefined);
	assert.equal(parseSelinuxConfig('SELINUXTYPE=../etc\n'), undefined);
});

test('policyForRoot reads a root once within its freshness window', () => {
	const root = path.join(FIXTURES, 'fedora');
	const first = policyForRoot(root, 1_000_000);
	assert.ok(first);
	assert.equal(policyForRoot(root, 1_000_500), first);
	assert.notEqual(policyForRoot(root, 1_100_000), first);
});

test('setrans.conf and seinfo parsing', () => {
	assert.deepEqual(parseSetrans('s0:c1,c0=Both # comment\nInclude=/etc/x\ns0:c3.c3=Bad\n'), { 's0:c0,c1': 'Both' });
	assert.deepEqual(parseSeinfo('Users: 1\n   a_u\nBooleans: 1\n   virt_use_nfs\nTypes: 1\n   a_t\n'), { users: ['a_u'], roles: [], types: ['a_t'] });
});

test('rules check names against a policy read from disk', () => {
	const policy = readSelinuxPolicy(path.join(FIXTURES, 'fedora'));
	assert.ok(policy);
	const xml = domain("  <seclabel type='static' model='selinux'>\n    <label>system_u:system_r:svirt_prot_exec_t:s0:c1,c2</label>\n  </seclabel>", disk("<seclabel model='selinux'><label>staff_u:object_r:svirt_image_t:s0:c1,c2</label></seclabel>"));
	assert.deepEqual(codedFor('selinux-type-unknown', xml, { policy }).map((f) => [f.text, f.stage]), [
		['staff_u', 'start'],
		['svirt_prot_exec_t', 'start'],
	]);
	assert.deepEqual(codedFor('selinux-type-unknown', xml), [], 'the built-in catalogue does not know every custom type, so it stays silent');
});

test('the CLI reads the policy under --selinux-root', async () => {
	assert.match(USAGE, /--selinux-root DIR/);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-policy-'));
	try {
		const file = path.join(dir, 'tcg.xml');
		fs.writeFileSync(file, domain("  <seclabel type='dynamic' model='selinux'/>").replace("<domain type='kvm'>", "<domain type='qemu'>"));
		const codes = async (argv: string[]) => {
			const options = parseArguments(argv);
			assert.ok(typeof options === 'object');
			const outcome = await lint(options);
			return outcome.report.files.flatMap((entry) => entry.diagnostics.map((diagnostic) => diagnostic.code));
		};
		assert.ok((await codes(['--selinux-root', path.join(FIXTURES, 'refpolicy'), file])).includes('tcg-needs-execmem'));
		assert.ok(!(await codes(['--selinux-root', path.join(FIXTURES, 'fedora'), file])).includes('tcg-needs-execmem'));
		assert.ok(!(await codes(['--selinux-root', path.join(FIXTURES, 'does-not-exist'), file])).includes('tcg-needs-execmem'));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('the selinuxRoot setting is read as an absolute path only', () => {
	assert.equal(readSettings({ selinuxRoot: '/srv/policy' }).selinuxRoot, '/srv/policy');
	assert.equal(readSettings({ selinuxRoot: 'relative/policy' }).selinuxRoot, undefined);
	assert.equal(readSettings({}).selinuxRoot, undefined);
});

test('a FIFO in place of a policy file is skipped, not waited on', () => {
	// A regression would block the reading process for ever, so the read runs in a child with a deadline.
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-fifo-'));
	try {
		fs.mkdirSync(path.join(root, 'targeted', 'contexts'), { recursive: true });
		fs.writeFileSync(path.join(root, 'config'), 'SELINUX=enforcing\nSELINUXTYPE=targeted\n');
		require('child_process').execFileSync('mkfifo', [path.join(root, 'targeted', 'contexts', 'virtual_domain_context')]);
		require('child_process').execFileSync('mkfifo', [path.join(root, 'targeted', 'setrans.conf')]);
		const reader = path.join(ROOT, 'out', 'server', 'src', 'node', 'policyReader.js');
		const child = require('child_process').spawnSync(process.execPath, ['-e', `const p = require(${JSON.stringify(reader)}).readSelinuxPolicy(${JSON.stringify(root)}); process.stdout.write(JSON.stringify(p ?? null));`], { timeout: 10000, encoding: 'utf8' });
		assert.equal(child.signal, null, 'reading a policy tree with FIFOs did not finish within 10 s');
		assert.equal(child.status, 0, child.stderr);
		const policy = JSON.parse(child.stdout);
		assert.equal(policy.policyName, 'targeted');
		assert.equal(policy.domainContext, undefined);
	} finally {
		fs.rmSync(root, { recursive: true, force: true });
	}
});
