/**
 * The `ignored` stage against the real parsers: what each version (7.0.0, 9.0.0, 11.3.0, 12.9.0)
 * writes back after `virsh define` (`dumpxml --inactive`) shows what it dropped. A seclabel without
 * `type` is the boundary case: 8.0.0 to 11.x store it as an internal `default` type and drop it
 * (with its baselabel) from the saved config, which `type-missing` and `baselabel-ignored` report at
 * stage ignored; 7.0.0 and 12.x read it as dynamic and keep both, where the rules say advice or
 * nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findings } from '../support/fixture';
import { defineAndDump, ORACLE_VERSIONS } from './oracle';

const NAME = 'typeless';
const XML = `<domain type='kvm'>\n  <name>${NAME}</name>\n  <memory unit='KiB'>262144</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <seclabel model='selinux'>\n    <baselabel>system_u:system_r:svirt_tcg_t:s0</baselabel>\n  </seclabel>\n</domain>\n`;

for (const version of ORACLE_VERSIONS) {
	test(`libvirt ${version}: a type-less seclabel and its baselabel are kept exactly when the project does not call them ignored`, { timeout: 60000 }, async () => {
		const saved = await defineAndDump(XML, NAME, version);
		assert.match(saved, new RegExp(`<name>${NAME}</name>`), `libvirt ${version} printed the domain`);
		const kept = /<seclabel type='dynamic' model='selinux'[^>]*>\s*<baselabel>system_u:system_r:svirt_tcg_t:s0<\/baselabel>/.test(saved);
		const dropped = !/<seclabel/.test(saved);
		assert.ok(kept || dropped, `libvirt ${version} neither kept nor dropped the seclabel:\n${saved}`);
		const ours = findings(XML, { driver: 'test', libvirtVersion: version });
		const ignored = ours.filter((finding) => finding.stage === 'ignored').map((finding) => finding.rule.id).sort();
		assert.deepEqual(ignored, dropped ? ['baselabel-ignored', 'type-missing'] : [], `libvirt ${version} ${dropped ? 'dropped' : 'kept'} the seclabel:\n${saved}`);
	});
}
