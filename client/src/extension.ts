/**
 * The VS Code client: starts the language server for XML documents and stops it with the window.
 * Everything that knows about labels lives in the server.
 */
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, TransportKind, type ErrorHandler, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

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

export async function activate(context: vscode.ExtensionContext): Promise<void> {
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
	};
	client = new LanguageClient('libvirtSeclabel', 'libvirt Security Labels', serverOptions, clientOptions);
	context.subscriptions.push(
		vscode.commands.registerCommand('libvirtSeclabel.restartServer', () => client?.restart()),
		vscode.commands.registerCommand('libvirtSeclabel.showRulesReference', () =>
			vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(context.asAbsolutePath('docs/rules.md')))),
	);
	await client.start();
}

export function deactivate(): Thenable<void> | undefined {
	return client?.stop();
}
