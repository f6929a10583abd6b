/**
 * The protocol's front door: every message from the client passes here before vscode-jsonrpc
 * dispatches it, so that the handlers in startServer.ts only ever see what the LSP specification
 * allows, and the lifecycle rules hold for every method, also those without a handler:
 *
 * - before `initialize`, a request gets ServerNotInitialized (-32002) and a notification is
 *   dropped (except `exit`); a second `initialize` is refused with InvalidRequest;
 * - after `shutdown`, a request gets InvalidRequest (-32600), a notification is dropped (except
 *   `exit`), and no diagnostics are published any more (the writer drops them);
 * - the parameters of each method the server handles are checked: a request with unusable ones
 *   gets InvalidParams (-32602); a notification with unusable ones is dropped, and lists
 *   (watched-file changes, workspace folders) lose only their bad entries. Positions are made
 *   non-negative integers (a fractional `line: 0.5` would index the line table with a fraction).
 *
 * Everything refused is logged in one line. Checking here, at the edge, keeps the handlers short
 * and means one place decides what "malformed" is.
 */
import {
	AbstractMessageReader, ErrorCodes, type DataCallback, type Disposable, type Message, type MessageReader, type MessageWriter,
} from 'vscode-languageserver/node';

/** ServerNotInitialized: the LSP's own code, for requests before `initialize`. */
export const SERVER_NOT_INITIALIZED = -32002;

type Json = Record<string, unknown>;
/** A checked (and possibly repaired) params value, or why it is unusable. */
type Checked = { params: unknown } | { error: string };

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const MAX_POSITION = 2 ** 31 - 1;

/** A position with non-negative integer fields (clamped, floored), or undefined when it is not numbers. */
function position(value: unknown): { line: number; character: number } | undefined {
	if (!isObject(value) || typeof value.line !== 'number' || typeof value.character !== 'number' || Number.isNaN(value.line) || Number.isNaN(value.character)) {
		return undefined;
	}
	const clamp = (n: number) => Math.min(MAX_POSITION, Math.max(0, Math.floor(n)));
	return { line: clamp(value.line), character: clamp(value.character) };
}

function range(value: unknown): { start: { line: number; character: number }; end: { line: number; character: number } } | undefined {
	if (!isObject(value)) return undefined;
	const start = position(value.start);
	const end = position(value.end);
	return start && end ? { start, end } : undefined;
}

function documentUri(params: Json): string | undefined {
	return isObject(params.textDocument) && typeof params.textDocument.uri === 'string' ? params.textDocument.uri : undefined;
}

const ok = (params: unknown): Checked => ({ params });
const bad = (error: string): Checked => ({ error });

function textDocumentPosition(params: Json): Checked {
	const uri = documentUri(params);
	if (uri === undefined) return bad('textDocument.uri must be a string');
	const at = position(params.position);
	if (!at) return bad('position must be { line: number, character: number }');
	const result: Json = { ...params, textDocument: { ...(params.textDocument as Json), uri }, position: at };
	if (result.context !== undefined && !isObject(result.context)) delete result.context;
	return ok(result);
}

function isInteger(value: unknown): value is number {
	return typeof value === 'number' && Number.isSafeInteger(value);
}

/** The checks per method; methods not listed pass unchanged (vscode-jsonrpc answers unknown requests). */
const CHECKS: Record<string, (params: Json) => Checked> = {
	'textDocument/didOpen'(params) {
		const doc = params.textDocument;
		if (!isObject(doc) || typeof doc.uri !== 'string' || typeof doc.text !== 'string' || !isInteger(doc.version)) {
			return bad('textDocument must be { uri: string, languageId: string, version: integer, text: string }');
		}
		return ok({ textDocument: { uri: doc.uri, languageId: typeof doc.languageId === 'string' ? doc.languageId : 'xml', version: doc.version, text: doc.text } });
	},
	'textDocument/didChange'(params) {
		const doc = params.textDocument;
		if (!isObject(doc) || typeof doc.uri !== 'string' || !isInteger(doc.version)) {
			return bad('textDocument must be { uri: string, version: integer }');
		}
		if (!Array.isArray(params.contentChanges)) {
			return bad('contentChanges must be an array');
		}
		const changes: Json[] = [];
		for (const change of params.contentChanges) {
			// One bad change makes the whole notification unusable: applying the others would leave
			// the server's text different from the client's without either knowing.
			if (!isObject(change) || typeof change.text !== 'string') {
				return bad('each content change must have a string text');
			}
			if (change.range === undefined) {
				changes.push({ text: change.text });
				continue;
			}
			const at = range(change.range);
			if (!at) return bad('a content change has a range that is not { start, end } positions');
			changes.push({ range: at, text: change.text });
		}
		return ok({ textDocument: { uri: doc.uri, version: doc.version }, contentChanges: changes });
	},
	'textDocument/didClose'(params) {
		const uri = documentUri(params);
		return uri === undefined ? bad('textDocument.uri must be a string') : ok({ textDocument: { uri } });
	},
	'textDocument/didSave'(params) {
		const uri = documentUri(params);
		return uri === undefined ? bad('textDocument.uri must be a string') : ok({ textDocument: { uri }, ...(typeof params.text === 'string' ? { text: params.text } : {}) });
	},
	'textDocument/willSave'(params) {
		const uri = documentUri(params);
		return uri === undefined ? bad('textDocument.uri must be a string') : ok({ textDocument: { uri }, reason: isInteger(params.reason) ? params.reason : 1 });
	},
	'textDocument/hover': textDocumentPosition,
	'textDocument/completion': textDocumentPosition,
	'textDocument/codeAction'(params) {
		const uri = documentUri(params);
		if (uri === undefined) return bad('textDocument.uri must be a string');
		const at = range(params.range);
		if (!at) return bad('range must be { start, end } positions');
		const context = isObject(params.context) ? params.context : {};
		// Diagnostics the client echoes back are only hints for the fixes: keep the well-formed ones.
		const diagnostics = (Array.isArray(context.diagnostics) ? context.diagnostics : []).flatMap((diagnostic: unknown) => {
			if (!isObject(diagnostic) || typeof diagnostic.message !== 'string') return [];
			const where = range(diagnostic.range);
			return where ? [{ ...diagnostic, range: where }] : [];
		});
		const only = Array.isArray(context.only) ? context.only.filter((kind: unknown): kind is string => typeof kind === 'string') : undefined;
		const checkedContext: Json = { diagnostics };
		if (only) checkedContext.only = only;
		if (isInteger(context.triggerKind)) checkedContext.triggerKind = context.triggerKind;
		return ok({ ...params, textDocument: { uri }, range: at, context: checkedContext });
	},
	'workspace/didChangeWatchedFiles'(params) {
		if (!Array.isArray(params.changes)) return bad('changes must be an array');
		const changes = params.changes.filter((change: unknown) => isObject(change) && typeof change.uri === 'string' && (change.type === 1 || change.type === 2 || change.type === 3));
		if (changes.length === 0 && params.changes.length > 0) return bad('no change has a string uri and a type 1, 2 or 3');
		return ok({ changes });
	},
	'workspace/didChangeWorkspaceFolders'(params) {
		if (!isObject(params.event)) return bad('event must be { added, removed }');
		const folders = (value: unknown) => (Array.isArray(value) ? value : []).filter((folder: unknown) => isObject(folder) && typeof folder.uri === 'string')
			.map((folder: Json) => ({ uri: folder.uri, name: typeof folder.name === 'string' ? folder.name : String(folder.uri) }));
		return ok({ event: { added: folders(params.event.added), removed: folders(params.event.removed) } });
	},
	'workspace/didChangeConfiguration'(params) {
		return ok({ settings: 'settings' in params ? params.settings : null });
	},
	'$/setTrace'(params) {
		return params.value === 'off' || params.value === 'messages' || params.value === 'verbose' ? ok({ value: params.value }) : bad("value must be 'off', 'messages' or 'verbose'");
	},
	'$/cancelRequest'(params) {
		return typeof params.id === 'number' || typeof params.id === 'string' ? ok({ id: params.id }) : bad('id must be a number or a string');
	},
	'window/workDoneProgress/cancel'(params) {
		return typeof params.token === 'number' || typeof params.token === 'string' ? ok({ token: params.token }) : bad('token must be a number or a string');
	},
	'initialize'(params) {
		return ok({
			...params,
			processId: isInteger(params.processId) ? params.processId : null,
			rootUri: typeof params.rootUri === 'string' ? params.rootUri : null,
			rootPath: typeof params.rootPath === 'string' ? params.rootPath : undefined,
			capabilities: isObject(params.capabilities) ? params.capabilities : {},
			workspaceFolders: Array.isArray(params.workspaceFolders)
				? params.workspaceFolders.filter((folder: unknown) => isObject(folder) && typeof folder.uri === 'string')
				: null,
			trace: params.trace === 'off' || params.trace === 'messages' || params.trace === 'verbose' ? params.trace : undefined,
		});
	},
};

/** Methods whose params may be absent (the checks above need an object). */
const NO_PARAMS = new Set(['shutdown', 'exit', 'initialized']);

/** Where a message stands in the lifecycle, and what to do with it. */
export class ProtocolGate {
	private state: 'new' | 'initialized' | 'shutdown' = 'new';

	constructor(private readonly reply: (message: Message) => void, private readonly log: (message: string) => void) {}

	get shutdownReceived(): boolean {
		return this.state === 'shutdown';
	}

	/** The message to dispatch (its params checked and repaired), or undefined when it was answered or dropped here. */
	admit(message: unknown): Message | undefined {
		if (!isObject(message)) {
			this.log(`Dropped a message that is not a JSON object: ${describe(message)}`);
			return undefined;
		}
		const hasId = 'id' in message;
		const id = message.id;
		if (typeof message.method !== 'string') {
			if (hasId && ('result' in message || 'error' in message)) {
				return message as unknown as Message; // A response to one of the server's requests.
			}
			if (hasId) this.error(validId(id), ErrorCodes.InvalidRequest, 'A request must have a string method.');
			this.log(`Dropped a message without a method: ${describe(message)}`);
			return undefined;
		}
		const method = message.method;
		const isRequest = hasId;
		if (isRequest && typeof id !== 'number' && typeof id !== 'string') {
			this.error(null, ErrorCodes.InvalidRequest, 'A request id must be a number or a string.');
			return undefined;
		}
		if (method === 'exit') {
			return message as unknown as Message;
		}
		if (this.state === 'new' && method !== 'initialize') {
			if (isRequest) {
				this.error(id as number | string, SERVER_NOT_INITIALIZED, `The server is not initialized yet: ${method} must come after initialize.`);
			} else {
				this.log(`Dropped ${method} before initialize.`);
			}
			return undefined;
		}
		if (this.state === 'shutdown') {
			if (isRequest) {
				this.error(id as number | string, ErrorCodes.InvalidRequest, `The server is shut down: only exit may follow shutdown, not ${method}.`);
			} else {
				this.log(`Dropped ${method} after shutdown.`);
			}
			return undefined;
		}
		if (method === 'initialize' && this.state !== 'new') {
			if (isRequest) this.error(id as number | string, ErrorCodes.InvalidRequest, 'The server is already initialized: initialize may be sent only once.');
			return undefined;
		}
		const check = CHECKS[method];
		let params = message.params;
		if (check) {
			const checked = isObject(params) ? check(params) : bad('params must be an object');
			if ('error' in checked) {
				if (isRequest) {
					this.error(id as number | string, ErrorCodes.InvalidParams, `Invalid params for ${method}: ${checked.error}.`);
				} else {
					this.log(`Dropped ${method} with invalid params (${checked.error}): ${describe(params)}`);
				}
				return undefined;
			}
			params = checked.params;
		} else if (!NO_PARAMS.has(method) && params !== undefined && typeof params !== 'object') {
			if (isRequest) this.error(id as number | string, ErrorCodes.InvalidParams, `Invalid params for ${method}: params must be an object or an array.`);
			else this.log(`Dropped ${method} with params that are neither an object nor an array.`);
			return undefined;
		}
		if (method === 'initialize') {
			this.state = 'initialized';
		} else if (method === 'shutdown' && isRequest) {
			this.state = 'shutdown';
		}
		const admitted: Json = { ...message };
		if (params === undefined || NO_PARAMS.has(method)) {
			delete admitted.params;
		} else {
			admitted.params = params;
		}
		return admitted as unknown as Message;
	}

	private error(id: number | string | null, code: number, text: string): void {
		this.log(text);
		this.reply({ jsonrpc: '2.0', id, error: { code, message: text } } as Message);
	}
}

function validId(id: unknown): number | string | null {
	return typeof id === 'number' || typeof id === 'string' ? id : null;
}

function describe(value: unknown): string {
	let text: string;
	try {
		text = JSON.stringify(value) ?? String(value);
	} catch {
		text = String(value);
	}
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A reader whose messages pass the gate before the connection sees them. */
export class GatedMessageReader extends AbstractMessageReader implements MessageReader {
	private readonly subscriptions: Disposable[] = [];

	constructor(private readonly inner: MessageReader, private readonly gate: ProtocolGate) {
		super();
		this.subscriptions.push(inner.onError((error) => this.fireError(error)), inner.onClose(() => this.fireClose()), inner.onPartialMessage((info) => this.firePartialMessage(info)));
	}

	listen(callback: DataCallback): Disposable {
		return this.inner.listen((message) => {
			const admitted = this.gate.admit(message);
			if (admitted) {
				callback(admitted);
			}
		});
	}

	override dispose(): void {
		this.subscriptions.forEach((subscription) => subscription.dispose());
		this.inner.dispose();
		super.dispose();
	}
}

/** A writer that publishes no diagnostics after `shutdown`, whatever validation was still running. */
export function gatedWriter(inner: MessageWriter, gate: ProtocolGate): MessageWriter {
	return {
		onError: inner.onError,
		onClose: inner.onClose,
		write(message: Message): Promise<void> {
			if (gate.shutdownReceived && (message as { method?: unknown }).method === 'textDocument/publishDiagnostics') {
				return Promise.resolve();
			}
			return inner.write(message);
		},
		end: () => inner.end(),
		dispose: () => inner.dispose(),
	};
}
