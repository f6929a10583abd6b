/**
 * The SELinux and security-model semantics catalogue (issue #3): what libvirt's parser accepts as
 * free text but SELinux, the DAC or the AppArmor driver refuse when the guest starts, in
 * documentation order: context grammar, names, levels between labels, then the other models.
 */
import type { Rule } from './rule';
import { rule as selinuxContextSyntax } from './selinux-context-syntax';
import { rule as selinuxLevelMissing } from './selinux-level-missing';
import { rule as selinuxRangeNotDominating } from './selinux-range-not-dominating';
import { rule as selinuxLevelUndefined } from './selinux-level-undefined';
import { rule as selinuxLevelNotCanonical } from './selinux-level-not-canonical';
import { rule as selinuxRoleTypeMismatch } from './selinux-role-type-mismatch';
import { rule as selinuxTypeUnknown } from './selinux-type-unknown';
import { rule as selinuxUserNotAuthorized } from './selinux-user-not-authorized';
import { rule as selinuxTypeAlias } from './selinux-type-alias';
import { rule as selinuxMcsMismatch } from './selinux-mcs-mismatch';
import { rule as shareablePrivateCategories } from './shareable-private-categories';
import { rule as staticRelabelNoPrelabel } from './static-relabel-no-prelabel';
import { rule as unconfinedNeedsBoolean } from './unconfined-needs-boolean';
import { rule as staticLevelWeakIsolation } from './static-level-weak-isolation';
import { rule as tcgNeedsExecmem } from './tcg-needs-execmem';
import { rule as baselabelOnlyType } from './baselabel-only-type';
import { rule as modelUnavailable } from './model-unavailable';
import { rule as dacLabelSyntax } from './dac-label-syntax';
import { rule as apparmorLabelFormat } from './apparmor-label-format';
import { rule as apparmorBaselabel } from './apparmor-baselabel';

export const selinuxRules: readonly Rule[] = [
	selinuxContextSyntax,
	selinuxLevelMissing,
	selinuxRangeNotDominating,
	selinuxLevelUndefined,
	selinuxLevelNotCanonical,
	selinuxRoleTypeMismatch,
	selinuxTypeUnknown,
	selinuxUserNotAuthorized,
	selinuxTypeAlias,
	selinuxMcsMismatch,
	shareablePrivateCategories,
	staticRelabelNoPrelabel,
	unconfinedNeedsBoolean,
	staticLevelWeakIsolation,
	tcgNeedsExecmem,
	baselabelOnlyType,
	modelUnavailable,
	dacLabelSyntax,
	apparmorLabelFormat,
	apparmorBaselabel,
];
