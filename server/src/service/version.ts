/**
 * libvirt versions whose behaviour the rules know. Rules differ between versions (for example a
 * device seclabel with relabel='yes' and no label is dropped by 9.0.0 and refused by 10.7.0); a
 * version between two known ones behaves like the nearest known version below it.
 */
export const KNOWN_VERSIONS = ['9.0.0', '10.7.0'] as const;
export const NEWEST_VERSION = KNOWN_VERSIONS[KNOWN_VERSIONS.length - 1];

export interface Version {
	readonly major: number;
	readonly minor: number;
	readonly micro: number;
	readonly text: string;
}

export function parseVersion(text: string): Version | undefined {
	const match = /^\s*(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?\s*$/.exec(text);
	if (!match) {
		return undefined;
	}
	const major = Number(match[1]);
	const minor = Number(match[2]);
	const micro = Number(match[3] ?? '0');
	return { major, minor, micro, text: `${major}.${minor}.${micro}` };
}

export function compareVersions(a: Version, b: Version): number {
	return a.major - b.major || a.minor - b.minor || a.micro - b.micro;
}

/** True when `version` is at least `than` (`X.Y.Z`). */
export function atLeast(version: Version, than: string): boolean {
	return compareVersions(version, parseVersion(than)!) >= 0;
}
