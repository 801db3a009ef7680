import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config';
import { loadKeyRing } from '../../src/security/key-ring';
import { payloadDataConverter } from '../../src/security/payload-codec';
import { freePort } from '../../src/temporal/dev-server';
import { groupPids, isAlive, listeningAddresses, spawnDev, type DevProcess } from '../support/dev-process';
import { startSink, type Sink } from '../support/sink';
import { waitFor, runResult } from '../support/temporal';
import { signIntercom } from '../support/intercom-webhooks';

/**
 * `npm start` as a user runs it: kill -9 of the whole tree while an activity runs, start again
 * on the same data, and the run completes without repeating its completed step; Ctrl-C then
 * leaves no process of ours behind. The first start runs the embedded server with
 * SWITCHYARD_TEMPORAL_SQLITE_SYNC=normal (no fsync per commit), which must survive a process crash.
 */
describe('switchyard dev across a kill -9', () => {
  let sink: Sink;
  const running: DevProcess[] = [];

  afterAll(async () => {
    for (const dev of running) {
      try {
        process.kill(-dev.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sink?.close();
  });

  it('resumes an in-flight run after restart and stops cleanly on Ctrl-C', { timeout: 300_000 }, async () => {
    sink = await startSink();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-dev-'));
    const recipesDir = path.join(dataDir, 'recipes');
    mkdirSync(recipesDir);
    writeFileSync(
      path.join(recipesDir, 'two-steps.json'),
      JSON.stringify({
        id: 'two-steps',
        name: 'Two steps to the sink',
        trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.created' },
        steps: [
          { id: 'first', action: 'webhook.post', input: { url: `${sink.url}/first`, body: { n: 1 } } },
          { id: 'second', action: 'webhook.post', input: { url: `${sink.url}/second`, body: { n: 2 } }, timeout: '3s' },
        ],
      }),
    );
    const env = {
      PORT: String(await freePort()),
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_RECIPES_DIR: recipesDir,
      SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32',
      LOG_LEVEL: 'warn',
    };

    const first = spawnDev({ ...env, SWITCHYARD_TEMPORAL_SQLITE_SYNC: 'normal' });
    running.push(first);
    const [, apiUrl] = await first.waitForLine(/API\s+(http:\/\/\S+)/);
    const [, secret] = await first.waitForLine(/^SECRET='([0-9a-f]+)'/);
    expect(first.output.join('\n')).toMatch(/Recipes\s+1 loaded/);
    // Nothing `npm start` runs (API, Temporal frontend, its HTTP API, UI, metrics) listens beyond loopback.
    const pids = [...groupPids(first.child.pid!), Number(readFileSync(path.join(dataDir, 'temporal.pid'), 'utf8'))];
    const listening = listeningAddresses(pids);
    expect(listening).toEqual(expect.arrayContaining([`127.0.0.1:${env.PORT}`, `127.0.0.1:${env.TEMPORAL_DEV_PORT}`, `127.0.0.1:${env.TEMPORAL_UI_PORT}`]));
    expect(listening.filter((a) => !a.startsWith('127.0.0.1:') && !a.startsWith('[0000:0000:0000:0000:0000:0000:0000:0001]:'))).toEqual([]);

    sink.hold();
    const body = JSON.stringify({
      type: 'notification_event',
      id: `notif_${randomUUID()}`,
      topic: 'conversation.user.created',
      created_at: 1764230400,
      data: { item: { type: 'conversation', id: 'c-restart', source: { subject: 'Restart me' } } },
    });
    // First step answers at once; the second is held open, so the kill lands mid-activity.
    const res = await fetch(`${apiUrl}/hooks/intercom-main`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, secret!) },
      body,
    });
    expect(res.status).toBe(202);
    const { runs } = (await res.json()) as { runs: { recipe: string; runId: string }[] };
    const runId = runs.find((r) => r.recipe === 'two-steps')!.runId;
    await waitFor(async () => sink.requests.some((r) => r.url === '/first'), 'first step to reach the sink', 60_000);
    sink.release();
    sink.hold();
    await waitFor(async () => sink.requests.some((r) => r.url === '/second'), 'second step in flight', 60_000);

    const temporalPid = Number(readFileSync(path.join(dataDir, 'temporal.pid'), 'utf8'));
    expect(commandLine(temporalPid)).toContain('synchronous=normal');
    process.kill(-first.child.pid!, 'SIGKILL');
    await first.exited;
    await waitFor(async () => !isAlive(temporalPid), 'the killed Temporal server to be gone', 10_000);
    sink.release();

    const second = spawnDev(env);
    running.push(second);
    await second.waitForLine(/Switchyard is running/);
    // History is encrypted: read results with the same key ring the engine generated into the data dir.
    const client = new Client({
      connection: await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_PORT}` }),
      dataConverter: payloadDataConverter(loadKeyRing(parseConfig(env))),
    });
    const result = (await runResult<{ status: string }>(client, runId));
    await client.connection.close();
    expect(result.status).toBe('succeeded');
    expect(sink.requests.filter((r) => r.url === '/first')).toHaveLength(1);
    expect(sink.requests.filter((r) => r.url === '/second').length).toBeGreaterThanOrEqual(2);

    const secondTemporalPid = Number(readFileSync(path.join(dataDir, 'temporal.pid'), 'utf8'));
    expect(commandLine(secondTemporalPid)).toContain('synchronous=full');
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await second.exited).toBe(0);
    await waitFor(async () => !isAlive(secondTemporalPid), 'Temporal to stop after Ctrl-C', 15_000);
    const probe = await fetch(`${apiUrl}/healthz`).then(
      () => 'still answering',
      () => 'closed',
    );
    expect(probe).toBe('closed');
  });
});

function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}
