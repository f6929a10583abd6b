/**
 * One editor check for every real LSP client the suite drives (Neovim 0.7, Emacs 28 + eglot 1.9):
 * the same guest with a known mistake, the same hover and completion positions, and the same
 * assertions on what the editor received, read from the line format its driver script prints
 * (test/server/neovim/lsp-check.lua, test/server/emacs/lsp-check.el):
 *   MODE <which> <major mode> <server program>   (Emacs) the mode and server a file gets
 *   PUBLISH <version> <count>     each publishDiagnostics for the file, as it arrived
 *   DIAG <line>:<col> <text>      the diagnostics the editor shows (1-based)
 *   HOVER <kind> <value>          the hover on `<seclabel`
 *   COMPLETION\t<insertTextFormat>\t<label>\t<documentation kind>\t<newText>   in the start tag
 *   LABEL\t…   the same, in the disk's empty <label>
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT } from '../support/lspServer';

export const GUEST = [
	"<domain type='kvm'>",
	'  <name>guest</name>',
	"  <memory unit='KiB'>1048576</memory>",
	"  <os><type arch='x86_64'>hvm</type></os>",
	'  <devices>',
	"    <disk type='file' device='disk'>",
	"      <driver name='qemu' type='raw'/>",
	"      <source file='/var/lib/libvirt/images/guest.img'>",
	"        <seclabel model='selinux'><label></label></seclabel>",
	'      </source>',
	"      <target dev='vda' bus='virtio'/>",
	'    </disk>',
	'  </devices>',
	"  <seclabel type='dynamic' relabel='no' />",
	'</domain>',
	'',
].join('\n');

const LINES = GUEST.split('\n');
const SECLABEL_LINE = LINES.findIndex((line) => line.startsWith('  <seclabel'));
const LABEL_LINE = LINES.findIndex((line) => line.includes('<label></label>'));
/** Where libvirt's refusal is shown: on relabel='no' (1-based, as editors count). */
export const REFUSAL = { line: SECLABEL_LINE + 1, column: LINES[SECLABEL_LINE].indexOf("relabel='no'") + 1 };
/**
 * On the seclabel element's name; in the start tag's blank before `/>`, where `model='…'` is
 * offered; and inside the disk's empty `<label>`, where whole labels come first.
 */
const HOVER_AT = `${SECLABEL_LINE}:5`;
const COMPLETE_AT = `${SECLABEL_LINE}:${LINES[SECLABEL_LINE].indexOf('/>')}`;
const LABEL_AT = `${LABEL_LINE}:${LINES[LABEL_LINE].indexOf('</label>')}`;

export interface EditorRun {
	readonly stdout: string;
	/** Emacs: which major mode and server program the domain and the other XML file got. */
	readonly modes: Map<string, { mode: string; program: string }>;
	readonly publishes: { version: string; count: number }[];
	readonly diagnostics: { line: number; column: number; text: string }[];
	readonly hover?: { kind: string; value: string };
	readonly completions: { format: number; label: string; documentation: string; newText: string }[];
	readonly labelCompletions: { format: number; label: string; documentation: string; newText: string }[];
}

/**
 * Writes the guest and an XML file that is not a domain into a fresh directory (the editor's
 * project root and its HOME/XDG dirs, where it keeps state) and runs `command` on them with the
 * server's bin on PATH (as `npm link` or a global install puts it) and the positions in the environment.
 */
export function runEditor(command: string, args: (file: string, other: string) => string[]): EditorRun {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `seclabel-${command}-`));
	try {
		const file = path.join(dir, 'guest.xml');
		fs.writeFileSync(file, GUEST);
		const other = path.join(dir, 'network.xml');
		fs.writeFileSync(other, '<network>\n  <name>default</name>\n</network>\n');
		const bin = path.join(dir, 'bin');
		fs.mkdirSync(bin);
		fs.symlinkSync(path.join(ROOT, 'dist', 'server.js'), path.join(bin, 'libvirt-seclabel-language-server'));
		const env = {
			...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, SERVER: path.join(ROOT, 'dist', 'server.js'), HOVER_AT, COMPLETE_AT, LABEL_AT,
			HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir,
		};
		const run = spawnSync(command, args(file, other), { encoding: 'utf8', env, timeout: 90_000, cwd: dir });
		assert.equal(run.status, 0, `${command} failed (status ${run.status}, signal ${run.signal}): ${run.stdout}\n${run.stderr}`);
		const lines = run.stdout.split('\n');
		const modes = new Map(lines.map((line) => /^MODE (\S+) (\S+) (\S+)$/.exec(line)).filter((m) => m !== null).map((m) => [m[1], { mode: m[2], program: m[3] }]));
		const publishes = lines.map((line) => /^PUBLISH (\S+) (\d+)$/.exec(line)).filter((m) => m !== null).map((m) => ({ version: m[1], count: Number(m[2]) }));
		const diagnostics = lines.map((line) => /^DIAG (\d+):(\d+) (.*)$/.exec(line)).filter((m) => m !== null).map((m) => ({ line: Number(m[1]), column: Number(m[2]), text: m[3] }));
		const hoverLine = lines.map((line) => /^HOVER (\S+) (.*)$/.exec(line)).find((m) => m !== null);
		const items = (tag: string) => lines.filter((line) => line.startsWith(`${tag}\t`)).map((line) => {
			const [, format, label, documentation, newText] = line.split('\t');
			return { format: Number(format), label, documentation, newText };
		});
		const completions = items('COMPLETION');
		const labelCompletions = items('LABEL');
		return { stdout: run.stdout, modes, publishes, diagnostics, hover: hoverLine ? { kind: hoverLine[1], value: hoverLine[2] } : undefined, completions, labelCompletions };
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

export interface Declared {
	/** The hover format the editor prefers. */
	readonly hover: 'markdown' | 'plaintext';
	/** How completion documentation arrives: markdown content, or a plain string. */
	readonly documentation: 'markdown' | 'string';
}

/** What every editor must have received, given what it declared (neither declares snippetSupport). */
export function assertReceived(run: EditorRun, declared: Declared): void {
	const context = `\n--- editor output ---\n${run.stdout}`;
	const refusal = run.diagnostics.find((d) => /dynamic-relabel-no\]?:? unsupported configuration: dynamic label type must use resource relabeling/.test(d.text));
	assert.ok(refusal, `libvirt's refusal is not among the diagnostics${context}`);
	assert.deepEqual({ line: refusal.line, column: refusal.column }, REFUSAL, `the refusal is on relabel='no'${context}`);

	// One publication per document version: opening the file is one version.
	assert.ok(run.publishes.length > 0, `no publishDiagnostics arrived${context}`);
	const versions = run.publishes.map((publish) => publish.version);
	assert.equal(new Set(versions).size, versions.length, `a version was published more than once: ${versions.join(', ')}${context}`);
	assert.ok(versions.every((version) => /^\d+$/.test(version)), `every publication names its document version${context}`);

	assert.ok(run.hover, `no hover${context}`);
	assert.equal(run.hover.kind, declared.hover, `hover format${context}`);
	if (declared.hover === 'plaintext') {
		assert.match(run.hover.value, /^Domain security label\. How libvirt confines/);
		assert.doesNotMatch(run.hover.value, /\*\*|`|\]\(/, `markdown in a plain-text hover${context}`);
		assert.match(run.hover.value, /libvirt: Security label \(https:\/\/libvirt\.org\/formatdomain\.html#security-label\)/);
	} else {
		assert.match(run.hover.value, /^\*\*Domain security label\.\*\* How libvirt confines/);
	}

	const model = run.completions.find((item) => item.label === 'model');
	assert.ok(model, `no completion 'model' in the start tag${context}`);
	for (const item of run.completions) {
		assert.equal(item.format, 1, `'${item.label}' is a snippet for a client without snippetSupport${context}`);
		assert.doesNotMatch(item.newText, /\$\{?\d/, `'${item.label}' inserts a placeholder${context}`);
		assert.equal(item.documentation, declared.documentation, `'${item.label}' documentation format${context}`);
	}
	assert.match(model.newText, /^model='(selinux|dac|apparmor)'$/, `'model' inserts a complete attribute${context}`);

	// An empty device <label> of a guest with a dynamic label: whole contexts first, as plain text.
	const [first, second, third] = run.labelCompletions;
	assert.deepEqual([first, second].map((item) => item && { format: item.format, label: item.label, newText: item.newText }), [
		{ format: 1, label: 'system_u:object_r:svirt_image_t:s0', newText: 'system_u:object_r:svirt_image_t:s0' },
		{ format: 1, label: 'system_u:object_r:virt_content_t:s0', newText: 'system_u:object_r:virt_content_t:s0' },
	], `whole labels first in an empty <label>${context}`);
	assert.equal(third?.label, 'system_u', `then the part-by-part items${context}`);
}
