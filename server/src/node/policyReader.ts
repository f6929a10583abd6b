/**
 * Reads the facts the SELinux checks need from the host's policy directory (/etc/selinux, or the
 * setting libvirtSeclabel.selinuxRoot): SELINUXTYPE from `config`, the default guest contexts from
 * `contexts/virtual_domain_context` and `virtual_image_context`, mcstrans translations from
 * `setrans.conf`, and, when an administrator saved it there, the policy's names as `seinfo` prints
 * them (`seinfo -u -r -t > <root>/<type>/seinfo.txt`; the binary policy itself is not parsed).
 *
 * Every read is capped in size, and anything missing, unreadable or garbled is skipped without a
 * word: the checks then fall back to the built-in catalogue. With VS Code Remote-SSH the server,
 * and so this reader, runs on the remote host, which is the host whose policy matters.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseContext, parseLevelRange, canonicalRange } from '../service/selinux/context';
import type { PolicyInfo } from '../service/selinux/policy';

export const DEFAULT_SELINUX_ROOT = '/etc/selinux';

/** libvirt reads at most 1024 bytes of the context files; the others are small text files too. */
const CONTEXT_FILE_MAX = 1024;
const TEXT_FILE_MAX = 256 * 1024;
/** A names list of a full policy (about 5000 types on Fedora) stays well under this. */
const NAMES_FILE_MAX = 4 * 1024 * 1024;

/** The start of a file, at most `maxBytes`, or undefined when it cannot be read. */
function readCapped(file: string, maxBytes: number): string | undefined {
	let fd: number | undefined;
	try {
		// Opening a FIFO for reading blocks until a writer comes, so never open anything but a
		// regular file, and open non-blocking in case the path is swapped in between.
		if (!fs.statSync(file).isFile()) {
			return undefined;
		}
		fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
		if (!fs.fstatSync(fd).isFile()) {
			return undefined;
		}
		const buffer = Buffer.alloc(maxBytes);
		const length = fs.readSync(fd, buffer, 0, maxBytes, 0);
		return buffer.toString('utf8', 0, length);
	} catch {
		return undefined;
	} finally {
		if (fd !== undefined) {
			try {
				fs.closeSync(fd);
			} catch {
				// Nothing to do: the descriptor is gone either way.
			}
		}
	}
}

/** SELINUXTYPE from the config file, when it names a plain directory name. */
export function parseSelinuxConfig(text: string): string | undefined {
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*SELINUXTYPE\s*=\s*"?([A-Za-z0-9_.-]+)"?\s*(#.*)?$/.exec(line);
		if (match && match[1] !== '.' && match[1] !== '..') {
			return match[1];
		}
	}
	return undefined;
}

/** The well-formed contexts of a context file, first line first; garbled lines are left out. */
export function parseContextLines(text: string): (string | undefined)[] {
	return text.split(/\r?\n/).slice(0, 2).map((line) => {
		const context = line.trim();
		const parsed = parseContext(context);
		return context.length > 0 && parsed.problems.length === 0 ? context : undefined;
	});
}

const SETRANS_KEYWORDS = /^(Domain|Base|ModifierGroup|Whitespace|Join|Prefix|Suffix|Default|Include|disable)$/i;

/** `raw=Translation` lines of setrans.conf, keyed by the canonical raw range (how mcstrans looks them up). */
export function parseSetrans(text: string): Record<string, string> {
	const translations: Record<string, string> = {};
	for (const rawLine of text.split(/\r?\n/)) {
		const line = rawLine.replace(/#.*/, '').trim();
		const equals = line.indexOf('=');
		if (equals <= 0) {
			continue;
		}
		const key = line.slice(0, equals).trim();
		const value = line.slice(equals + 1).trim();
		if (SETRANS_KEYWORDS.test(key) || value.length === 0) {
			continue;
		}
		const parsed = parseLevelRange(key);
		if (parsed.problems.length === 0 && parsed.low && parsed.high) {
			translations[canonicalRange(parsed.low, parsed.high)] = value;
		}
	}
	return translations;
}

/** The users, roles and types of `seinfo -u -r -t` output: a `Users: N` heading, then one name a line. */
export function parseSeinfo(text: string): { users: string[]; roles: string[]; types: string[] } {
	const names = { users: [] as string[], roles: [] as string[], types: [] as string[] };
	let section: string[] | undefined;
	for (const line of text.split(/\r?\n/)) {
		const heading = /^\s*(Users|Roles|Types|Type Attributes|Attributes|Booleans|[A-Za-z ]+):\s*\d+\s*$/.exec(line);
		if (heading) {
			section = heading[1] === 'Users' ? names.users : heading[1] === 'Roles' ? names.roles : heading[1] === 'Types' ? names.types : undefined;
			continue;
		}
		const name = line.trim();
		if (section && /^[A-Za-z][A-Za-z0-9_.-]*$/.test(name)) {
			section.push(name);
		}
	}
	return names;
}

/**
 * The host's policy facts under `root`, or undefined when `root/config` names no policy whose
 * directory exists: the caller then uses the built-in catalogue.
 */
export function readSelinuxPolicy(root: string = DEFAULT_SELINUX_ROOT): PolicyInfo | undefined {
	const config = readCapped(path.join(root, 'config'), TEXT_FILE_MAX);
	const policyName = config === undefined ? undefined : parseSelinuxConfig(config);
	if (!policyName) {
		return undefined;
	}
	const policyDir = path.join(root, policyName);
	try {
		if (!fs.statSync(policyDir).isDirectory()) {
			return undefined;
		}
	} catch {
		return undefined;
	}
	const domainLines = parseContextLines(readCapped(path.join(policyDir, 'contexts', 'virtual_domain_context'), CONTEXT_FILE_MAX) ?? '');
	const imageLines = parseContextLines(readCapped(path.join(policyDir, 'contexts', 'virtual_image_context'), CONTEXT_FILE_MAX) ?? '');
	const setrans = readCapped(path.join(policyDir, 'setrans.conf'), TEXT_FILE_MAX);
	const seinfo = readCapped(path.join(policyDir, 'seinfo.txt'), NAMES_FILE_MAX);
	const names = seinfo === undefined ? undefined : parseSeinfo(seinfo);
	const translations = setrans === undefined ? undefined : parseSetrans(setrans);
	const policy: PolicyInfo = {
		source: policyDir,
		policyName,
		domainContext: domainLines[0],
		// A TCG line only counts with a domain line before it, as libvirt reads them.
		tcgDomainContext: domainLines[0] ? domainLines[1] : undefined,
		imageContext: imageLines[0],
		contentContext: imageLines[1],
		users: names && names.users.length > 0 ? names.users : undefined,
		roles: names && names.roles.length > 0 ? names.roles : undefined,
		types: names && names.types.length > 0 ? names.types : undefined,
		translations: translations && Object.keys(translations).length > 0 ? translations : undefined,
	};
	return policy;
}

const FRESH_MS = 30_000;
const cache = new Map<string, { at: number; policy: PolicyInfo | undefined }>();

/**
 * The policy under a root, read at most every 30 seconds: settings are resolved per document, and
 * policy files change only when a package or an administrator changes them.
 */
export function policyForRoot(root: string = DEFAULT_SELINUX_ROOT, now: number = Date.now()): PolicyInfo | undefined {
	const cached = cache.get(root);
	if (cached && now - cached.at < FRESH_MS) {
		return cached.policy;
	}
	const policy = readSelinuxPolicy(root);
	cache.set(root, { at: now, policy });
	return policy;
}
