#!/usr/bin/env node
// Draws the extension icon (images/icon.png, 128x128): a white security label tag with a red
// eyelet on a dark blue rounded square. Written with zlib only so that no image tool is needed;
// run it again after changing the drawing.
import { deflateSync } from 'zlib';
import { writeFileSync } from 'fs';

const SIZE = 128;
const SAMPLES = 4;

/** The colour of a point, or null outside the icon; later shapes paint over earlier ones. */
function colourAt(x, y) {
	const corner = 22;
	const cx = Math.min(Math.max(x, corner), SIZE - corner);
	const cy = Math.min(Math.max(y, corner), SIZE - corner);
	if ((x - cx) ** 2 + (y - cy) ** 2 > corner ** 2) {
		return null;
	}
	// The tag: a rectangle whose left end is a point, tilted by 30 degrees around the centre.
	const angle = -Math.PI / 6;
	const u = (x - 64) * Math.cos(angle) - (y - 64) * Math.sin(angle);
	const v = (x - 64) * Math.sin(angle) + (y - 64) * Math.cos(angle);
	const halfHeight = 24;
	const inTag = u <= 44 && Math.abs(v) <= halfHeight && u >= -52 + Math.abs(v);
	if (inTag) {
		const eyelet = (u + 24) ** 2 + v ** 2;
		if (eyelet <= 7 ** 2) {
			return [31, 78, 121];
		}
		if (eyelet <= 11 ** 2) {
			return [204, 51, 51];
		}
		// Three text lines on the tag stand for the label's user:role:type.
		if (u >= -6 && u <= 34 && [-10, 0, 10].some((line) => Math.abs(v - line) <= 2.2)) {
			return [31, 78, 121];
		}
		return [255, 255, 255];
	}
	return [31, 78, 121];
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
	raw[y * (SIZE * 4 + 1)] = 0;
	for (let x = 0; x < SIZE; x++) {
		// Supersampling smooths the edges.
		let r = 0, g = 0, b = 0, a = 0;
		for (let sy = 0; sy < SAMPLES; sy++) {
			for (let sx = 0; sx < SAMPLES; sx++) {
				const colour = colourAt(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
				if (colour) {
					r += colour[0]; g += colour[1]; b += colour[2]; a += 1;
				}
			}
		}
		const offset = y * (SIZE * 4 + 1) + 1 + x * 4;
		raw[offset] = a ? Math.round(r / a) : 0;
		raw[offset + 1] = a ? Math.round(g / a) : 0;
		raw[offset + 2] = a ? Math.round(b / a) : 0;
		raw[offset + 3] = Math.round((a / (SAMPLES * SAMPLES)) * 255);
	}
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) {
		c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	}
	return c >>> 0;
});
function crc32(buffer) {
	let c = 0xffffffff;
	for (const byte of buffer) {
		c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
	}
	return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8;
header[9] = 6;
const png = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	chunk('IHDR', header),
	chunk('IDAT', deflateSync(raw)),
	chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('icon.png', import.meta.url), png);
console.log(`wrote images/icon.png (${png.length} bytes)`);
