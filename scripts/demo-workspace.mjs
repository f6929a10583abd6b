// The workspace `npm start` opens: a fresh copy of examples/ under .tools/demo/workspace/examples,
// made anew at every start, so that the demo (quick fixes, fix-all on save, a user's typing) never
// edits the tracked files and each demo starts from the examples as committed.
import { cpSync, mkdirSync, rmSync } from 'fs';
import { join } from 'path';

/** Replaces `<demoDir>/workspace/examples` with a copy of `examplesDir`; returns the copy's path. */
export function refreshDemoWorkspace(examplesDir, demoDir) {
	const workspace = join(demoDir, 'workspace', 'examples');
	rmSync(workspace, { recursive: true, force: true });
	mkdirSync(join(demoDir, 'workspace'), { recursive: true });
	cpSync(examplesDir, workspace, { recursive: true });
	return workspace;
}
