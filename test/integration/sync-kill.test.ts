import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { parseConfig } from '../../src/config/config';
import { compileSync } from '../../src/recipe/sync-compile';
import { openConfiguredStore } from '../../src/runtime/services';
import { migrateStore, type Store } from '../../src/store/store';
import { connectClient, temporalTarget } from '../../src/temporal/connection';
import { syncStatusQuery, syncWorkflowId, syncWorkflowType, type SyncStatus } from '../../workflows/sync-contract';
import type { SyncWorkflowInput } from '../../workflows/sync-workflow';
import { Cluster } from '../support/cluster';
import type { ThrowawayDatabase } from '../support/postgres-database';
import { intercomContactsSync, mrrField, salesforceContacts, syncTestRecords } from '../support/sync-definitions';
import { waitFor } from '../support/temporal';
import { seedVendorConnections } from '../support/vendor-connections';
import { freshPostgresDatabase } from './fresh-postgres';

/**
 * kill -9 of the `switchyard worker` process running a sync's backfill, in the middle of a page
 * (its writes partly made, its links and cursor not saved): a new worker takes the page over
 * (after the page's heartbeat timeout, lowered here to 3 s) and both vendor fakes end exactly as
 * they should, every record created once, then the sync stays silent. One PostgreSQL store, the
 * shared Temporal dev server, the fakes in this process.
 */
const perSide = Math.max(50, Math.round(syncTestRecords / 4));

describe('kill -9 of the worker in the middle of a sync page', () => {
  const ic = new IntercomFake();
  const sf = new SalesforceFake();
  let database: ThrowawayDatabase;
  let cluster: Cluster | undefined;
  let store: Store;
  let client: Client;
  const syncId = 'ic-sf-kill';

  const composite = '/instance/services/data/v62.0/composite/sobjects';
  const recordsIn = (method: string) => sf.received(method, composite).reduce((n, r) => n + ((r.body as { records?: unknown[] } | undefined)?.records?.length ?? 0), 0);
  const writes = () => ({ icCreate: ic.received('POST', '/contacts').length, icUpdate: ic.received('PUT', '/contacts/*').length, sfCreate: recordsIn('POST'), sfUpdate: recordsIn('PATCH') });
  const status = () => client.workflow.getHandle(syncWorkflowId(syncId)).query<SyncStatus>(syncStatusQuery);

  beforeAll(async () => {
    await Promise.all([ic.start(), sf.start()]);
    sf.addCustomField('Contact', { ...mrrField });
    database = await freshPostgresDatabase('switchyard_sync_kill');
    await migrateStore(database.url);
    cluster = await Cluster.start({ temporalAddress: inject('temporalAddress'), databaseUrl: database.url, apis: 0, workers: 1 });
    const config = parseConfig(cluster.env);
    store = await openConfiguredStore(config);
    client = await connectClient(temporalTarget(config));
  }, 120_000);

  afterAll(async () => {
    await client
      ?.workflow.getHandle(syncWorkflowId(syncId))
      .terminate('test over')
      .catch(() => undefined);
    await cluster?.stop();
    await client?.connection.close();
    await store?.close();
    await database?.drop();
    await Promise.all([ic.close(), sf.close()]);
  });

  it(`${perSide} contacts a side: the worker killed mid-page, a new one finishes; both sides exact, nothing created twice`, { timeout: 120_000 }, async () => {
    const expected = new Map<string, string>();
    for (let i = 0; i < perSide; i++) {
      const at = ic.clock() - 60;
      ic.contacts.push({ type: 'contact', id: `ick${String(i).padStart(5, '0')}`, workspace_id: 'a86dr8yl', role: 'user', email: `ic${i}@example.com`, external_id: null, name: `Ada${i} Intercom`, custom_attributes: {}, created_at: at, updated_at: at });
      expected.set(`ic${i}@example.com`, `Ada${i} Intercom`);
      sf.seed('Contact', { FirstName: `Grace${i}`, LastName: 'Salesforce', Email: `sf${i}@example.com` });
      expected.set(`sf${i}@example.com`, `Grace${i} Salesforce`);
    }
    ic.reset();
    sf.reset();
    const connections = await seedVendorConnections(store, { intercom: { fake: ic }, salesforce: sf });
    const source = intercomContactsSync(syncId, salesforceContacts);
    const compiled = compileSync(source, { connections });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    const plan = { ...compiled.plan, pollMs: 1000 };
    await store.syncs.apply(source, plan);
    // Small pages: Intercom's contacts are created one request at a time, so the kill lands inside a page.
    const input: SyncWorkflowInput = { plan, pageSize: 20, heartbeatTimeout: '3s' };
    await client.workflow.start(syncWorkflowType, { workflowId: syncWorkflowId(syncId), taskQueue: cluster!.env.TEMPORAL_TASK_QUEUE!, args: [input] });

    // Every Intercom answer takes 40 ms from here on, so a page of 20 creates stays open ~1 s: on a
    // busy machine a fast page could otherwise begin and end between two looks of the wait below.
    ic.fail({ kind: 'slow', delayMs: 40 }, 4 * perSide + 100);
    // Contacts created in Intercom that the store does not record yet: a page is in the middle of its writes.
    const unrecorded = async () => writes().icCreate - (await store.syncs.eventCounts(syncId)).create.left;
    await waitFor(async () => writes().icCreate >= perSide / 2 && (await unrecorded()) > 0, 'half the Salesforce contacts created in Intercom, mid-page', 60_000);
    const victim = cluster!.workers[0]!;
    await cluster!.signal(victim, 'SIGKILL');
    expect(writes().icCreate).toBeLessThan(perSide);
    expect(await unrecorded()).toBeGreaterThan(0);
    await cluster!.restart(victim);

    await waitFor(
      async () => {
        const s = await status();
        return s.backfill?.left?.done && s.backfill?.right?.done && s.phase === 'idle';
      },
      'the backfill finished by the new worker',
      60_000,
    );
    const left = new Map(ic.contacts.map((c) => [c.email!.toLowerCase(), c.name]));
    const right = new Map(sf.all('Contact').map((r) => [String(r.Email).toLowerCase(), [r.FirstName, r.LastName].filter(Boolean).join(' ')]));
    expect(ic.contacts).toHaveLength(2 * perSide);
    expect(sf.all('Contact')).toHaveLength(2 * perSide);
    expect(left).toEqual(expected);
    expect(right).toEqual(expected);
    // Each record was created once: the page taken over found what the killed worker had written by the match rules.
    expect(writes()).toEqual({ icCreate: perSide, icUpdate: 0, sfCreate: perSide, sfUpdate: 0 });
    expect(await store.syncs.linkCount(syncId)).toBe(2 * perSide);

    // Then silence: a whole cycle of both sides writes nothing.
    const t = new Date().toISOString();
    await waitFor(async () => {
      const s = await status();
      return (s.lastCycle.left ?? '') > t && (s.lastCycle.right ?? '') > t;
    }, 'a full cycle after the backfill', 30_000);
    expect(writes()).toEqual({ icCreate: perSide, icUpdate: 0, sfCreate: perSide, sfUpdate: 0 });
  });
});
