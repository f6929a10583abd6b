import { childElements, type ChardevModel } from '../parser/seclabelModel';
import { getAttribute, type XmlElement } from '../parser/xmlParser';
import { CHARDEV_VDAGENT_DBUS, NMDM_BOTH_PATHS, since, type Version } from '../version';
import { nameSpan, type Finding, type Rule } from './rule';

/**
 * A TCP, UDP, spiceport, dbus or nmdm character device without the address its `<source>` must give:
 * libvirt refuses it when it validates the device (virDomainChrSourceDefValidate, the same step
 * as chardev-source-path-missing: after every device is parsed, before that device's seclabel
 * cross-check), so the user meets it before a label problem of the same device. A console that
 * libvirt replaces by a copy of the first serial (ChardevModel.aliasOf) is never validated.
 *
 * Checked with `virsh -c test:///default define` on libvirt 7.0.0, 9.0.0, 11.3.0 and 12.9.0
 * (test/differential/sites.test.ts): a TCP source needs `host`, then `service`, whatever
 * its mode, and libvirt reads them from the first `<source>`; a UDP device needs the `service` of
 * a source whose mode is `connect` (or absent); a spiceport or dbus device needs `channel`; an empty value counts
 * as given. nmdm changed between 7.0.0 and 9.0.0 (NMDM_BOTH_PATHS).
 */

const has = (source: XmlElement | undefined, name: string) => !!source && getAttribute(source, name) !== undefined;

function missing(chardev: ChardevModel, version: Version): { attribute: string; libvirtMessage: string } | undefined {
	const sources = childElements(chardev.element, 'source');
	const first = sources[0];
	switch (chardev.type) {
		case 'tcp':
			if (!has(first, 'host')) {
				return { attribute: 'host', libvirtMessage: 'internal error: Missing source host attribute for char device' };
			}
			return has(first, 'service') ? undefined : { attribute: 'service', libvirtMessage: 'internal error: Missing source service attribute for char device' };
		case 'udp': {
			const connect = sources.filter((source) => {
				const mode = getAttribute(source, 'mode')?.value;
				return mode === undefined || mode === null || mode === 'connect';
			});
			return connect.some((source) => has(source, 'service')) ? undefined : { attribute: 'service', libvirtMessage: 'internal error: Missing source service attribute for char device' };
		}
		case 'dbus':
			// An unknown type before CHARDEV_VDAGENT_DBUS (chardev-type-invalid); from it a channel is needed, as for spiceport.
			if (!since(version, CHARDEV_VDAGENT_DBUS)) return undefined;
			return has(first, 'channel') ? undefined : { attribute: 'channel', libvirtMessage: 'unsupported configuration: Missing source channel attribute for char device' };
		case 'spiceport':
			return has(first, 'channel') ? undefined : { attribute: 'channel', libvirtMessage: 'unsupported configuration: Missing source channel attribute for char device' };
		case 'nmdm': {
			const master = has(first, 'master');
			const slave = has(first, 'slave');
			if (since(version, NMDM_BOTH_PATHS)) {
				return master === slave ? undefined : { attribute: master ? 'slave' : 'master', libvirtMessage: 'internal error: Should define both master and slave path attributes for nmdm device' };
			}
			if (!master) {
				return { attribute: 'master', libvirtMessage: 'internal error: Missing master path attribute for nmdm device' };
			}
			return slave ? undefined : { attribute: 'slave', libvirtMessage: 'internal error: Missing slave path attribute for nmdm device' };
		}
		default:
			return undefined;
	}
}

const WHAT: Record<string, string> = {
	host: 'the host it listens on or connects to',
	service: 'the port (for UDP, of the `connect` end)',
	channel: 'the SPICE port channel name',
	master: "the nmdm pair's master device",
	slave: "the nmdm pair's slave device",
};

export const rule: Rule = {
	id: 'chardev-source-attribute-missing',
	stage: 'define',
	scope: 'parser',
	extent: { unit: 'device' },
	title: 'A TCP, UDP, spiceport, dbus or nmdm character device whose `<source>` lacks the address libvirt needs.',
	libvirtMessage: 'internal error: Missing source host attribute for char device',
	reference: 'D4',
	description: [
		"Like a file or UNIX-socket character device without a `path` (chardev-source-path-missing), a `type='tcp'` device needs `host` and `service` on its `<source>`, a `type='udp'` device the `service` of its `connect` source, a `type='spiceport'` or `type='dbus'` device a `channel`, and a `type='nmdm'` device both `master` and `slave`. libvirt refuses the device when it validates it, after parsing every device, so malformed seclabels anywhere are reported first, but before that device's seclabel cross-check.",
		"A `<console>` that libvirt replaces by a copy of the first serial port is not validated, so its own source is never checked.",
		"libvirt's messages: `internal error: Missing source host attribute for char device`, `internal error: Missing source service attribute for char device`, `unsupported configuration: Missing source channel attribute for char device`, `internal error: Should define both master and slave path attributes for nmdm device`.",
	].join('\n\n'),
	versions: "libvirt before 9.0.0 (7.0.0 proven) refuses an nmdm device without `master` (`Missing master path attribute for nmdm device`) or without `slave` (`Missing slave path attribute for nmdm device`), one without either included; 9.0.0 and later accept one without both.",
	example: "<serial type='tcp'>\n  <source mode='connect' service='4555'/>\n</serial>",
	check(context) {
		for (const chardev of context.doc.chardevs) {
			if (chardev.aliasOf) {
				continue;
			}
			const problem = missing(chardev, context.version);
			if (!problem) {
				continue;
			}
			const finding: Finding = {
				span: nameSpan(chardev.source ?? chardev.element),
				message: `A ${chardev.kind} of type '${chardev.type}' needs ${problem.attribute}='…' on its <source>: ${WHAT[problem.attribute]}.`,
				libvirtMessage: problem.libvirtMessage,
			};
			context.report(finding);
		}
	},
};
