/**
 * The protocol trace, in its own output channel ("libvirt Security Labels Trace"), switched by the
 * setting `libvirtSeclabel.trace.server` (`off`, `messages`, `verbose`) as LSP extensions document
 * it. vscode-languageclient 11 traces only while its trace channel's log level is Trace (and then
 * treats `off` as `messages`), and a log channel's level is the user's, not the setting's; this
 * channel reports the level the setting asks for, so the setting alone turns tracing on and off.
 */
import * as vscode from 'vscode';

export const TRACE_SETTING = 'libvirtSeclabel.trace.server';

function levelOf(): vscode.LogLevel {
	const value = vscode.workspace.getConfiguration().get<string>(TRACE_SETTING, 'off');
	return value === 'messages' || value === 'verbose' ? vscode.LogLevel.Trace : vscode.LogLevel.Off;
}

export function createTraceChannel(name: string): vscode.LogOutputChannel & { readonly channel: vscode.OutputChannel } {
	const channel = vscode.window.createOutputChannel(name);
	const levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
	let level = levelOf();
	const configuration = vscode.workspace.onDidChangeConfiguration((event) => {
		if (event.affectsConfiguration(TRACE_SETTING)) {
			const next = levelOf();
			if (next !== level) {
				level = next;
				levelChanged.fire(level);
			}
			if (level === vscode.LogLevel.Off) {
				channel.appendLine(`[${new Date().toISOString()}] ${TRACE_SETTING} is off: tracing stopped.`);
			}
		}
	});
	const write = (message: string) => {
		if (level !== vscode.LogLevel.Off) {
			channel.appendLine(message);
		}
	};
	const format = (message: string | Error, args: unknown[]) =>
		[message instanceof Error ? message.stack ?? message.message : message, ...args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg)))].join(' ');
	return {
		channel,
		name,
		get logLevel() {
			return level;
		},
		onDidChangeLogLevel: levelChanged.event,
		trace: (message: string, ...args: unknown[]) => write(format(message, args)),
		debug: (message: string, ...args: unknown[]) => write(format(message, args)),
		info: (message: string, ...args: unknown[]) => write(format(message, args)),
		warn: (message: string, ...args: unknown[]) => write(format(message, args)),
		error: (message: string | Error, ...args: unknown[]) => write(format(message, args)),
		append: (value: string) => channel.append(value),
		appendLine: (value: string) => channel.appendLine(value),
		replace: (value: string) => channel.replace(value),
		clear: () => channel.clear(),
		show: (columnOrPreserve?: vscode.ViewColumn | boolean, preserveFocus?: boolean) =>
			typeof columnOrPreserve === 'boolean' || columnOrPreserve === undefined ? channel.show(columnOrPreserve) : channel.show(columnOrPreserve, preserveFocus),
		hide: () => channel.hide(),
		dispose: () => {
			configuration.dispose();
			levelChanged.dispose();
			channel.dispose();
		},
	};
}
