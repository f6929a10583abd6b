/**
 * Entry point of `libvirt-seclabel-language-server`. The transport comes from the command line
 * (`--stdio`, `--node-ipc`, `--socket=N`), as vscode-languageserver reads it.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './startServer';
import { nodeRuntime } from './node/runtime';

if (process.argv.includes('--version')) {
	process.stdout.write(`${require('../../package.json').version}\n`);
	process.exit(0);
}
if (!process.argv.some((arg) => arg === '--stdio' || arg === '--node-ipc' || arg.startsWith('--socket') || arg.startsWith('--pipe') || arg.startsWith('--clientProcessId'))) {
	process.stderr.write('Usage: libvirt-seclabel-language-server --stdio\n(the language server speaks LSP; start it from an editor, see the README)\n');
	process.exit(2);
}

const connection = createConnection(ProposedFeatures.all);
// Stray console output would corrupt the stdio protocol stream; send it to the client's log.
console.log = connection.console.log.bind(connection.console);
console.error = connection.console.error.bind(connection.console);
startServer(connection, nodeRuntime());
