import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeRequest, FakeServer } from '../../sandbox/fake-server';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { PipedriveFake } from '../../sandbox/pipedrive-fake';
import { syncSignals, syncStatusQuery, syncWorkflowId, syncWorkflowType, type SyncStatus } from '../../workflows/sync-contract';
import type { SyncWorkflowInput } from '../../workflows/sync-workflow';
import { hubspotBatchInputs, hubspotName, pipedriveEmail, pipedriveLive } from '../support/crm-records';
import { hubspotContacts, intercomContactsSync, pipedrivePersons, type CrmMapping } from '../support/sync-definitions';
import { closeSyncHarness, startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { waitFor } from '../support/temporal';
import type { VendorConnections } from '../support/vendor-connections';

/** A CRM record as the test compares it. */
interface Held {
  id: string;
  name: string;
  mrr: number | null;
  createdAt: number;
}

/** One CRM with a merge API on the right of a one-way Intercom contacts sync. */
interface MergeCase {
  label: string;
  fake: FakeServer;
  /** After `start`: the mapping (a custom field's key may come from the fake). */
  mapping(): CrmMapping;
  start(): Promise<VendorConnections>;
  /** A contact a person created in the CRM at `at` (ms); its id. */
  seed(email: string, name: string, at: number): string;
  /** The live records holding `email`. */
  holding(email: string): Held[];
  /** The merge call the sync should make: path and body. */
  mergeCall(primaryId: string, duplicateId: string): { method: string; path: string; body: unknown };
  /** Merge calls the fake received. */
  merges(): FakeRequest[];
  /** Records created, and updates of the record `id`, through the API. */
  writes(id: string): { creates: number; updates: number };
  /** Whether the merged record keeps the primary's id (Pipedrive) or gets a new one (HubSpot). */
  keepsPrimaryId: boolean;
}

/**
 * `onDuplicate: "merge"` end to end (issue #16): Intercom users → a CRM's contacts, one way, so
 * duplicates are only ever found in the CRM. Two CRM contacts match one Intercom user: the sync
 * merges them into the older at the vendor (one merge call), links the merged record and writes it
 * once, creates nothing, records the merge, and is silent afterwards. A merge whose answer is lost
 * is settled by reading both ids, not merged twice.
 */
function describeMerge(crm: MergeCase): void {
  describe(`CRM sync: onDuplicate "merge" into the oldest ${crm.label} contact`, () => {
    const ic = new IntercomFake();
    let harness: SyncHarness;
    const syncId = `ic-${crm.label.toLowerCase()}-merge`;
    const handle = () => harness.env.client.workflow.getHandle(syncWorkflowId(syncId));
    const status = () => handle().query<SyncStatus>(syncStatusQuery);
    const addIntercom = (id: string, email: string, name: string, mrr: number) => {
      const now = ic.clock();
      ic.contacts.push({ type: 'contact', id, workspace_id: 'a86dr8yl', role: 'user', email, external_id: null, name, custom_attributes: { mrr }, created_at: now, updated_at: now });
    };
    /** Two whole cycles of the (only) left side that started after now. */
    async function twoCycles(): Promise<void> {
      for (let round = 0; round < 2; round++) {
        const t = new Date().toISOString();
        await waitFor(async () => (await status()).lastCycle.left! > t, 'a full sync cycle', 30_000);
      }
    }
    /** A duplicate pair in the CRM: the newer one seeded first (the lower id), so "oldest" cannot mean "lowest id". */
    function twins(email: string): { older: string; newer: string; olderAt: number } {
      // Whole seconds: Pipedrive keeps times at one-second resolution.
      const now = Math.floor(Date.now() / 1000) * 1000;
      const newer = crm.seed(email, 'Twin Newer', now - 60_000);
      const older = crm.seed(email, 'Twin Older', now - 3_600_000);
      return { older, newer, olderAt: now - 3_600_000 };
    }

    beforeAll(async () => {
      await ic.start();
      const vendors = await crm.start();
      const mapping = crm.mapping();
      const oneWay = { ...mapping, fields: mapping.fields.map(({ direction: _, ...f }) => f) };
      harness = await startSyncHarness({ intercom: { fake: ic }, ...vendors }, intercomContactsSync(syncId, oneWay, { direction: 'leftToRight', create: { right: true }, onDuplicate: 'merge' }), 1000);
    }, 120_000);

    afterAll(() => closeSyncHarness(harness, [ic, crm.fake]));

    it('merges the pair into the older contact with one call, links it, writes it once, creates nothing, then stays silent', async () => {
      const { older, newer, olderAt } = twins('twin@example.com');
      addIntercom('ic-twin', 'twin@example.com', 'Twin Intercom', 7);
      const input: SyncWorkflowInput = { plan: harness.plan, cyclesPerExecution: 3 };
      await harness.env.client.workflow.start(syncWorkflowType, { workflowId: syncWorkflowId(syncId), taskQueue: harness.worker.options.taskQueue, args: [input] });
      await waitFor(async () => {
        const s = await status();
        return s.backfill?.left?.done && s.phase === 'idle' && s;
      }, 'the backfill', 60_000);

      const call = crm.mergeCall(older, newer);
      expect(crm.merges().map((r) => ({ method: r.method, path: r.path, body: r.body }))).toEqual([call]);
      const held = crm.holding('twin@example.com');
      expect(held).toHaveLength(1);
      const survivor = held[0]!;
      expect(survivor).toMatchObject({ name: 'Twin Intercom', mrr: 7, createdAt: olderAt });
      if (crm.keepsPrimaryId) expect(survivor.id).toBe(older);
      expect((await harness.store.syncs.links(syncId, 'left', ['ic-twin'])).get('ic-twin')?.rightId).toBe(survivor.id);
      expect(crm.writes(survivor.id)).toEqual({ creates: 0, updates: 1 });
      const merges = await harness.store.syncs.events(syncId, { kind: 'merge' });
      expect(merges.map((e) => ({ side: e.side, recordId: e.recordId, otherId: e.otherId, detail: e.detail }))).toEqual([
        { side: 'right', recordId: survivor.id, otherId: newer, detail: { into: older, merged: newer, candidates: [older, newer].sort(), for: 'ic-twin' } },
      ]);
      expect(await harness.store.syncs.events(syncId, { kind: 'duplicate' })).toEqual([]);
      expect((await harness.store.syncs.eventCounts(syncId)).merge).toEqual({ left: 0, right: 1 });

      await twoCycles();
      expect(crm.merges()).toHaveLength(1);
      expect(crm.writes(survivor.id)).toEqual({ creates: 0, updates: 1 });
      expect(ic.received('PUT', '/contacts/*')).toEqual([]);
    }, 120_000);

    it('a merge whose answer is lost is settled by reading both ids: merged once, linked, no error', async () => {
      const { older, newer } = twins('lost@example.com');
      const mergedBefore = crm.merges().length;
      crm.fake.fail({ kind: 'apply_then_drop' }, 1, { method: crm.mergeCall(older, newer).method, path: crm.mergeCall(older, newer).path });
      addIntercom('ic-lost', 'lost@example.com', 'Lost Answer', 9);
      await handle().signal(syncSignals.changes, { side: 'left', ids: ['ic-lost'] });
      await waitFor(async () => (await harness.store.syncs.links(syncId, 'left', ['ic-lost'])).get('ic-lost'), 'the merged contact linked', 30_000);
      await twoCycles();

      expect(crm.merges()).toHaveLength(mergedBefore + 1);
      const held = crm.holding('lost@example.com');
      expect(held.map((h) => ({ name: h.name, mrr: h.mrr }))).toEqual([{ name: 'Lost Answer', mrr: 9 }]);
      expect((await harness.store.syncs.links(syncId, 'left', ['ic-lost'])).get('ic-lost')?.rightId).toBe(held[0]!.id);
      const merges = (await harness.store.syncs.events(syncId, { kind: 'merge' })).filter((e) => e.otherId === newer);
      expect(merges.map((e) => e.recordId)).toEqual([held[0]!.id]);
      expect(await harness.store.syncs.events(syncId, { kind: 'error' })).toEqual([]);
      expect(crm.writes(held[0]!.id)).toEqual({ creates: 0, updates: 1 });
    }, 120_000);
  });
}

const hs = new HubSpotFake();
describeMerge({
  label: 'HubSpot',
  fake: hs,
  mapping: () => hubspotContacts,
  async start() {
    await hs.start();
    hs.properties.contacts.push({ name: 'mrr', label: 'MRR', type: 'number', fieldType: 'number' });
    return { hubspot: hs };
  },
  // HubSpot refuses a second contact with one email through the API; duplicates come from imports and integrations.
  seed: (email, name, at) => hs.seed('contacts', 1, () => ({ properties: { email, firstname: name.split(' ')[0]!, lastname: name.split(' ')[1]! }, at }))[0]!.id,
  holding: (email) =>
    [...hs.records.contacts.values()]
      .filter((r) => r.properties.email === email)
      .map((r) => ({ id: r.id, name: hubspotName(r.properties), mrr: r.properties.mrr ? Number(r.properties.mrr) : null, createdAt: r.createdAt })),
  mergeCall: (primaryId, duplicateId) => ({ method: 'POST', path: '/crm/v3/objects/contacts/merge', body: { primaryObjectId: primaryId, objectIdToMerge: duplicateId } }),
  merges: () => hs.received('POST', '/crm/v3/objects/contacts/merge'),
  writes: (id) => ({
    creates: hubspotBatchInputs(hs, 'contacts', 'create'),
    updates: hs.received('POST', '/crm/v3/objects/contacts/batch/update').flatMap((r) => (r.body as { inputs: { id: string }[] }).inputs).filter((i) => i.id === id).length,
  }),
  keepsPrimaryId: false,
});

const pd = new PipedriveFake();
let mrrKey = '';
describeMerge({
  label: 'Pipedrive',
  fake: pd,
  mapping: () => pipedrivePersons(mrrKey),
  async start() {
    await pd.start();
    mrrKey = pd.addCustomField('person', 'MRR', 'double').key;
    return { pipedrive: { fake: pd, webhookPassword: 'pd-hook-secret' } };
  },
  seed: (email, name, at) => String(pd.seed('person', { name, emails: [{ value: email, primary: true, label: 'work' }] }, at).id),
  holding: (email) =>
    pipedriveLive(pd, 'person')
      .filter((r) => pipedriveEmail(r) === email)
      .map((r) => ({ id: String(r.id), name: r.name as string, mrr: (r.custom_fields as Record<string, number | undefined>)[mrrKey] ?? null, createdAt: Date.parse(r.add_time) })),
  mergeCall: (primaryId, duplicateId) => ({ method: 'PUT', path: `/api/v1/persons/${duplicateId}/merge`, body: { merge_with_id: Number(primaryId) } }),
  merges: () => pd.received('PUT', '/api/v1/persons/*'),
  writes: (id) => ({ creates: pd.received('POST', '/api/v2/persons').length, updates: pd.received('PATCH', `/api/v2/persons/${id}`).length }),
  keepsPrimaryId: true,
});
