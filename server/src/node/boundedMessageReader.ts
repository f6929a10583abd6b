/**
 * The stdio framing of LSP messages (`Content-Length: N\r\n\r\n` + N bytes of JSON), read with
 * bounds and recovery. vscode-jsonrpc's own ReadableStreamMessageReader rescans the whole buffer
 * for the header terminator on every chunk (a 40 MB header with no terminator took 23 s), has no
 * cap on a header, and after a damaged header or body it stops where it is and waits for more data,
 * which leaves the server deaf; it cannot be configured otherwise, so this reader replaces it for
 * `--stdio` (the parsed messages go to the same vscode-jsonrpc connection).
 *
 * - A header is at most MAX_HEADER_BYTES; the terminator is searched for in that much, once per chunk.
 * - Damage (no terminator in time, no or a bad Content-Length, a body that is not JSON, a
 *   Content-Length that promises more than ever comes) is logged in one line, and the reader
 *   resynchronises at the next `Content-Length:`, searching each byte once.
 * - A body is collected as a list of chunks and joined once, so a large message costs linear time.
 */
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader } from 'vscode-languageserver/node';

/** Far more than any real header (`Content-Length` and `Content-Type`) needs. */
export const MAX_HEADER_BYTES = 8 * 1024;
/** A didOpen of the largest document the server checks (64 MiB), JSON-escaped, fits. */
export const MAX_CONTENT_BYTES = 512 * 1024 * 1024;
/** With part of a body read and nothing more arriving this long, the Content-Length is suspected. */
export const STALLED_BODY_MS = 2000;

const TERMINATOR = Buffer.from('\r\n\r\n', 'latin1');
const HEADER_NAME = 'content-length:';

export class BoundedStreamMessageReader extends AbstractMessageReader implements MessageReader {
	private chunks: Buffer[] = [];
	private length = 0;
	/** The body length being waited for, or -1 while a header is read. */
	private bodyLength = -1;
	/** True while skipping damaged input up to the next header. */
	private resyncing = false;
	private callback: DataCallback | undefined;
	private stallTimer: NodeJS.Timeout | undefined;

	constructor(private readonly readable: NodeJS.ReadableStream, private readonly log: (message: string) => void = (message) => process.stderr.write(`${message}\n`)) {
		super();
	}

	listen(callback: DataCallback): Disposable {
		this.callback = callback;
		const onData = (data: Buffer | string) => this.onData(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
		const onError = (error: Error) => this.fireError(error);
		const onClose = () => {
			this.clearStallTimer();
			this.fireClose();
		};
		this.readable.on('data', onData);
		this.readable.on('error', onError);
		this.readable.on('end', onClose);
		this.readable.on('close', onClose);
		return {
			dispose: () => {
				this.readable.off('data', onData);
				this.readable.off('error', onError);
				this.readable.off('end', onClose);
				this.readable.off('close', onClose);
				this.clearStallTimer();
			},
		};
	}

	private onData(data: Buffer): void {
		if (data.length === 0) {
			return;
		}
		this.chunks.push(data);
		this.length += data.length;
		this.clearStallTimer();
		try {
			this.drain();
		} catch (error) {
			// Nothing here should throw; if it does, start over at the next header rather than go deaf.
			this.damaged(`the message reader failed (${error instanceof Error ? error.message : String(error)})`);
			this.drain();
		}
		if (this.bodyLength >= 0 && this.length > 0) {
			this.stallTimer = setTimeout(() => this.onStalled(), STALLED_BODY_MS);
			this.stallTimer.unref?.();
		}
	}

	private drain(): void {
		for (;;) {
			if (this.resyncing && !this.resync()) {
				return;
			}
			if (this.bodyLength < 0) {
				const header = this.readHeader();
				if (header === undefined) {
					return;
				}
				if (typeof header === 'string') {
					this.damaged(header);
					continue;
				}
				this.bodyLength = header.length;
			}
			if (this.length < this.bodyLength) {
				return;
			}
			const body = this.take(this.bodyLength);
			this.bodyLength = -1;
			let message: unknown;
			try {
				message = JSON.parse(body.toString('utf8'));
			} catch {
				// A Content-Length too large swallows the next messages: look for their headers inside the body.
				this.unshift(body.subarray(1));
				this.damaged(`a message body of ${body.length} bytes is not JSON (a wrong Content-Length?)`);
				continue;
			}
			this.callback?.(message as Message);
		}
	}

	/**
	 * The next header, an error text when it is damaged, or undefined until more bytes arrive. A
	 * damaged header loses only its first byte, so that the search for the next header looks inside
	 * it too (garbage before a valid header ends up in the same header block).
	 */
	private readHeader(): { length: number } | string | undefined {
		const window = this.peek(Math.min(this.length, MAX_HEADER_BYTES + TERMINATOR.length));
		const end = window.indexOf(TERMINATOR);
		if (end < 0) {
			if (window.length < MAX_HEADER_BYTES + TERMINATOR.length) {
				return undefined;
			}
			this.take(1);
			return `a message header is longer than ${MAX_HEADER_BYTES} bytes without its terminator`;
		}
		const problem = (text: string) => {
			this.take(1);
			return text;
		};
		const text = window.toString('latin1', 0, end);
		let length: number | undefined;
		for (const line of text.split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon <= 0) {
				return problem(`a message header line has no name: ${JSON.stringify(line.slice(0, 80))}`);
			}
			const name = line.slice(0, colon).trim().toLowerCase();
			const value = line.slice(colon + 1).trim();
			if (name === 'content-length') {
				if (!/^\d{1,10}$/.test(value) || Number(value) > MAX_CONTENT_BYTES) {
					return problem(`Content-Length ${JSON.stringify(value.slice(0, 40))} is not a number of bytes up to ${MAX_CONTENT_BYTES}`);
				}
				length = Number(value);
			} else if (name === 'content-type' && /charset/i.test(value) && !/charset\s*=\s*"?utf-?8"?/i.test(value)) {
				return problem(`Content-Type ${JSON.stringify(value.slice(0, 80))} names a charset other than utf-8`);
			}
		}
		if (length === undefined) {
			return problem('a message header has no Content-Length');
		}
		this.take(end + TERMINATOR.length);
		return { length };
	}

	/**
	 * Drops bytes up to the next `Content-Length:`; true when found. Keeps
	 * the last few bytes when not, in case the name is split between two chunks.
	 */
	private resync(): boolean {
		const all = this.take(this.length);
		// Message bodies end without a newline, so the next header can start anywhere.
		const at = all.toString('latin1').toLowerCase().indexOf(HEADER_NAME);
		if (at < 0) {
			this.unshift(all.subarray(Math.max(0, all.length - HEADER_NAME.length)));
			return false;
		}
		this.unshift(all.subarray(at));
		this.resyncing = false;
		this.log(`libvirt-seclabel-language-server: resynchronised at the next Content-Length header (${at} damaged bytes skipped).`);
		return true;
	}

	private damaged(reason: string): void {
		this.bodyLength = -1;
		this.resyncing = true;
		this.log(`libvirt-seclabel-language-server: damaged LSP framing on input: ${reason}; skipping to the next Content-Length header.`);
	}

	/** A body that never completes: if the bytes read so far hold a header, the Content-Length was wrong. */
	private onStalled(): void {
		this.stallTimer = undefined;
		if (this.bodyLength < 0 || this.length === 0) {
			return;
		}
		const waiting = this.peek(this.length);
		const lower = waiting.toString('latin1').toLowerCase();
		if (!lower.includes(HEADER_NAME)) {
			return; // Only a slow client: keep waiting.
		}
		this.damaged(`Content-Length ${this.bodyLength} promised more bytes than came within ${STALLED_BODY_MS / 1000} s, and a header follows`);
		try {
			this.drain();
		} catch {
			// Already logged as damage; the next data starts over.
		}
	}

	private clearStallTimer(): void {
		if (this.stallTimer) {
			clearTimeout(this.stallTimer);
			this.stallTimer = undefined;
		}
	}

	/** The first `count` bytes without consuming them (copies at most `count` bytes). */
	private peek(count: number): Buffer {
		if (this.chunks.length > 0 && this.chunks[0].length >= count) {
			return this.chunks[0].subarray(0, count);
		}
		const parts: Buffer[] = [];
		let have = 0;
		for (const chunk of this.chunks) {
			if (have >= count) break;
			parts.push(chunk.subarray(0, Math.min(chunk.length, count - have)));
			have += parts[parts.length - 1].length;
		}
		return Buffer.concat(parts, have);
	}

	/** Consumes the first `count` bytes. */
	private take(count: number): Buffer {
		if (count === 0) {
			return Buffer.alloc(0);
		}
		const parts: Buffer[] = [];
		let have = 0;
		while (have < count) {
			const chunk = this.chunks[0];
			const need = count - have;
			if (chunk.length <= need) {
				parts.push(chunk);
				this.chunks.shift();
				have += chunk.length;
			} else {
				parts.push(chunk.subarray(0, need));
				this.chunks[0] = chunk.subarray(need);
				have += need;
			}
		}
		this.length -= count;
		return parts.length === 1 ? parts[0] : Buffer.concat(parts, count);
	}

	private unshift(bytes: Buffer): void {
		if (bytes.length > 0) {
			this.chunks.unshift(bytes);
			this.length += bytes.length;
		}
	}
}
