/**
 * The VS Code client: starts the language server for XML documents and stops it with the window.
 * Everything that knows about labels lives in the server.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

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
	};
	client = new LanguageClient('libvirtSeclabel', 'libvirt Security Labels', serverOptions, clientOptions);
	await client.start();
}

export function deactivate(): Thenable<void> | undefined {
	return client?.stop();
}
