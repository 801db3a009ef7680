import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { compileSync } from '../../src/recipe/sync-compile';
import { applySync } from '../../src/sync/control';
import type { Store } from '../../src/store/store';
import { syncStatusQuery, syncWorkflowId, type SyncStatus } from '../../workflows/sync-contract';
import type { SyncPlan } from '../../workflows/sync-plan';
import { seedPlanContacts } from '../support/crm-records';
import { intercomContactsSync, mrrField, salesforceContacts } from '../support/sync-definitions';
import { workflowBackfilled } from '../support/sync-cycle';
import { closeSyncHarness, startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { waitFor } from '../support/temporal';

const composite = '/instance/services/data/v62.0/composite/sobjects';
const pollMs = 500;

/**
 * A field mapping changed while no sync workflow ran (issue #16): each link records the mapping it
 * was last written under, so the next run re-evaluates the links written under another one, however
 * the mapping changed. Disabled → changed → enabled, and a changed definition applied while the
 * workflow was terminated and no worker ran; the way the API and `recipe apply` do it (the store,
 * then `applySync`). Intercom contacts ↔ Salesforce Contacts, the real workflow, activities and
 * SQLite store against the vendor fakes, which count every write.
 */
describe('CRM sync: a mapping changed while the sync did not run', () => {
  const ic = new IntercomFake();
  const sf = new SalesforceFake();
  let store: Store;
  let harness: SyncHarness;
  const syncId = 'ic-sf-remap-stored';
  const base = intercomContactsSync(syncId, salesforceContacts);
  const planField = (extra: Record<string, unknown> = {}) => ({ ...base, fields: [...salesforceContacts.fields, { left: 'custom_attributes.plan', right: 'Plan__c', direction: 'leftToRight', ...extra }] });

  const client = () => harness.env.client;
  const taskQueue = () => harness.worker.options.taskQueue;
  const status = () => client().workflow.getHandle(syncWorkflowId(syncId)).query<SyncStatus>(syncStatusQuery);
  /** Salesforce Contact ids in PATCH batches, in order (one entry per record written). */
  const patchedIds = () => sf.received('PATCH', composite).flatMap((r) => ((r.body as { records?: { id: string }[] }).records ?? []).map((x) => x.id));
  const icWrites = () => ic.received('POST', '/contacts').length + ic.received('PUT', '/contacts/*').length;
  const sfByEmail = (email: string) => sf.all('Contact').find((r) => String(r.Email).toLowerCase() === email)!;

  /** `recipe apply` / PUT: the definition stored, then the workflow brought in step with it. */
  async function apply(source: Record<string, unknown>): Promise<string> {
    const compiled = compileSync(source, { connections: new Map([['intercom-main', 'intercom'], ['salesforce-main', 'salesforce']]) });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await store.syncs.apply(source, { ...compiled.plan, pollMs });
    return applySync(client(), taskQueue(), syncId, await store.syncs.get<SyncPlan>(syncId));
  }
  /** POST /api/v1/syncs/:id/enable or disable. */
  async function setEnabled(enabled: boolean): Promise<string> {
    return applySync(client(), taskQueue(), syncId, await store.syncs.setEnabled<SyncPlan>(syncId, enabled));
  }
  /** The links re-evaluated under the version now stored, by a run that started after the change. */
  async function remapped(version: string) {
    return waitFor(async () => {
      const s = await status();
      return s.remap?.version === version && s.remap.done && s.phase === 'idle' && s.remap;
    }, 'the links re-evaluated under the stored mapping', 60_000);
  }

  beforeAll(async () => {
    await Promise.all([ic.start(), sf.start()]);
    sf.addCustomField('Contact', { ...mrrField });
    harness = await startSyncHarness({ intercom: { fake: ic }, salesforce: sf }, base, pollMs);
    store = harness.store;
    // A plan the mapping does not carry yet: three contacts have one from the start.
    seedPlanContacts(ic, sf);
    expect(await setEnabled(true)).toBe('started');
    // Two walks of the delete check after the backfill: the records it wrote have left the feeds' window (no feed brings them again).
    await workflowBackfilled(status, { holds: (s) => s.verify!.passes >= 2, what: 'two walks over the links' });
    expect(await store.syncs.linkCount(syncId)).toBe(7);
  }, 120_000);

  afterAll(() => closeSyncHarness(harness, [ic, sf]));

  it('disabled, a field added, enabled: exactly the linked records whose value differs are written, once', async () => {
    expect(await setEnabled(false)).toBe('cancelled');
    // ic-0's counterpart already holds its plan (set in Salesforce without moving SystemModstamp: no feed brings it).
    sfByEmail('ic0@example.com').Plan__c = 'bronze';
    const before = { patched: patchedIds().length, ic: icWrites() };
    // The definition changes while the sync is disabled: no workflow to tell.
    expect(await apply({ ...planField(), enabled: false })).toBe('none');
    expect(await setEnabled(true)).toBe('started');
    const version = (await store.syncs.get(syncId))!.plan.version;

    // Every link was written under the old mapping: all 7 are re-evaluated, 2 differ.
    expect(await remapped(version)).toMatchObject({ checked: 7, writes: 2 });
    expect(patchedIds().slice(before.patched).sort()).toEqual([sfByEmail('ic2@example.com').Id, sfByEmail('ic3@example.com').Id].sort());
    expect(['ic0', 'ic1', 'ic2', 'ic3', 'ic4'].map((c) => sfByEmail(`${c}@example.com`).Plan__c ?? null)).toEqual(['bronze', null, 'gold', 'silver', null]);
    expect(icWrites()).toBe(before.ic);

    // Disabled and enabled again without a change: the run finds no link under another mapping and writes nothing.
    expect(await setEnabled(false)).toBe('cancelled');
    expect(await setEnabled(true)).toBe('started');
    await waitFor(async () => (await status()).verify!.passes >= 2, 'two walks over the links by the new run', 30_000);
    expect((await status()).remap).toBeUndefined();
    expect(patchedIds()).toHaveLength(before.patched + 2);
  }, 120_000);

  it('applied while the workflow was terminated and no worker ran: the new run re-evaluates the links', async () => {
    const before = { patched: patchedIds().length, ic: icWrites() };
    await harness.restartWorker(async () => {
      await client().workflow.getHandle(syncWorkflowId(syncId)).terminate('an operator ended it');
      // The plan now turns through a picklist: the new run starts with this plan, its own memory knows no other.
      expect(await apply(planField({ transform: 'map', values: { bronze: 'Bronze', gold: 'Gold', silver: 'Silver' } }))).toBe('started');
    });
    const version = (await store.syncs.get(syncId))!.plan.version;

    expect(await remapped(version)).toMatchObject({ checked: 7, writes: 3 });
    expect(patchedIds().slice(before.patched).sort()).toEqual(['ic0', 'ic2', 'ic3'].map((c) => sfByEmail(`${c}@example.com`).Id).sort());
    expect(['ic0', 'ic1', 'ic2', 'ic3', 'ic4'].map((c) => sfByEmail(`${c}@example.com`).Plan__c ?? null)).toEqual(['Bronze', null, 'Gold', 'Silver', null]);
    expect(icWrites()).toBe(before.ic);
  }, 120_000);
});
