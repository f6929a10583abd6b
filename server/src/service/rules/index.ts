/**
 * Every rule the service knows. Each group of rules lives in its own catalogue file so that work on
 * one group does not touch another's list; this file only joins them.
 */
import { coreRules } from './coreRules';
import type { Rule } from './rule';

export const allRules: readonly Rule[] = [...coreRules];

const byId = new Map(allRules.map((rule) => [rule.id, rule]));

export function ruleById(id: string): Rule | undefined {
	return byId.get(id);
}
