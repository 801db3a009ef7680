import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/temporal/dev-server';
import { spawnDev, type DevProcess } from '../support/dev-process';
import { waitFor } from '../support/temporal';

const root = path.resolve(__dirname, '..', '..');

describe('switchyard dev configuration', () => {
  let dev: DevProcess | undefined;
  afterAll(() => {
    if (dev?.child.pid) {
      try {
        process.kill(-dev.child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  it('exits non-zero before starting anything when a variable is bad, naming it in one line', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'bin', 'switchyard'), 'dev'], { env: { ...process.env, PORT: 'abc' }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual(['switchyard: PORT: expected a port number, got "abc"']);
  });

  it('with TEMPORAL_ADDRESS set, starts no server of its own and works against that one', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-ext-'));
    const devPort = await freePort();
    const port = await freePort();
    dev = spawnDev({
      PORT: String(port),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_TASK_QUEUE: `ext-${randomUUID()}`,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_RECIPES_DIR: path.join(dataDir, 'none'),
      LOG_LEVEL: 'warn',
    });
    const [, address] = await dev.waitForLine(/^\s+Temporal\s+(\S+)/);
    expect(address).toBe(inject('temporalAddress'));
    const ready = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, 'readyz 200', 30_000);
    expect(ready).toBe(true);
    expect(existsSync(path.join(dataDir, 'temporal.db'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'temporal.pid'))).toBe(false);
    const bound = await new Promise<boolean>((resolve) => {
      const socket = net.connect(devPort, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    expect(bound).toBe(false);
    process.kill(-dev.child.pid!, 'SIGINT');
    expect(await dev.exited).toBe(0);
  });
});
