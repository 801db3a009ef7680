import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { syncSignals, syncWorkflowId } from '../../workflows/sync-contract';
import { call } from '../support/api-harness';
import { postIntercomWebhook } from '../support/intercom-webhooks';
import { startTestEngine, stopEngineAndFakes, type TestEngine } from '../support/engine';
import { waitFor } from '../support/temporal';
import { seedVendorConnections } from '../support/vendor-connections';

const example = (id: string) => JSON.parse(readFileSync(path.resolve(__dirname, `../../recipes/syncs/${id}.json`), 'utf8')) as Record<string, unknown>;
const companiesId = 'intercom-salesforce-companies';
const contactsId = 'intercom-salesforce-contacts';

/** A company as both sides are compared: Intercom's fields by the example's mapping. */
interface CompanyValues {
  website: string | null;
  size: number | null;
  spend: number | null;
  tier: string | null;
  industry: string | null;
}

/**
 * The shipped Intercom ↔ Salesforce examples together (issue #16): companies ↔ Accounts both ways,
 * then contacts with their company ↔ AccountId through the companies sync's links. The whole engine
 * on the shared dev server and a SQLite store against the Intercom and Salesforce fakes, which count
 * every write: after each phase both fakes hold exactly the expected records and associations, a
 * person's edit on one side is one write on the other, and the next cycles write nothing.
 */
describe('Intercom ↔ Salesforce companies and contacts, linked', () => {
  const admin = `sy_admin_${randomBytes(24).toString('hex')}`;
  const ic = new IntercomFake();
  const sf = new SalesforceFake();
  let engine: TestEngine;
  /** Seconds added to both fakes' clocks: a person's edit comes later than what the sync saw. */
  let offset = 0;
  const later = () => (offset += 2);
  const api = (method: string, p: string, body?: unknown) => call(engine.api.url, method, p, { token: admin, body });
  const composite = '/instance/services/data/v62.0/composite/sobjects';
  /** Salesforce records written through sObject Collections, by method and type. */
  const sfWrites = (method: string, type: string) =>
    sf.received(method, composite).flatMap((r) => (r.body as { records: { attributes: { type: string } }[] }).records).filter((r) => r.attributes.type === type).length;
  const writes = () => ({
    icCompany: { create: ic.received('POST', '/companies').length, update: ic.received('PUT', '/companies/*').length },
    icContact: {
      create: ic.received('POST', '/contacts').length,
      update: ic.received('PUT', '/contacts/*').length,
      attach: ic.requests.filter((r) => r.method === 'POST' && /^\/contacts\/[^/]+\/companies$/.test(r.path)).length,
      detach: ic.received('DELETE', '/contacts/*').length,
    },
    sfAccount: { create: sfWrites('POST', 'Account'), update: sfWrites('PATCH', 'Account') },
    sfContact: { create: sfWrites('POST', 'Contact'), update: sfWrites('PATCH', 'Contact') },
  });
  const none = { icCompany: { create: 0, update: 0 }, icContact: { create: 0, update: 0, attach: 0, detach: 0 }, sfAccount: { create: 0, update: 0 }, sfContact: { create: 0, update: 0 } };

  const icCompany = (name: string) => ic.companies.find((c) => c.name === name)!;
  const account = (name: string) => sf.all('Account').find((a) => a.Name === name)!;
  const icContact = (email: string) => ic.contacts.find((c) => c.email === email)!;
  const sfContact = (email: string) => sf.all('Contact').find((c) => c.Email === email)!;

  /** What each company holds (by name), and each contact's company (by email). */
  const companies = new Map<string, CompanyValues>();
  const contactCompany = new Map<string, string>();
  function expectExactState(): void {
    expect(ic.companies.map((c) => c.name).sort()).toEqual([...companies.keys()].sort());
    expect(sf.all('Account').map((a) => a.Name).sort()).toEqual([...companies.keys()].sort());
    for (const [name, want] of companies) {
      const c = icCompany(name);
      const a = account(name);
      expect({ website: c.website ?? null, size: c.size ?? null, spend: c.monthly_spend ?? null, tier: (c.custom_attributes.tier as string | undefined) ?? null, industry: c.industry ?? null }, `Intercom ${name}`).toEqual(want);
      expect({ website: a.Website ?? null, size: a.NumberOfEmployees ?? null, spend: a.Monthly_Spend__c ?? null, tier: a.Tier__c ?? null, industry: a.Industry ?? null }, `Salesforce ${name}`).toEqual(want);
      expect(a.Intercom_Company_Id__c ?? null, `Salesforce ${name}'s Intercom company id`).toBe(c.company_id);
    }
    expect(ic.contacts.map((c) => c.email).sort()).toEqual([...contactCompany.keys()].sort());
    expect(sf.all('Contact').map((c) => c.Email).sort()).toEqual([...contactCompany.keys()].sort());
    for (const [email, company] of contactCompany) {
      const c = icContact(email);
      expect([...(ic.contactCompanies.get(c.id) ?? [])], `${email}'s Intercom companies`).toEqual([icCompany(company).id]);
      expect(c.companies?.data.map((d) => d.id), `${email}'s companies as Intercom lists them`).toEqual([icCompany(company).id]);
      expect(sfContact(email).AccountId, `${email}'s AccountId`).toBe(account(company).Id);
    }
  }

  /** A whole cycle of both sides of a sync that started after now has ended (a change signalled on `side` starts it). */
  async function fullCycle(id: string, side: 'left' | 'right' = 'left'): Promise<void> {
    const t = new Date().toISOString();
    await engine.client.workflow.getHandle(syncWorkflowId(id)).signal(syncSignals.changes, { side, ids: [] });
    await waitFor(
      async () => {
        const s = (await api('GET', `/api/v1/syncs/${id}`)).body;
        return s.workflow.phase === 'idle' && (s.lastCycle.left ?? '') > t && (s.lastCycle.right ?? '') > t;
      },
      `a full cycle of ${id}`,
      30_000,
    );
  }
  /** The fakes forget the requests they received: `writes()` counts from here. */
  function forget(): void {
    ic.reset();
    sf.reset();
  }
  /** Full cycles of these syncs, in order, write nothing (each side's own writes read back as echoes); both sides stay as expected. */
  async function expectSilence(...ids: string[]): Promise<void> {
    forget();
    for (const id of ids) await fullCycle(id);
    expect(writes()).toEqual(none);
    expectExactState();
  }
  async function backfill(id: string, definition: Record<string, unknown>): Promise<void> {
    const put = await api('PUT', `/api/v1/recipes/${id}`, definition);
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    await waitFor(
      async () => {
        const w = (await api('GET', `/api/v1/syncs/${id}`)).body.workflow;
        return w.phase === 'idle' && w.backfill?.left?.done && w.backfill?.right?.done;
      },
      `the backfill of ${id}`,
      60_000,
    );
  }

  beforeAll(async () => {
    await Promise.all([ic.start(), sf.start()]);
    ic.clock = () => Math.floor(Date.now() / 1000) + offset;
    sf.clock = () => Date.now() + offset * 1000;
    // Intercom: Acme (also an Account, matched by name) and Babbage; Salesforce: Acme and Cogs.
    const seeded = Math.floor(Date.now() / 1000) - 120;
    const company = (id: string, name: string, fields: Record<string, unknown>) =>
      ic.companies.push({ type: 'company', id, company_id: `${id}-own`, name, created_at: seeded, updated_at: seeded, user_count: 0, custom_attributes: {}, ...fields });
    company('co-acme', 'Acme', { website: 'acme.example', size: 10, monthly_spend: 100, custom_attributes: { tier: 'gold' } });
    company('co-babbage', 'Babbage Ltd', { website: 'babbage.example', size: 3, monthly_spend: 30, custom_attributes: { tier: 'bronze' } });
    offset = -60;
    const acme = sf.seed('Account', { Name: 'Acme', Website: 'https://acme.com', NumberOfEmployees: 12, Monthly_Spend__c: 120, Tier__c: 'silver', Industry: 'Technology' }).Id;
    const cogs = sf.seed('Account', { Name: 'Cogs Inc', Website: 'cogs.example', NumberOfEmployees: 40, Monthly_Spend__c: 400, Tier__c: 'gold', Industry: 'Retail' }).Id;
    // Contacts: Ada (Acme) and Bob (Babbage) in Intercom, Cy (Cogs) and Dee (Acme) in Salesforce; Sam on
    // both, at Babbage in Intercom and, newer, at Acme in Salesforce.
    const contact = (id: string, email: string, name: string, companyId: string, at = seeded) => {
      ic.contacts.push({ type: 'contact', id, workspace_id: 'a86dr8yl', role: 'user', email, external_id: null, name, created_at: at, updated_at: at });
      ic.attach(id, companyId);
    };
    contact('u-ada', 'ada@example.com', 'Ada Lovelace', 'co-acme');
    // Bob was last changed an hour ago: beyond the window the contacts feed reads again for late or same-second changes.
    contact('u-bob', 'bob@example.com', 'Bob Babbage', 'co-babbage', seeded - 3600);
    contact('u-sam', 'sam@example.com', 'Sam Old', 'co-babbage');
    sf.seed('Contact', { FirstName: 'Cy', LastName: 'Cogs', Email: 'cy@example.com', AccountId: cogs });
    sf.seed('Contact', { FirstName: 'Dee', LastName: 'Acme', Email: 'dee@example.com', AccountId: acme });
    offset = 0;
    sf.seed('Contact', { FirstName: 'Sam', LastName: 'Newer', Email: 'sam@example.com', AccountId: acme });
    engine = await startTestEngine('sync-companies', { SWITCHYARD_ADMIN_TOKEN: admin }, async (store) => {
      await seedVendorConnections(store, { intercom: { fake: ic, clientSecret: 'secret' }, salesforce: sf });
    });
    forget();
  }, 120_000);

  afterAll(async () => {
    await engine?.client.workflow
      .getHandle(syncWorkflowId(companiesId))
      .terminate('test over')
      .catch(() => undefined);
    await stopEngineAndFakes(engine, syncWorkflowId(contactsId), [ic, sf]);
  });

  it('backfills companies both ways (Acme matched by name, Salesforce wins its fields), then contacts with each company attached ↔ AccountId; then silence', async () => {
    // Realtime with an hour's safety poll: the test's change signals start each cycle (an interval sync only polls).
    await backfill(companiesId, { ...example(companiesId), frequency: 'realtime', safetyPoll: '1h' });
    // Acme: Salesforce's values to Intercom (rightWins), Intercom's company id to the Account; Babbage
    // becomes an Account, Cogs an Intercom company (without users, so not listed yet).
    expect(writes()).toEqual({ ...none, icCompany: { create: 1, update: 1 }, sfAccount: { create: 1, update: 1 } });
    companies.set('Acme', { website: 'https://acme.com', size: 12, spend: 120, tier: 'silver', industry: 'Technology' });
    companies.set('Babbage Ltd', { website: 'babbage.example', size: 3, spend: 30, tier: 'bronze', industry: null });
    expect(account('Babbage Ltd').Intercom_Company_Id__c).toBe('co-babbage-own');
    expect(icCompany('Cogs Inc')).toMatchObject({ website: 'cogs.example', size: 40, monthly_spend: 400, custom_attributes: { tier: 'gold' }, industry: 'Retail', user_count: 0 });
    expect(account('Cogs Inc').Intercom_Company_Id__c ?? null).toBeNull();

    forget();
    await backfill(contactsId, { ...example(contactsId), safetyPoll: '1h', create: { left: true, right: true } });
    // Ada and Bob become Contacts of their Accounts; Cy and Dee Intercom users attached to theirs; Sam
    // takes Salesforce's newer name and Account: attached to Acme, detached from Babbage.
    expect(writes()).toEqual({ ...none, icContact: { create: 2, update: 1, attach: 3, detach: 1 }, sfContact: { create: 2, update: 0 } });
    for (const [email, company] of [['ada@example.com', 'Acme'], ['bob@example.com', 'Babbage Ltd'], ['cy@example.com', 'Cogs Inc'], ['dee@example.com', 'Acme'], ['sam@example.com', 'Acme']] as const) contactCompany.set(email, company);
    expect(icContact('sam@example.com').name).toBe('Sam Newer');

    // Cogs has a user now, so Intercom lists it: the next companies cycle brings its company id to the Account, once.
    forget();
    await fullCycle(companiesId);
    expect(writes()).toEqual({ ...none, sfAccount: { create: 0, update: 1 } });
    companies.set('Cogs Inc', { website: 'cogs.example', size: 40, spend: 400, tier: 'gold', industry: 'Retail' });
    expectExactState();

    await expectSilence(companiesId, contactsId, companiesId);
  }, 180_000);

  it('a person edits a company on each side: one write on the other each, then silence', async () => {
    forget();
    later();
    ic.edit('co-babbage', { monthly_spend: 55.5 });
    companies.set('Babbage Ltd', { ...companies.get('Babbage Ltd')!, spend: 55.5 });
    await fullCycle(companiesId);
    expect(writes()).toEqual({ ...none, sfAccount: { create: 0, update: 1 } });
    expect(account('Babbage Ltd').Monthly_Spend__c).toBe(55.5);

    forget();
    later();
    sf.edit(account('Acme').Id, { Tier__c: 'platinum' });
    companies.set('Acme', { ...companies.get('Acme')!, tier: 'platinum' });
    await fullCycle(companiesId);
    expect(writes()).toEqual({ ...none, icCompany: { create: 0, update: 1 } });

    await expectSilence(companiesId, contactsId);
  }, 120_000);

  it("a person moves a contact to another company on each side: the other side's association follows with one write, then silence", async () => {
    // Salesforce: Dee's Account becomes Cogs: Intercom attaches Dee to Cogs and detaches Acme (no field written).
    forget();
    later();
    sf.edit(sfContact('dee@example.com').Id, { AccountId: account('Cogs Inc').Id });
    contactCompany.set('dee@example.com', 'Cogs Inc');
    await fullCycle(contactsId, 'right');
    expect(ic.requests.filter((r) => r.method !== 'GET' && /^\/contacts\/[^/]+\/companies/.test(r.path)).map((r) => [r.method, r.path, r.body ?? null])).toEqual([
      ['POST', `/contacts/${icContact('dee@example.com').id}/companies`, { id: icCompany('Cogs Inc').id }],
      ['DELETE', `/contacts/${icContact('dee@example.com').id}/companies/co-acme`, null],
    ]);
    expect(writes()).toEqual({ ...none, icContact: { create: 0, update: 0, attach: 1, detach: 1 } });

    // Intercom: a person moves Ada from Acme to Babbage and gives her a phone number (the edit moves her
    // updated_at, which the contacts feed follows): one Salesforce write carries both.
    forget();
    later();
    ic.detach('u-ada', 'co-acme');
    ic.attach('u-ada', 'co-babbage');
    ic.edit('u-ada', { phone: '+44 20 7946 0001' });
    contactCompany.set('ada@example.com', 'Babbage Ltd');
    await fullCycle(contactsId);
    expect(writes()).toEqual({ ...none, sfContact: { create: 0, update: 1 } });
    expect(sf.received('PATCH', composite).flatMap((r) => (r.body as { records: unknown[] }).records)).toEqual([
      { attributes: { type: 'Contact' }, id: sfContact('ada@example.com').Id, AccountId: account('Babbage Ltd').Id, Phone: '+44 20 7946 0001' },
    ]);

    await expectSilence(contactsId, companiesId);
  }, 120_000);

  it("a person moves a contact to another company in Intercom and changes nothing else: only the signed company.contact webhooks tell, and they bring one Salesforce write of its AccountId, then silence", async () => {
    // Intercom keeps Bob's updated_at (an hour old), so the contacts feed never brings the move; the safety poll is an hour away.
    forget();
    later();
    const updatedAt = icContact('bob@example.com').updated_at;
    ic.detach('u-bob', 'co-babbage');
    ic.attach('u-bob', icCompany('Cogs Inc').id);
    expect(icContact('bob@example.com').updated_at).toBe(updatedAt);
    contactCompany.set('bob@example.com', 'Cogs Inc');
    for (const [topic, company] of [['company.contact.detached', 'co-babbage'], ['company.contact.attached', icCompany('Cogs Inc').id]] as const) {
      const posted = await postIntercomWebhook(engine.api.url, 'intercom-main', ic.companyContactNotification(topic, 'u-bob', company), 'secret');
      expect(posted.status, topic).toBe(202);
      expect(((await posted.json()) as { syncs: string[] }).syncs, topic).toContain(contactsId);
    }
    await waitFor(async () => sfContact('bob@example.com').AccountId === account('Cogs Inc').Id, "Bob's AccountId to follow", 30_000);
    await waitFor(async () => (await engine.store.inbox.stats()).depth === 0 && (await Promise.all([contactsId, companiesId].map(async (id) => (await api('GET', `/api/v1/syncs/${id}`)).body.workflow.phase))).every((p) => p === 'idle'), 'both syncs to settle', 30_000);
    expect(writes()).toEqual({ ...none, sfContact: { create: 0, update: 1 } });
    expect(sf.received('PATCH', composite).flatMap((r) => (r.body as { records: unknown[] }).records)).toEqual([{ attributes: { type: 'Contact' }, id: sfContact('bob@example.com').Id, AccountId: account('Cogs Inc').Id }]);

    await expectSilence(contactsId, companiesId);
  }, 120_000);
});
