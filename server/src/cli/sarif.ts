/**
 * SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, the SARIF viewers): per rule its help as
 * text and markdown and a `helpUri` at the rule's section of docs/rules.md, the tool's
 * `informationUri`, artifact locations relative to `%SRCROOT%` (the current directory, given as a
 * `file://` URI in `originalUriBaseIds`) or absolute `file://` URIs, one-based regions in UTF-16
 * code units (the JSON report's LSP positions plus one). Unreadable paths are tool notifications.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { allRules } from '../service/rules';
import { defaultSeverity, type Rule } from '../service/rules/rule';
import type { SeverityName } from '../service/types';
import type { JsonRange, JsonReport } from './lint';
import { cutLongWords } from './textFormat';

const SARIF_LEVEL: Record<SeverityName, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** The base of relative artifact locations, as code scanning expects it. */
export const SRCROOT = '%SRCROOT%';

export interface SarifContext {
	readonly toolVersion: string;
	/** The raw bytes of each path of the report (a name that is not UTF-8 is shown with `\xHH`). */
	readonly rawNames?: ReadonlyMap<string, Buffer>;
	/** The directory relative locations are relative to (default: the current directory). */
	readonly baseDirectory?: string;
	/** Paths that could not be read, with the reason. */
	readonly unreadable?: readonly { path: string; reason: string }[];
	/** The package directory (README.md, docs/rules.md); found from this file when not given. */
	readonly packageDirectory?: string;
}

/** The directory of package.json of this package, from the bundle (dist/) or the compiled sources. */
export function findPackageDirectory(from = __dirname): string | undefined {
	let dir = from;
	for (let i = 0; i < 6; i++) {
		try {
			if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'libvirt-seclabel') {
				return dir;
			}
		} catch {
			// Not here: look one level up.
		}
		dir = path.dirname(dir);
	}
	return undefined;
}

function fileUri(file: string | undefined): string | undefined {
	return file && fs.existsSync(file) ? pathToFileURL(file).href : undefined;
}

/** Percent-encodes the raw bytes of a path for a URI (RFC 3986: unreserved characters and '/' stay). */
export function encodePathBytes(raw: Buffer): string {
	let out = '';
	for (const byte of raw) {
		const c = String.fromCharCode(byte);
		out += /[A-Za-z0-9\-._~/]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}
	return out;
}

function ruleHelp(rule: Rule, helpUri: string | undefined): { text: string; markdown: string } {
	const severity = defaultSeverity(rule);
	const facts = `Stage: ${rule.stage}; default severity: ${severity}.`;
	const libvirt = rule.libvirtMessage ? `libvirt's message: ${rule.libvirtMessage}` : undefined;
	const markdown = [
		`**${rule.title}**`,
		`Stage \`${rule.stage}\`, default severity ${severity}.${rule.libvirtMessage ? ` libvirt's message: \`${rule.libvirtMessage}\`` : ''}`,
		rule.description,
		...(rule.versions ? [`Versions: ${rule.versions}`] : []),
		...(rule.example ? [`Example:\n\n\`\`\`\`xml\n${rule.example}\n\`\`\`\``] : []),
		...(helpUri ? [`[The rule in the rules reference](${helpUri})`] : []),
	].join('\n\n');
	const plain = (text: string) => text.replace(/\*\*|`/g, '');
	const text = [plain(rule.title), facts, ...(libvirt ? [libvirt] : []), plain(rule.description), ...(rule.versions ? [`Versions: ${plain(rule.versions)}`] : []), ...(rule.example ? [`Example: ${rule.example}`] : [])].join('\n\n');
	return { text, markdown };
}

export function formatSarif(report: JsonReport, context: SarifContext | string): string {
	const ctx: SarifContext = typeof context === 'string' ? { toolVersion: context } : context;
	const used = new Set(report.files.flatMap((f) => f.diagnostics.map((d) => d.code)));
	const rules = allRules.filter((rule) => used.has(rule.id));
	const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
	const packageDirectory = ctx.packageDirectory ?? findPackageDirectory();
	const rulesUri = fileUri(packageDirectory && path.join(packageDirectory, 'docs', 'rules.md'));
	const informationUri = fileUri(packageDirectory && path.join(packageDirectory, 'README.md'));
	const base = path.resolve(ctx.baseDirectory ?? process.cwd());
	// Path arithmetic on Latin-1 strings keeps every byte: only '/' and '.' matter to it.
	const baseLatin1 = Buffer.from(base, 'utf8').toString('latin1');
	const region = (range: JsonRange) => ({
		startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1,
	});
	const artifactLocation = (name: string): { uri: string; uriBaseId?: string } => {
		const raw = ctx.rawNames?.get(name) ?? Buffer.from(name, 'utf8');
		const absolute = path.resolve(baseLatin1, raw.toString('latin1'));
		const relative = path.relative(baseLatin1, absolute);
		if (relative !== '' && relative !== '..' && !relative.startsWith('../') && !path.isAbsolute(relative)) {
			return { uri: encodePathBytes(Buffer.from(relative, 'latin1')), uriBaseId: SRCROOT };
		}
		return { uri: `file://${encodePathBytes(Buffer.from(absolute, 'latin1'))}` };
	};
	const notifications = (ctx.unreadable ?? []).map((u) => ({
		level: 'error',
		message: { text: `cannot read ${u.path}: ${u.reason}` },
		locations: [{ physicalLocation: { artifactLocation: artifactLocation(u.path) } }],
	}));
	const sarif = {
		$schema: 'https://json.schemastore.org/sarif-2.1.0.json',
		version: '2.1.0',
		runs: [{
			tool: {
				driver: {
					name: 'libvirt-seclabel-lint',
					version: ctx.toolVersion,
					...(informationUri ? { informationUri } : {}),
					rules: rules.map((rule) => {
						const helpUri = rulesUri ? `${rulesUri}#${rule.id}` : undefined;
						return {
							id: rule.id,
							shortDescription: { text: rule.title.replace(/`/g, ''), markdown: rule.title },
							fullDescription: { text: rule.description.replace(/\*\*|`/g, ''), markdown: rule.description },
							...(helpUri ? { helpUri } : {}),
							help: ruleHelp(rule, helpUri),
							defaultConfiguration: { level: SARIF_LEVEL[defaultSeverity(rule)] },
							properties: { stage: rule.stage, scope: rule.scope, tags: ['security', 'libvirt', 'seclabel'] },
						};
					}),
				},
			},
			invocations: [{
				executionSuccessful: notifications.length === 0,
				...(notifications.length ? { toolExecutionNotifications: notifications } : {}),
			}],
			originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(base).href.replace(/\/?$/, '/')}` } },
			columnKind: 'utf16CodeUnits',
			results: report.files.flatMap((file) => file.diagnostics.map((d) => ({
				ruleId: d.code,
				ruleIndex: ruleIndex.get(d.code)!,
				level: SARIF_LEVEL[d.severity],
				message: { text: cutLongWords(d.libvirtMessage ? `${d.libvirtMessage}: ${d.message}` : d.message) },
				locations: [{ physicalLocation: { artifactLocation: artifactLocation(file.path), region: region(d.range) } }],
				...(d.related.length ? {
					relatedLocations: d.related.map((r, id) => ({ id, message: { text: cutLongWords(r.message) }, physicalLocation: { artifactLocation: artifactLocation(r.path), region: region(r.range) } })),
				} : {}),
				properties: { stage: d.stage, ...(d.libvirtMessage ? { libvirtMessage: d.libvirtMessage } : {}) },
			}))),
		}],
	};
	return `${JSON.stringify(sarif, null, 2)}\n`;
}
