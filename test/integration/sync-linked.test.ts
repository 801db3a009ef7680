import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { compileSync } from '../../src/recipe/sync-compile';
import { syncWorkflowId } from '../../workflows/sync-contract';
import type { SyncPlan } from '../../workflows/sync-plan';
import { call } from '../support/api-harness';
import { startTestEngine, stopEngineAndFakes, type TestEngine } from '../support/engine';
import { fullSyncCycle } from '../support/sync-cycle';
import { waitFor } from '../support/temporal';
import { seedVendorConnections } from '../support/vendor-connections';

/**
 * A contact's company kept with the contact (issue #16): the contacts sync's "linked" field turns
 * the Intercom company a contact is attached to into its Salesforce contact's AccountId through the
 * companies sync's links. The whole engine on the shared dev server against the Intercom and
 * Salesforce fakes: a contact whose company is linked gets the Account at once; one whose company
 * is not linked yet is written without it and waits ('waiting' in its history), then the next cycle
 * after the company links sets AccountId exactly once, and a further cycle writes nothing (no echo).
 */
/** The shipped contacts example: the contact's company kept as its Account through the companies sync's links. */
const contactsSync = (): Record<string, unknown> => JSON.parse(readFileSync(path.resolve(__dirname, '../../recipes/syncs/intercom-salesforce-contacts.json'), 'utf8')) as Record<string, unknown>;
/** Intercom companies ↔ Salesforce accounts, not running (its links are stored directly here; test/integration/sync-companies.test.ts runs it). */
const companiesSync = {
  id: 'intercom-salesforce-companies',
  kind: 'sync',
  left: { connection: 'intercom-main', object: 'company' },
  right: { connection: 'salesforce-main', object: 'Account' },
  match: [{ left: 'name', right: 'Name' }],
  fields: [{ left: 'name', right: 'Name' }],
  frequency: '30m',
  conflicts: 'rightWins',
  enabled: false,
};

describe('a contacts sync keeps the contact ↔ company association through the companies sync', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const ic = new IntercomFake();
  const sf = new SalesforceFake();
  let engine: TestEngine;
  const id = 'intercom-salesforce-contacts';
  const companiesId = companiesSync.id;
  const api = (method: string, p: string, body?: unknown) => call(engine.api.url, method, p, { token: admin, body });
  const detail = async () => (await api('GET', `/api/v1/syncs/${id}`)).body;
  const composite = '/instance/services/data/v62.0/composite/sobjects';
  /** The AccountId values Salesforce received for a contact, in order (creates and updates). */
  const accountWrites = (contactId: string | undefined, email: string) =>
    sf.requests
      .filter((r) => r.path === composite && (r.method === 'POST' || r.method === 'PATCH'))
      .flatMap((r) => (r.body as { records: Record<string, unknown>[] }).records)
      .filter((x) => x.Email === email || (contactId !== undefined && x.id === contactId))
      .filter((x) => 'AccountId' in x)
      .map((x) => x.AccountId);
  const sfContact = (email: string) => sf.all('Contact').find((c) => c.Email === email);
  let accounts: string[] = [];

  const fullCycle = () => fullSyncCycle(engine.client, id, detail);
  const contact = (n: number, company: string) => {
    const now = Math.floor(Date.now() / 1000);
    ic.contacts.push({ type: 'contact', id: `u${n}`, workspace_id: 'a86dr8yl', role: 'user', email: `u${n}@example.com`, external_id: null, name: `Ada${n} Lovelace`, created_at: now, updated_at: now,
      companies: { type: 'list', data: [{ type: 'company', id: company, url: `/companies/${company}` }], url: `/contacts/u${n}/companies`, total_count: 1, has_more: false } });
  };

  beforeAll(async () => {
    await Promise.all([ic.start(), sf.start()]);
    const now = Math.floor(Date.now() / 1000);
    for (const n of [1, 2]) ic.companies.push({ type: 'company', id: `co${n}`, company_id: `acme-${n}`, name: `Acme ${n}`, created_at: now, updated_at: now, user_count: 1, custom_attributes: {} });
    accounts = [1, 2].map((n) => String(sf.seed('Account', { Name: `Acme ${n}` }).Id));
    contact(1, 'co1');
    contact(2, 'co2');
    engine = await startTestEngine('sync-linked', { SWITCHYARD_ADMIN_TOKEN: admin }, async (store) => {
      const connections = await seedVendorConnections(store, { intercom: { fake: ic, clientSecret: 'secret' }, salesforce: sf });
      // A companies sync kept its links: Acme 1 is linked to its Account, Acme 2 not yet.
      const compiled = compileSync(companiesSync, { connections });
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
      await store.syncs.apply<SyncPlan>(companiesSync, compiled.plan);
      await store.syncs.saveCycle(companiesId, [{ leftId: 'co1', rightId: accounts[0]!, leftHash: 'h', rightHash: 'h', state: {} }], []);
    });
    ic.reset();
    sf.reset();
  }, 120_000);

  afterAll(() => stopEngineAndFakes(engine, syncWorkflowId(id), [ic, sf]));

  it('an unknown via-sync or one linking other objects is refused with the path named', async () => {
    const def = contactsSync();
    const fields = def.fields as Record<string, unknown>[];
    const at = fields.findIndex((f) => f.transform === 'linked');
    const bad = (f: Record<string, unknown>) => ({ ...def, fields: fields.map((x, i) => (i === at ? { ...x, ...f } : x)) });
    const unknown = await api('PUT', `/api/v1/recipes/${id}`, bad({ via: 'intercom-salesforce-companys' }));
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain(`fields[${at}].via`);
    expect(JSON.stringify(unknown.body)).toContain('intercom-salesforce-companies');
    const wrongTarget = await api('PUT', `/api/v1/recipes/${id}`, bad({ right: 'ReportsToId' , via: companiesId }));
    expect(wrongTarget.status).toBe(422);
    const otherObject = await api('PUT', `/api/v1/recipes/${id}`, bad({ right: 'AccountId', left: 'companies.data.0.id', via: id }));
    expect(JSON.stringify(otherObject.body)).toContain(`fields[${at}].via`);
  });

  it('a linked company becomes AccountId at once; an unlinked one waits, then is set exactly once after it links; no echo', async () => {
    const put = await api('PUT', `/api/v1/recipes/${id}`, { ...contactsSync(), safetyPoll: '1h' });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    await waitFor(async () => {
      const w = (await detail()).workflow;
      return w.phase === 'idle' && w.backfill?.left?.done && w.backfill?.right?.done;
    }, 'the backfill of both sides', 30_000);
    expect(sfContact('u1@example.com')?.AccountId).toBe(accounts[0]);
    const second = sfContact('u2@example.com');
    expect(second).toBeDefined();
    expect(second!.AccountId ?? null).toBeNull();
    const history = await engine.store.syncs.history(id, ['u2']);
    expect(history.filter((e) => e.kind === 'waiting')).toHaveLength(1);
    expect(history.find((e) => e.kind === 'waiting')!.detail).toMatchObject({ via: companiesId, values: ['co2'] });

    const listed = await api('GET', `/api/v1/syncs/${id}/records?status=waiting`);
    expect(listed.body.records.map((r: { recordId: string; status: string }) => [r.recordId, r.status])).toEqual([[String(second!.Id), 'waiting']]);

    // The company links (the companies sync's next cycle); the contacts sync's next cycle sets the Account.
    await engine.store.syncs.saveCycle(companiesId, [{ leftId: 'co2', rightId: accounts[1]!, leftHash: 'h', rightHash: 'h', state: {} }], []);
    await fullCycle();
    expect(sfContact('u2@example.com')?.AccountId).toBe(accounts[1]);
    expect(accountWrites(String(second!.Id), 'u2@example.com')).toEqual([accounts[1]]);
    expect(accountWrites(undefined, 'u1@example.com')).toEqual([accounts[0]]);
    expect((await engine.store.syncs.waitingLinks(id)).length).toBe(0);

    // No echo: another cycle reads Salesforce's copy of what was written and writes nothing.
    const before = { sf: sf.requests.filter((r) => r.path === composite).length, ic: ic.received('PUT', '/contacts/*').length };
    await fullCycle();
    expect({ sf: sf.requests.filter((r) => r.path === composite).length, ic: ic.received('PUT', '/contacts/*').length }).toEqual(before);
    expect((await engine.store.syncs.history(id, ['u2'])).filter((e) => e.kind === 'waiting')).toHaveLength(1);
  }, 60_000);
});
