/**
 * Every rule the service knows. Each group of rules lives in its own catalogue file so that work on
 * one group does not touch another's list; this file only joins them.
 */
import { coreRules } from './coreRules';
import type { Rule } from './rule';
import { selinuxRules } from './selinuxRules';
import { workspaceRules } from './workspaceRules';

export const allRules: readonly Rule[] = [...coreRules, ...selinuxRules, ...workspaceRules];

const byId = new Map(allRules.map((rule) => [rule.id, rule]));

export function ruleById(id: string): Rule | undefined {
	return byId.get(id);
}
