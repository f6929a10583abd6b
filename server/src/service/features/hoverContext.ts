/**
 * Hover text for a label's value: an SELinux context decoded part by part (user, role, type, and
 * the level with its sensitivity, categories, canonical form and mcstrans translation), or what a
 * DAC owner or AppArmor profile name means.
 */
import { canonicalLevel, canonicalRange, parseContext, type ParsedLevel } from '../selinux/context';
import { SELINUX_ROLES, SELINUX_USERS, type SelinuxCatalogue } from '../selinux/catalogue';

/** How many categories a hover lists one by one before it summarises the rest. */
const LISTED_CATEGORIES = 12;

/** `c1, c2, c5 … c1023 (1024 categories)`: ranges expanded, long lists cut. */
export function describeCategories(categories: readonly number[]): string {
	if (categories.length === 0) {
		return 'none';
	}
	const names = categories.map((category) => `c${category}`);
	const count = `${categories.length} ${categories.length === 1 ? 'category' : 'categories'}`;
	if (names.length <= LISTED_CATEGORIES) {
		return `${names.join(', ')} (${count})`;
	}
	return `${names.slice(0, LISTED_CATEGORIES - 1).join(', ')}, … ${names[names.length - 1]} (${count})`;
}

function describeLevel(name: string, level: ParsedLevel): string {
	return `- **${name}** \`${level.text.text.trim()}\`: sensitivity \`${level.sensitivity.text.trim()}\`, categories ${describeCategories(level.categories)}`;
}

/** Markdown explaining an SELinux context, for a label of the given element. */
export function describeSelinuxContext(value: string, elementName: string, catalogue: SelinuxCatalogue): string {
	const parsed = parseContext(value);
	const lines: string[] = [`**SELinux context** \`${value}\``, ''];
	if (parsed.user) {
		const user = SELINUX_USERS.find((candidate) => candidate.name === parsed.user!.text);
		lines.push(`- **user** \`${parsed.user.text}\`: ${user?.doc ?? (catalogue.users.has(parsed.user.text) ? 'defined by the host\'s policy.' : 'not a user the catalogue knows.')}`);
	}
	if (parsed.role) {
		const role = SELINUX_ROLES.find((candidate) => candidate.name === parsed.role!.text);
		lines.push(`- **role** \`${parsed.role.text}\`: ${role?.doc ?? (catalogue.roles.has(parsed.role.text) ? 'defined by the host\'s policy.' : 'not a role the catalogue knows.')}`);
	}
	if (parsed.type) {
		const alias = catalogue.aliasOf(parsed.type.text);
		const info = catalogue.typeInfo(parsed.type.text);
		const aliasNote = alias ? ` (an alias of \`${alias}\`, which the kernel prints)` : '';
		const known = info ? `${info.kind} type${aliasNote}: ${info.doc}` : catalogue.types.has(parsed.type.text) ? `defined by the host's policy${aliasNote}.` : 'not a type the catalogue knows.';
		lines.push(`- **type** \`${parsed.type.text}\`: ${known}`);
	}
	if (parsed.low && parsed.high) {
		const isRange = parsed.low !== parsed.high;
		if (isRange) {
			lines.push(`- **range** \`${parsed.range!.text.trim()}\`: a low and a high level, for processes that may use several levels`);
			lines.push(`  ${describeLevel('low', parsed.low)}`);
			lines.push(`  ${describeLevel('high', parsed.high)}`);
		} else {
			lines.push(describeLevel('level', parsed.low));
		}
		if (parsed.problems.length === 0) {
			const canonical = canonicalRange(parsed.low, parsed.high);
			const written = parsed.range!.text.trim();
			lines.push(`- **canonical** \`${canonical}\`${canonical === written ? ' (as written)' : ' (how the kernel prints it)'}`);
			const translation = catalogue.translate(canonical);
			if (translation !== undefined) {
				lines.push(`- **translation** ${translation} (mcstrans, setrans.conf of ${catalogue.policyName ?? catalogue.source})`);
			}
			if (!isRange && parsed.low.categories.length === 0 && elementName !== 'baselabel') {
				lines.push('', 'No categories: every confined guest may use what carries this level.');
			}
		}
	} else if (parsed.type && elementName !== 'baselabel') {
		lines.push('- **level** missing: MCS and MLS policies (Fedora and RHEL targeted) refuse a context without one.');
	}
	if (elementName === 'baselabel') {
		lines.push('', 'libvirt keeps only the **type** of a base label: user and role come from the daemon, the level is the generated pair.');
	}
	if (parsed.problems.length > 0) {
		lines.push('', ...parsed.problems.map((problem) => `⚠ ${problem.message}`));
	}
	return lines.join('\n');
}

/** Markdown for a DAC label (`user:group`, `+uid:+gid`). */
export function describeDacLabel(value: string): string {
	const colon = value.indexOf(':');
	if (colon < 0) {
		return `**DAC owner** \`${value}\`: libvirt needs \`user:group\` and fails at start without the \`:\` ("Failed to parse uid and gid").`;
	}
	const part = (text: string, what: string) => text.startsWith('+') ? `numeric ${what} id ${text.slice(1)}` : `${what} name \`${text}\` (looked up on the host; \`+N\` forces a number)`;
	return `**DAC owner** \`${value}\`\n\n- **user**: ${part(value.slice(0, colon), 'user')}\n- **group**: ${part(value.slice(colon + 1), 'group')}`;
}

/** The canonical level, or undefined when the text is not a clean context. */
export function contextLevel(value: string): string | undefined {
	const parsed = parseContext(value);
	return parsed.low && parsed.problems.length === 0 ? canonicalLevel(parsed.low) : undefined;
}
