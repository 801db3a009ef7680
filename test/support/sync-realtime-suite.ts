import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { syncWorkflowId } from '../../workflows/sync-contract';
import { call } from './api-harness';
import { startTestEngine, stopEngineAndFakes, type TestEngine } from './engine';
import { intercomNotification, postIntercomWebhook } from './intercom-webhooks';
import { fullSyncCycle, syncBackfilled } from './sync-cycle';
import { intercomContactsSync, type CrmMapping } from './sync-definitions';
import { waitFor } from './temporal';
import { seedVendorConnections, type VendorConnections } from './vendor-connections';

/**
 * A CRM on the right of a realtime Intercom contacts sync, with its webhooks: how the sync maps
 * name, email and MRR onto it (checked against the CRM's live fields when the sync is applied), and how the test seeds, edits (the vendor's signed webhook follows) and
 * counts writes there. `seconds` is the test's clock offset, which the CRM's clock follows.
 */
export interface RealtimeCrm {
  label: string;
  /** The CRM's `<vendor>-main` connection (its webhooks come to `/hooks/<connection>`). */
  connection: string;
  start(seconds: () => number): Promise<VendorConnections>;
  /** The sync's CRM side, match rule and field mappings (read after `start`: a mapping may name what the fake made). */
  mapping(): CrmMapping;
  /** The vendor sends its webhooks to `url` (the engine's `/hooks/<connection>`) from now on. */
  listen(url: string): void;
  close(): Promise<void>;
  /** A record as a person creates it in the CRM (no webhook); its id. */
  seed(email: string, name: { first: string; last: string }): string;
  /** Every record's name by lower-cased email. */
  names(): Map<string, string>;
  idOf(email: string): string;
  /** A person renames a record in the CRM; resolves when the vendor's webhook for it was accepted (2xx). */
  edit(id: string, name: { first: string; last: string }): Promise<void>;
  /** A person deletes a record in the CRM; resolves when the vendor's webhook for it was accepted (2xx). */
  remove(id: string): Promise<void>;
  /** Resolves when the vendor's webhook for the sync's own write to record `id` (its echo) was delivered and accepted. */
  echo(id: string): Promise<void>;
  /** Every webhook the vendor sends by itself (for API writes) has been answered. */
  settled(): boolean;
  /** Records (not calls) created and updated through the API. */
  writes(): { create: number; update: number };
}

const perSide = 3;

/**
 * Realtime CRM sync (issue #16) through the whole engine in-process on the shared dev server: a
 * sync with `frequency: realtime` and a one-hour safety poll, so only a webhook moves it. A person's
 * edit in the CRM arrives as the vendor's signed webhook at the real `/hooks/<connection>` route,
 * goes through the ingest path as a `sync.changes` signal, and makes exactly one write at Intercom;
 * an Intercom webhook makes exactly one write at the CRM, whose own webhook for that write (the
 * echo) makes none back.
 */
export function describeRealtimeSync(crm: RealtimeCrm): void {
  const id = `ic-${crm.label.toLowerCase()}-realtime`;

  describe(`realtime sync: Intercom ↔ ${crm.label} through signed webhooks`, () => {
    const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
    const clientSecret = randomBytes(16).toString('hex');
    const ic = new IntercomFake();
    let engine: TestEngine;
    let offset = 0;
    const later = () => (offset += 2);

    const api = (method: string, p: string, body?: unknown) => call(engine.api.url, method, p, { token: admin, body });
    const detail = async () => (await api('GET', `/api/v1/syncs/${id}`)).body;
    const writes = () => {
      const w = crm.writes();
      return { icCreate: ic.received('POST', '/contacts').length, icUpdate: ic.received('PUT', '/contacts/*').length, crmCreate: w.create, crmUpdate: w.update };
    };
    const intercomNames = () => new Map(ic.contacts.filter((c) => c.role === 'user').map((c) => [c.email!.toLowerCase(), c.name]));

    const fullCycle = () => fullSyncCycle(engine.client, id, detail);
    /** Every webhook the vendor sent for the sync's writes has been answered and handed to Temporal (the inbox is empty), and the sync is idle. */
    const quiet = () =>
      waitFor(async () => crm.settled() && (await engine.store.inbox.stats()).depth === 0 && (await detail()).workflow.phase === 'idle', `${crm.label}'s webhooks to be handled`, 30_000);

    beforeAll(async () => {
      await ic.start();
      ic.clock = () => Math.floor(Date.now() / 1000) + offset;
      const vendors = await crm.start(() => offset);
      for (let i = 0; i < perSide; i++) {
        const now = ic.clock();
        ic.contacts.push({ type: 'contact', id: `ic${i}`, workspace_id: 'a86dr8yl', role: 'user', email: `ic${i}@example.com`, external_id: null, name: `Ada${i} Intercom`, custom_attributes: {}, created_at: now, updated_at: now });
        crm.seed(`crm${i}@example.com`, { first: `Grace${i}`, last: crm.label });
      }
      engine = await startTestEngine(`realtime-${crm.label.toLowerCase()}`, { SWITCHYARD_ADMIN_TOKEN: admin }, async (store) => {
        await seedVendorConnections(store, { intercom: { fake: ic, clientSecret }, ...vendors });
      });
      crm.listen(`${engine.api.url}/hooks/${crm.connection}`);
      const put = await api('PUT', `/api/v1/recipes/${id}`, intercomContactsSync(id, crm.mapping(), { safetyPoll: '1h' }));
      expect(put.status, JSON.stringify(put.body)).toBe(201);
      await syncBackfilled(detail);
      await quiet();
      expect(writes()).toEqual({ icCreate: perSide, icUpdate: 0, crmCreate: perSide, crmUpdate: 0 });
      expect([...crm.names().entries()].sort()).toEqual([...intercomNames().entries()].sort());
    }, 120_000);

    afterAll(() => stopEngineAndFakes(engine, syncWorkflowId(id), [ic, { close: () => crm.close() }]));

    it(`a person's edit in ${crm.label}: its signed webhook makes exactly one write at Intercom, then silence`, async () => {
      const before = writes();
      later();
      await crm.edit(crm.idOf('crm1@example.com'), { first: 'Grace', last: 'Webhook' });
      await waitFor(async () => intercomNames().get('crm1@example.com') === 'Grace Webhook', 'the edit to reach Intercom', 30_000);
      expect(writes()).toEqual({ ...before, icUpdate: before.icUpdate + 1 });
      await fullCycle();
      await quiet();
      expect(writes()).toEqual({ ...before, icUpdate: before.icUpdate + 1 });
      expect(crm.names().get('crm1@example.com')).toBe('Grace Webhook');
    }, 60_000);

    it(`an Intercom webhook makes exactly one write at ${crm.label}; ${crm.label}'s webhook for that write (the echo) makes none back`, async () => {
      const contact = ic.contacts.find((c) => c.email === 'ic2@example.com')!;
      const before = writes();
      later();
      const edited = ic.edit(contact.id, { name: 'Ada Realtime Lovelace' });
      const posted = await postIntercomWebhook(engine.api.url, 'intercom-main', intercomNotification('contact.user.updated', { ...edited }), clientSecret);
      expect(await posted.json()).toMatchObject({ syncs: [id] });
      await waitFor(async () => crm.names().get('ic2@example.com') === 'Ada Realtime Lovelace', `the edit to reach ${crm.label}`, 30_000);
      expect(writes()).toEqual({ ...before, crmUpdate: before.crmUpdate + 1 });
      await crm.echo(crm.idOf('ic2@example.com'));
      await quiet();
      await fullCycle();
      expect(writes()).toEqual({ ...before, crmUpdate: before.crmUpdate + 1 });
      expect(intercomNames().get('ic2@example.com')).toBe('Ada Realtime Lovelace');
    }, 60_000);

    it(`a person deletes a record in ${crm.label}: its signed webhook unlinks it before any poll, recorded in its history; nothing is written on either side`, async () => {
      const crmId = crm.idOf('crm0@example.com');
      const [link] = (await engine.store.syncs.links(id, 'right', [crmId])).values();
      expect(link).toBeDefined();
      const linked = (await detail()).records.linked;
      const before = writes();
      await crm.remove(crmId);
      await waitFor(async () => (await engine.store.syncs.links(id, 'right', [crmId])).size === 0, 'the link to be removed', 30_000);
      await quiet();
      expect(writes()).toEqual(before);
      expect(ic.contacts.some((c) => c.id === link!.leftId)).toBe(true);
      const unlinked = await api('GET', `/api/v1/syncs/${id}/records?status=unlink`);
      const record = unlinked.body.records.find((r: { key: string }) => r.key === `right:${crmId}`);
      expect(record.history[0]).toMatchObject({ kind: 'unlink', side: 'right', recordId: crmId, otherId: link!.leftId, detail: { reason: 'deleted' } });
      expect((await detail()).records.linked).toBe(linked - 1);
      await fullCycle();
      expect(writes()).toEqual(before);
    }, 60_000);
  });
}
