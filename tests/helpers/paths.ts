// Where Kaizen's own files are, for tests that run its CLI, copy its sample repository or
// use its bundled ESLint.
import { join } from 'node:path';

export const KAIZEN_ROOT = join(import.meta.dirname, '..', '..');
export const SAMPLE_REPO = join(KAIZEN_ROOT, 'examples', 'sample-repo');
