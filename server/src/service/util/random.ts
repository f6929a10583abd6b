/**
 * Seeded pseudo-random numbers (mulberry32): fresh MCS pairs that stay the same from one request
 * to the next for the same document, and reproducible test inputs on every machine.
 */
export type Random = () => number;

/** mulberry32 over a 32-bit seed: small, fast and good enough to pick values reproducibly. */
export function mulberry32(seed: number): Random {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** mulberry32 seeded by a string (hashed with FNV-1a). */
export function stringSeededRandom(seed: string): Random {
	let state = 0x811c9dc5;
	for (let i = 0; i < seed.length; i++) {
		state ^= seed.charCodeAt(i);
		state = Math.imul(state, 0x01000193) >>> 0;
	}
	return mulberry32(state);
}
