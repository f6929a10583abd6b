/**
 * The command line of `libvirt-seclabel-lint`: one table of options (what `util.parseArgs` reads,
 * the help text and how each value is checked), so that a new option is one entry here. Parsing
 * is Node's own `util.parseArgs` (short flags, `--name=value`, `--` ends the options); each
 * problem becomes one UsageError line, never Node's several-line texts.
 */
import { parseArgs } from 'util';
import { allRules } from '../service/rules';
import type { DriverName, HostSecurityModel, LanguageSettings, RuleSetting } from '../service/types';
import type { HotplugOptions } from './hotplugOptions';
import { KNOWN_VERSIONS, NEWEST_VERSION, parseVersion } from '../service/version';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface LintOptions {
	format: OutputFormat;
	settings: LanguageSettings;
	/** The PATH arguments as given; `-` is standard input. */
	paths: string[];
	/** Each path argument is one host: local images and levels are compared within it only. */
	perHost?: boolean;
	/** Where the host's SELinux policy is read from (default /etc/selinux). */
	selinuxRoot?: string;
	/** The path shown (and compared with the other files) for standard input. */
	stdinFilename?: string;
	/** Exit 1 when more than this many diagnostics are warnings. */
	maxWarnings?: number;
	/**
	 * The raw bytes of each path argument, when the caller has them (the bin reads them from
	 * /proc/self/cmdline): a file name that is not UTF-8 cannot be carried by a JS string.
	 */
	rawPaths?: (Buffer | undefined)[];
	/** Where each path came from in argv (for matching raw bytes to it). */
	pathArgIndexes?: number[];
	/** --connect, --attach-to, --read-image-labels (cli/hotplugOptions.ts). */
	hotplug?: HotplugOptions;
}

export class UsageError extends Error {}

/** The name standard input gets in the output when --stdin-filename does not give one. */
export const STDIN_NAME = '<stdin>';

interface OptionSpec {
	readonly type: 'string' | 'boolean';
	readonly short?: string;
	readonly multiple?: boolean;
	/** The value's name in the help, for string options. */
	readonly arg?: string;
	readonly help: string;
	/** Checks one value and records it; throws UsageError with a one-line reason. */
	readonly apply: (options: LintOptions, value: string) => void;
}

const RULE_LEVELS = ['off', 'error', 'warning', 'information', 'hint'];

/** Every option, in the order of the help text. */
export const OPTIONS: Readonly<Record<string, OptionSpec>> = {
	format: {
		type: 'string', short: 'f', arg: 'text|json|sarif', help: 'output format (default: text)',
		apply(options, format) {
			if (format !== 'text' && format !== 'json' && format !== 'sarif') {
				throw new UsageError(`unknown format '${format}': use text, json or sarif`);
			}
			options.format = format;
		},
	},
	'libvirt-version': {
		type: 'string', arg: 'X.Y.Z', help: `the libvirt version whose rules apply, or 'auto' to ask virsh\n(default: ${NEWEST_VERSION}; known: ${KNOWN_VERSIONS.join(', ')})`,
		apply(options, version) {
			if (version !== 'auto' && !parseVersion(version)) {
				throw new UsageError(`'${version}' is not a version: use X.Y.Z or auto`);
			}
			options.settings.libvirtVersion = version;
		},
	},
	'host-security-model': {
		type: 'string', arg: 'M', help: "the host's primary security driver: selinux (default), apparmor or none",
		apply(options, model) {
			if (model !== 'selinux' && model !== 'apparmor' && model !== 'none') {
				throw new UsageError(`unknown host security model '${model}': use selinux, apparmor or none`);
			}
			options.settings.hostSecurityModel = model as HostSecurityModel;
		},
	},
	driver: {
		type: 'string', arg: 'qemu|test', help: "whose define-time checks apply: a QEMU host (default), or libvirt's\ntest driver (test:///default), which has no QEMU checks and no default model",
		apply(options, driver) {
			if (driver !== 'qemu' && driver !== 'test') {
				throw new UsageError(`unknown driver '${driver}': use qemu or test`);
			}
			options.settings.driver = driver as DriverName;
		},
	},
	'selinux-root': {
		type: 'string', arg: 'DIR', help: 'the SELinux policy directory to read default contexts, translations and\nnames from (default: /etc/selinux); without one the built-in catalogue\nof the Fedora/RHEL and reference policies applies',
		apply(options, dir) {
			options.selinuxRoot = dir;
		},
	},
	'per-host': {
		type: 'boolean', help: 'each PATH is one host (e.g. one collected /etc/libvirt/qemu per host):\nMCS levels and local images (files, block devices, pool volumes) are\ncompared only between guests of the same PATH, network disks across all\nof them; a file named directly is a host of its own',
		apply(options) {
			options.perHost = true;
		},
	},
	rule: {
		type: 'string', multiple: true, arg: 'ID=LEVEL', help: 'report rule ID as error, warning, information or hint, or not at all\n(off); repeatable; the ids are the codes in the output and in docs/rules.md',
		apply(options, setting) {
			const [id, level] = setting.split('=', 2);
			if (!allRules.some((rule) => rule.id === id)) {
				throw new UsageError(`unknown rule '${id}' in --rule ${setting}: the ids are the codes in docs/rules.md`);
			}
			if (!RULE_LEVELS.includes(level)) {
				throw new UsageError(`--rule ${setting}: use ${id}=off, error, warning, information or hint`);
			}
			options.settings.rules = { ...options.settings.rules, [id]: level as RuleSetting };
		},
	},
	'stdin-filename': {
		type: 'string', arg: 'PATH', help: `the path to show for standard input (PATH '-'; default: ${STDIN_NAME});\na file of that path found in a directory is left out, stdin takes its place`,
		apply(options, name) {
			if (name === '') {
				throw new UsageError('--stdin-filename needs a non-empty path');
			}
			options.stdinFilename = name;
		},
	},
	'max-warnings': {
		type: 'string', arg: 'N', help: 'exit with status 1 when there are more than N warnings (as eslint does)',
		apply(options, value) {
			if (!/^\d{1,9}$/.test(value)) {
				throw new UsageError(`--max-warnings ${value}: use a number of warnings, 0 or more`);
			}
			options.maxWarnings = Number(value);
		},
	},
	// The hot-plug options (cli/hotplugOptions.ts): each reads or runs something on the host, so each is off unless given.
	connect: {
		type: 'string', arg: 'URI', help: "also read every guest of a libvirt host through 'virsh -c URI' (list,\ndumpxml --inactive, and dumpxml of running guests with the labels\nlibvirt generated) and check them with the files, as one host",
		apply(options, uri) {
			(options.hotplug ??= {}).connect = uri;
		},
	},
	'attach-to': {
		type: 'string', arg: 'GUEST', help: 'check attach-device fragments (<disk>, <serial>, … roots) as devices of\nGUEST: a domain XML file, or a guest name on the --connect host',
		apply(options, guest) {
			if (guest === '') {
				throw new UsageError('--attach-to needs a guest: a domain XML file or a guest name');
			}
			(options.hotplug ??= {}).attachTo = guest;
		},
	},
	'read-image-labels': {
		type: 'boolean', help: "read the SELinux label and libvirt's remember-owner attributes\n(trusted.libvirt.security.*) of local images, with getfattr",
		apply(options) {
			(options.hotplug ??= {}).readImageLabels = true;
		},
	},
	help: { type: 'boolean', short: 'h', help: 'show this help', apply: () => undefined },
	version: { type: 'boolean', short: 'V', help: 'show the version', apply: () => undefined },
};

function optionsHelp(): string {
	const lines: string[] = [];
	for (const [name, spec] of Object.entries(OPTIONS)) {
		const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.arg ? ` ${spec.arg}` : ''}`;
		const [first, ...rest] = spec.help.split('\n');
		lines.push(`  ${flag.padEnd(30)} ${first}`);
		for (const line of rest) {
			lines.push(`  ${''.padEnd(30)} ${line}`);
		}
	}
	return lines.join('\n');
}

export const USAGE = `Usage: libvirt-seclabel-lint [options] PATH...

Checks the security labels (<seclabel>, <shareable/>, <readonly/>) of libvirt domain XML files.
Directories are searched recursively for *.xml files (not inside .git, node_modules, .hg or .svn);
files that are not libvirt domains are skipped. A PATH of '-' reads standard input; '--' ends the
options (a file named '-' is './-').

Options:
${optionsHelp()}

All files are read before any is checked, so that a guest is checked against the others: the same
writable image in two guests, shareable on one side only, and colliding MCS levels are reported in
both files, with a related entry pointing at the other. Without --per-host all PATHs are one host.

Exit status: 0 when no diagnostic is an error, 1 when one is (or there are more warnings than
--max-warnings allows), 2 on a usage error, an unreadable path or output that cannot be written.`;

/** Parses argv (without node and the script); 'help' and 'version' win over everything else. */
export function parseArguments(argv: string[]): LintOptions | 'help' | 'version' {
	const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
	for (const [name, spec] of Object.entries(OPTIONS)) {
		config[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
	}
	// Not strict: the tokens are checked below, so that each problem gets one line of our own.
	const { tokens } = parseArgs({ args: argv, options: config, allowPositionals: true, strict: false, tokens: true });
	const options: LintOptions = { format: 'text', settings: {}, paths: [], pathArgIndexes: [] };
	const apply: (() => void)[] = [];
	let wants: 'help' | 'version' | undefined;
	for (const token of tokens) {
		if (token.kind === 'positional') {
			options.paths.push(token.value);
			options.pathArgIndexes!.push(token.index);
			continue;
		}
		if (token.kind !== 'option') {
			continue;
		}
		const spec = Object.prototype.hasOwnProperty.call(OPTIONS, token.name) ? OPTIONS[token.name] : undefined;
		if (!spec) {
			throw new UsageError(`unknown option '${token.rawName}'`);
		}
		const flag = `--${token.name}`;
		if (spec.type === 'boolean') {
			if (token.value !== undefined) {
				throw new UsageError(`${flag} takes no value`);
			}
			if (token.name === 'help' || token.name === 'version') {
				wants ??= token.name;
			}
		} else {
			const value = token.value;
			if (value === undefined) {
				throw new UsageError(`${flag} needs a value`);
			}
			// `--format --json`: the next argument is an option, not the value it forgot.
			if (!token.inlineValue && value.startsWith('-') && value !== '-') {
				throw new UsageError(`${flag} needs a value (for one that starts with '-', write ${flag}=${value})`);
			}
			apply.push(() => spec.apply(options, value));
		}
		if (spec.type === 'boolean') {
			apply.push(() => spec.apply(options, ''));
		}
	}
	if (wants) {
		return wants;
	}
	for (const step of apply) {
		step();
	}
	if (options.paths.length === 0 && !options.hotplug?.connect) {
		// --connect alone checks the host's guests against each other.
		throw new UsageError('no PATH given (or --connect URI)');
	}
	if (options.paths.filter((p) => p === '-').length > 1) {
		throw new UsageError("standard input ('-') can be named only once");
	}
	if (options.stdinFilename !== undefined && !options.paths.includes('-')) {
		throw new UsageError("--stdin-filename names standard input, but no PATH is '-'");
	}
	return options;
}
