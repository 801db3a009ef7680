import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hubspot } from '../../connectors/hubspot';
import { changedRecords } from '../../connectors/hubspot/changed-records';
import { findNotes } from '../../connectors/hubspot/find-notes';
import { search } from '../../connectors/hubspot/search';
import { fakeContext } from '../../connectors/sdk/fake-context';
import { signHubSpotV3, verifyHubSpotV3 } from '../../connectors/sdk/signatures/hubspot-signature';
import { HubSpotFake } from '../../sandbox/hubspot-fake';

/** The HubSpot fake refuses what HubSpot refuses (a fake that accepts anything proves nothing), and the connector reads past its search ceiling. */
describe('hubspot fake self-test', () => {
  const fake = new HubSpotFake();
  beforeAll(() => fake.start());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.clear();
    fake.searchCeiling = 10_000;
    fake.searchLagMs = 0;
    fake.webhookUrl = undefined;
  });

  const call = async (method: string, path: string, body?: unknown, token: string | null = 'pat-na1-fake') => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${fake.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };
  const ctx = () => fakeContext({ connector: hubspot.definition, credentials: { accessToken: 'pat-na1-fake' }, baseUrl: fake.url });

  it('auth: no token, an unknown or revoked token are 401 INVALID_AUTHENTICATION; an expired OAuth token is EXPIRED_AUTHENTICATION', async () => {
    expect(await call('GET', '/crm/v3/properties/contacts', undefined, null)).toMatchObject({ status: 401, body: { status: 'error', category: 'INVALID_AUTHENTICATION', correlationId: expect.any(String) } });
    expect((await call('GET', '/crm/v3/properties/contacts', undefined, 'nope')).status).toBe(401);
    fake.tokens.set('oauth-old', Date.now() - 1);
    expect(await call('GET', '/crm/v3/properties/contacts', undefined, 'oauth-old')).toMatchObject({ status: 401, body: { category: 'EXPIRED_AUTHENTICATION' } });
    fake.revokeToken('pat-na1-fake');
    expect((await call('GET', '/crm/v3/properties/contacts')).status).toBe(401);
    fake.tokens.set('pat-na1-fake', Infinity);
  });

  it('writes: unknown, read-only and invalid values are 400 naming the property; a contact needs an identity; email is unique (409 with the id)', async () => {
    const unknown = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'a@example.com', shoe: '44' } });
    expect(unknown).toMatchObject({ status: 400, body: { category: 'VALIDATION_ERROR', errors: [{ code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['shoe'] } }] } });
    expect(unknown.body.message).toMatch(/^Property values were not valid: \[.*"error":"PROPERTY_DOESNT_EXIST","name":"shoe"/);
    expect((await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'a@example.com', lastmodifieddate: '1' } })).body.errors[0].code).toBe('READ_ONLY_VALUE');
    expect((await call('POST', '/crm/v3/objects/deals', { properties: { dealname: 'D', dealstage: 'won' } })).body.errors[0].code).toBe('INVALID_OPTION');
    expect((await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'not-an-email' } })).body.errors[0].code).toBe('INVALID_EMAIL');
    expect((await call('POST', '/crm/v3/objects/contacts', { properties: { phone: '1' } })).status).toBe(400);
    expect(fake.records.contacts.size).toBe(0);
    const created = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'a@example.com' } });
    expect(created).toMatchObject({ status: 201, body: { id: '101', properties: { email: 'a@example.com', hs_object_id: '101' }, archived: false } });
    expect(await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'A@Example.com' } })).toMatchObject({ status: 409, body: { category: 'CONFLICT', message: 'Contact already exists. Existing ID: 101' } });
    expect((await call('PATCH', '/crm/v3/objects/contacts/999', { properties: { firstname: 'x' } })).body).toMatchObject({ category: 'OBJECT_NOT_FOUND' });
    expect((await call('PATCH', '/crm/v3/objects/contacts/a@example.com?idProperty=firstname', { properties: { firstname: 'x' } })).status).toBe(400);
  });

  it('search: filter groups OR, filters AND, operators, one sort, ≤200 per page, after paging, and 400 past the ceiling', async () => {
    const base = Date.parse('2026-11-01T00:00:00Z');
    fake.seed('contacts', 30, (i) => ({ properties: { email: `c${i}@example.com`, firstname: i % 2 ? 'Odd' : 'Even' }, at: base + i * 1000 }));
    const find = (body: Record<string, unknown>) => call('POST', '/crm/v3/objects/contacts/search', body);
    const ids = (r: { body: Record<string, any> }) => (r.body.results as { id: string }[]).map((x) => Number(x.id) - 101);
    expect(ids(await find({ filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(base + 27_000) }] }] }))).toEqual([27, 28, 29]);
    expect(ids(await find({ filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'LT', value: new Date(base + 2000).toISOString() }] }] }))).toEqual([0, 1]);
    expect(ids(await find({ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values: ['c3@example.com', 'C5@example.com'] }] }] }))).toEqual([3, 5]);
    const orAnd = await find({
      filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'odd' }, { propertyName: 'lastmodifieddate', operator: 'LTE', value: String(base + 3000) }] }, { filters: [{ propertyName: 'email', operator: 'EQ', value: 'c20@example.com' }] }],
      sorts: [{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }],
    });
    expect(ids(orAnd)).toEqual([20, 3, 1]);
    const page = await find({ limit: 10, after: '20' });
    expect(page.body).toMatchObject({ total: 30 });
    expect(ids(page)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(page.body.paging).toBeUndefined();
    expect((await find({ limit: 10 })).body.paging).toEqual({ next: { after: '10' } });
    expect((await find({ limit: 201 })).status).toBe(400);
    expect((await find({ sorts: [{ propertyName: 'email' }, { propertyName: 'firstname' }] })).status).toBe(400);
    expect((await find({ filterGroups: Array.from({ length: 6 }, () => ({ filters: [{ propertyName: 'email', operator: 'HAS_PROPERTY' }] })) })).status).toBe(400);
    fake.searchCeiling = 20;
    expect(await find({ limit: 10, after: '20' })).toMatchObject({ status: 400, body: { category: 'VALIDATION_ERROR', message: expect.stringContaining('at most 20 results') } });
    expect(ids(await find({ limit: 15, after: '10' }))).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('batch upsert: 200 when all succeed, 207 with per-input errors by objectWriteTraceId; over 100 inputs is a 400', async () => {
    fake.seed('contacts', 1, () => ({ properties: { email: 'old@example.com' } }));
    const ok = await call('POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: [{ idProperty: 'email', id: 'old@example.com', objectWriteTraceId: '0', properties: { firstname: 'O' } }] });
    expect(ok).toMatchObject({ status: 200, body: { status: 'COMPLETE', results: [{ id: '101', new: false, objectWriteTraceId: '0' }] } });
    const mixed = await call('POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { idProperty: 'email', id: 'new@example.com', objectWriteTraceId: '0', properties: {} },
        { idProperty: 'firstname', id: 'x', objectWriteTraceId: '1', properties: {} },
      ],
    });
    expect(mixed).toMatchObject({ status: 207, body: { numErrors: 1, results: [{ new: true, objectWriteTraceId: '0' }], errors: [{ category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['1'] } }] } });
    expect((await call('POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: Array.from({ length: 101 }, (_, i) => ({ idProperty: 'email', id: `${i}@x.io`, properties: {} })) })).status).toBe(400);
  });

  it('batch read, create and update: ≤100 inputs; ids not found, refused values and taken emails are 207 errors naming the input', async () => {
    fake.seed('contacts', 2, (i) => ({ properties: { email: `c${i}@example.com`, firstname: `C${i}` } }));
    const read = await call('POST', '/crm/v3/objects/contacts/batch/read', { properties: ['firstname'], inputs: [{ id: '101' }, { id: '999' }] });
    expect(read).toMatchObject({ status: 207, body: { numErrors: 1, results: [{ id: '101', properties: { firstname: 'C0' } }], errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['999'] } }] } });
    expect((await call('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '101' }, { id: '102' }] })).status).toBe(200);
    const created = await call('POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [
        { objectWriteTraceId: '0', properties: { email: 'new@example.com', firstname: 'N' } },
        { objectWriteTraceId: '1', properties: { email: 'C1@example.com' } },
        { objectWriteTraceId: '2', properties: { shoe: '44', email: 'x@example.com' } },
      ],
    });
    expect(created).toMatchObject({
      status: 207,
      body: { numErrors: 2, results: [{ id: '103', objectWriteTraceId: '0' }], errors: [{ category: 'CONFLICT', message: 'Contact already exists. Existing ID: 102', context: { objectWriteTraceId: ['1'] } }, { category: 'VALIDATION_ERROR', context: { objectWriteTraceId: ['2'] } }] },
    });
    expect((await call('POST', '/crm/v3/objects/contacts/batch/create', { inputs: [{ properties: { email: 'b@example.com' } }] })).status).toBe(201);
    const updated = await call('POST', '/crm/v3/objects/contacts/batch/update', { inputs: [{ id: '101', properties: { firstname: 'Up' } }, { id: '999', properties: { firstname: 'x' } }, { id: '102', properties: { email: 'new@example.com' } }] });
    expect(updated).toMatchObject({ status: 207, body: { numErrors: 2, results: [{ id: '101', properties: { firstname: 'Up' } }], errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['999'] } }, { category: 'CONFLICT', context: { ids: ['102'] } }] } });
    expect(fake.records.contacts.get('101')!.properties.firstname).toBe('Up');
    expect(fake.records.contacts.get('102')!.properties.email).toBe('c1@example.com');
    expect((await call('POST', '/crm/v3/objects/contacts/batch/update', { inputs: Array.from({ length: 101 }, () => ({ id: '101', properties: {} })) })).status).toBe(400);
  });

  it('a contact\'s associatedcompanyid and its company association follow each other; an unknown company is a 400 naming the property', async () => {
    const [company] = fake.seed('companies', 1, () => ({ properties: { name: 'Acme' } }));
    const created = await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'a@example.com', associatedcompanyid: company!.id } });
    expect(fake.associations).toContainEqual({ fromType: 'contacts', fromId: created.body.id, toType: 'companies', toId: company!.id, typeId: 1 });
    expect(fake.associations).toContainEqual({ fromType: 'companies', fromId: company!.id, toType: 'contacts', toId: created.body.id, typeId: 2 });
    expect((await call('POST', '/crm/v3/objects/contacts', { properties: { email: 'b@example.com', associatedcompanyid: '999' } })).body).toMatchObject({ category: 'VALIDATION_ERROR', errors: [{ context: { propertyName: ['associatedcompanyid'] } }] });
    const [plain] = fake.seed('contacts', 1, () => ({ properties: { email: 'c@example.com' } }));
    expect((await call('PUT', `/crm/v4/objects/companies/${company!.id}/associations/default/contacts/${plain!.id}`)).status).toBe(200);
    expect(fake.records.contacts.get(plain!.id)!.properties.associatedcompanyid).toBe(company!.id);
  });

  it('merge: both records become one with a new id (the older create time, the primary\'s values first); old ids read as it, are gone from search; unknown ids 404, itself 400', async () => {
    const [newer] = fake.seed('contacts', 1, () => ({ properties: { email: 'twin@example.com', firstname: 'Newer', phone: '555' }, at: 2_000 }));
    const [older] = fake.seed('contacts', 1, () => ({ properties: { email: 'twin@example.com', firstname: 'Older' }, at: 1_000 }));
    const merged = await call('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: older!.id, objectIdToMerge: newer!.id });
    expect(merged).toMatchObject({ status: 200, body: { properties: { firstname: 'Older', phone: '555', email: 'twin@example.com' }, createdAt: new Date(1_000).toISOString(), archived: false } });
    const id = merged.body.id as string;
    expect([older!.id, newer!.id]).not.toContain(id);
    expect([...fake.records.contacts.keys()]).toEqual([id]);
    const read = await call('POST', '/crm/v3/objects/contacts/batch/read', { inputs: [{ id: older!.id }, { id: newer!.id }] });
    expect(read.body.results.map((r: { id: string }) => r.id)).toEqual([id, id]);
    const found = await call('POST', '/crm/v3/objects/contacts/search', { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'twin@example.com' }] }] });
    expect(found.body.results.map((r: { id: string }) => r.id)).toEqual([id]);
    // Both old ids are one record now: merging them again is merging it into itself.
    expect(await call('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: older!.id, objectIdToMerge: newer!.id })).toMatchObject({ status: 400, body: { category: 'VALIDATION_ERROR' } });
    expect(await call('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: id, objectIdToMerge: '999' })).toMatchObject({ status: 404, body: { status: 'error', category: 'OBJECT_NOT_FOUND' } });
    expect(await call('POST', '/crm/v3/objects/contacts/merge', { primaryObjectId: id })).toMatchObject({ status: 400, body: { category: 'VALIDATION_ERROR', message: 'Invalid input JSON: objectIdToMerge is required' } });
    expect([...fake.records.contacts.keys()]).toEqual([id]);
  });

  it('rate limits carry policyName, the rolling windows their interval header', async () => {
    fake.rateLimit('SECONDLY').rateLimit('DAILY');
    const secondly = await call('GET', '/crm/v3/properties/contacts');
    expect(secondly).toMatchObject({ status: 429, body: { errorType: 'RATE_LIMIT', policyName: 'SECONDLY', message: 'You have reached your secondly limit.' } });
    expect(secondly.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('1000');
    expect((await call('GET', '/crm/v3/properties/contacts')).body).toMatchObject({ policyName: 'DAILY' });
    expect((await call('GET', '/crm/v3/properties/contacts')).status).toBe(200);
  });

  it('edit: the modified time moves on and one signed v3 POST carries a propertyChange event per changed field', async () => {
    const [record] = fake.seed('contacts', 1, () => ({ properties: { email: 'e@example.com' }, at: 1_000 }));
    const received: { url: string; method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    const sink = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ url: req.url!, method: req.method!, headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    fake.webhookUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hooks/hubspot-main`;
    try {
      expect(await fake.edit('contacts', record!.id, { firstname: 'Eve', lastname: 'E' })).toBe(204);
    } finally {
      sink.close();
    }
    expect(record!.updatedAt).toBeGreaterThan(1_000);
    expect(record!.properties.lastmodifieddate).toBe(String(record!.updatedAt));
    const [delivery] = received;
    const events = JSON.parse(delivery!.body) as Record<string, unknown>[];
    expect(events).toEqual([
      expect.objectContaining({ subscriptionType: 'contact.propertyChange', objectId: 101, propertyName: 'firstname', propertyValue: 'Eve', portalId: 62515, attemptNumber: 0 }),
      expect.objectContaining({ subscriptionType: 'contact.propertyChange', objectId: 101, propertyName: 'lastname', propertyValue: 'E' }),
    ]);
    const request = { rawBody: Buffer.from(delivery!.body), headers: delivery!.headers, method: 'POST', url: fake.webhookUrl };
    expect(verifyHubSpotV3(request, fake.app.clientSecret, new Date())).toEqual({ ok: true });
    expect(verifyHubSpotV3({ ...request, url: `${fake.webhookUrl}?x=1` }, fake.app.clientSecret, new Date())).toMatchObject({ ok: false });
    // HubSpot signs the URI with %3A, %2F, %40… decoded (its v3 guide); other escapes stay as sent.
    expect(signHubSpotV3('s', 'POST', 'https://h.example/hooks/c?to=a%40b.io%3A1', '[]', 1)).toBe(signHubSpotV3('s', 'POST', 'https://h.example/hooks/c?to=a@b.io:1', '[]', 1));
    expect(signHubSpotV3('s', 'POST', 'https://h.example/hooks/c?q=a%20b', '[]', 1)).not.toBe(signHubSpotV3('s', 'POST', 'https://h.example/hooks/c?q=a b', '[]', 1));
  });

  it('changedRecords reads 10,500 records with ties in one poll across the 10,000 ceiling: each once, in order, never a 400', async () => {
    const base = Date.parse('2026-11-01T00:00:00Z');
    const seeded = fake.seed('contacts', 10_500, (i) => ({ properties: { email: `p${i}@example.com` }, at: base + Math.floor(i / 7) }));
    const out = await changedRecords.poll(ctx(), { objectType: 'contacts', filterGroups: [], pageSize: 200, maxPages: 100, properties: ['email'] }, JSON.stringify({ t: base - 1, ids: [] }));
    expect(out.items.map((i) => i.item.id)).toEqual(seeded.map((r) => r.id));
    expect(new Set(out.items.map((i) => i.dedupeKey)).size).toBe(10_500);
    const searches = fake.received('POST', '/crm/v3/objects/contacts/search');
    expect(searches.map((r) => r.body as { after?: string }).filter((b) => b.after === undefined).length).toBe(2);
    expect(Math.max(...searches.map((r) => Number((r.body as { after?: string }).after ?? 0)))).toBe(9_800);
    expect(JSON.parse(out.cursor!)).toEqual({ t: base + 1499, ids: seeded.slice(-7).map((r) => r.id) });
  });

  it('search sorted by modification time continues past the ceiling from its own cursor; more than 10,000 in one millisecond is fatal', async () => {
    const base = Date.parse('2026-11-01T00:00:00Z');
    fake.seed('contacts', 10_001, () => ({ properties: {}, at: base }));
    const first = await search.run(ctx(), { objectType: 'contacts', filterGroups: [], sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }], limit: 200, maxRecords: 2_000 });
    expect(first.results).toHaveLength(2_000);
    expect(first.next).toBeDefined();
    const rest = changedRecords.poll(ctx(), { objectType: 'contacts', filterGroups: [], pageSize: 200, maxPages: 100 }, JSON.stringify({ t: base, ids: [] }));
    await expect(rest).rejects.toMatchObject({ kind: 'fatal', code: 'search_ceiling' });
  });

  it('a new note: search misses it until indexed (searchLagMs); the contact’s note associations and batch read see it at once, which findNotes reads', async () => {
    const [contact] = fake.seed('contacts', 1, () => ({ properties: { email: 'ada@example.com' } }));
    fake.searchLagMs = 60_000;
    const at = '2026-11-27T12:00:00.000Z';
    const note = async (body: string, timestamp = at) =>
      (await call('POST', '/crm/v3/objects/notes', { properties: { hs_note_body: body, hs_timestamp: timestamp }, associations: [{ to: { id: contact!.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] }] })).body.id as string;
    const first = await note('marker-1');
    const other = await note('marker-2', '2026-11-27T13:00:00.000Z');
    const searched = await call('POST', '/crm/v3/objects/notes/search', { filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: contact!.id }] }] });
    expect(searched.body).toMatchObject({ total: 0, results: [] });
    expect((await call('GET', `/crm/v4/objects/contacts/${contact!.id}/associations/notes?limit=1`)).body).toEqual({
      results: [{ toObjectId: Number(first), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 201, label: null }] }],
      paging: { next: { after: '1', link: null } },
    });
    expect((await call('GET', `/crm/v4/objects/contacts/${contact!.id}/associations/notes?limit=501`)).status).toBe(400);
    expect(await findNotes.run(ctx(), { contactId: contact!.id, timestamp: at, limit: 100 })).toEqual({ notes: [{ id: first, body: 'marker-1' }] });
    expect((await findNotes.run(ctx(), { contactId: contact!.id, limit: 100 })).notes.map((n) => n.id)).toEqual([first, other]);
    fake.searchLagMs = 0;
    expect((await call('POST', '/crm/v3/objects/notes/search', { filterGroups: [{ filters: [{ propertyName: 'associations.contact', operator: 'EQ', value: contact!.id }] }] })).body.total).toBe(2);
  });
});
