/**
 * The cross-guest rules: checks of one document against the other guests of its workspace or host,
 * through LanguageSettings.workspace, and against the labels images carry on disk, through
 * LanguageSettings.imageLabels. Without them they find nothing.
 */
import type { Rule } from './rule';
import { rule as sharedImageNotShareable } from './shared-image-not-shareable';
import { rule as shareableMismatch } from './shareable-mismatch';
import { rule as sharedImagePrivateCategories } from './shared-image-private-categories';
import { rule as mcsLevelCollision } from './mcs-level-collision';
import { rule as sharedImageReadonlyRelabel } from './shared-image-readonly-relabel';
import { rule as imageInUse } from './image-in-use';
import { rule as imageLabelPrelabelMismatch } from './image-label-prelabel-mismatch';
import { rule as imageLabelNotRemembered } from './image-label-not-remembered';

export const workspaceRules: readonly Rule[] = [
	sharedImageNotShareable,
	shareableMismatch,
	sharedImagePrivateCategories,
	mcsLevelCollision,
	sharedImageReadonlyRelabel,
	imageInUse,
	imageLabelPrelabelMismatch,
	imageLabelNotRemembered,
];
