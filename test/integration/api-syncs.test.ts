import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Command } from 'commander';
import { ApiClient, type ApiError } from '../../src/cli/remote/api-client';
import type { ApiCommandContext } from '../../src/cli/remote/api-command';
import { registerSyncCommand } from '../../src/cli/remote/syncs-command';
import { apiV1 } from '../../src/http/api';
import { syncRoutes } from '../../src/http/api/syncs-routes';
import { compileSync } from '../../src/recipe/sync-compile';
import { startSync } from '../../src/sync/control';
import type { Store } from '../../src/store/store';
import { TokenStore } from '../../src/store/tokens';
import { syncWorkflowId } from '../../workflows/sync-contract';
import type { StubSignal } from '../support/sync-stub.workflow';
import { call, serve } from '../support/api-harness';
import { openTestStore, storeBackends } from '../support/stores';
import { smallestContactsSync } from '../support/sync-definitions';
import { connectToDevServer, createTestWorker, waitFor } from '../support/temporal';

/** The syncs API on real SQLite and the real Temporal dev server, with a stub that keeps the sync workflow's contract. */
describe('syncs API', () => {
  const taskQueue = `syncs-api-${randomUUID()}`;
  const suffix = randomUUID().slice(0, 8);
  let store: Store;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let api: { url: string; close(): Promise<void> };
  let admin: string;
  let reader: string;
  const request = (method: string, path: string, token = admin) => call(api.url, method, path, { token });

  const definition = (id: string) => smallestContactsSync(id, { frequency: '30m', create: { right: true } });
  const applyDefinition = async (id: string) => {
    const compiled = compileSync(definition(id), { connections: new Map([['intercom-main', 'intercom'], ['salesforce-main', 'salesforce']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.syncs.apply(definition(id), compiled.plan);
  };
  const received = (id: string) => env.client.workflow.getHandle(syncWorkflowId(id)).query<StubSignal[]>('stub.received');

  beforeAll(async () => {
    store = await openTestStore(storeBackends[0].url());
    env = await connectToDevServer();
    worker = await createTestWorker(env, { taskQueue, workflowsPath: path.join(__dirname, '../support/sync-stub.workflow.ts') });
    running = worker.run();
    const tokens = new TokenStore(store.db);
    const { router } = apiV1({ tokens, rateLimit: { perMinute: 10_000, burstPerHour: 0 }, rotationGraceMs: 0, routeGroups: [syncRoutes({ syncs: store.syncs, transcripts: store.transcripts, client: env.client, taskQueue })] });
    api = await serve([router]);
    admin = (await tokens.create({ name: 'admin', scopes: ['recipes:read', 'recipes:write'] })).secret;
    reader = (await tokens.create({ name: 'reader', scopes: ['recipes:read'] })).secret;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    worker?.shutdown();
    await running;
    await env?.teardown();
    await store?.close();
  });

  it('shows a sync that has no workflow: counts, links and cursors from the store, and why the status is missing (not a 500)', async () => {
    const id = `contacts-${suffix}`;
    await applyDefinition(id);
    await store.syncs.saveCycle(
      id,
      [
        { leftId: 'ic-1', rightId: '003A', leftHash: 'a', rightHash: 'b', state: {} },
        { leftId: 'ic-2', rightId: '003B', leftHash: 'c', rightHash: 'd', state: {} },
      ],
      [
        { kind: 'write', side: 'right', recordId: '003A', otherId: 'ic-1', detail: { fields: ['fields[0]'] } },
        { kind: 'create', side: 'right', recordId: '003B', otherId: 'ic-2', detail: {} },
        { kind: 'write', side: 'left', recordId: 'ic-2', otherId: '003B', detail: {} },
        { kind: 'conflict', side: 'left', recordId: 'ic-1', otherId: '003A', detail: { field: 'fields[0]', winner: 'right' } },
        { kind: 'duplicate', side: 'left', recordId: 'ic-3', otherId: '003C', detail: { rule: 'match[0]' } },
      ],
      new Date('2026-03-01T10:00:00Z'),
    );
    await store.syncs.saveCycle(id, [], [{ kind: 'error', side: 'right', recordId: '003D', detail: { message: 'REQUIRED_FIELD_MISSING' } }], new Date('2026-03-01T10:05:00Z'));
    await store.syncs.saveCycle(id, [], [{ kind: 'merge', side: 'right', recordId: '003E', otherId: '003F', detail: { into: '003E', merged: '003F', candidates: ['003E', '003F'], for: 'ic-9' } }], new Date('2026-03-01T10:06:00Z'));
    await store.syncs.setCursor(id, 'left', '1740823200', new Date('2026-03-01T10:00:00Z'));

    const list = await request('GET', '/api/v1/syncs', reader);
    expect(list.status).toBe(200);
    expect(list.body.syncs.find((s: { id: string }) => s.id === id)).toMatchObject({
      id,
      enabled: true,
      paused: false,
      version: 1,
      left: { connection: 'intercom-main', connector: 'intercom', object: 'contact' },
      right: { connection: 'salesforce-main', connector: 'salesforce', object: 'Contact' },
      direction: 'both',
      frequency: '30m',
    });

    const shown = await request('GET', `/api/v1/syncs/${id}`, reader);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id,
      definition: { match: [{ left: 'email', right: 'Email' }], conflicts: 'newestWins', create: { left: false, right: true }, onDuplicate: 'report', pollMs: 1_800_000 },
      workflow: { id: `sync:${id}`, running: false, unavailable: `the workflow sync:${id} is not running (never started)` },
      lastCycle: { left: null, right: null },
      records: { linked: 2, written: { leftToRight: 1, rightToLeft: 1 }, created: { leftToRight: 1, rightToLeft: 0 }, conflicts: 1, duplicates: 1, merged: 1, errors: 1 },
      cursors: { left: { cursor: '1740823200', updatedAt: '2026-03-01T10:00:00.000Z' }, right: null },
    });

    const conflicts = await request('GET', `/api/v1/syncs/${id}/records?status=conflict`, reader);
    expect(conflicts.status).toBe(200);
    expect(conflicts.body.records).toHaveLength(1);
    expect(conflicts.body.records[0]).toMatchObject({ key: 'left:ic-1', side: 'left', recordId: 'ic-1', status: 'conflict' });
    // The record's whole history: its conflict, and the write into its counterpart that it was the source of.
    expect(conflicts.body.records[0].history.map((e: { kind: string; recordId: string }) => `${e.kind} ${e.recordId}`).sort()).toEqual(['conflict ic-1', 'write 003A']);

    const problems = await request('GET', `/api/v1/syncs/${id}/records`, reader);
    expect(problems.body.records.map((r: { key: string; status: string }) => `${r.status} ${r.key}`)).toEqual(['error right:003D', 'conflict left:ic-1', 'duplicate left:ic-3']);
    expect(problems.body.records[0].history).toEqual([expect.objectContaining({ kind: 'error', detail: { message: 'REQUIRED_FIELD_MISSING' }, at: '2026-03-01T10:05:00.000Z' })]);
  });

  it('answers bad input with 4xx JSON naming the field, an unknown sync with 404, and a signal to a workflow that is not running with 409', async () => {
    const id = `idle-${suffix}`;
    await applyDefinition(id);
    expect(await request('GET', `/api/v1/syncs/${id}/records?status=conflicts`)).toMatchObject({ status: 400, body: { error: { code: 'invalid_query', message: expect.stringMatching(/^query\.status: /) } } });
    expect(await request('GET', `/api/v1/syncs/${id}/records?limit=0`)).toMatchObject({ status: 400, body: { error: { code: 'invalid_query', message: expect.stringMatching(/^query\.limit: /) } } });
    expect(await request('POST', `/api/v1/syncs/${id}/records/ic-1/resync`)).toMatchObject({ status: 400, body: { error: { code: 'invalid_key', message: expect.stringMatching(/^params\.key: /) } } });
    expect(await request('GET', `/api/v1/syncs/nope-${suffix}`)).toMatchObject({ status: 404, body: { error: { code: 'unknown_sync' } } });
    expect((await request('POST', `/api/v1/syncs/nope-${suffix}/backfill`)).status).toBe(404);
    expect(await request('POST', `/api/v1/syncs/${id}/backfill`)).toMatchObject({
      status: 409,
      body: { error: { code: 'sync_not_running', message: `the workflow of sync ${id} (sync:${id}) is not running (never started); apply the sync to start it` } },
    });
    expect(await request('POST', `/api/v1/syncs/${id}/records/left:ic-1/resync`)).toMatchObject({ status: 409, body: { error: { code: 'sync_not_running' } } });
    // Pausing a sync whose workflow is not running is stored; the workflow reads it when it starts.
    expect(await request('POST', `/api/v1/syncs/${id}/pause`)).toMatchObject({ status: 200, body: { id, paused: true, signalled: false } });
    expect((await store.syncs.get(id))?.paused).toBe(true);
    expect((await request('POST', `/api/v1/syncs/${id}/pause`, reader)).status).toBe(403);
  });

  it('steers a running workflow: status from its query, resync, backfill, pause and resume as signals, delete cancels it', async () => {
    const id = `running-${suffix}`;
    await applyDefinition(id);
    await startSync(env.client, { taskQueue, syncId: id, args: [] });

    const shown = await waitFor(async () => {
      const answer = await request('GET', `/api/v1/syncs/${id}`);
      return answer.body.workflow?.phase ? answer : undefined;
    }, 'the workflow answers sync.status');
    expect(shown.body).toMatchObject({ workflow: { id: `sync:${id}`, running: true, phase: 'idle' }, lastCycle: { left: '2026-03-01T10:00:00.000Z', right: '2026-03-01T10:00:01.000Z' } });
    expect(shown.body.workflow.unavailable).toBeUndefined();

    const key = encodeURIComponent('right:003/A');
    expect(await request('POST', `/api/v1/syncs/${id}/records/${key}/resync`)).toMatchObject({ status: 202, body: { syncId: id, accepted: true } });
    expect((await request('POST', `/api/v1/syncs/${id}/backfill`)).status).toBe(202);
    expect(await request('POST', `/api/v1/syncs/${id}/pause`)).toMatchObject({ status: 200, body: { paused: true, signalled: true } });
    expect((await request('GET', `/api/v1/syncs/${id}`)).body).toMatchObject({ paused: true, workflow: { phase: 'paused' } });
    expect(await request('POST', `/api/v1/syncs/${id}/resume`)).toMatchObject({ status: 200, body: { paused: false, signalled: true } });
    expect(await received(id)).toEqual([
      { signal: 'sync.resync', arg: { side: 'right', id: '003/A' } },
      { signal: 'sync.backfill' },
      { signal: 'sync.paused', arg: { paused: true } },
      { signal: 'sync.paused', arg: { paused: false } },
    ]);

    expect((await request('DELETE', `/api/v1/syncs/${id}`)).status).toBe(204);
    expect(await store.syncs.get(id)).toBeUndefined();
    const closed = await waitFor(async () => {
      const d = await env.client.workflow.getHandle(syncWorkflowId(id)).describe();
      return d.status.name !== 'RUNNING' ? d : undefined;
    }, 'the workflow is cancelled');
    expect(closed.status.name).toBe('CANCELLED');
    expect(await request('DELETE', `/api/v1/syncs/${id}`)).toMatchObject({ status: 404, body: { error: { code: 'unknown_sync' } } });
    expect(await request('GET', `/api/v1/syncs/${id}`)).toMatchObject({ status: 404 });
  });

  it('the CLI: switchyard sync list|show|records|resync|pause|resume|backfill|delete', async () => {
    const cli = async (...argv: string[]) => {
      const lines: string[] = [];
      const ctx: ApiCommandContext = { client: (o) => new ApiClient(o.url ?? api.url, o.token ?? admin), print: (l) => lines.push(l) };
      const program = new Command().exitOverride();
      registerSyncCommand(program, ctx);
      await program.parseAsync(['node', 'switchyard', ...argv]);
      return lines;
    };
    const id = `cli-${suffix}`;
    await applyDefinition(id);
    await store.syncs.saveCycle(id, [{ leftId: 'ic-1', rightId: '003A', leftHash: 'a', rightHash: 'b', state: {} }], [
      { kind: 'write', side: 'right', recordId: '003A', otherId: 'ic-1', detail: {} },
      { kind: 'conflict', side: 'left', recordId: 'ic-1', otherId: '003A', detail: { field: 'fields[0]' } },
    ], new Date('2026-03-01T10:00:00Z'));

    expect((await cli('sync', 'list')).find((l) => l.startsWith(id))).toMatch(new RegExp(`^${id} +intercom-main contact ↔ salesforce-main Contact +both +30m +enabled +1$`));
    expect(await cli('sync', 'show', id)).toEqual([
      `${id} (${id}): intercom-main contact ↔ salesforce-main Contact, both, 30m, v1`,
      `workflow sync:${id}: not running — the workflow sync:${id} is not running (never started)`,
      'last cycle: left -, right -',
      'records: 1 linked; written 1 left → right, 0 right → left; created 0 left → right, 0 right → left',
      'problems: 1 conflict, 0 duplicates, 0 errors',
      'cursors: left -, right -',
    ]);
    expect(JSON.parse((await cli('sync', 'show', id, '--json'))[0]!)).toMatchObject({ id, records: { linked: 1 } });
    expect(await cli('sync', 'records', id, '--status', 'conflict')).toEqual([
      'left:ic-1  conflict  2026-03-01T10:00:00.000Z',
      expect.stringMatching(/^ {4}2026-03-01T10:00:00.000Z {2}(conflict left:ic-1 \(from 003A\) {2}\{"field":"fields\[0\]"\}|write right:003A \(from ic-1\) {2}\{\})$/),
      expect.stringMatching(/^ {4}2026-03-01T10:00:00.000Z {2}(conflict|write) /),
    ]);
    const refused = await cli('sync', 'records', id, '--status', 'conflicts').catch((e: unknown) => e);
    expect((refused as ApiError).message).toMatch(/^400 invalid_query: query\.status: /);
    expect(((await cli('sync', 'backfill', id).catch((e: unknown) => e)) as ApiError).message).toMatch(/^409 sync_not_running: /);
    expect(await cli('sync', 'pause', id)).toEqual([`${id}: paused (its workflow is not running; it reads this when it starts)`]);

    await startSync(env.client, { taskQueue, syncId: id, args: [] });
    await waitFor(async () => (await request('GET', `/api/v1/syncs/${id}`)).body.workflow?.phase, 'the workflow answers sync.status');
    expect(await cli('sync', 'resume', id)).toEqual([`${id}: resumed`]);
    expect(await cli('sync', 'resync', id, 'left:ic-1')).toEqual([`${id}: resync of left:ic-1 requested`]);
    expect(await cli('sync', 'backfill', id)).toEqual([`${id}: backfill requested`]);
    expect((await received(id)).map((r) => r.signal)).toEqual(['sync.paused', 'sync.resync', 'sync.backfill']);
    expect(await cli('sync', 'delete', id)).toEqual([`- sync ${id} deleted`]);
    expect(await store.syncs.get(id)).toBeUndefined();
  });
});
