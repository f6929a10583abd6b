/**
 * The two sides of the differential test: libvirt's own parsers, one per libvirt version users run,
 * each as `virsh -c test:///default define FILE` (the test driver parses in process, so no daemon is
 * needed), and the project's CLI run once over a directory with `--format json`.
 *
 * 9.0.0 is the host's own virsh (Debian 12); 7.0.0, 11.3.0 and 12.9.0 are Debian's libvirt-clients
 * in minimal chroots that scripts/setup-libvirt-oracles.sh makes under
 * /var/cache/libvirt-seclabel/oracles/<version> (LIBVIRT_SECLABEL_ORACLES overrides the directory).
 * A missing oracle is a loud failure that names the script, never a skip.
 */
import { execFile, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { JsonDiagnostic, JsonReport } from '../../server/src/cli/lint';
import { ORACLE_VERSIONS } from '../../server/src/service/version';

/** Every libvirt version the suites compare against, oldest first. */
export { ORACLE_VERSIONS };
export type OracleVersion = (typeof ORACLE_VERSIONS)[number];

/** The version that is the host's own virsh rather than a chroot. */
const HOST_VERSION = '9.0.0';

export const SETUP_HINT = 'run scripts/setup-libvirt-oracles.sh as root (it sets up all four libvirt parsers; 9.0.0 is Debian 12\'s libvirt-clients)';
export const INSTALL_HINT = SETUP_HINT;

/** The repository root, from out/test/differential/ or test/differential/. */
export const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

const C_LOCALE = { ...process.env, LC_ALL: 'C', LANG: 'C' };

export const ORACLE_ROOT = process.env.LIBVIRT_SECLABEL_ORACLES || '/var/cache/libvirt-seclabel/oracles';

/** One libvirt parser: the host's virsh, or the virsh of a chroot. */
export interface Oracle {
	readonly version: OracleVersion;
	/** The chroot directory; undefined for the host's own virsh. */
	readonly chroot?: string;
}

function command(oracle: Oracle, args: readonly string[]): [string, string[]] {
	return oracle.chroot ? ['chroot', [oracle.chroot, '/usr/bin/virsh', ...args]] : ['virsh', [...args]];
}

function versionOf(oracle: Oracle): string {
	const [file, args] = command(oracle, ['--version']);
	const result = spawnSync(file, args, { encoding: 'utf8', env: C_LOCALE, timeout: 20000 });
	if (result.error || result.status !== 0) {
		return `(none: ${result.error?.message ?? result.stderr.trim()})`;
	}
	return result.stdout.trim();
}

const checked = new Map<OracleVersion, Oracle>();

/**
 * The oracle of one version, checked once with `virsh --version`; throws, naming the setup script,
 * when it is missing or answers with another version.
 */
export function oracle(version: OracleVersion): Oracle {
	const known = checked.get(version);
	if (known) {
		return known;
	}
	const candidate: Oracle = version === HOST_VERSION ? { version } : { version, chroot: path.join(ORACLE_ROOT, version) };
	if (candidate.chroot && !fs.existsSync(path.join(candidate.chroot, 'usr', 'bin', 'virsh'))) {
		throw new Error(`libvirt ${version}'s parser is missing (no ${candidate.chroot}/usr/bin/virsh): ${SETUP_HINT}`);
	}
	const answered = versionOf(candidate);
	if (answered !== version) {
		throw new Error(`libvirt ${version}'s parser is not usable: ${candidate.chroot ? `chroot ${candidate.chroot} virsh` : 'virsh'} --version says ${answered}: ${SETUP_HINT}`);
	}
	checked.set(version, candidate);
	return candidate;
}

/** The installed libvirt's version (`virsh --version`); throws with what to install when virsh is missing. */
export function installedLibvirtVersion(): string {
	const answered = versionOf({ version: HOST_VERSION });
	if (!/^\d+\.\d+\.\d+$/.test(answered)) {
		throw new Error(`virsh is not available (${answered}): ${SETUP_HINT}`);
	}
	return answered;
}

export interface LibvirtVerdict {
	readonly accepted: boolean;
	/** What virsh printed after `error: ` for the cause (the line after "Failed to define domain"). */
	readonly message?: string;
}

/**
 * virsh prints `error: Failed to define domain from F` and then `error: <libvirt's message>`; an
 * XML syntax error from libxml2 continues over further lines (the offending line and a caret),
 * which are kept so that a comparison shows all of it.
 */
export function parseVirshError(stderr: string): string {
	// Only virsh's final newline goes: libvirt's message may end in a space or a newline of its own
	// ("invalid security relabel value " in 7.0.0, with the value it was given).
	const lines = withoutLibxmlWarnings(stderr).replace(/\n$/, '').split('\n').filter((line) => !/^error: Failed to define domain from /.test(line));
	return lines.join('\n').replace(/^error: /, '');
}

/**
 * libxml2's warnings and its non-fatal validity errors (a second ATTLIST for the same attribute:
 * "validity warning : Attribute type of element seclabel: already defined"; a second ELEMENT for
 * the same element: "validity error : Redefinition of element label"; a predefined entity declared
 * again: "error : xmlAddEntity: invalid redeclaration of predefined entity"), which its default
 * handler prints to stderr while parsing, with the context line and caret: not libvirt's message,
 * and libvirt goes on. In a session they come before the define they belong to, so they would
 * otherwise end the previous file's error. (virsh's own lines say `error: `, with no space before
 * the colon.)
 */
function withoutLibxmlWarnings(stderr: string): string {
	return stderr
		.replace(/^[^\n]*:\d+: (?:validity |namespace )?(?:warning|error) : [^\n]*\n(?:[^\n]*\n[ \t]*\^\n)?/gm, '')
		.replace(/^error : [^\n]*\n/gm, '');
}

interface RunResult {
	readonly status: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

function run(oracle: Oracle, args: readonly string[], input: string): Promise<RunResult> {
	const [file, argv] = command(oracle, args);
	return new Promise((resolve, reject) => {
		const child = spawn(file, argv, { env: C_LOCALE, stdio: ['pipe', 'pipe', 'pipe'] });
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		const timer = setTimeout(() => child.kill('SIGKILL'), 600000);
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(new Error(`libvirt ${oracle.version}'s virsh could not run (${error.message}): ${SETUP_HINT}`));
		});
		child.on('close', (status) => {
			clearTimeout(timer);
			resolve({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
		});
		child.stdin.on('error', () => undefined);
		child.stdin.end(input);
	});
}

/** A define that failed only because an earlier define in the same session took the name or UUID. */
const SESSION_COLLISION = /already exists with uuid|already defined with uuid|domain '[^']*' already exists|is already defined/;

/**
 * libvirt's verdict on each file, from ONE `virsh` session per version: a virsh script of `define`
 * commands, whose outcome per file virsh names itself (`Domain 'N' defined from F` on stdout,
 * `error: Failed to define domain from F` and libvirt's message on stderr), so the two streams need
 * no interleaving. A process per file costs a third of a second of startup; one session over 600
 * files takes about a second. The test driver keeps every defined domain for the session, but
 * libvirt parses the XML before it looks at the other domains, so only a name or UUID collision can
 * depend on an earlier file: such files are defined again, each in a fresh process.
 *
 * The files are copied (as f0000.xml, …) into a fresh directory the oracle can read: inside the
 * chroot for a chroot oracle. The keys of the result are the given paths.
 */
export async function defineAll(files: readonly string[], version: OracleVersion = HOST_VERSION): Promise<Map<string, LibvirtVerdict>> {
	const target = oracle(version);
	const base = target.chroot ? path.join(target.chroot, 'tmp') : os.tmpdir();
	const dir = fs.mkdtempSync(path.join(base, 'libvirt-seclabel-oracle-'));
	const inside = target.chroot ? `/tmp/${path.basename(dir)}` : dir;
	try {
		const names = files.map((_, index) => `f${String(index).padStart(4, '0')}.xml`);
		files.forEach((file, index) => fs.copyFileSync(file, path.join(dir, names[index])));
		const script = names.map((name) => `define ${inside}/${name}`).join('\n') + '\n';
		const session = await run(target, ['-c', 'test:///default'], script);
		const accepted = new Set<string>();
		for (const match of session.stdout.matchAll(/^Domain .* defined from (\S+)$/gm)) {
			accepted.add(path.basename(match[1]));
		}
		const refused = new Map<string, string>();
		const stderr = withoutLibxmlWarnings(session.stderr);
		const blocks = stderr === '' ? [] : stderr.split(/^(?=error: Failed to define domain from )/m);
		for (const block of blocks) {
			const head = /^error: Failed to define domain from (\S+)\n/.exec(block);
			if (!head) {
				throw new Error(`libvirt ${version}'s virsh printed what is not a define error: ${block.slice(0, 500)}`);
			}
			refused.set(path.basename(head[1]), parseVirshError(block));
		}
		const verdicts = new Map<string, LibvirtVerdict>();
		const again: number[] = [];
		names.forEach((name, index) => {
			const message = refused.get(name);
			if (accepted.has(name) === (message !== undefined)) {
				throw new Error(`libvirt ${version}'s virsh gave ${accepted.has(name) ? 'two verdicts' : 'no verdict'} for ${files[index]} (exit ${session.status}): ${session.stderr.slice(0, 500)}`);
			}
			if (message !== undefined && SESSION_COLLISION.test(message)) {
				again.push(index);
			}
			verdicts.set(files[index], message === undefined ? { accepted: true } : { accepted: false, message });
		});
		for (const index of again) {
			const alone = await run(target, ['-q', '-c', 'test:///default', 'define', `${inside}/${names[index]}`], '');
			verdicts.set(files[index], alone.status === 0 ? { accepted: true } : { accepted: false, message: parseVirshError(alone.stderr) });
		}
		return verdicts;
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** The CLI's JSON report over the paths, with the given extra options. */
export function lintJson(paths: readonly string[], options: readonly string[]): Promise<JsonReport> {
	if (!fs.existsSync(CLI)) {
		throw new Error(`${CLI} is missing: build first (npm run build)`);
	}
	return new Promise((resolve, reject) => {
		execFile(process.execPath, [CLI, '--format', 'json', ...options, ...paths], { maxBuffer: 512 * 1024 * 1024, timeout: 300000 }, (error, stdout, stderr) => {
			// Exit status 1 only says that some file has an error diagnostic.
			if (error && error.code !== 1) {
				reject(new Error(`the CLI failed (${error.message}): ${stderr}`));
				return;
			}
			try {
				resolve(JSON.parse(stdout) as JsonReport);
			} catch (parseError) {
				reject(new Error(`the CLI printed no JSON (${String(parseError)}): ${stdout.slice(0, 500)}`));
			}
		});
	});
}

/** A fresh temporary directory, removed with everything in it by the returned function. */
export function temporaryDirectory(prefix: string): { dir: string; remove: () => void } {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** One named domain and what both sides say about it. */
export interface BothSides<T> {
	readonly each: T;
	readonly verdict: LibvirtVerdict;
	/** The project's define-stage diagnostics for the file, from the CLI's JSON. */
	readonly define: JsonDiagnostic[];
}

/**
 * The differential suites' one step: the named domains written to a temporary directory, defined
 * by that version's libvirt and linted by the CLI at that version (the test driver), side by side.
 */
export async function bothSides<T extends { readonly name: string; readonly xml: string }>(cases: readonly T[], version: OracleVersion, prefix: string): Promise<{ sides: BothSides<T>[]; report: JsonReport }> {
	const temp = temporaryDirectory(prefix);
	try {
		for (const each of cases) {
			fs.writeFileSync(path.join(temp.dir, each.name), each.xml);
		}
		const files = cases.map((each) => path.join(temp.dir, each.name));
		const [verdicts, report] = await Promise.all([defineAll(files, version), lintJson([temp.dir], ['--driver', 'test', '--libvirt-version', version])]);
		const byName = new Map(report.files.map((file) => [path.basename(file.path), file]));
		const sides = cases.map((each) => ({
			each,
			verdict: verdicts.get(path.join(temp.dir, each.name))!,
			define: (byName.get(each.name)?.diagnostics ?? []).filter((diagnostic) => diagnostic.stage === 'define'),
		}));
		return { sides, report };
	} finally {
		temp.remove();
	}
}

/**
 * What libvirt keeps of a document: define it in a fresh session and print the saved (inactive)
 * XML with `dumpxml --inactive`. An element libvirt ignores is missing from it, which is how the
 * `ignored` stage can be checked against the real parser.
 */
export async function defineAndDump(xml: string, name: string, version: OracleVersion): Promise<string> {
	const target = oracle(version);
	const base = target.chroot ? path.join(target.chroot, 'tmp') : os.tmpdir();
	const dir = fs.mkdtempSync(path.join(base, 'libvirt-seclabel-dump-'));
	const inside = target.chroot ? `/tmp/${path.basename(dir)}` : dir;
	try {
		fs.writeFileSync(path.join(dir, 'domain.xml'), xml);
		const session = await run(target, ['-q', '-c', 'test:///default'], `define ${inside}/domain.xml\ndumpxml ${name} --inactive\n`);
		if (session.stderr.trim() !== '') {
			throw new Error(`libvirt ${version} did not define and print ${name}: ${session.stderr.trim()}`);
		}
		return session.stdout;
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
