/**
 * Where the tests find libvirt's own test data: `test/data/libvirt/` inside the repository (libvirt's
 * LGPL-2.1-or-later test files with their COPYING.LESSER, and the project's derived probes; see its
 * README.md). One place, so that no test reaches outside the clone.
 */
import * as path from 'path';

/** The repository root, from the compiled file (out/test/support) or the source (test/support). */
export const REPOSITORY_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');

/** libvirt's test inputs, manifests and derived probes. */
export const CORPUS_DIR = path.join(REPOSITORY_ROOT, 'test', 'data', 'libvirt');
