/**
 * `libvirt-seclabel-lint`: the same checks as the editor, over files and directories, for
 * terminals and CI. Prints text (like a compiler), JSON (the contract in the README) or SARIF 2.1.0.
 * This file is the checking core and `main`; the options are in options.ts, the files (raw names,
 * standard input) in files.ts, the text and SARIF output in textFormat.ts and sarif.ts.
 */
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseSeclabelText } from '../service/seclabelLanguageService';
import type { SeclabelDocument } from '../service/parser/seclabelModel';
import { computeFindingsOnce, resolveSettings, type RuleFinding } from '../service/features/findings';
import { formatLibxmlError, withByteOrderMark, type LibxmlError } from '../service/parser/libxmlErrors';
import { allRules } from '../service/rules';
import { workspaceRules } from '../service/rules/workspaceRules';
import { defaultSeverity } from '../service/rules/rule';
import type { AttachTarget, LanguageSettings, SeverityName, Stage } from '../service/types';
import { decodeBytes, readRegularFileSync, type ReadResult } from '../node/readDocument';
import { detectLibvirtVersion } from '../node/runtime';
import { DEFAULT_SELINUX_ROOT, readSelinuxPolicy } from '../node/policyReader';
import { WorkspaceIndex } from '../service/workspace/workspaceIndex';
import { attachToDirective, targetGuest } from '../service/features/attachTarget';
import { directiveTarget, hostModelOptions, readHostDocuments, readLabelsFor, resolveAttachTarget } from './hotplugOptions';
import { collectInputFiles, describeFsError, isUtf8Name, readStdinBytes, type InputFile } from './files';
import { parseArguments, STDIN_NAME, USAGE, UsageError, type LintOptions } from './options';
import { formatSarif } from './sarif';
import { cutLongWords, escapeControls, formatText } from './textFormat';

export { OPTIONS, parseArguments, USAGE, UsageError, type LintOptions } from './options';
export { formatText } from './textFormat';
export { formatSarif } from './sarif';

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
export interface JsonFile {
	path: string;
	/** The name's raw bytes in base64, only when the name is not UTF-8 (`path` then shows each bad byte as `\xHH`). */
	pathBytes?: string;
	diagnostics: JsonDiagnostic[];
}
export interface JsonReport { version: 1; files: JsonFile[] }

/** The rules reported in a --connect host's own guests: the cross-guest and on-disk ones. */
const HOST_RULES = new Set(workspaceRules.map((rule) => rule.id));

function toJsonDiagnostic(document: TextDocument, finding: RuleFinding, filePath: string): JsonDiagnostic {
	const range = (start: number, end: number): JsonRange => ({ start: document.positionAt(start), end: document.positionAt(end) });
	const diagnostic: JsonDiagnostic = {
		code: finding.rule.id,
		stage: finding.stage,
		severity: finding.severity,
		message: cutLongWords(finding.message),
		range: range(finding.span.start, finding.span.end),
		related: (finding.related ?? []).map((related) => {
			if (!related.uri) {
				return { path: filePath, range: range(related.span.start, related.span.end), message: cutLongWords(related.message) };
			}
			if (related.range) {
				return { path: related.uri, range: { start: { ...related.range.start }, end: { ...related.range.end } }, message: cutLongWords(related.message) };
			}
			const other = TextDocument.create(related.uri, 'xml', 0, related.text ?? '');
			return { path: related.uri, range: { start: other.positionAt(related.span.start), end: other.positionAt(related.span.end) }, message: cutLongWords(related.message) };
		}),
	};
	if (finding.libvirtMessage) {
		diagnostic.libvirtMessage = finding.libvirtMessage;
	}
	return diagnostic;
}

/** Checks one text as a file; `named` files get a diagnostic when they are not XML at all. */
export function lintText(text: string, filePath: string, settings: LanguageSettings, named: boolean, encodingProblem?: { offset: number; message: string; libxml2?: LibxmlError }, parsed?: SeclabelDocument): JsonFile {
	const document = TextDocument.create(filePath, 'xml', 0, text);
	const doc = parsed ?? parseSeclabelText(text);
	// Each file is checked once: computeFindingsOnce keeps no cache and no incremental state per file.
	const diagnostics = computeFindingsOnce(doc, { ...settings, reportNonDomain: named }).map((finding) => toJsonDiagnostic(document, finding, filePath));
	if (encodingProblem && (doc.domain || named) && settings.rules?.['xml-not-well-formed'] !== 'off') {
		const at = document.positionAt(encodingProblem.offset);
		const rule = allRules.find((candidate) => candidate.id === 'xml-not-well-formed')!;
		diagnostics.unshift({ code: rule.id, stage: 'define', severity: (settings.rules?.[rule.id] as SeverityName | undefined) ?? defaultSeverity(rule), message: encodingProblem.message, range: { start: at, end: document.positionAt(encodingProblem.offset + 1) }, related: [] });
		if (encodingProblem.libxml2) {
			// libxml2 refuses the bytes before anything else: its message is the only one virsh prints.
			for (const other of diagnostics) delete other.libvirtMessage;
			diagnostics[0].libvirtMessage = formatLibxmlError(encodingProblem.libxml2, resolveSettings(settings).version);
		}
	}
	return { path: filePath, diagnostics };
}

/** Text kept with parsed trees between the CLI's two passes, in UTF-16 code units. */
const KEEP_TREES_BYTES = 64 * 1024 * 1024;

export interface LintOutcome {
	report: JsonReport;
	unreadable: { path: string; reason: string }[];
	/** The raw bytes of every file name in the report, for output that can carry them (SARIF URIs). */
	rawNames: Map<string, Buffer>;
}

export interface LintIo {
	/** Standard input's bytes, for the PATH '-' (default: process.stdin). */
	readStdin?: () => Promise<Buffer>;
}

export async function lint(options: LintOptions, io: LintIo = {}): Promise<LintOutcome> {
	const settings = { ...options.settings };
	settings.policy ??= readSelinuxPolicy(path.resolve(options.selinuxRoot ?? DEFAULT_SELINUX_ROOT));
	if (settings.libvirtVersion === 'auto') {
		settings.libvirtVersion = await detectLibvirtVersion();
	}
	const unreadable: { path: string; reason: string }[] = [];
	const stdinName = options.stdinFilename ?? STDIN_NAME;
	const files = await collectInputFiles(options.paths, options.rawPaths, stdinName, (p, reason) => unreadable.push({ path: p, reason }));
	const report: JsonReport = { version: 1, files: [] };
	const rawNames = new Map<string, Buffer>();
	// First every guest goes into the index, then each file is checked against the others. The
	// index keeps summaries, not trees, so only the texts stay in memory between the two passes.
	const workspace = new WorkspaceIndex();
	// Each file is parsed once: its tree is kept for the second pass while the kept texts stay under
	// KEEP_TREES_BYTES; past that (a fleet of huge files) trees are dropped and parsed again, so
	// memory stays bounded by the texts.
	let keptBytes = 0;
	// One statfs per device, not per file (readRegularFileSync refuses files of /proc, sysfs, …),
	// and one buffer to read every file into.
	const fileSystems = new Map<number, string | undefined>();
	const scratch = Buffer.allocUnsafe(64 * 1024);
	const readFiles: { file: InputFile; read: ReadResult; host?: boolean; live?: boolean; doc?: SeclabelDocument }[] = [];
	for (const file of files) {
		let read: ReadResult;
		try {
			read = file.raw ? decodeBytes(readRegularFileSync(file.raw, { fileSystems, scratch, listedAsFile: file.listed })) : decodeBytes(await (io.readStdin ?? readStdinBytes)());
		} catch (error) {
			unreadable.push({ path: file.name, reason: describeFsError(error) });
			continue;
		}
		const doc = parseSeclabelText(read.text);
		if (doc.xml.limit) {
			// Reported as a diagnostic too; the run ends with status 2, as for a file it cannot read.
			unreadable.push({ path: file.name, reason: `not checked: ${doc.xml.limit.message}` });
		}
		keptBytes += read.text.length;
		readFiles.push({ file, read, doc: keptBytes <= KEEP_TREES_BYTES ? doc : undefined });
		rawNames.set(file.name, file.raw ?? Buffer.from(file.name, 'utf8'));
		workspace.update(file.name, doc, options.perHost ? file.root : '', { affected: false });
	}
	const hotplug = options.hotplug ?? {};
	if (hotplug.connect) {
		// The host's guests join the one host the files describe (or, with --per-host, a host of their own).
		for (const guest of await readHostDocuments(hotplug.connect, (p, reason) => unreadable.push({ path: p, reason }))) {
			const doc = parseSeclabelText(guest.text, undefined, hostModelOptions(guest));
			readFiles.push({ file: { name: guest.path, named: true, root: hotplug.connect }, read: { text: guest.text }, host: true, live: guest.live, doc });
			workspace.update(guest.path, doc, options.perHost ? hotplug.connect : '', { affected: false });
		}
	}
	const documents = readFiles.map(({ file, read, live }) => ({ path: file.name, text: read.text, live }));
	if (hotplug.attachTo) {
		const target = resolveAttachTarget(hotplug.attachTo, documents, hotplug.connect);
		if (typeof target === 'string') {
			unreadable.push({ path: hotplug.attachTo, reason: target.replace(/^--attach-to [^:]*: /, '') });
		} else {
			settings.attachTarget = target;
		}
	}
	if (hotplug.readImageLabels) {
		await readLabelsFor(readFiles.map(({ file, read, live, doc }) => ({ path: file.name, text: read.text, live, doc })), workspace, settings, (p, reason) => unreadable.push({ path: p, reason }));
	}
	// The guests that fragments name in an attach-to directive, found while every kept tree is
	// there: a guest that is also checked lends its tree, so it is not parsed a second time.
	const directiveTargets = new Map<SeclabelDocument, AttachTarget>();
	if (!settings.attachTarget) {
		const trees = new Map(readFiles.map((entry) => [entry.file.name, entry.doc]));
		for (const { doc } of readFiles) {
			const directive = doc?.fragment ? attachToDirective(doc) : undefined;
			const target = directive ? directiveTarget(directive, documents, workspace) : undefined;
			if (doc && target) {
				targetGuest(target, trees.get(target.uri));
				directiveTargets.set(doc, target);
			}
		}
	}
	for (const entry of readFiles) {
		const { file, read, host } = entry;
		const kept = entry.doc;
		const parsedDoc = kept ?? parseSeclabelText(read.text, undefined, hostModelOptions(entry));
		entry.doc = undefined;
		const directive = !kept && !settings.attachTarget && parsedDoc.fragment ? attachToDirective(parsedDoc) : undefined;
		const attachTarget = kept ? directiveTargets.get(kept) : directive ? directiveTarget(directive, documents, workspace) : undefined;
		const result = lintText(read.text, file.name, { ...settings, workspace, documentUri: file.name, ...(attachTarget ? { attachTarget } : {}) }, file.named, read.encodingProblem, parsedDoc);
		if (read.byteOrderMark) {
			const firstLine = /^[^\r\n]*/.exec(read.text)![0];
			for (const diagnostic of result.diagnostics) {
				if (diagnostic.libvirtMessage) diagnostic.libvirtMessage = withByteOrderMark(diagnostic.libvirtMessage, firstLine);
			}
		}
		if (host) {
			// A host's guests are XML libvirt wrote and accepted: what they add is how they meet the files.
			result.diagnostics = result.diagnostics.filter((diagnostic) => HOST_RULES.has(diagnostic.code));
			if (result.diagnostics.length === 0) {
				continue;
			}
		}
		if (file.named || result.diagnostics.length > 0 || parsedDoc.domain || parsedDoc.fragment) {
			report.files.push(file.raw && !isUtf8Name(file.raw) ? { path: result.path, pathBytes: file.raw.toString('base64'), diagnostics: result.diagnostics } : result);
		}
	}
	return { report, unreadable, rawNames };
}

export interface MainIo extends LintIo {
	/** The raw bytes of argv, when known (see files.ts rawArguments): names that are not UTF-8 survive. */
	rawArgv?: readonly Buffer[];
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void, packageVersion: string, io: MainIo = {}): Promise<number> {
	let options: LintOptions | 'help' | 'version';
	try {
		options = parseArguments(argv);
	} catch (error) {
		if (error instanceof UsageError) {
			err(`libvirt-seclabel-lint: ${error.message} (see --help)\n`);
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
	if (io.rawArgv && io.rawArgv.length === argv.length) {
		const raw = io.rawArgv;
		options.rawPaths = options.pathArgIndexes?.map((index) => raw[index]);
	}
	const { report, unreadable, rawNames } = await lint(options, io);
	for (const { path: p, reason } of unreadable) {
		err(`libvirt-seclabel-lint: cannot read ${escapeControls(p)}: ${reason}\n`);
	}
	if (options.format === 'json') {
		out(`${JSON.stringify(report, null, 2)}\n`);
	} else if (options.format === 'sarif') {
		out(formatSarif(report, { toolVersion: packageVersion, rawNames, unreadable }));
	} else {
		out(formatText(report));
	}
	if (unreadable.length > 0) {
		return 2;
	}
	const warnings = report.files.reduce((n, file) => n + file.diagnostics.filter((d) => d.severity === 'warning').length, 0);
	if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
		err(`libvirt-seclabel-lint: ${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${options.maxWarnings} allows\n`);
		return 1;
	}
	return report.files.some((file) => file.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
}
