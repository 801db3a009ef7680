import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hubspot } from '../../connectors/hubspot';
import { fakeContext } from '../../connectors/sdk/fake-context';
import { hubspotSide } from '../../activities/sync-sides/hubspot';
import { pipedriveSide } from '../../activities/sync-sides/pipedrive';
import { pipedrive } from '../../connectors/pipedrive';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { PipedriveFake } from '../../sandbox/pipedrive-fake';
import type { SyncSidePlan } from '../../workflows/sync-plan';

/**
 * The sync side adapters against their vendor fakes, for what the engine test does not reach:
 * per-record outcomes of batch writes (refused, gone, taken) and a batch the vendor refuses whole.
 */
describe('HubSpot sync side', () => {
  const fake = new HubSpotFake();
  const side: SyncSidePlan = { connection: 'hubspot-main', connector: 'hubspot', object: 'contacts', filter: {} };
  const ctx = () => fakeContext({ connector: hubspot.definition, credentials: { accessToken: 'pat-na1-fake' }, baseUrl: fake.url });
  beforeAll(() => fake.start());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.clear();
  });

  it('reads numbers as numbers and blanks as null; fetch leaves out ids that are gone; findBy matches emails whatever their case', async () => {
    fake.properties.contacts.push({ name: 'mrr', label: 'MRR', type: 'number', fieldType: 'number' });
    const [a] = fake.seed('contacts', 2, (i) => ({ properties: { email: `c${i}@example.com`, firstname: `C${i}`, mrr: i === 0 ? '42.5' : '' } }));
    const fetched = await hubspotSide.fetch(ctx(), side, ['email', 'firstname', 'mrr'], [a!.id, '999']);
    expect(fetched).toEqual([{ id: a!.id, modifiedAt: a!.updatedAt, createdAt: a!.createdAt, data: expect.objectContaining({ email: 'c0@example.com', firstname: 'C0', mrr: 42.5 }) }]);
    const found = await hubspotSide.findBy(ctx(), side, ['email', 'mrr'], 'email', ['C1@Example.com', 'nobody@example.com']);
    expect(found.map((r) => [r.data.email, r.data.mrr])).toEqual([['c1@example.com', null]]);
    fake.properties.contacts.pop();
  });

  it('batch writes report each record: created, refused (naming the field), taken (with the existing id), gone', async () => {
    const [taken] = fake.seed('contacts', 1, () => ({ properties: { email: 'taken@example.com' } }));
    const created = await hubspotSide.create(ctx(), side, [{ email: 'new@example.com', firstname: 'New' }, { email: 'taken@example.com' }, { email: 'x@example.com', shoe: 44 }]);
    expect(created).toMatchObject([
      { ok: true, id: expect.any(String) },
      { ok: false, code: 'CONFLICT', existingId: taken!.id },
      { ok: false, code: 'VALIDATION_ERROR', message: expect.stringContaining('shoe') },
    ]);
    const updated = await hubspotSide.update(ctx(), side, [
      { id: taken!.id, fields: { firstname: 'Up', phone: null } },
      { id: '999', fields: { firstname: 'Gone' } },
    ]);
    expect(updated).toMatchObject([{ ok: true, id: taken!.id }, { ok: false, gone: true, code: 'OBJECT_NOT_FOUND' }]);
    expect(fake.records.contacts.get(taken!.id)!.properties).toMatchObject({ firstname: 'Up', phone: '' });
    expect(fake.received('POST', '/crm/v3/objects/contacts/batch/create')).toHaveLength(1);
  });

  it('companies: changes on hs_lastmodifieddate from the epoch, batch writes; a contact\'s primary company is its associatedcompanyid (read as a number, written as an association)', async () => {
    const companies: SyncSidePlan = { ...side, object: 'companies' };
    fake.seed('companies', 3, (i) => ({ properties: { name: `Co${i}`, domain: `co${i}.example` }, at: Date.parse('2026-11-01T00:00:00Z') + i }));
    const first = await hubspotSide.readChanges(ctx(), companies, ['name', 'domain'], hubspotSide.startCursor(), 2);
    expect(first.records.map((r) => r.data.name)).toEqual(['Co0', 'Co1']);
    expect(first.more).toBe(true);
    const [made] = await hubspotSide.create(ctx(), companies, [{ name: 'New Co', numberofemployees: 12 }]);
    const rest = await hubspotSide.readChanges(ctx(), companies, ['name', 'numberofemployees'], first.cursor, 2);
    expect(rest.records.map((r) => [r.data.name, r.data.numberofemployees ?? null])).toEqual([['Co2', null], ['New Co', 12]]);
    const companyId = (made as { id: string }).id;
    const [contact] = fake.seed('contacts', 1, () => ({ properties: { email: 'emp@example.com' } }));
    expect(await hubspotSide.update(ctx(), side, [{ id: contact!.id, fields: { associatedcompanyid: Number(companyId) } }])).toMatchObject([{ ok: true }]);
    expect(fake.associations).toContainEqual(expect.objectContaining({ fromType: 'contacts', fromId: contact!.id, toType: 'companies', toId: companyId }));
    const [read] = await hubspotSide.fetch(ctx(), side, ['associatedcompanyid'], [contact!.id]);
    expect(read!.data.associatedcompanyid).toBe(Number(companyId));
    expect(await hubspotSide.update(ctx(), side, [{ id: contact!.id, fields: { associatedcompanyid: 999 } }])).toMatchObject([{ ok: false, message: expect.stringContaining('999') }]);
  });

  it('a batch refused as a whole is written again record by record: only the bad record fails', async () => {
    fake.fail({ kind: 'respond', response: { status: 400, json: { status: 'error', message: 'One or more inputs are invalid', category: 'VALIDATION_ERROR', correlationId: 'c' } } });
    const created = await hubspotSide.create(ctx(), side, [{ email: 'a@example.com' }, { email: 'b@example.com' }]);
    expect(created).toMatchObject([{ ok: true }, { ok: true }]);
    expect(fake.received('POST', '/crm/v3/objects/contacts/batch/create').map((r) => (r.body as { inputs: unknown[] }).inputs.length)).toEqual([2, 1, 1]);
    // Auth and rate limits are not per-record: they fail the call (the engine's failure table takes them).
    fake.revokeToken('pat-na1-fake');
    await expect(hubspotSide.create(ctx(), side, [{ email: 'c@example.com' }])).rejects.toMatchObject({ kind: 'auth_lost' });
    fake.tokens.set('pat-na1-fake', Infinity);
    fake.rateLimit('TEN_SECONDLY_ROLLING');
    await expect(hubspotSide.update(ctx(), side, [{ id: '101', fields: { firstname: 'x' } }])).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 10_000 });
  });
});

describe('Pipedrive sync side', () => {
  const fake = new PipedriveFake();
  const side: SyncSidePlan = { connection: 'pipedrive-main', connector: 'pipedrive', object: 'person', filter: {} };
  const ctx = () => fakeContext({ connector: pipedrive.definition, credentials: { apiToken: 'pd-api-token', companyDomain: 'acme' }, baseUrl: fake.url });
  const points = (...values: string[]) => values.map((value, i) => ({ value, primary: i === 0, label: i === 0 ? 'work' : 'home' }));
  beforeAll(() => fake.start());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.clear();
  });

  it('reads the primary email and phone as plain values; findBy matches the primary email by search (few values) or one pass over the list (many)', async () => {
    const ada = fake.seed('person', { name: 'Ada', emails: points('ada@example.com', 'ada@home.example'), phones: points('+1 555') });
    fake.seed('person', { name: 'Other', emails: points('other@example.com', 'ADA@example.com') });
    const [fetched] = await pipedriveSide.fetch(ctx(), side, [], [String(ada.id), '999']);
    expect(fetched).toMatchObject({ id: String(ada.id), modifiedAt: Date.parse(ada.update_time), data: { name: 'Ada', emails: 'ada@example.com', phones: '+1 555' } });
    const searched = await pipedriveSide.findBy(ctx(), side, [], 'emails', ['Ada@Example.com']);
    // The search finds both (the other person has it as a second email); the sync matches the primary one only.
    expect(searched.map((r) => r.id)).toEqual([String(ada.id)]);
    expect(fake.received('GET', '/api/v2/persons/search')).toHaveLength(1);
    const many = Array.from({ length: 30 }, (_, i) => `nobody${i}@example.com`);
    const scanned = await pipedriveSide.findBy(ctx(), side, [], 'emails', [...many, 'OTHER@example.com']);
    expect(scanned.map((r) => r.data.name)).toEqual(['Other']);
    expect(fake.received('GET', '/api/v2/persons/search')).toHaveLength(1);
  });

  it('writes one call per record: a new primary email keeps the other points; blank removes it; refused and gone records are reported', async () => {
    const ada = fake.seed('person', { name: 'Ada', emails: points('ada@example.com', 'ada@home.example') });
    const results = await pipedriveSide.update(ctx(), side, [
      { id: String(ada.id), fields: { emails: 'lovelace@example.com', name: 'Ada L' } },
      { id: '999', fields: { name: 'Gone' } },
      { id: String(ada.id), fields: { nickname: 'x' } },
    ]);
    expect(results).toMatchObject([{ ok: true, id: String(ada.id) }, { ok: false, gone: true }, { ok: false, message: expect.stringContaining('nickname') }]);
    expect(fake.records.person.get(ada.id)).toMatchObject({ name: 'Ada L', emails: [{ value: 'lovelace@example.com', primary: true, label: 'work' }, { value: 'ada@home.example', primary: false, label: 'home' }] });
    await pipedriveSide.update(ctx(), side, [{ id: String(ada.id), fields: { emails: null } }]);
    expect(fake.records.person.get(ada.id)!.emails).toEqual([{ value: 'ada@home.example', primary: true, label: 'home' }]);
    const created = await pipedriveSide.create(ctx(), side, [{ name: 'New', emails: 'new@example.com', phones: null, 'custom_fields.k1': 5 }, { emails: 'noname@example.com' }]);
    expect(created).toMatchObject([{ ok: true }, { ok: false, message: expect.stringContaining('name: Required') }]);
    expect(fake.records.person.get(Number((created[0] as { id: string }).id))).toMatchObject({ name: 'New', emails: [{ value: 'new@example.com', primary: true }], custom_fields: { k1: 5 } });
    fake.revokeTokens();
    await expect(pipedriveSide.create(ctx(), side, [{ name: 'X' }])).rejects.toMatchObject({ kind: 'auth_lost' });
  });

  it('organizations: created and changed like persons, through /api/v2/organizations', async () => {
    const orgs: SyncSidePlan = { ...side, object: 'organization' };
    const [made] = await pipedriveSide.create(ctx(), orgs, [{ name: 'Acme' }]);
    const id = (made as { id: string }).id;
    expect(await pipedriveSide.update(ctx(), orgs, [{ id, fields: { name: 'Acme Ltd' } }])).toMatchObject([{ ok: true, id }]);
    const changes = await pipedriveSide.readChanges(ctx(), orgs, [], pipedriveSide.startCursor(), 100);
    expect(changes.records.map((r) => [r.id, r.data.name])).toEqual([[id, 'Acme Ltd']]);
    expect(await pipedriveSide.findBy(ctx(), orgs, [], 'name', ['ACME LTD'])).toMatchObject([{ id }]);
  });

  it('reads changes from the epoch in update_time order, a page at a time, and says when more wait', async () => {
    for (let i = 0; i < 5; i++) fake.seed('person', { name: `P${i}` }, Date.parse('2026-11-01T00:00:00Z') + i * 1000);
    const first = await pipedriveSide.readChanges(ctx(), side, [], pipedriveSide.startCursor(), 3);
    expect(first.records.map((r) => r.data.name)).toEqual(['P0', 'P1', 'P2']);
    expect(first.more).toBe(true);
    const rest = await pipedriveSide.readChanges(ctx(), side, [], first.cursor, 3);
    expect(rest.records.map((r) => r.data.name)).toEqual(['P3', 'P4']);
    expect(rest.more).toBe(false);
    expect((await pipedriveSide.readChanges(ctx(), side, [], rest.cursor, 3)).records).toEqual([]);
  });
});
