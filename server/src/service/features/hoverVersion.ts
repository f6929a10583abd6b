/**
 * Which libvirt version's rules a hover speaks for, and where that version came from: the rules
 * differ between releases (messages, limits, what a type-less seclabel means), so a user reading
 * "libvirt refuses this" must be able to see for which libvirt.
 */
import type { LanguageSettings } from '../types';
import { NEWEST_VERSION, targetVersion } from '../version';

/** One Markdown line for the hover of a domain seclabel. */
export function versionLine(settings: LanguageSettings): string {
	const version = targetVersion(settings.libvirtVersion).text;
	switch (settings.libvirtVersionSource ?? (settings.libvirtVersion ? 'setting' : 'default')) {
		case 'setting':
			return `*Rules of libvirt ${version}* (setting \`libvirtSeclabel.libvirtVersion\`).`;
		case 'auto':
			return `*Rules of libvirt ${version}*, the local \`virsh --version\` (setting \`libvirtSeclabel.libvirtVersion\`: \`auto\`).`;
		case 'auto-unavailable':
			return `*Rules of libvirt ${NEWEST_VERSION}*, the default target: \`auto\` is set but \`virsh --version\` did not answer.`;
		case 'default':
			return `*Rules of libvirt ${NEWEST_VERSION}*, the default target (set \`libvirtSeclabel.libvirtVersion\` to your host's version, or \`auto\`).`;
	}
}
