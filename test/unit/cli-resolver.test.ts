import { describe, expect, it } from 'vitest';
import { BinaryNotFoundError, resolveBinary, TEMPORAL_CLI } from '../../src/temporal/cli-resolver';

describe('Temporal CLI resolution', () => {
  it('prefers the TEMPORAL_CLI env var', () => {
    expect(resolveBinary(TEMPORAL_CLI, { TEMPORAL_CLI: process.execPath, PATH: '' })).toEqual({ path: process.execPath, via: 'env' });
  });

  it('rejects an env var that names no file, in one line', () => {
    expect(() => resolveBinary(TEMPORAL_CLI, { TEMPORAL_CLI: '/nope/temporal', PATH: '' })).toThrow(BinaryNotFoundError);
  });

  it('falls back to the project-local venv when nothing is on PATH', () => {
    const found = resolveBinary(TEMPORAL_CLI, { PATH: '' });
    expect(found.via).toBe('venv');
    expect(found.path).toMatch(/\.tools\/venv\/bin\/temporal$/);
  });
});
