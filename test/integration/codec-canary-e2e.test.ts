import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { actionCatalog } from '../../connectors/registry';
import type { Config } from '../../src/config/config';
import { compileRecipe } from '../../src/recipe/compile';
import type { ApiHandle } from '../../src/runtime/api';
import type { Store } from '../../src/store/store';
import { startTestEngine, type TestEngine } from '../support/engine';
import { call } from './api-harness';

const run = promisify(execFile);

/** The canary as plaintext and in each base64 alignment. */
function needles(canary: string): string[] {
  const forms = [canary];
  for (let shift = 0; shift < 3; shift++) forms.push(Buffer.from('x'.repeat(shift) + canary).toString('base64').slice(Math.ceil((shift * 4) / 3) + 1, -4));
  return forms;
}

/** A stand-in for Intercom's POST /tags that records what it was sent. */
async function fakeIntercom(): Promise<{ url: string; seen: { authorization?: string; body: string }[]; close(): Promise<void> }> {
  const seen: { authorization?: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ authorization: req.headers.authorization, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'tag', id: '17513', name: (JSON.parse(body) as { name: string }).name }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Full stack: API token → connection with canary credentials → posted event with a canary → real run. */
describe('canary sweep through the whole engine', () => {
  const credentialCanary = `CREDCANARY${randomBytes(16).toString('hex')}`;
  const payloadCanary = `DATACANARY${randomBytes(16).toString('hex')}`;
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  let engine: TestEngine;
  let config: Config;
  let store: Store;
  let client: Client;
  let api: ApiHandle;
  let intercom: Awaited<ReturnType<typeof fakeIntercom>>;

  beforeAll(async () => {
    intercom = await fakeIntercom();
    engine = await startTestEngine('canary', { SWITCHYARD_ADMIN_TOKEN: admin });
    ({ config, store, client, api } = engine);
  }, 120_000);
  afterAll(async () => {
    await engine?.stop();
    await intercom?.close();
  });

  it('finds no canary in raw history or the database, while the vendor received both', async () => {
    const created = await call(api.url, 'POST', '/api/v1/connections', {
      token: admin,
      body: { id: 'intercom-canary', connector: 'intercom', name: 'Intercom', credentials: { accessToken: credentialCanary }, baseUrl: intercom.url },
    });
    expect(created.status).toBe(201);
    const recipe = {
      id: 'canary-tag',
      name: 'Tag from a posted event',
      trigger: { type: 'event', event: 'canary.posted' },
      steps: [{ id: 'tag', action: 'intercom.tag', connection: 'intercom-canary', input: { name: '{{ trigger.secret }}', contacts: ['c-1'] } }],
    };
    const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map([['intercom-canary', 'intercom']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.recipes.apply(recipe, compiled.plan);
    api.plans.invalidate();

    const posted = await call(api.url, 'POST', '/api/v1/events', { token: admin, body: { topic: 'canary.posted', id: randomUUID(), data: { secret: payloadCanary } } });
    expect(posted.status).toBe(202);
    const runId: string = posted.body.runs[0].runId;
    const result = (await client.workflow.getHandle(runId).result()) as { status: string; steps: Record<string, { output?: unknown }> };
    expect(result.status).toBe('succeeded');
    // Decoded by the client: the output carries the payload canary back.
    expect(JSON.stringify(result.steps.tag?.output)).toContain(payloadCanary);
    expect(intercom.seen).toHaveLength(1);
    expect(intercom.seen[0]!.authorization).toBe(`Bearer ${credentialCanary}`);
    expect(intercom.seen[0]!.body).toContain(payloadCanary);

    const { stdout: history } = await run(inject('temporalCliPath'), ['workflow', 'show', '--workflow-id', runId, '--output', 'json', '--address', inject('temporalAddress')], { maxBuffer: 64 * 1024 * 1024 });
    expect(history).toContain('EVENT_TYPE_ACTIVITY_TASK_COMPLETED');
    for (const canary of [credentialCanary, payloadCanary]) for (const needle of needles(canary)) expect(history.includes(needle), `history contains ${needle}`).toBe(false);

    const dbFile = config.databaseUrl.slice('sqlite:'.length);
    const dump = [dbFile, `${dbFile}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
    expect(dump.length).toBeGreaterThan(0);
    expect(dump).toContain('intercom-canary');
    for (const secret of [credentialCanary, admin]) for (const needle of needles(secret)) expect(dump.includes(needle), `database contains ${needle}`).toBe(false);
  });
});
