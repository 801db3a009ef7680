import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const script = path.join(root, 'scripts', 'docker-entrypoint.sh');

/** The image's entry point (read and run with a stand-in `node`: no Docker engine here). */
describe('scripts/docker-entrypoint.sh', () => {
  const stubs = mkdtempSync(path.join(tmpdir(), 'entrypoint-'));
  writeFileSync(path.join(stubs, 'node'), '#!/bin/sh\necho "$@"\n');
  chmodSync(path.join(stubs, 'node'), 0o755);
  afterAll(() => rmSync(stubs, { recursive: true, force: true }));
  const nodeArgs = (...args: string[]) => execFileSync('sh', [script, ...args], { env: { PATH: `${stubs}:/usr/bin:/bin` }, encoding: 'utf8' }).trim();
  const cli = `${path.join(root, 'scripts')}/../bin/switchyard`;

  it('is the Dockerfile entry point', () => {
    expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/^ENTRYPOINT \["\/app\/scripts\/docker-entrypoint\.sh"\]$/m);
  });

  it('runs the worker with a small V8 heap growth, the API with a 4 MB young generation, other commands with neither', () => {
    expect(nodeArgs('worker')).toBe(`--heap-growing-percent=15 ${cli} worker`);
    expect(nodeArgs('api', '--port', '3000')).toBe(`--max-semi-space-size=4 ${cli} api --port 3000`);
    expect(nodeArgs('recipe', 'check', 'worker')).toBe(`${cli} recipe check worker`);
  });
});
