import { join } from 'node:path';

/** The repository's root, from out/test/support where the tests run. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
