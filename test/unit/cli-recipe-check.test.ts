import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '../..');

describe('switchyard recipe check, as a user types it', () => {
  it('`bin/switchyard recipe check recipes/*.json` passes: the shell glob meets only recipes', async () => {
    const { stdout, stderr } = await promisify(execFile)('sh', ['-c', 'bin/switchyard recipe check recipes/*.json'], { cwd: repoRoot, timeout: 60_000 });
    expect(stderr).toBe('');
    const recipes = readdirSync(path.join(repoRoot, 'recipes')).filter((f) => f.endsWith('.json'));
    expect(stdout.trim()).toBe(`${recipes.length} recipes checked: 0 errors, 0 warnings`);
  });
});
