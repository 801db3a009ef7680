import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, createSyncActivities } from '../../activities';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { createLogger } from '../../src/logging';
import { compileSync } from '../../src/recipe/sync-compile';
import { storeConnectionResolver } from '../../src/runtime/connection-resolver';
import type { Store } from '../../src/store/store';
import { syncSignals, syncStatusQuery, syncWorkflowId, syncWorkflowType, type SyncStatus } from '../../workflows/sync-contract';
import type { SyncPlan } from '../../workflows/sync-plan';
import type { SyncWorkflowInput } from '../../workflows/sync-workflow';
import { openTestStore } from '../support/stores';
import { intercomSalesforceContacts, mrrField, syncTestRecords } from '../support/sync-definitions';
import { connectToDevServer, createTestWorker, waitFor, workflowBundle } from '../support/temporal';
import { seedVendorConnections } from '../support/vendor-connections';

/**
 * The sync engine end to end (issue #16): Intercom contacts ↔ Salesforce Contacts through the
 * real workflow, activities, connection resolver and SQLite store, against the vendor fakes, which
 * count every write. After each phase both fakes hold exactly the expected records and no write
 * happened that the phase did not ask for.
 */
const perSide = syncTestRecords;
const overlap = Math.round(perSide / 20);
const source = intercomSalesforceContacts();

describe('CRM sync engine: Intercom ↔ Salesforce contacts', () => {
  const ic = new IntercomFake();
  const sf = new SalesforceFake();
  let store: Store;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let plan: SyncPlan;
  /** Seconds added to both fakes' clocks: a person's edit comes later than what the sync saw. */
  let offset = 0;
  const later = () => (offset += 2);

  const composite = '/instance/services/data/v62.0/composite/sobjects';
  const recordsIn = (method: string) => sf.received(method, composite).reduce((n, r) => n + ((r.body as { records?: unknown[] } | undefined)?.records?.length ?? 0), 0);
  /** Every write either fake received (records, not calls: a Salesforce collection call carries up to 200). */
  const writes = () => ({ icCreate: ic.received('POST', '/contacts').length, icUpdate: ic.received('PUT', '/contacts/*').length, sfCreate: recordsIn('POST'), sfUpdate: recordsIn('PATCH') });
  const handle = () => env.client.workflow.getHandle(syncWorkflowId(plan.syncId));
  const status = () => handle().query<SyncStatus>(syncStatusQuery);

  /** Both sides' records by email, as comparable values. */
  function state() {
    const left = new Map(ic.contacts.filter((c) => c.role === 'user').map((c) => [c.email!.toLowerCase(), { name: c.name, mrr: (c.custom_attributes?.mrr as number | null | undefined) ?? null }]));
    const right = new Map(sf.all('Contact').map((r) => [String(r.Email).toLowerCase(), { name: [r.FirstName, r.LastName].filter(Boolean).join(' '), mrr: (r.Mrr__c as number | null | undefined) ?? null }]));
    return { left, right };
  }
  /** What each email should hold on both sides. */
  const expected = new Map<string, { name: string; mrr: number | null }>();
  function expectExactState() {
    const { left, right } = state();
    expect(left.size).toBe(expected.size);
    expect(right.size).toBe(expected.size);
    for (const [email, want] of expected) {
      expect(left.get(email), `intercom ${email}`).toEqual(want);
      expect(right.get(email), `salesforce ${email}`).toEqual(want);
    }
  }

  /** A whole cycle of both sides that started after now has ended. */
  async function fullCycle(): Promise<void> {
    for (let round = 0; round < 2; round++) {
      const t = new Date().toISOString();
      await waitFor(async () => {
        const s = await status();
        return s.phase !== 'waiting' && (s.lastCycle.left ?? '') > t && (s.lastCycle.right ?? '') > t;
      }, 'a full sync cycle', 30_000);
    }
  }

  beforeAll(async () => {
    await Promise.all([ic.start(), sf.start()]);
    ic.clock = () => Math.floor(Date.now() / 1000) + offset;
    sf.clock = () => Date.now() + offset * 1000;
    sf.addCustomField('Contact', { ...mrrField });
    store = await openTestStore(`sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'switchyard-sync-')), 'store.db')}`);
    const connections = await seedVendorConnections(store, { intercom: { fake: ic }, salesforce: sf });
    const compiled = compileSync(source, { connections });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    plan = { ...compiled.plan, pollMs: 1000 };
    await store.syncs.apply(source, plan);
    env = await connectToDevServer();
    const deps = { connections: storeConnectionResolver(store, createLogger('silent')), egressAllow: ['127.0.0.1/32'] };
    worker = await createTestWorker(env, { activities: { ...createActivities(deps), ...createSyncActivities({ ...deps, syncs: store.syncs }) } });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    await handle()
      .terminate('test over')
      .catch(() => undefined);
    worker?.shutdown();
    await running?.catch(() => undefined);
    await env?.teardown();
    await store?.close();
    await Promise.all([ic.close(), sf.close()]);
  });

  it(`backfills ${perSide} contacts a side (${overlap} overlapping by email) both ways, then stays silent`, async () => {
    for (let i = 0; i < perSide; i++) {
      const now = ic.clock();
      const email = i < overlap ? `shared${i}@example.com` : `ic${i}@example.com`;
      ic.contacts.push({ type: 'contact', id: `ic${String(i).padStart(6, '0')}`, workspace_id: 'a86dr8yl', role: 'user', email, external_id: null, name: `Ada${i} Intercom`, custom_attributes: { mrr: 100 + i }, created_at: now, updated_at: now });
      expected.set(email, { name: `Ada${i} Intercom`, mrr: 100 + i });
    }
    // Salesforce's copies are older: the first sync of an overlapping pair takes Intercom's values (newestWins).
    offset = -60;
    for (let i = 0; i < perSide; i++) {
      const email = i < overlap ? `shared${i}@example.com` : `sf${i}@example.com`;
      sf.seed('Contact', { FirstName: `Grace${i}`, LastName: 'Salesforce', Email: email, Mrr__c: i < overlap ? 5 : 2 * i });
      if (i >= overlap) expected.set(email, { name: `Grace${i} Salesforce`, mrr: 2 * i });
    }
    offset = 0;
    ic.reset();
    sf.reset();

    const started = Date.now();
    const input: SyncWorkflowInput = { plan, cyclesPerExecution: 3 };
    await env.client.workflow.start(syncWorkflowType, { workflowId: syncWorkflowId(plan.syncId), taskQueue: worker.options.taskQueue, args: [input] });
    await waitFor(async () => {
      const s = await status();
      return s.backfill?.left?.done && s.backfill?.right?.done && s.phase === 'idle' && s;
    }, 'the backfill of both sides', 120_000);
    const backfillMs = Date.now() - started;
    console.log(`sync backfill: ${perSide} + ${perSide} contacts (${overlap} overlapping) in ${backfillMs} ms; vendor calls: intercom ${ic.requests.length}, salesforce ${sf.requests.length}`);

    expectExactState();
    // Each side's own records created once on the other side; the overlap written once (Salesforce takes Intercom's newer values).
    expect(writes()).toEqual({ icCreate: perSide - overlap, icUpdate: 0, sfCreate: perSide - overlap, sfUpdate: overlap });
    expect(await store.syncs.linkCount(plan.syncId)).toBe(2 * perSide - overlap);

    const before = writes();
    await fullCycle();
    expect(writes()).toEqual(before);
  }, 180_000);

  it('a person edits one side: exactly one write on the other, then silence (the echo is recognised)', async () => {
    const contact = ic.contacts.find((c) => c.email === `ic${overlap + 1}@example.com`)!;
    const email = contact.email!;
    let before = writes();
    later();
    ic.edit(contact.id, { name: 'Ada Edited Lovelace' });
    expected.set(email, { name: 'Ada Edited Lovelace', mrr: expected.get(email)!.mrr });
    await handle().signal(syncSignals.changes, { side: 'left', ids: [contact.id] });
    await waitFor(async () => state().right.get(email)?.name === 'Ada Edited Lovelace', 'the edit to reach Salesforce', 30_000);
    await fullCycle();
    expect(writes()).toEqual({ ...before, sfUpdate: before.sfUpdate + 1 });
    expectExactState();

    // And the other way: a Salesforce edit, one Intercom write.
    const sfRecord = sf.all('Contact').find((r) => r.Email === `sf${overlap + 2}@example.com`)!;
    before = writes();
    later();
    sf.edit(sfRecord.Id, { Mrr__c: 4242.5 });
    expected.set(`sf${overlap + 2}@example.com`, { ...expected.get(`sf${overlap + 2}@example.com`)!, mrr: 4242.5 });
    await waitFor(async () => state().left.get(`sf${overlap + 2}@example.com`)?.mrr === 4242.5, 'the edit to reach Intercom (safety poll)', 30_000);
    await fullCycle();
    expect(writes()).toEqual({ ...before, icUpdate: before.icUpdate + 1 });
    expectExactState();
  }, 120_000);

  it('a conflict (both sides edited) resolves by newestWins and is recorded in the history', async () => {
    const email = `shared3@example.com`;
    const left = ic.contacts.find((c) => c.email === email)!;
    const right = sf.all('Contact').find((r) => r.Email === email)!;
    const before = writes();
    later();
    ic.edit(left.id, { name: 'Older Edit' });
    later();
    sf.edit(right.Id, { FirstName: 'Newer', LastName: 'Edit' });
    expected.set(email, { name: 'Newer Edit', mrr: expected.get(email)!.mrr });
    await handle().signal(syncSignals.changes, { side: 'left', ids: [left.id] });
    await waitFor(async () => state().left.get(email)?.name === 'Newer Edit', 'the newer edit to win', 30_000);
    await fullCycle();
    expect(writes()).toEqual({ ...before, icUpdate: before.icUpdate + 1 });
    expectExactState();
    const conflicts = await store.syncs.events(plan.syncId, { kind: 'conflict' });
    expect(conflicts.find((e) => e.recordId === left.id)).toMatchObject({ side: 'left', otherId: right.Id, detail: { policy: 'newestWins', winner: 'right' } });
  }, 120_000);

  it('a duplicate pair (two Salesforce contacts for one Intercom contact): no create, no write, reported with both ids', async () => {
    const before = writes();
    later();
    const a = sf.seed('Contact', { FirstName: 'Twin', LastName: 'One', Email: 'twin@example.com' });
    const b = sf.seed('Contact', { FirstName: 'Twin', LastName: 'Two', Email: 'twin@example.com' });
    const now = ic.clock();
    ic.contacts.push({ type: 'contact', id: 'ic-twin', workspace_id: 'a86dr8yl', role: 'user', email: 'twin@example.com', external_id: null, name: 'Twin Intercom', custom_attributes: {}, created_at: now, updated_at: now });
    await handle().signal(syncSignals.changes, { side: 'left', ids: ['ic-twin'] });
    await waitFor(async () => (await store.syncs.events(plan.syncId, { kind: 'duplicate' })).some((e) => e.recordId === 'ic-twin'), 'the duplicate to be reported', 30_000);
    await fullCycle();
    expect(writes()).toEqual(before);
    const reported = await store.syncs.events(plan.syncId, { kind: 'duplicate' });
    expect(reported.find((e) => e.recordId === 'ic-twin')?.detail).toMatchObject({ candidates: [a.Id, b.Id].sort() });
    expect((await store.syncs.links(plan.syncId, 'left', ['ic-twin'])).size).toBe(0);
    // Leave the twins out of the comparison: they stay unsynced, as reported.
    sf.remove(a.Id);
    sf.remove(b.Id);
    ic.contacts.splice(ic.contacts.findIndex((c) => c.id === 'ic-twin'), 1);
  }, 120_000);

  it('a revoked token: the sync waits (nothing lost), then catches up from its cursor after reconnect', async () => {
    const email = `sf${overlap + 3}@example.com`;
    const record = sf.all('Contact').find((r) => r.Email === email)!;
    ic.revoke('intercom-token');
    await waitFor(async () => (await status()).phase === 'waiting', 'the sync to wait for Intercom', 30_000);
    expect((await status()).waitingFor).toContain('intercom-main');
    expect((await store.connections.get('intercom-main'))?.status).toBe('disconnected');
    const before = writes();
    later();
    sf.edit(record.Id, { FirstName: 'While', LastName: 'Disconnected' });
    expected.set(email, { ...expected.get(email)!, name: 'While Disconnected' });
    expect((await status()).phase).toBe('waiting');
    expect(state().left.get(email)?.name).not.toBe('While Disconnected');

    ic.revoked.clear();
    await store.connections.setStatus('intercom-main', 'connected', null);
    await waitFor(async () => state().left.get(email)?.name === 'While Disconnected', 'the catch-up after reconnect', 30_000);
    await fullCycle();
    expect(writes()).toEqual({ ...before, icUpdate: before.icUpdate + 1 });
    expectExactState();
  }, 120_000);

  it('continues as new with its cursors (the runs above spanned several executions), and each execution replays', async () => {
    const d = await handle().describe();
    expect(d.status.name).toBe('RUNNING');
    const executions = async () => {
      let n = 0;
      for await (const _ of env.client.workflow.list({ query: `WorkflowId = '${syncWorkflowId(plan.syncId)}'` })) n++;
      return n > 1;
    };
    await waitFor(executions, 'more than one execution in visibility', 10_000);
    // Every execution so far (the first with the backfill, the waits, the continue-as-new) replays against today's bundle.
    const bundle = await workflowBundle();
    for await (const e of env.client.workflow.list({ query: `WorkflowId = '${syncWorkflowId(plan.syncId)}'` })) {
      const history = await env.client.workflow.getHandle(e.workflowId, e.runId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, e.workflowId);
    }
  }, 120_000);
});
