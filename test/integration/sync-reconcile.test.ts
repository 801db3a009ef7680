import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import type { Store } from '../../src/store/store';
import { syncSignals, syncStatusQuery, syncWorkflowId, syncWorkflowType, type SyncStatus } from '../../workflows/sync-contract';
import type { SyncPlan } from '../../workflows/sync-plan';
import type { SyncWorkflowInput } from '../../workflows/sync-workflow';
import { seedPlanContacts } from '../support/crm-records';
import { intercomContactsSync, mrrField, salesforceContacts } from '../support/sync-definitions';
import { workflowBackfilled } from '../support/sync-cycle';
import { closeSyncHarness, startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { waitFor } from '../support/temporal';

const composite = '/instance/services/data/v62.0/composite/sobjects';

/**
 * What a sync keeps in step besides the change feeds (issue #16): links whose record a side deleted
 * without a webhook come apart, checked a page of links per poll; a changed field mapping is
 * applied to the records already linked. Intercom contacts ↔ Salesforce
 * Contacts through the real workflow, activities and SQLite store against the vendor fakes.
 */
describe('CRM sync: reconciling linked records', () => {
  const ic = new IntercomFake();
  const sf = new SalesforceFake();
  let store: Store;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let harness: SyncHarness;
  let plan: SyncPlan;
  const syncId = 'ic-sf-reconcile';

  const handle = () => env.client.workflow.getHandle(syncWorkflowId(syncId));
  const status = () => handle().query<SyncStatus>(syncStatusQuery);
  /** Records written on either side (creates and updates), counted at the fakes. */
  const writes = () => ({
    icCreate: ic.received('POST', '/contacts').length,
    icUpdate: ic.received('PUT', '/contacts/*').length,
    sfWrite: sf.received('POST', composite).length + sf.received('PATCH', composite).length,
  });
  const sfByEmail = (email: string) => sf.all('Contact').find((r) => String(r.Email).toLowerCase() === email);

  beforeAll(async () => {
    await Promise.all([ic.start(), sf.start()]);
    sf.addCustomField('Contact', { ...mrrField });
    harness = await startSyncHarness({ intercom: { fake: ic }, salesforce: sf }, intercomContactsSync(syncId, salesforceContacts), 500);
    ({ store, env, worker, plan } = harness);
    // A plan the mapping does not carry yet (the second test adds the field): three contacts have one from the start.
    seedPlanContacts(ic, sf);
    // Pages of 2 links: the check walks the 7 links over several polls.
    const input: SyncWorkflowInput = { plan, cyclesPerExecution: 4, pageSize: 2 };
    await env.client.workflow.start(syncWorkflowType, { workflowId: syncWorkflowId(syncId), taskQueue: worker.options.taskQueue, args: [input] });
    await workflowBackfilled(status);
    expect(await store.syncs.linkCount(syncId)).toBe(7);
  }, 120_000);

  afterAll(() => closeSyncHarness(harness, [ic, sf]));

  it('records deleted at a vendor without a webhook are unlinked by the periodic check; the other side is left as it is', async () => {
    const goneLeft = 'ic-1';
    const keptRight = sfByEmail('ic1@example.com')!;
    const goneRight = sfByEmail('sf0@example.com')!;
    const keptLeft = ic.contacts.find((c) => c.email === 'sf0@example.com')!;
    // Two walks first: the records the backfill created have left the feeds' one-second overlap (a feed read would find the delete too).
    await waitFor(async () => (await status()).verify!.passes >= 2, 'two walks over the links', 30_000);
    const before = { writes: writes(), unlinked: (await status()).verify!.unlinked, sfContacts: sf.all('Contact').length, icContacts: ic.contacts.length };
    // Deleted in each vendor's UI: no webhook, nothing changed on the other side, so no feed brings them.
    ic.contacts.splice(ic.contacts.findIndex((c) => c.id === goneLeft), 1);
    sf.remove(String(goneRight.Id));

    // The workflow's status counts a page once its activity returned: wait for both.
    const s = await waitFor(async () => {
      const now = await status();
      return (await store.syncs.linkCount(syncId)) === 5 && now.verify!.unlinked - before.unlinked === 2 && now;
    }, 'both links undone', 30_000);
    expect(s.verify!.checked).toBeGreaterThan(0);
    const unlinks = await store.syncs.events(syncId, { kind: 'unlink' });
    expect(unlinks.map((e) => ({ side: e.side, recordId: e.recordId, otherId: e.otherId, detail: e.detail })).sort((a, b) => a.side.localeCompare(b.side))).toEqual([
      { side: 'left', recordId: goneLeft, otherId: String(keptRight.Id), detail: { reason: 'deleted' } },
      { side: 'right', recordId: String(goneRight.Id), otherId: keptLeft.id, detail: { reason: 'deleted' } },
    ]);
    // A whole walk later: the counterparts are untouched, nothing was written or created again.
    const passes = s.verify!.passes;
    await waitFor(async () => (await status()).verify!.passes >= passes + 2, 'two more walks over the links', 30_000);
    expect(writes()).toEqual(before.writes);
    expect(sf.all('Contact')).toHaveLength(before.sfContacts - 1);
    expect(ic.contacts).toHaveLength(before.icContacts - 1);
    expect(sfByEmail('ic1@example.com')).toEqual(keptRight);
    expect(ic.contacts.find((c) => c.id === keptLeft.id)).toEqual(keptLeft);
    expect(await store.syncs.linkCount(syncId)).toBe(5);
  }, 90_000);

  it('a field added to the mapping is written once to exactly the linked records whose value differs; the same definition again writes nothing', async () => {
    const recordsPatched = () => sf.received('PATCH', composite).reduce((n, r) => n + ((r.body as { records?: unknown[] } | undefined)?.records?.length ?? 0), 0);
    // ic-0's counterpart already holds its plan (set without moving SystemModstamp: no feed brings it).
    sfByEmail('ic0@example.com')!.Plan__c = 'bronze';
    const before = { patched: recordsPatched(), writes: writes() };
    const next: SyncPlan = { ...plan, version: 'with-plan-field', fields: [...plan.fields, { id: 'fields[3]', left: ['custom_attributes.plan'], right: ['Plan__c'], transform: 'copy', params: {}, direction: 'leftToRight' }] };
    await handle().signal(syncSignals.planChanged, next);
    const remapped = await waitFor(async () => {
      const r = (await status()).remap;
      return r?.version === next.version && r.done && r;
    }, 'the links re-evaluated under the new mapping', 30_000);
    expect(remapped).toMatchObject({ checked: 5, writes: 2 });
    expect(recordsPatched() - before.patched).toBe(2);
    expect([sfByEmail('ic2@example.com')!.Plan__c, sfByEmail('ic3@example.com')!.Plan__c, sfByEmail('ic4@example.com')!.Plan__c ?? null]).toEqual(['gold', 'silver', null]);
    expect(writes().icUpdate).toBe(before.writes.icUpdate);

    // The same definition applied again: no walk, no write (a whole check of the links later).
    const after = { patched: recordsPatched(), passes: (await status()).verify!.passes };
    await handle().signal(syncSignals.planChanged, next);
    await waitFor(async () => (await status()).verify!.passes >= after.passes + 2, 'two more walks over the links', 30_000);
    expect(recordsPatched()).toBe(after.patched);
    expect((await status()).remap).toEqual(remapped);
  }, 90_000);
});
