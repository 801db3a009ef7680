import path from 'node:path';

/** The repository root: where `data/`, `.tools/` and the example recipes live by default. */
export const projectRoot = path.resolve(__dirname, '..');
