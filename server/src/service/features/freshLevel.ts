/**
 * A fresh MCS category pair, drawn the way libvirt draws one for a dynamic label
 * (src/security/security_selinux.c, virSecuritySELinuxMCSFind): two random categories in the
 * daemon's window, retried while equal, sorted ascending, retried while the level is already taken.
 */

/** The sensitivity and category numbers libvirt draws from (the daemon's own range). */
export interface CategoryWindow {
	readonly sensitivity: string;
	readonly min: number;
	readonly max: number;
}

export const DEFAULT_CATEGORY_WINDOW: CategoryWindow = { sensitivity: 's0', min: 0, max: 1023 };

/** Random draws before falling back to a scan; libvirt loops for ever, an editor must not. */
const MAX_DRAWS = 1000;

/**
 * Returns `sens:cA,cB` with A < B, both inside the window, that is not in `used`. `used` holds
 * canonical levels or ranges (`s0:c1,c2`, `s0-s0:c0.c1023`); a pair counts as taken when it equals
 * a used level or the low or high level of a used range, which is what libvirt's exact-string hash
 * of generated levels amounts to. `random` returns numbers in [0, 1) like Math.random, so that a
 * test can make the draw deterministic. Throws when the window holds fewer than two categories or
 * every pair in it is taken.
 */
export function freshCategoryPair(used: ReadonlySet<string>, random: () => number, window: CategoryWindow = DEFAULT_CATEGORY_WINDOW): string {
	const size = window.max - window.min + 1;
	if (!Number.isInteger(size) || size < 2) {
		throw new Error(`Category range c${window.min}-c${window.max} is too small for a pair`);
	}
	const taken = takenLevels(used);
	const level = (a: number, b: number) => `${window.sensitivity}:c${window.min + a},c${window.min + b}`;
	for (let draw = 0; draw < MAX_DRAWS; draw++) {
		let first = Math.floor(random() * size);
		let second = Math.floor(random() * size);
		if (first === second || first < 0 || second < 0 || first >= size || second >= size) {
			continue;
		}
		if (first > second) {
			[first, second] = [second, first];
		}
		const candidate = level(first, second);
		if (!taken.has(candidate)) {
			return candidate;
		}
	}
	// Nearly every pair is taken: scan in order so that a free one is still found when it exists.
	for (let first = 0; first < size; first++) {
		for (let second = first + 1; second < size; second++) {
			const candidate = level(first, second);
			if (!taken.has(candidate)) {
				return candidate;
			}
		}
	}
	throw new Error(`Every category pair in ${window.sensitivity}:c${window.min}.c${window.max} is in use`);
}

/** Taken levels per `used` set: a workspace passes one set (cached per index generation) for every guest it checks. */
const takenMemo = new WeakMap<ReadonlySet<string>, Set<string>>();

function takenLevels(used: ReadonlySet<string>): Set<string> {
	const memo = takenMemo.get(used);
	if (memo) {
		return memo;
	}
	const taken = computeTakenLevels(used);
	takenMemo.set(used, taken);
	return taken;
}

/** Every level a used entry stands for: itself, and both ends when it is a range. */
function computeTakenLevels(used: ReadonlySet<string>): Set<string> {
	const taken = new Set<string>();
	for (const entry of used) {
		taken.add(entry);
		const dash = entry.indexOf('-');
		if (dash >= 0) {
			taken.add(entry.slice(0, dash));
			taken.add(entry.slice(dash + 1));
		}
	}
	return taken;
}
