/**
 * The VS Code client: starts the language server for XML documents and stops it with the window.
 * Everything that knows about labels lives in the server; the client adds what only VS Code has:
 * rule links that open the rule's section (./rulesReference), the language status items
 * (./languageStatus), and the log and trace output channels (./traceChannel).
 */
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, TransportKind, type ErrorHandler, type LanguageClientOptions, type ServerOptions, type StaticFeature, type ConfigurationParams } from 'vscode-languageclient/node';
import { LanguageStatus, STATUS_CAPABILITY, STATUS_NOTIFICATION, type StatusItemSnapshot, type StatusParams } from './languageStatus';
import { SHOW_RULE_COMMAND, showRule, withRuleCommandLinks } from './rulesReference';
import { createTraceChannel } from './traceChannel';

let client: LanguageClient | undefined;

/** The output channels: the server's log and the client's events, and the protocol trace. */
export const LOG_CHANNEL = 'libvirt Security Labels';
export const TRACE_CHANNEL = 'libvirt Security Labels Trace';
const SHOW_LOG_COMMAND = 'libvirtSeclabel.showLog';

/** What the extension exports: the language status items as shown, for the end-to-end tests. */
export interface ExtensionApi {
	languageStatus(): StatusItemSnapshot[];
}

/** Asks the server for libvirtSeclabel/status (an experimental capability, so other clients are not sent it). */
const statusFeature: StaticFeature = {
	fillClientCapabilities(capabilities) {
		capabilities.experimental = { ...(capabilities.experimental as object | undefined), [STATUS_CAPABILITY]: true };
	},
	initialize() {},
	getState: () => ({ kind: 'static' }),
	clear() {},
};

/** As VS Code's default: at most this many restarts within RESTART_WINDOW_MS, then it stays down. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/**
 * Restarts a crashed server as vscode-languageclient's default handler does, but tells the user
 * the first time instead of only after the last restart; later restarts go to the output channel.
 */
function restartingErrorHandler(): ErrorHandler {
	const restarts: number[] = [];
	let told = false;
	return {
		error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
		closed: () => {
			const now = Date.now();
			while (restarts.length > 0 && now - restarts[0] > RESTART_WINDOW_MS) {
				restarts.shift();
			}
			restarts.push(now);
			if (restarts.length > MAX_RESTARTS) {
				return { action: CloseAction.DoNotRestart, message: `The libvirt Security Labels server crashed ${restarts.length} times in 3 minutes and will not be restarted; see its output channel.` };
			}
			if (!told) {
				told = true;
				void vscode.window.showWarningMessage('The libvirt Security Labels server stopped unexpectedly and was restarted.');
			}
			client?.outputChannel.appendLine(`The server stopped unexpectedly; restarting it (${restarts.length} of ${MAX_RESTARTS} within 3 minutes).`);
			return { action: CloseAction.Restart, handled: true };
		},
	};
}

/**
 * VS Code answers workspace/configuration with the default of every setting, so the server could not
 * tell a libvirtVersion the user chose from the default; an unset one is left out, and the server's
 * default (the same version) applies and is reported as the default in the language status.
 */
function withoutUnsetVersion<T>(params: ConfigurationParams, result: T): T {
	if (!Array.isArray(result)) {
		return result;
	}
	return result.map((value, i) => {
		const item = params.items[i];
		if (item?.section !== 'libvirtSeclabel' || !value || typeof value !== 'object') {
			return value;
		}
		const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
		const inspected = vscode.workspace.getConfiguration('libvirtSeclabel', scope).inspect('libvirtVersion');
		const set = [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue,
			inspected?.globalLanguageValue, inspected?.workspaceLanguageValue, inspected?.workspaceFolderLanguageValue].some((entry) => entry !== undefined);
		if (set) {
			return value;
		}
		const { libvirtVersion: _unset, ...rest } = value as Record<string, unknown>;
		return rest;
	}) as T;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
	const rulesFile = vscode.Uri.file(context.asAbsolutePath('docs/rules.md'));
	const outputChannel = vscode.window.createOutputChannel(LOG_CHANNEL, { log: true });
	const traceOutputChannel = createTraceChannel(TRACE_CHANNEL);
	const status = new LanguageStatus(SHOW_LOG_COMMAND);
	context.subscriptions.push(outputChannel, traceOutputChannel, status);
	const serverModule = context.asAbsolutePath('dist/server.js');
	const serverOptions: ServerOptions = {
		run: { module: serverModule, transport: TransportKind.ipc },
		debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
	};
	const clientOptions: LanguageClientOptions = {
		// Every XML document: the server answers with nothing, at once, for XML that is not a domain.
		documentSelector: [{ language: 'xml', scheme: 'file' }, { language: 'xml', scheme: 'untitled' }],
		// File events let the server keep its index of the workspace's guests current for files not open.
		synchronize: { configurationSection: 'libvirtSeclabel', fileEvents: vscode.workspace.createFileSystemWatcher('**/*.xml') },
		errorHandler: restartingErrorHandler(),
		outputChannel,
		traceOutputChannel,
		middleware: {
			// The server links each diagnostic to docs/rules.md#<rule-id>; VS Code would open that file at line 1.
			handleDiagnostics: (uri, diagnostics, next) => next(uri, withRuleCommandLinks(diagnostics)),
			workspace: {
				configuration: async (params, token, next) => withoutUnsetVersion(params, await next(params, token)),
			},
		},
	};
	client = new LanguageClient('libvirtSeclabel', 'libvirt Security Labels', serverOptions, clientOptions);
	client.registerFeature(statusFeature);
	context.subscriptions.push(
		vscode.commands.registerCommand('libvirtSeclabel.restartServer', () => client?.restart()),
		vscode.commands.registerCommand('libvirtSeclabel.showRulesReference', () => showRule(rulesFile, undefined, (line) => outputChannel.warn(line))),
		vscode.commands.registerCommand(SHOW_RULE_COMMAND, (ruleId?: unknown) => showRule(rulesFile, ruleId, (line) => outputChannel.warn(line))),
		vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => outputChannel.show(true)),
		client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => status.received(params)),
	);
	outputChannel.info(`Starting the language server ${serverModule} (protocol trace: setting libvirtSeclabel.trace.server, in the output channel '${TRACE_CHANNEL}').`);
	await client.start();
	return { languageStatus: () => status.snapshot() };
}

export function deactivate(): Thenable<void> | undefined {
	return client?.stop();
}
