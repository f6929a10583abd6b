/**
 * `libvirt-seclabel-lint`: the same checks as the editor, over files and directories, for
 * terminals and CI. Prints text (like a compiler), JSON (the contract in the README) or SARIF 2.1.0.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseSeclabelText } from '../service/seclabelLanguageService';
import { computeFindings, type RuleFinding } from '../service/features/findings';
import { allRules } from '../service/rules';
import { workspaceRules } from '../service/rules/workspaceRules';
import { defaultSeverity } from '../service/rules/rule';
import type { DriverName, HostSecurityModel, LanguageSettings, RuleSetting, SeverityName, Stage } from '../service/types';
import { KNOWN_VERSIONS, NEWEST_VERSION, parseVersion } from '../service/version';
import { readDocumentFile, UnreadableFileError } from '../node/readDocument';
import { detectLibvirtVersion } from '../node/runtime';
import { DEFAULT_SELINUX_ROOT, readSelinuxPolicy } from '../node/policyReader';
import { WorkspaceIndex } from '../service/workspace/workspaceIndex';
import { listXmlFiles } from '../node/workspaceScanner';
import { attachToDirective } from '../service/features/attachTarget';
import { directiveTarget, HOTPLUG_USAGE, parseHotplugOption, readHostDocuments, readLabelsFor, resolveAttachTarget, type HotplugOptions } from './hotplugOptions';

export const USAGE = `Usage: libvirt-seclabel-lint [options] PATH...

Checks the security labels (<seclabel>, <shareable/>, <readonly/>) of libvirt domain XML files.
Directories are searched recursively for *.xml files (not inside .git, node_modules, .hg or .svn);
files that are not libvirt domains are skipped.

Options:
  --format text|json|sarif   output format (default: text)
  --libvirt-version X.Y.Z    the libvirt version whose rules apply, or 'auto' to ask virsh
                             (default: ${NEWEST_VERSION}; known: ${KNOWN_VERSIONS.join(', ')})
  --host-security-model M    the host's primary security driver: selinux (default), apparmor or none
  --driver qemu|test         whose define-time checks apply: a QEMU host (default), or libvirt's
                             test driver (test:///default), which has no QEMU checks and no default model
  --selinux-root DIR         the SELinux policy directory to read default contexts, translations and
                             names from (default: /etc/selinux); without one the built-in catalogue
                             of the Fedora/RHEL and reference policies applies
  --per-host                 each PATH is one host (e.g. one collected /etc/libvirt/qemu per host):
                             MCS levels and local images (files, block devices, pool volumes) are
                             compared only between guests of the same PATH, network disks across all
                             of them; a file named directly is a host of its own
  --rule ID=LEVEL            report rule ID as error, warning, information or hint, or not at all
                             (off); repeatable; the ids are the codes in the output and in docs/rules.md
${HOTPLUG_USAGE}
  --help                     show this help
  --version                  show the version

All files are read before any is checked, so that a guest is checked against the others: the same
writable image in two guests, shareable on one side only, and colliding MCS levels are reported in
both files, with a related entry pointing at the other. Without --per-host all PATHs are one host.

Exit status: 0 when no diagnostic is an error, 1 when one is, 2 on a usage error or an unreadable path.`;

export interface LintOptions {
	format: 'text' | 'json' | 'sarif';
	settings: LanguageSettings;
	paths: string[];
	/** Each path argument is one host: local images and levels are compared within it only. */
	perHost?: boolean;
	/** Where the host's SELinux policy is read from (default /etc/selinux). */
	selinuxRoot?: string;
	/** --connect, --attach-to, --read-image-labels (cli/hotplugOptions.ts). */
	hotplug?: HotplugOptions;
}

export interface JsonPosition { line: number; character: number }
export interface JsonRange { start: JsonPosition; end: JsonPosition }
export interface JsonDiagnostic {
	code: string;
	stage: Stage;
	severity: SeverityName;
	message: string;
	libvirtMessage?: string;
	range: JsonRange;
	related: { path: string; range: JsonRange; message: string }[];
}
export interface JsonFile { path: string; diagnostics: JsonDiagnostic[] }
export interface JsonReport { version: 1; files: JsonFile[] }

export class UsageError extends Error {}

/** The rules reported in a --connect host's own guests: the cross-guest and on-disk ones. */
const HOST_RULES = new Set(workspaceRules.map((rule) => rule.id));

export function parseArguments(argv: string[]): LintOptions | 'help' | 'version' {
	const options: LintOptions = { format: 'text', settings: {}, paths: [] };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		const value = (): string => {
			const v = inline ?? argv[++i];
			if (v === undefined) {
				throw new UsageError(`${flag} needs a value`);
			}
			return v;
		};
		switch (flag) {
			case '--help': case '-h': return 'help';
			case '--version': return 'version';
			case '--format': {
				const format = value();
				if (format !== 'text' && format !== 'json' && format !== 'sarif') {
					throw new UsageError(`unknown format '${format}': use text, json or sarif`);
				}
				options.format = format;
				break;
			}
			case '--libvirt-version': {
				const version = value();
				if (version !== 'auto' && !parseVersion(version)) {
					throw new UsageError(`'${version}' is not a version: use X.Y.Z or auto`);
				}
				options.settings.libvirtVersion = version;
				break;
			}
			case '--host-security-model': {
				const model = value();
				if (model !== 'selinux' && model !== 'apparmor' && model !== 'none') {
					throw new UsageError(`unknown host security model '${model}': use selinux, apparmor or none`);
				}
				options.settings.hostSecurityModel = model as HostSecurityModel;
				break;
			}
			case '--driver': {
				const driver = value();
				if (driver !== 'qemu' && driver !== 'test') {
					throw new UsageError(`unknown driver '${driver}': use qemu or test`);
				}
				options.settings.driver = driver as DriverName;
				break;
			}
			case '--selinux-root':
				options.selinuxRoot = value();
				break;
			case '--per-host':
				options.perHost = true;
				break;
			case '--rule': {
				const setting = value();
				const [id, level] = setting.split('=', 2);
				if (!allRules.some((rule) => rule.id === id)) {
					throw new UsageError(`unknown rule '${id}' in --rule ${setting}: the ids are the codes in docs/rules.md`);
				}
				if (!['off', 'error', 'warning', 'information', 'hint'].includes(level)) {
					throw new UsageError(`--rule ${setting}: use ${id}=off, error, warning, information or hint`);
				}
				options.settings.rules = { ...options.settings.rules, [id]: level as RuleSetting };
				break;
			}
			case '--':
				options.paths.push(...argv.slice(i + 1));
				i = argv.length;
				break;
			default: {
				const last = parseHotplugOption(flag, inline, argv, i, options, (message) => { throw new UsageError(message); });
				if (last !== undefined) {
					i = last;
					break;
				}
				if (arg.startsWith('-') && arg !== '-') {
					throw new UsageError(`unknown option '${arg}'`);
				}
				options.paths.push(arg);
			}
		}
	}
	if (options.paths.length === 0 && !options.hotplug?.connect) {
		throw new UsageError('no PATH given');
	}
	return options;
}

/**
 * Files to check, in a stable order: named files as given, directories searched for *.xml (the
 * same walk the server's workspace index uses). `root` is the PATH a file came from (its host
 * with --per-host).
 */
export async function collectFiles(paths: string[], onUnreadable: (path: string, reason: string) => void): Promise<{ file: string; named: boolean; root: string }[]> {
	const files: { file: string; named: boolean; root: string }[] = [];
	for (const given of paths) {
		let stat: fs.Stats;
		try {
			stat = fs.statSync(given);
		} catch (error) {
			onUnreadable(given, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String((error as Error).message));
			continue;
		}
		if (!stat.isDirectory()) {
			files.push({ file: given, named: true, root: given });
			continue;
		}
		for (const file of await listXmlFiles([given], { limit: Infinity, onUnreadable })) {
			files.push({ file, named: false, root: given });
		}
	}
	return files;
}

function toJsonDiagnostic(document: TextDocument, finding: RuleFinding, filePath: string): JsonDiagnostic {
	const range = (start: number, end: number): JsonRange => ({ start: document.positionAt(start), end: document.positionAt(end) });
	const diagnostic: JsonDiagnostic = {
		code: finding.rule.id,
		stage: finding.stage,
		severity: finding.severity,
		message: finding.message,
		range: range(finding.span.start, finding.span.end),
		related: (finding.related ?? []).map((related) => {
			if (!related.uri) {
				return { path: filePath, range: range(related.span.start, related.span.end), message: related.message };
			}
			if (related.range) {
				return { path: related.uri, range: { start: { ...related.range.start }, end: { ...related.range.end } }, message: related.message };
			}
			const other = TextDocument.create(related.uri, 'xml', 0, related.text ?? '');
			return { path: related.uri, range: { start: other.positionAt(related.span.start), end: other.positionAt(related.span.end) }, message: related.message };
		}),
	};
	if (finding.libvirtMessage) {
		diagnostic.libvirtMessage = finding.libvirtMessage;
	}
	return diagnostic;
}

/** Checks one text as a file; `named` files get a diagnostic when they are not XML at all. */
export function lintText(text: string, filePath: string, settings: LanguageSettings, named: boolean, encodingProblem?: { offset: number; message: string }): JsonFile {
	const document = TextDocument.create(filePath, 'xml', 0, text);
	const doc = parseSeclabelText(text);
	const diagnostics = computeFindings(doc, { ...settings, reportNonDomain: named }).map((finding) => toJsonDiagnostic(document, finding, filePath));
	if (encodingProblem && (doc.domain || named) && settings.rules?.['xml-not-well-formed'] !== 'off') {
		const at = document.positionAt(encodingProblem.offset);
		const rule = allRules.find((candidate) => candidate.id === 'xml-not-well-formed')!;
		diagnostics.unshift({ code: rule.id, stage: 'define', severity: (settings.rules?.[rule.id] as SeverityName | undefined) ?? defaultSeverity(rule), message: encodingProblem.message, range: { start: at, end: document.positionAt(encodingProblem.offset + 1) }, related: [] });
	}
	return { path: filePath, diagnostics };
}

export interface LintOutcome { report: JsonReport; unreadable: { path: string; reason: string }[] }

export async function lint(options: LintOptions): Promise<LintOutcome> {
	const settings = { ...options.settings };
	settings.policy ??= readSelinuxPolicy(path.resolve(options.selinuxRoot ?? DEFAULT_SELINUX_ROOT));
	if (settings.libvirtVersion === 'auto') {
		settings.libvirtVersion = await detectLibvirtVersion();
	}
	const unreadable: { path: string; reason: string }[] = [];
	const files = await collectFiles(options.paths, (p, reason) => unreadable.push({ path: p, reason }));
	const report: JsonReport = { version: 1, files: [] };
	// First every guest goes into the index, then each file is checked against the others. The
	// index keeps summaries, not trees, so only the texts stay in memory between the two passes.
	const workspace = new WorkspaceIndex();
	const readFiles: { file: string; named: boolean; read: ReturnType<typeof readDocumentFile>; host?: boolean }[] = [];
	for (const { file, named, root } of files) {
		let read;
		try {
			read = readDocumentFile(file);
		} catch (error) {
			unreadable.push({ path: file, reason: error instanceof UnreadableFileError ? error.message : String(error) });
			continue;
		}
		readFiles.push({ file, named, read });
		workspace.update(file, parseSeclabelText(read.text), options.perHost ? root : '');
	}
	const hotplug = options.hotplug ?? {};
	if (hotplug.connect) {
		// The host's guests join the one host the files describe (or, with --per-host, a host of their own).
		for (const guest of await readHostDocuments(hotplug.connect, (p, reason) => unreadable.push({ path: p, reason }))) {
			readFiles.push({ file: guest.path, named: true, read: { text: guest.text }, host: true });
			workspace.update(guest.path, parseSeclabelText(guest.text), options.perHost ? hotplug.connect : '');
		}
	}
	if (hotplug.attachTo) {
		const target = resolveAttachTarget(hotplug.attachTo, readFiles.map(({ file, read }) => ({ path: file, text: read.text })), hotplug.connect);
		if (typeof target === 'string') {
			unreadable.push({ path: hotplug.attachTo, reason: target.replace(/^--attach-to [^:]*: /, '') });
		} else {
			settings.attachTarget = target;
		}
	}
	if (hotplug.readImageLabels) {
		await readLabelsFor(readFiles.map(({ file, read }) => ({ path: file, text: read.text })), workspace, settings, (p, reason) => unreadable.push({ path: p, reason }));
	}
	const documents = readFiles.map(({ file, read }) => ({ path: file, text: read.text }));
	for (const { file, named, read, host } of readFiles) {
		const parsedDoc = parseSeclabelText(read.text);
		const directive = !settings.attachTarget && parsedDoc.fragment ? attachToDirective(parsedDoc) : undefined;
		const attachTarget = directive ? directiveTarget(directive, documents, workspace) : undefined;
		const result = lintText(read.text, file, { ...settings, workspace, documentUri: file, ...(attachTarget ? { attachTarget } : {}) }, named, read.encodingProblem);
		if (host) {
			// A host's guests are XML libvirt wrote and accepted: what they add is how they meet the files.
			result.diagnostics = result.diagnostics.filter((diagnostic) => HOST_RULES.has(diagnostic.code));
			if (result.diagnostics.length === 0) {
				continue;
			}
		}
		if (named || result.diagnostics.length > 0 || parseSeclabelText(read.text).domain || parseSeclabelText(read.text).fragment) {
			report.files.push(result);
		}
	}
	return { report, unreadable };
}

export function formatText(report: JsonReport): string {
	const lines: string[] = [];
	for (const file of report.files) {
		for (const d of file.diagnostics) {
			const head = d.libvirtMessage ?? d.message;
			lines.push(`${file.path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${head} [${d.code}]`);
			lines.push(`    ${d.stage === 'define' ? 'refused by libvirt' : d.stage === 'start' ? 'fails at start' : d.stage === 'ignored' ? 'ignored by libvirt' : 'advice'}: ${d.libvirtMessage ? d.message : ''}`.replace(/: $/, ''));
			for (const related of d.related) {
				lines.push(`    ${related.path}:${related.range.start.line + 1}:${related.range.start.character + 1}: note: ${related.message}`);
			}
		}
	}
	return lines.length ? `${lines.join('\n')}\n` : '';
}

const SARIF_LEVEL: Record<SeverityName, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatSarif(report: JsonReport, version: string): string {
	const used = new Set(report.files.flatMap((f) => f.diagnostics.map((d) => d.code)));
	const rules = allRules.filter((rule) => used.has(rule.id));
	const region = (range: JsonRange) => ({
		startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1,
	});
	const uri = (p: string) => p.split(path.sep).map(encodeURIComponent).join('/');
	const sarif = {
		$schema: 'https://json.schemastore.org/sarif-2.1.0.json',
		version: '2.1.0',
		runs: [{
			tool: {
				driver: {
					name: 'libvirt-seclabel-lint',
					version,
					rules: rules.map((rule) => ({
						id: rule.id,
						shortDescription: { text: rule.title },
						fullDescription: { text: rule.description },
						defaultConfiguration: { level: SARIF_LEVEL[defaultSeverity(rule)] },
						properties: { stage: rule.stage, scope: rule.scope },
					})),
				},
			},
			columnKind: 'utf16CodeUnits',
			results: report.files.flatMap((file) => file.diagnostics.map((d) => ({
				ruleId: d.code,
				ruleIndex: rules.findIndex((rule) => rule.id === d.code),
				level: SARIF_LEVEL[d.severity],
				message: { text: d.libvirtMessage ? `${d.libvirtMessage}: ${d.message}` : d.message },
				locations: [{ physicalLocation: { artifactLocation: { uri: uri(file.path) }, region: region(d.range) } }],
				relatedLocations: d.related.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: uri(r.path) }, region: region(r.range) } })),
				properties: { stage: d.stage, ...(d.libvirtMessage ? { libvirtMessage: d.libvirtMessage } : {}) },
			}))),
		}],
	};
	return `${JSON.stringify(sarif, null, 2)}\n`;
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void, packageVersion: string): Promise<number> {
	let options: LintOptions | 'help' | 'version';
	try {
		options = parseArguments(argv);
	} catch (error) {
		if (error instanceof UsageError) {
			err(`libvirt-seclabel-lint: ${error.message}\nTry 'libvirt-seclabel-lint --help'.\n`);
			return 2;
		}
		throw error;
	}
	if (options === 'help') {
		out(`${USAGE}\n`);
		return 0;
	}
	if (options === 'version') {
		out(`${packageVersion}\n`);
		return 0;
	}
	const { report, unreadable } = await lint(options);
	for (const { path: p, reason } of unreadable) {
		err(`libvirt-seclabel-lint: cannot read ${p}: ${reason}\n`);
	}
	if (options.format === 'json') {
		out(`${JSON.stringify(report, null, 2)}\n`);
	} else if (options.format === 'sarif') {
		out(formatSarif(report, packageVersion));
	} else {
		out(formatText(report));
	}
	if (unreadable.length > 0) {
		return 2;
	}
	return report.files.some((file) => file.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}
