/**
 * Entry point of `libvirt-seclabel-language-server`. The transport comes from the command line
 * (`--stdio`, `--node-ipc`, `--socket=N`, `--pipe=NAME`), as vscode-languageserver reads it; the
 * server builds the reader and writer itself so that every message passes the protocol gate
 * (./protocolGuards) and stdio is read with bounded, self-healing framing (./node/boundedMessageReader).
 */
import {
	createConnection, createServerPipeTransport, createServerSocketTransport, IPCMessageReader, IPCMessageWriter, ProposedFeatures, StreamMessageWriter,
	type MessageReader, type MessageWriter,
} from 'vscode-languageserver/node';
import { startServer } from './startServer';
import { nodeRuntime } from './node/runtime';
import { BoundedStreamMessageReader } from './node/boundedMessageReader';
import { GatedMessageReader, gatedWriter, ProtocolGate } from './protocolGuards';
import { configureHeap, IdleCollector, watchIncoming, watchOutgoing } from './node/heapSchedule';

if (process.argv.includes('--version')) {
	process.stdout.write(`${require('../../package.json').version}\n`);
	process.exit(0);
}

/** The transport named on the command line (the same arguments vscode-languageserver reads). */
function transport(): [MessageReader, MessageWriter] | undefined {
	const argv = process.argv.slice(2);
	for (let i = 0; i < argv.length; i++) {
		const [name, inline] = argv[i].split('=');
		const value = inline ?? argv[i + 1];
		if (name === '--stdio') return [new BoundedStreamMessageReader(process.stdin, (message) => log(message)), new StreamMessageWriter(process.stdout)];
		if (name === '--node-ipc') return [new IPCMessageReader(process), new IPCMessageWriter(process)];
		if (name === '--socket' && Number.parseInt(value, 10) > 0) return createServerSocketTransport(Number.parseInt(value, 10));
		if (name === '--pipe' && value) return createServerPipeTransport(value);
	}
	return undefined;
}

const io = transport();
if (!io) {
	process.stderr.write('Usage: libvirt-seclabel-language-server --stdio\n(the language server speaks LSP; start it from an editor, see the README)\n');
	process.exit(2);
}
const [rawReader, rawWriter] = io;
let logging = false;
/** One line on stderr (the client's log); a failing stderr must not loop through the handlers below. */
const log = (message: string) => {
	if (logging) return;
	logging = true;
	try {
		process.stderr.write(`${message}\n`);
	} catch {
		// Nowhere left to say it.
	} finally {
		logging = false;
	}
};
const gate = new ProtocolGate((message) => void rawWriter.write(message).catch(() => undefined), log);
// Memory: a fixed heap growth factor while the heap is large, and a full collection when the client
// is quiet (node/heapSchedule.ts); without V8's gc only the growth factor.
const idle = new IdleCollector(configureHeap() ?? (() => undefined));
const reader = watchIncoming(new GatedMessageReader(rawReader, gate), idle);
const connection = createConnection(ProposedFeatures.all, reader, watchOutgoing(gatedWriter(rawWriter, gate), idle));
// The input closing ends the server, as the LSP asks (exit code 0 only after shutdown).
reader.onClose(() => process.exit(gate.shutdownReceived ? 0 : 1));
// Stray console output would corrupt the stdio protocol stream; send it to the client's log.
console.log = connection.console.log.bind(connection.console);
console.error = connection.console.error.bind(connection.console);
// One failure somewhere must never cost the user the server: log it and keep serving.
process.on('unhandledRejection', (reason) => {
	log(`libvirt-seclabel-language-server: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
});
process.on('uncaughtException', (error) => {
	log(`libvirt-seclabel-language-server: uncaught exception: ${error instanceof Error ? error.stack : String(error)}`);
});
startServer(connection, nodeRuntime());
