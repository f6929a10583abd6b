/**
 * The text output, one finding per line as compilers print them, so that every line is one a
 * problem matcher reads (Vim's and Neovim's `errorformat` for gcc, VS Code's `file:line:col:
 * message` matchers): `path:line:col: severity: message [rule]`, then `path:line:col: note: …`
 * for the stage and for each related place. Nothing is ever on a line of its own: control
 * characters in names and messages are escaped, and echoed names and values are cut to a length
 * a terminal can show.
 */
import type { JsonReport, JsonDiagnostic } from './lint';
import type { Stage } from '../service/types';

/** A run of non-space characters longer than this is cut (a 5 MB attribute name, say). */
export const MAX_WORD_LENGTH = 200;

/** Cuts every overlong run of non-space characters in a message to its head and tail. */
export function cutLongWords(message: string): string {
	if (message.length <= MAX_WORD_LENGTH || !hasLongWord(message)) {
		return message;
	}
	return message.replace(/\S{201,}/g, (word) => {
		const chars = Array.from(word);
		if (chars.length <= MAX_WORD_LENGTH) {
			return word;
		}
		return `${chars.slice(0, 80).join('')}…(${chars.length} characters)…${chars.slice(-20).join('')}`;
	});
}

/**
 * Whether a message has a run of non-space characters longer than MAX_WORD_LENGTH (code units; the
 * replacement counts code points). A loop, not the regular expression: almost every message has
 * none, and /\S{201,}/ costs a compile of 201 states and a scan from each position of the message.
 */
function hasLongWord(message: string): boolean {
	let run = 0;
	for (let i = 0; i < message.length; i++) {
		if (!isSpace(message.charCodeAt(i))) {
			if (++run > MAX_WORD_LENGTH) {
				return true;
			}
		} else {
			run = 0;
		}
	}
	return false;
}

/** The characters of /\s/ (WhiteSpace and LineTerminator of ECMAScript). */
function isSpace(c: number): boolean {
	return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a)
		|| c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Text that must stay on one line: C0 and C1 controls, DEL and the Unicode line separators as
 * C-style escapes (`\n`, `\t`, `\x1B`, `\u2028`).
 */
export function escapeControls(text: string): string {
	return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
		switch (c) {
			case '\n': return '\\n';
			case '\r': return '\\r';
			case '\t': return '\\t';
			default: {
				const code = c.charCodeAt(0);
				return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
			}
		}
	});
}

const STAGE_NOTE: Record<Stage, string> = {
	define: 'refused by libvirt',
	start: 'fails at start',
	ignored: 'ignored by libvirt',
	advice: 'advice',
};

/** What the stage line says when libvirt has no message of its own (the first line has ours). */
const STAGE_ONLY: Record<Stage, string> = {
	define: 'refused by libvirt',
	start: 'libvirt accepts it, but the guest fails at start',
	ignored: 'libvirt accepts it and ignores it',
	advice: 'advice: libvirt accepts it as written',
};

function place(path: string, range: JsonDiagnostic['range']): string {
	return `${escapeControls(path)}:${range.start.line + 1}:${range.start.character + 1}`;
}

function oneLine(message: string): string {
	return escapeControls(cutLongWords(message));
}

export function formatText(report: JsonReport): string {
	const lines: string[] = [];
	for (const file of report.files) {
		for (const d of file.diagnostics) {
			const at = place(file.path, d.range);
			// libxml2's messages run over several lines (the context line and a caret); the headline keeps the first.
			lines.push(`${at}: ${d.severity}: ${oneLine((d.libvirtMessage ?? d.message).split('\n')[0])} [${d.code}]`);
			lines.push(`${at}: note: ${d.libvirtMessage ? `${STAGE_NOTE[d.stage]}: ${oneLine(d.message)}` : STAGE_ONLY[d.stage]}`);
			for (const related of d.related) {
				lines.push(`${place(related.path, related.range)}: note: ${oneLine(related.message)}`);
			}
		}
	}
	return lines.length ? `${lines.join('\n')}\n` : '';
}
