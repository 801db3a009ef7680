import { expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { untilNextUtcDay } from '../../connectors/sdk/utc-day';
import type { ContractFailure } from '../support/contract-harness';
import { HubSpotFake } from '../../sandbox/hubspot-fake';
import { describeConnectorContract } from '../support/connector-contract';

const token = 'pat-na1-fake';
const step = (input: unknown, connectionId = 'hubspot-main') => ({ stepId: 'crm', connectionId, input });
const contact = (properties: Record<string, unknown>) => step({ objectType: 'contacts', properties });
const revoked = { how: '401 INVALID_AUTHENTICATION (the private-app token was rotated)', arrange: ({ fake }: { fake: HubSpotFake }) => fake.revokeToken(token), message: /^connection hubspot-main is disconnected \(401 from HubSpot: Authentication credentials not found/ };
const forbidden = {
  how: '403 MISSING_SCOPES',
  arrange: ({ fake }: { fake: HubSpotFake }) =>
    fake.fail({ kind: 'respond', response: { status: 403, json: { status: 'error', message: 'This app hasn\'t been granted all required scopes to make this call.', category: 'MISSING_SCOPES', errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.contacts.write'] } }] } } }),
  message: /^403 from HubSpot: This app hasn't been granted all required scopes/,
};

describeConnectorContract({
  connector: 'hubspot',
  fake: () => new HubSpotFake(),
  resetFake(fake) {
    fake.tokens.clear();
    fake.tokens.set(token, Infinity);
    fake.refreshTokens.add('hubspot-refresh');
    fake.clear();
    fake.seed('contacts', 1, () => ({ properties: { email: 'grace@example.com', firstname: 'Grace', lastname: 'Hopper' } }));
    fake.seed('companies', 1, () => ({ properties: { name: 'Acme', domain: 'acme.example' } }));
  },
  connections: (fake) => [
    { id: 'hubspot-main', connector: 'hubspot', credentials: { accessToken: token }, baseUrl: fake.url },
    {
      id: 'hubspot-oauth',
      connector: 'hubspot',
      credentials: { accessToken: 'oauth-expired', refreshToken: 'hubspot-refresh', expiresAt: new Date(Date.now() - 60_000).toISOString(), clientId: fake.app.clientId, clientSecret: fake.app.clientSecret, tokenUrl: `${fake.url}/oauth/v1/token` },
      baseUrl: fake.url,
    },
  ],
  actions: {
    'hubspot.createRecord': {
      call: contact({ email: 'ada@example.com' }),
      endpoint: ['POST', '/crm/v3/objects/contacts'],
      happyPath: {
        how: 'POST /crm/v3/objects/contacts with the properties as strings; 201 with the record',
        call: contact({ email: 'ada@example.com', firstname: 'Ada', phone: 5550100 }),
        result: { id: expect.stringMatching(/^\d+$/), properties: { email: 'ada@example.com', firstname: 'Ada', phone: '5550100' }, archived: false },
        request(req) {
          expect(req.headers.authorization).toBe(`Bearer ${token}`);
          expect(req.headers['content-type']).toMatch(/^application\/json/);
          expect(req.body).toEqual({ properties: { email: 'ada@example.com', firstname: 'Ada', phone: '5550100' } });
        },
      },
      retryable: { how: 'a 502 INTERNAL_ERROR' },
      rateLimited: [
        { how: '429 TEN_SECONDLY_ROLLING waits the interval it names (X-HubSpot-RateLimit-Interval-Milliseconds)', retryAfterSeconds: 2, nextRetryDelayMs: 2000 },
        { how: '429 SECONDLY (search) waits one second', retryAfterSeconds: 1, arrange: ({ fake }) => fake.rateLimit('SECONDLY'), nextRetryDelayMs: 1000 },
      ],
      authLost: revoked,
      invalidInput: [
        {
          how: '400 PROPERTY_DOESNT_EXIST names the property',
          call: contact({ email: 'ada@example.com', favourite_colour: 'teal' }),
          message: '400 from HubSpot: Property "favourite_colour" does not exist',
          details: [{ kind: 'invalid_input', status: 400, code: 'PROPERTY_DOESNT_EXIST', field: 'favourite_colour' }],
        },
        {
          how: '409 CONFLICT for a taken email carries the existing id',
          call: contact({ email: 'GRACE@example.com' }),
          message: /^409 from HubSpot: Contact already exists\. Existing ID: 101$/,
          details: [{ status: 409, code: 'CONFLICT' }],
        },
        { how: 'a contact with none of email, firstname, lastname (400 VALIDATION_ERROR)', call: contact({ phone: '5550100' }), message: '400 from HubSpot: email, firstname or lastname is required', details: [{ field: 'email' }] },
        { how: 'a read-only property (400 READ_ONLY_VALUE)', call: contact({ email: 'x@example.com', createdate: '2020-01-01' }), details: [{ code: 'READ_ONLY_VALUE', field: 'createdate' }] },
      ],
      fatal: forbidden,
    },
    'hubspot.updateRecord': {
      call: step({ objectType: 'contacts', id: 'grace@example.com', idProperty: 'email', properties: { lifecyclestage: 'customer' } }),
      endpoint: ['PATCH', '/crm/v3/objects/contacts/*'],
      happyPath: {
        how: 'PATCH by email with idProperty=email',
        result: { id: '101', properties: { lifecyclestage: 'customer' } },
        request(req) {
          expect(req.path).toBe('/crm/v3/objects/contacts/grace%40example.com');
          expect(req.query.get('idProperty')).toBe('email');
          expect(req.body).toEqual({ properties: { lifecyclestage: 'customer' } });
        },
      },
      invalidInput: [
        { how: '404 OBJECT_NOT_FOUND for an unknown record', call: step({ objectType: 'contacts', id: '999999', properties: { firstname: 'X' } }), message: '404 from HubSpot: resource not found' },
        {
          how: '400 INVALID_OPTION names the property',
          call: step({ objectType: 'contacts', id: '101', properties: { lifecyclestage: 'vip' } }),
          details: [{ code: 'INVALID_OPTION', field: 'lifecyclestage' }],
        },
      ],
    },
    'hubspot.batchUpsert': {
      call: step({ objectType: 'contacts', records: [{ key: 'grace@example.com', properties: { firstname: 'Grace B.' } }] }),
      endpoint: ['POST', '/crm/v3/objects/contacts/batch/upsert'],
      happyPath: {
        how: '200: one updated by email, one created; each input carries its index as objectWriteTraceId',
        call: step({ objectType: 'contacts', records: [{ key: 'grace@example.com', properties: { firstname: 'Grace B.' } }, { key: 'alan@example.com', properties: { firstname: 'Alan' } }] }),
        result: { results: [{ ok: true, key: 'grace@example.com', id: '101', created: false }, { ok: true, key: 'alan@example.com', created: true }], created: 1, updated: 1, failed: 0 },
        request(req) {
          expect(req.body).toEqual({
            inputs: [
              { idProperty: 'email', id: 'grace@example.com', objectWriteTraceId: '0', properties: { firstname: 'Grace B.' } },
              { idProperty: 'email', id: 'alan@example.com', objectWriteTraceId: '1', properties: { firstname: 'Alan' } },
            ],
          });
        },
      },
      rateLimited: { how: '429 TEN_SECONDLY_ROLLING', retryAfterSeconds: 1, nextRetryDelayMs: 1000 },
    },
    'hubspot.search': {
      call: step({ objectType: 'contacts', filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'grace@example.com' }] }] }),
      endpoint: ['POST', '/crm/v3/objects/contacts/search'],
      happyPath: {
        how: 'filter groups, one sort, properties, limit; finds the contact by email',
        call: step({ objectType: 'contacts', filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values: ['grace@example.com', 'nobody@example.com'] }] }], sorts: [{ propertyName: 'createdate' }], properties: ['email', 'firstname'], limit: 50 }),
        result: { total: 1, results: [{ id: '101', properties: { email: 'grace@example.com', firstname: 'Grace' } }] },
        request(req) {
          expect(req.body).toEqual({
            filterGroups: [{ filters: [{ propertyName: 'email', operator: 'IN', values: ['grace@example.com', 'nobody@example.com'] }] }],
            sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
            properties: ['email', 'firstname'],
            limit: 50,
          });
        },
      },
      invalidInput: {
        how: '400 for a filter on a property that does not exist names it',
        call: step({ objectType: 'contacts', filterGroups: [{ filters: [{ propertyName: 'shoe_size', operator: 'GT', value: 40 }] }] }),
        message: '400 from HubSpot: Property "shoe_size" does not exist',
        details: [{ field: 'shoe_size' }],
      },
    },
    'hubspot.associate': {
      call: step({ from: { objectType: 'contacts', id: '101' }, to: { objectType: 'companies', id: '102' } }),
      endpoint: ['PUT', '/crm/v4/objects/*'],
      happyPath: {
        how: 'PUT the v4 default association contact → company',
        result: { associationTypeIds: [1, 2] },
        request(req, { fake }) {
          expect(req.path).toBe('/crm/v4/objects/contacts/101/associations/default/companies/102');
          expect(fake.associations).toContainEqual({ fromType: 'contacts', fromId: '101', toType: 'companies', toId: '102', typeId: 1 });
        },
      },
      invalidInput: [
        { how: '404 for a company that does not exist', call: step({ from: { objectType: 'contacts', id: '101' }, to: { objectType: 'companies', id: '999' } }), message: /^404 from HubSpot: contacts 101 or companies 999 was not found/ },
        { how: 'our validation refuses a pair without a default type, before any call', call: step({ from: { objectType: 'companies', id: '102' }, to: { objectType: 'companies', id: '102' } }), requests: 0, message: /HubSpot associates contacts with companies and deals/ },
      ],
    },
    'hubspot.createNote': {
      call: step({ contactId: '101', body: 'hello', timestamp: '2026-11-27T12:00:00.000Z' }),
      endpoint: ['POST', '/crm/v3/objects/notes'],
      happyPath: {
        how: 'a plain-text transcript becomes escaped HTML lines, associated with the contact (type 202) and company (190)',
        call: step({ contactId: '101', companyId: '102', body: 'Customer <ada@example.com>: hi\nAdmin: closed', timestamp: '2026-11-27T12:00:00.000Z' }),
        result: { id: expect.stringMatching(/^\d+$/) },
        request(req, { fake }) {
          expect(req.body).toEqual({
            properties: { hs_note_body: 'Customer &lt;ada@example.com&gt;: hi<br>Admin: closed', hs_timestamp: '2026-11-27T12:00:00.000Z' },
            associations: [
              { to: { id: '101' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 202 }] },
              { to: { id: '102' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }] },
            ],
          });
          expect(fake.associations.filter((a) => a.fromType === 'notes').map((a) => [a.toType, a.toId])).toEqual([['contacts', '101'], ['companies', '102']]);
        },
      },
      invalidInput: { how: '400 for a contact that does not exist', call: step({ contactId: '999', body: 'x' }), message: /^400 from HubSpot: One or more associations are invalid: .*"id":"999"/ },
      authLost: { ...revoked, call: step({ contactId: '101', body: 'x' }) },
    },
    'hubspot.listProperties': {
      call: step({ objectType: 'deals' }),
      endpoint: ['GET', '/crm/v3/properties/deals'],
      happyPath: {
        how: 'names, types, read-only, unique and options',
        result: {
          properties: expect.arrayContaining([
            { name: 'hs_lastmodifieddate', label: 'Last Modified Date', type: 'datetime', fieldType: 'date', readOnly: true, unique: false, options: [] },
            expect.objectContaining({ name: 'dealstage', type: 'enumeration', fieldType: 'select', readOnly: false, options: expect.arrayContaining([{ label: 'closedwon', value: 'closedwon' }]) }),
          ]),
        },
        request(req) {
          expect(req.method).toBe('GET');
          expect(req.headers.accept).toBe('application/json');
        },
      },
      retryable: { how: 'two 502s, then the answer', failures: 2 },
    },
  },
  specific(ctx) {
    it('429 DAILY waits for the daily reset (the next UTC midnight, or an hour when that is over 12 h away), after exactly one request', async () => {
      ctx.fake.rateLimit('DAILY');
      const once = (await ctx.call('hubspot.createRecord', contact({ email: 'ada@example.com' }), { maxAttempts: 1 })) as ContractFailure;
      const after = Date.now();
      expect(once).toMatchObject({ ok: false, type: FailureType.rateLimited, message: '429 from HubSpot: You have reached your daily limit.' });
      // Not the seconds of the rolling windows: as long as the day has left, up to an hour (late in the UTC day, less).
      expect(once.nextRetryDelayMs).toBeGreaterThanOrEqual(Math.min(3_600_000, untilNextUtcDay(after)));
      expect(once.nextRetryDelayMs).toBeLessThanOrEqual(12 * 3_600_000);
      expect(ctx.fake.requests).toHaveLength(1);
    });

    it('batch upsert 207: per-record outcomes, the bad record named, the good ones written', async () => {
      const res = await ctx.call(
        'hubspot.batchUpsert',
        step({ objectType: 'contacts', records: [{ key: 'a@example.com', properties: { firstname: 'A' } }, { key: 'b@example.com', properties: { shoe_size: '44' } }, { key: 'not-an-email', properties: {} }] }),
      );
      expect(res).toMatchObject({
        ok: true,
        result: {
          results: [
            { ok: true, key: 'a@example.com', created: true },
            { ok: false, key: 'b@example.com', category: 'VALIDATION_ERROR', message: expect.stringContaining('shoe_size') },
            { ok: false, key: 'not-an-email', category: 'VALIDATION_ERROR', message: expect.stringContaining('INVALID_EMAIL') },
          ],
          created: 1,
          updated: 0,
          failed: 2,
        },
      });
      expect(ctx.fake.find('contacts', 'email', 'a@example.com')).toBeDefined();
      expect(ctx.fake.find('contacts', 'email', 'b@example.com')).toBeUndefined();
    });

    it('OAuth: an expired access token is refreshed at /oauth/v1/token first, and the new one stored', async () => {
      const res = await ctx.call('hubspot.search', step({ objectType: 'companies', filterGroups: [{ filters: [{ propertyName: 'domain', operator: 'EQ', value: 'acme.example' }] }] }, 'hubspot-oauth'));
      expect(res).toMatchObject({ ok: true, result: { total: 1, results: [{ properties: { name: 'Acme' } }] } });
      expect(ctx.fake.received('POST', '/oauth/v1/token')).toHaveLength(1);
      const saved = ctx.connections.updates.at(-1)?.credentials as { accessToken: string; refreshToken: string };
      expect(saved.accessToken).toMatch(/^oauth-/);
      expect(ctx.fake.received('POST', '/crm/v3/objects/companies/search')[0]!.headers.authorization).toBe(`Bearer ${saved.accessToken}`);
    });

    it('OAuth: a revoked refresh token is auth_lost and disconnects the connection', async () => {
      ctx.fake.revokeToken('hubspot-refresh');
      const res = await ctx.call('hubspot.listProperties', step({ objectType: 'contacts' }, 'hubspot-oauth'));
      expect(res).toMatchObject({ ok: false, type: FailureType.authLost, message: /refreshing the access token failed: 400 from the OAuth2 token endpoint: missing or unknown refresh token/ });
      expect(ctx.connections.byId.get('hubspot-oauth')?.status).toBe('disconnected');
    });

    it('changedRecords: the first poll starts after the newest record; then each change once, ties by id, and again when changed again', async () => {
      const poll = async (cursor: string | null) => {
        const res = await ctx.call('pollTrigger', { trigger: 'hubspot.changedRecords', connectionId: 'hubspot-main', input: { objectType: 'contacts', properties: ['email'], pageSize: 2 }, cursor });
        expect(res.ok).toBe(true);
        return (res as { result: { items: { dedupeKey: string; item: { id: string; properties: Record<string, string> } }[]; cursor: string } }).result;
      };
      const first = await poll(null);
      expect(first.items).toEqual([]);
      const [search] = ctx.fake.received('POST', '/crm/v3/objects/contacts/search');
      expect(search!.body).toEqual({ filterGroups: [], sorts: [{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }], properties: ['lastmodifieddate'], limit: 1 });

      const at = Date.now() + 1000;
      const made = ctx.fake.seed('contacts', 5, (i) => ({ properties: { email: `tie${i}@example.com` }, at: i < 3 ? at : at + 1 }));
      ctx.fake.reset();
      const second = await poll(first.cursor);
      expect(second.items.map((i) => i.item.id)).toEqual(made.map((r) => r.id));
      expect(ctx.fake.received('POST', '/crm/v3/objects/contacts/search')[0]!.body).toMatchObject({
        filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: expect.stringMatching(/^\d+$/) }] }],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
        properties: ['email'],
        limit: 2,
      });
      expect((await poll(second.cursor)).items).toEqual([]);

      await ctx.fake.edit('contacts', made[1]!.id, { firstname: 'Changed' });
      const third = await poll(second.cursor);
      expect(third.items.map((i) => i.item.id)).toEqual([made[1]!.id]);
      expect(new Set([...second.items, ...third.items].map((i) => i.dedupeKey)).size).toBe(6);
    });

    it('changedRecords: 5,000 records, nine to a modification time, polled 1,000 at a time: none missed, none repeated', async () => {
      const input = { objectType: 'contacts', properties: ['email'], pageSize: 200, maxPages: 5 };
      const poll = async (cursor: string | null) => {
        const res = await ctx.call('pollTrigger', { trigger: 'hubspot.changedRecords', connectionId: 'hubspot-main', input, cursor });
        expect(res.ok).toBe(true);
        return (res as { result: { items: { dedupeKey: string; item: { id: string } }[]; cursor: string } }).result;
      };
      let { cursor } = await poll(null);
      const base = Date.now() + 60_000;
      const seeded = ctx.fake.seed('contacts', 5_000, (i) => ({ properties: { email: `bulk${i}@example.com` }, at: base + Math.floor(i / 9) }));
      const seen: string[] = [];
      const keys = new Set<string>();
      for (let polls = 0; polls < 10; polls++) {
        const page = await poll(cursor);
        cursor = page.cursor;
        if (page.items.length === 0) break;
        expect(page.items.length).toBeLessThanOrEqual(1_000);
        for (const { dedupeKey, item } of page.items) {
          seen.push(item.id);
          keys.add(dedupeKey);
        }
      }
      expect(seen).toEqual(seeded.map((r) => r.id));
      expect(keys.size).toBe(5_000);
    });
  },
});
