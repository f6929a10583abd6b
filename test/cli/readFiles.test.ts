/**
 * How the CLI reads many files (issue #12): one scratch buffer for every read, no stat before
 * opening a file the directory walk listed as regular, and no byte loop over strict UTF-8. Each
 * shortcut must refuse and report exactly what the full path does.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeBytes, readRegularFileSync, UnreadableFileError } from '../../server/src/node/readDocument';
import { libxmlByteError } from '../../server/src/service/parser/libxmlErrors';
import { isUtf8Name, nameOf } from '../../server/src/cli/files';

function tempDir(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'seclabel-read-'));
}

function refusal(read: () => unknown): string {
	try {
		read();
	} catch (error) {
		assert.ok(error instanceof UnreadableFileError, String(error));
		return error.message;
	}
	assert.fail('the read was not refused');
}

test('one scratch buffer for many files: each result is its own copy, larger files come in chunks', () => {
	const dir = tempDir();
	const small = path.join(dir, 'a.xml');
	const large = path.join(dir, 'b.xml');
	fs.writeFileSync(small, '<domain>a</domain>');
	const big = `<domain>${'x'.repeat(200_000)}</domain>`;
	fs.writeFileSync(large, big);
	const scratch = Buffer.alloc(64 * 1024);
	const first = readRegularFileSync(small, { scratch, listedAsFile: true });
	const second = readRegularFileSync(large, { scratch, listedAsFile: true });
	assert.equal(first.toString(), '<domain>a</domain>', 'the second read did not overwrite the first result');
	assert.equal(second.toString(), big);
	assert.equal(readRegularFileSync(large, { scratch, headBytes: 10 }).toString(), '<domain>xx');
	assert.match(refusal(() => readRegularFileSync(large, { scratch, maxBytes: 1000 })), /^file is 200017 bytes; domain XML larger than 1000 bytes is not checked$/);
});

test('a listed file that is no longer regular, or lives in /proc, is refused as the full path refuses it, without blocking', () => {
	const dir = tempDir();
	const fifo = path.join(dir, 'swapped.xml');
	assert.equal(cp.spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
	// Opening a FIFO non-blocking for reading returns at once; the fstat refuses it.
	const listed = refusal(() => readRegularFileSync(fifo, { listedAsFile: true }));
	assert.equal(listed, refusal(() => readRegularFileSync(fifo)));
	assert.equal(listed, 'is a FIFO (named pipe), not a regular file');
	const fileSystems = new Map<number, string | undefined>();
	const proc = refusal(() => readRegularFileSync('/proc/self/status', { listedAsFile: true, fileSystems }));
	assert.equal(proc, refusal(() => readRegularFileSync('/proc/self/status')));
	assert.equal(proc, 'is a kernel interface file (/proc), not a domain file');
	assert.deepEqual([...fileSystems.values()], ['/proc'], 'one statfs, kept per device');
	assert.match(refusal(() => readRegularFileSync(path.join(dir, 'gone.xml'), { listedAsFile: true })), /no such file or directory/);
});

test('strict UTF-8 without NUL skips the byte check: libxml2 finds nothing in such bytes, and every other file still gets it', () => {
	const samples: Buffer[] = [
		Buffer.from("<domain type='kvm'><name>é中😀</name></domain>"),
		Buffer.from([0x3c, 0x61, 0x3e, 0xe0, 0x80, 0x80]), // overlong: not UTF-8, libxml2 takes it
		Buffer.from([0x3c, 0x61, 0x3e, 0xed, 0xa0, 0x80]), // a surrogate: not UTF-8, libxml2 takes it
		Buffer.from([0x3c, 0x61, 0x3e, 0xf4, 0x90, 0x80, 0x80]), // past U+10FFFF
		Buffer.from([0x3c, 0x61, 0x3e, 0xc3]), // cut short
		Buffer.from([0x3c, 0x61, 0x00, 0xff]), // NUL, then a bad byte after it
		Buffer.from([0x3c, 0x00, 0x61, 0x00]), // UTF-16LE without a byte order mark
		Buffer.from([0xff, 0xfe, 0x3c, 0x00]), // UTF-16LE with one
		Buffer.from([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e]), // UTF-8 byte order mark
	];
	let seed = 12;
	const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
	const alphabet = [0x3c, 0x61, 0x0a, 0x00, 0x80, 0xbf, 0xc2, 0xc3, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xfe, 0xff, 0xa0, 0x90];
	for (let n = 0; n < 3000; n++) {
		samples.push(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)])));
	}
	let withError = 0;
	for (const bytes of samples) {
		const expected = libxmlByteError(bytes);
		const got = decodeBytes(bytes).encodingProblem?.libxml2;
		if (expected) {
			withError++;
			assert.deepEqual(got, expected, `bytes ${bytes.toString('hex')}`);
		} else {
			assert.equal(got, undefined, `bytes ${bytes.toString('hex')}`);
		}
	}
	assert.ok(withError > 1000 && withError < samples.length - 100, `${withError} of ${samples.length} with libxml2's byte error`);
});

test('a raw name is UTF-8 exactly when decoding and encoding it again gives the same bytes', () => {
	let seed = 7;
	const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
	const alphabet = [0x61, 0x2f, 0x2e, 0x00, 0x80, 0xbf, 0xc0, 0xc2, 0xc3, 0xe0, 0xe4, 0xed, 0xa0, 0xef, 0xf0, 0xf4, 0x90, 0xf5, 0xff];
	let utf8 = 0;
	for (let n = 0; n < 5000; n++) {
		const raw = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]));
		const roundTrip = Buffer.from(raw.toString('utf8'), 'utf8').equals(raw);
		assert.equal(isUtf8Name(raw), roundTrip, raw.toString('hex'));
		if (roundTrip) utf8++;
	}
	assert.ok(utf8 > 200 && utf8 < 4800, `${utf8} of 5000 names are UTF-8`);
	assert.equal(isUtf8Name(Buffer.from('g\xe4st.xml', 'latin1')), false);
	assert.equal(nameOf(Buffer.from('g\xe4st.xml', 'latin1')), 'g\\xE4st.xml');
	assert.equal(isUtf8Name(Buffer.from('gäst.xml')), true);
});

test('a declared encoding decodes only bytes that are not UTF-8, and never as UTF-16: ASCII stays the text libvirt reads', () => {
	const ascii = "<?xml version='1.0' encoding='ISO-10646-UCS-2'?>\n<domain type='kvm'><name>x</name></domain>\n";
	assert.equal(decodeBytes(Buffer.from(ascii, 'latin1')).text, ascii);
	const latin1 = "<?xml version='1.0' encoding='ISO-8859-1'?>\n<domain type='kvm'><name>é</name></domain>\n";
	const read = decodeBytes(Buffer.from(latin1, 'latin1'));
	assert.equal(read.text, latin1, 'Latin-1 bytes are shown as the characters they declare');
	assert.ok(read.encodingProblem?.libxml2, 'and libvirt, reading UTF-8, still refuses them');
	assert.equal(read.encodingProblem?.offset, latin1.indexOf('é'));
});
