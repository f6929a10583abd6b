/**
 * The cross-guest rules: checks of one document against the other guests of its workspace or host,
 * through LanguageSettings.workspace. Without a workspace they find nothing.
 */
import type { Rule } from './rule';
import { rule as sharedImageNotShareable } from './shared-image-not-shareable';
import { rule as shareableMismatch } from './shareable-mismatch';
import { rule as sharedImagePrivateCategories } from './shared-image-private-categories';
import { rule as mcsLevelCollision } from './mcs-level-collision';

export const workspaceRules: readonly Rule[] = [
	sharedImageNotShareable,
	shareableMismatch,
	sharedImagePrivateCategories,
	mcsLevelCollision,
];
