import { expect, it } from 'vitest';
import { pipedrive } from '../../connectors/pipedrive';
import { accountNotOpen, dealsLimitReached, PipedriveFake } from '../../sandbox/pipedrive-fake';
import { describeConnectorContract } from '../support/connector-contract';

const step = (input: unknown, connectionId = 'pd-main') => ({ stepId: 'crm', connectionId, input });
const poll = (input: Record<string, unknown>, cursor: string | null = null) => ({ trigger: 'pipedrive.changedRecords', connectionId: 'pd-main', input, cursor });

/** The three ways every call fails alike: a 500, a 429 with x-ratelimit-reset, a revoked API token. */
const common = {
  retryable: { how: 'a 500 in the error envelope' },
  rateLimited: { how: '429 with x-ratelimit-reset: 1 (seconds)', retryAfterSeconds: 1, nextRetryDelayMs: 1000 },
  authLost: {
    how: 'the API token was regenerated (401 unauthorized access)',
    arrange: ({ fake }: { fake: PipedriveFake }) => fake.revokeTokens(),
    message: /connection pd-main is disconnected \(401 from Pipedrive: unauthorized access/,
    disconnect: { status: 401 },
  },
};

const notFound = (what: string) => ({ how: `a ${what} that does not exist (404)`, message: new RegExp(`^404 from Pipedrive: ${what} not found`, 'i') });

describeConnectorContract({
  connector: 'pipedrive',
  fake: () => new PipedriveFake(),
  resetFake(fake) {
    fake.clear();
    fake.seed('organization', { name: 'Analytical Engines Ltd' }); // id 1
    fake.seed('person', { name: 'Ada Lovelace', org_id: 1, emails: [{ value: 'ada@example.com', primary: true, label: 'work' }] }); // id 2
    fake.seed('deal', { title: 'Engines renewal', person_id: 2, org_id: 1, value: 12000, currency: 'EUR' }); // id 3
    fake.addCustomField('person', 'Plan', 'enum', ['Free', 'Pro']);
  },
  connections: (fake) => [
    { id: 'pd-main', connector: 'pipedrive', credentials: { apiToken: 'pd-api-token', companyDomain: 'acme' }, baseUrl: fake.url },
    {
      id: 'pd-oauth',
      connector: 'pipedrive',
      credentials: {
        accessToken: 'v1u:expired',
        refreshToken: 'pd-refresh',
        expiresAt: new Date(Date.now() - 60_000).toISOString(),
        clientId: fake.oauthApp.clientId,
        clientSecret: fake.oauthApp.clientSecret,
        tokenUrl: `${fake.url}/oauth/token`,
        companyDomain: 'acme',
      },
      baseUrl: fake.url,
    },
  ],
  actions: {
    'pipedrive.createPerson': {
      call: step({ name: 'Grace Hopper' }),
      endpoint: ['POST', '/api/v2/persons'],
      happyPath: {
        how: 'POST /api/v2/persons with x-api-token, v2 emails, 201 with the record',
        call: step({ name: 'Grace Hopper', org_id: 1, emails: [{ value: 'grace@example.com', primary: true, label: 'work' }] }),
        result: { id: 4, name: 'Grace Hopper', org_id: 1, emails: [{ value: 'grace@example.com', primary: true, label: 'work' }], update_time: expect.stringMatching(/Z$/) },
        request(req) {
          expect(req.headers['x-api-token']).toBe('pd-api-token');
          expect(req.headers.authorization).toBeUndefined();
          expect(req.body).toEqual({ name: 'Grace Hopper', org_id: 1, emails: [{ value: 'grace@example.com', primary: true, label: 'work' }] });
        },
      },
      ...common,
      invalidInput: [
        {
          how: 'an organization that does not exist (400 Validation failed names org_id)',
          call: step({ name: 'Grace Hopper', org_id: 999 }),
          message: '400 from Pipedrive: Validation failed: org_id: Organization with id 999 not found',
          details: [{ field: 'org_id', code: 'ERR_SCHEMA_VALIDATION_FAILED' }],
        },
        { how: 'no name (refused before any call)', call: step({ emails: [{ value: 'x@example.com' }] }), message: /name/, requests: 0 },
        { how: 'a field Pipedrive does not know (refused before any call)', call: step({ name: 'X', email: 'x@example.com' }), message: /email/, requests: 0 },
      ],
      fatal: { how: '402: the account is not open', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: accountNotOpen() }), message: /^402 from Pipedrive: the Pipedrive account is not open .*trial expired/ },
    },
    'pipedrive.updatePerson': {
      call: step({ id: 2, name: 'Ada King' }),
      endpoint: ['PATCH', '/api/v2/persons/*'],
      happyPath: {
        how: 'PATCH /api/v2/persons/2 with only the changed fields',
        result: { id: 2, name: 'Ada King', org_id: 1 },
        request(req) {
          expect(req.path).toBe('/api/v2/persons/2');
          expect(req.body).toEqual({ name: 'Ada King' });
        },
      },
      ...common,
      invalidInput: { how: 'no field to change (refused before any call)', call: step({ id: 2 }), message: /at least one field/, requests: 0 },
      fatal: { ...notFound('Person'), call: step({ id: 999, name: 'Nobody' }) },
    },
    'pipedrive.createOrganization': {
      call: step({ name: 'Difference Engines plc' }),
      endpoint: ['POST', '/api/v2/organizations'],
      happyPath: {
        how: 'POST /api/v2/organizations',
        result: { id: 4, name: 'Difference Engines plc' },
        request: (req) => expect(req.body).toEqual({ name: 'Difference Engines plc' }),
      },
      ...common,
      invalidInput: { how: 'a field organizations do not have (refused before any call)', call: step({ name: 'x', website: 'https://example.com' }), message: /website/, requests: 0 },
      fatal: { how: '403 without permission', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: { status: 403, json: { success: false, error: 'You do not have permissions to add organizations', error_info: 'x' } } }), message: /^403 from Pipedrive: Pipedrive refused: .*\(You do not have permissions/ },
    },
    'pipedrive.updateOrganization': {
      call: step({ id: 1, name: 'Analytical Engines plc' }),
      endpoint: ['PATCH', '/api/v2/organizations/*'],
      happyPath: { how: 'PATCH /api/v2/organizations/1', result: { id: 1, name: 'Analytical Engines plc' }, request: (req) => expect(req.body).toEqual({ name: 'Analytical Engines plc' }) },
      ...common,
      invalidInput: { how: 'an unknown owner type (400 names owner_id)', call: step({ id: 1, owner_id: 1.5 }), message: /owner_id/, requests: 0 },
      fatal: { ...notFound('Organization'), call: step({ id: 999, name: 'x' }) },
    },
    'pipedrive.createDeal': {
      call: step({ title: 'Second engine', person_id: 2 }),
      endpoint: ['POST', '/api/v2/deals'],
      happyPath: {
        how: 'POST /api/v2/deals, open by default',
        call: step({ title: 'Second engine', person_id: 2, value: 5000, currency: 'GBP' }),
        result: { id: 4, title: 'Second engine', status: 'open', person_id: 2, value: 5000, currency: 'GBP' },
        request: (req) => expect(req.body).toEqual({ title: 'Second engine', person_id: 2, value: 5000, currency: 'GBP' }),
      },
      ...common,
      invalidInput: {
        how: 'a person that does not exist (400 names person_id)',
        call: step({ title: 'x', person_id: 999 }),
        message: '400 from Pipedrive: Validation failed: person_id: Person with id 999 not found',
        details: [{ field: 'person_id' }],
      },
      fatal: {
        how: '403 feature_capping_deals_limit (plan limit)',
        arrange: ({ fake }) => fake.fail({ kind: 'respond', response: dealsLimitReached() }),
        message: /^403 from Pipedrive: Pipedrive refused: .*plan limit.*\(You have reached the limit of open deals/,
        details: [{ code: 'feature_capping_deals_limit' }],
      },
    },
    'pipedrive.updateDeal': {
      call: step({ id: 3, status: 'won' }),
      endpoint: ['PATCH', '/api/v2/deals/*'],
      happyPath: {
        how: 'PATCH status won: Pipedrive stamps won_time and close_time',
        result: { id: 3, status: 'won', won_time: expect.stringMatching(/Z$/), close_time: expect.stringMatching(/Z$/) },
        request: (req) => expect(req.body).toEqual({ status: 'won' }),
      },
      ...common,
      invalidInput: { how: 'a status Pipedrive does not have (refused before any call)', call: step({ id: 3, status: 'closed' }), message: /status/, requests: 0 },
      fatal: { ...notFound('Deal'), call: step({ id: 999, status: 'won' }) },
    },
    'pipedrive.getRecord': {
      call: step({ object: 'person', id: 2 }),
      endpoint: ['GET', '/api/v2/*'],
      happyPath: { how: 'GET /api/v2/persons/2', result: { id: 2, name: 'Ada Lovelace', emails: [{ value: 'ada@example.com' }] }, request: (req) => expect(req.path).toBe('/api/v2/persons/2') },
      ...common,
      invalidInput: { how: 'an object the connector does not read (refused before any call)', call: step({ object: 'lead', id: 1 }), message: /object/, requests: 0 },
      fatal: { ...notFound('Deal'), call: step({ object: 'deal', id: 999 }) },
    },
    'pipedrive.searchPersons': {
      call: step({ email: 'ADA@example.com' }),
      endpoint: ['GET', '/api/v2/persons/search'],
      happyPath: {
        how: 'fields=email, exact_match=true: case-insensitive exact email',
        result: { persons: [{ id: 2, name: 'Ada Lovelace', emails: ['ada@example.com'], organization: { id: 1, name: 'Analytical Engines Ltd' } }], firstId: 2 },
        request(req) {
          expect(Object.fromEntries(req.query)).toEqual({ term: 'ADA@example.com', fields: 'email', exact_match: 'true', limit: '10' });
        },
      },
      ...common,
      invalidInput: { how: 'an empty email (refused before any call)', call: step({ email: '' }), message: /email/, requests: 0 },
      fatal: { how: '402: the account is not open', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: accountNotOpen() }), message: /account is not open/ },
    },
    'pipedrive.listFields': {
      call: step({ object: 'person' }),
      endpoint: ['GET', '/api/v1/personFields'],
      happyPath: {
        how: 'GET /api/v1/personFields (start 0, limit 500): v2 names for email/phone, computed fields not writable, custom fields by their hash key with options',
        result: {
          fields: expect.arrayContaining([
            { key: 'name', name: 'Name', fieldType: 'varchar', custom: false, writable: true, options: [] },
            { key: 'emails', name: 'Email', fieldType: 'varchar', custom: false, writable: true, options: [] },
            { key: 'update_time', name: 'Update time', fieldType: 'date', custom: false, writable: false, options: [] },
            { key: 'open_deals_count', name: 'Open deals', fieldType: 'int', custom: false, writable: false, options: [] },
            { key: expect.stringMatching(/^[0-9a-f]{40}$/), name: 'Plan', fieldType: 'enum', custom: true, writable: true, options: ['Free', 'Pro'] },
          ]),
        },
        request(req) {
          expect(Object.fromEntries(req.query)).toEqual({ start: '0', limit: '500' });
        },
      },
      ...common,
      invalidInput: { how: 'an object without a field list (refused before any call)', call: step({ object: 'lead' }), message: /object/, requests: 0 },
      fatal: { how: '403 without permission', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: { status: 403, json: { success: false, error: 'Forbidden', error_info: 'x' } } }) },
    },
    'pipedrive.addNote': {
      call: step({ text: 'hello', person_id: 2 }),
      endpoint: ['POST', '/api/v1/notes'],
      happyPath: {
        how: 'POST /api/v1/notes: plain text escaped into HTML paragraphs',
        call: step({ text: 'Ada: where is my order? <3\nsecond line\n\nAgent: on its way', person_id: 2, deal_id: 3 }),
        result: { id: expect.any(Number), person_id: 2, deal_id: 3 },
        request(req) {
          expect(req.body).toEqual({ content: '<p>Ada: where is my order? &lt;3<br>second line</p><p>Agent: on its way</p>', person_id: 2, deal_id: 3 });
        },
      },
      ...common,
      invalidInput: [
        { how: 'a deal that does not exist (400 names deal_id)', call: step({ content: '<p>x</p>', deal_id: 999 }), details: [{ field: 'deal_id' }] },
        { how: 'attached to nothing (refused before any call)', call: step({ text: 'x' }), message: /person_id, deal_id or org_id/, requests: 0 },
      ],
      fatal: { how: '403 without permission', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: { status: 403, json: { success: false, error: 'Forbidden', error_info: 'x' } } }) },
    },
    pollTrigger: {
      call: poll({ object: 'deal', since: '2020-01-01T00:00:00Z' }),
      endpoint: ['GET', '/api/v2/deals'],
      happyPath: {
        how: 'GET /api/v2/deals with updated_since, sort_by=update_time asc, limit 500',
        result: { items: [{ dedupeKey: expect.stringMatching(/^deal:3:/), item: { id: 3, title: 'Engines renewal' } }] },
        request(req) {
          expect(Object.fromEntries(req.query)).toEqual({ updated_since: '2020-01-01T00:00:00Z', sort_by: 'update_time', sort_direction: 'asc', limit: '500' });
          expect(req.headers['x-api-token']).toBe('pd-api-token');
        },
      },
      ...common,
      invalidInput: [
        { how: 'an object the trigger does not poll (refused before any call)', call: poll({ object: 'lead' }), message: /object/, requests: 0 },
        { how: 'a cursor Pipedrive no longer accepts (400 names cursor)', call: poll({ object: 'deal' }, JSON.stringify({ since: '2020-01-01T00:00:00Z', seen: [], sweep: { from: '2020-01-01T00:00:00Z', cursor: 'bm90LWpzb24' } })), details: [{ field: 'cursor' }] },
      ],
      fatal: { how: '402: the account is not open', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: accountNotOpen() }), message: /account is not open/ },
    },
  },
  specific(ctx) {
    it('the base URL is https://<companyDomain>.pipedrive.com, or the OAuth api_domain', () => {
      const baseUrl = pipedrive.definition.baseUrl as (c: Record<string, string>) => string;
      expect(baseUrl({ apiToken: 't', companyDomain: 'acme' })).toBe('https://acme.pipedrive.com');
      expect(baseUrl({ accessToken: 't', apiDomain: 'https://acme-eu.pipedrive.com' })).toBe('https://acme-eu.pipedrive.com');
    });

    it('OAuth: an expired access token is refreshed with the client as HTTP Basic, then sent as Bearer; the new credentials and api_domain are saved', async () => {
      const res = await ctx.call('pipedrive.getRecord', step({ object: 'person', id: 2 }, 'pd-oauth'));
      expect(res).toMatchObject({ ok: true, result: { id: 2 } });
      const [refresh] = ctx.fake.received('POST', '/oauth/token');
      expect(refresh!.headers.authorization).toBe(`Basic ${Buffer.from('pd-client:pd-client-secret').toString('base64')}`);
      expect(Object.fromEntries(new URLSearchParams(refresh!.rawBody))).toEqual({ grant_type: 'refresh_token', refresh_token: 'pd-refresh' });
      const [get] = ctx.fake.received('GET', '/api/v2/persons/2');
      expect(get!.headers.authorization).toMatch(/^Bearer v1u:/);
      expect(ctx.connections.updates).toEqual([expect.objectContaining({ id: 'pd-oauth', credentials: expect.objectContaining({ accessToken: expect.stringMatching(/^v1u:/), refreshToken: 'pd-refresh', apiDomain: 'https://acme.pipedrive.com' }) })]);
    });

    it('changedRecords: 5,000 persons with update_time ties (groups of 7, one second of 1,200) are listed once each, edits and a late tie included', async () => {
      ctx.fake.clear();
      const base = Date.parse('2026-01-01T00:00:00Z');
      const second = (i: number) => (i < 3500 ? Math.floor(i / 7) : i < 4700 ? 500 : 501 + (i - 4700));
      for (let i = 0; i < 5000; i++) ctx.fake.seed('person', { name: `Person ${i}` }, base + second(i) * 1000);
      const input = { object: 'person', since: '2025-12-31T23:59:59Z', limit: 500, maxPages: 2 };
      const keys: string[] = [];
      const ids: number[] = [];
      let cursor: string | null = null;
      let polls = 0;
      for (; polls < 30; polls++) {
        const res = await ctx.call('pollTrigger', poll(input, cursor));
        if (!res.ok) throw new Error(JSON.stringify(res));
        const { items, cursor: next } = res.result as { items: { dedupeKey: string; item: { id: number } }[]; cursor: string };
        keys.push(...items.map((i) => i.dedupeKey));
        ids.push(...items.map((i) => i.item.id));
        cursor = next;
        if (polls === 1) {
          // A person saves three already-listed records, and a new record lands in the second the cursor stopped at.
          ctx.fake.clock = () => base + 10_000_000;
          for (const id of [1, 2, 3]) await ctx.fake.edit('person', id, { name: `Edited ${id}` });
          ctx.fake.seed('person', { name: 'Late tie' }, Date.parse((JSON.parse(next) as { since: string }).since));
        }
        if (items.length === 0) break;
      }
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(ids).size).toBe(5001);
      expect(keys).toHaveLength(5004);
      for (const id of [1, 2, 3]) expect(ids.filter((x) => x === id)).toHaveLength(2);
      expect(polls).toBeLessThan(30);
      // Calls per record: one list request per 500 records (plus the empty last page of each sweep).
      expect(ctx.fake.received('GET', '/api/v2/persons').length).toBeLessThanOrEqual(Math.ceil(5004 / 500) + polls + 1);
    });

    it('changedRecords: a person changed twice within one second (the sync wrote, a person edited) is listed again with the second change, once', async () => {
      ctx.fake.clear();
      const at = Date.parse('2026-01-01T00:00:10Z');
      ctx.fake.clock = () => at;
      const id = ctx.fake.seed('person', { name: 'Grace' }, at).id;
      type Polled = { items: { dedupeKey: string; item: { id: number; name: string } }[]; cursor: string };
      const pollOnce = async (cursor: string | null) => {
        const res = await ctx.call('pollTrigger', poll({ object: 'person', since: '2026-01-01T00:00:00Z' }, cursor));
        if (!res.ok) throw new Error(JSON.stringify(res));
        return res.result as Polled;
      };
      const first = await pollOnce(null);
      expect(first.items.map((i) => i.dedupeKey)).toEqual([`person:${id}:2026-01-01T00:00:10Z`]);
      await ctx.fake.edit('person', id, { name: 'Grace Hopper' }); // same second: update_time unchanged
      const second = await pollOnce(first.cursor);
      expect(second.items.map((i) => i.item.name)).toEqual(['Grace Hopper']);
      expect(second.items[0]!.dedupeKey).toMatch(new RegExp(`^person:${id}:2026-01-01T00:00:10Z:[\\w-]{16}$`));
      expect((await pollOnce(second.cursor)).items).toEqual([]);
      // A cursor written before fingerprints were kept (bare ids) still skips what it delivered.
      expect((await pollOnce(JSON.stringify({ since: '2026-01-01T00:00:10Z', seen: [id] }))).items).toEqual([]);
    });

    it('OAuth: a revoked refresh token is auth_lost (invalid_grant), not a retry storm', async () => {
      ctx.fake.revokeTokens();
      const res = await ctx.call('pipedrive.getRecord', step({ object: 'person', id: 2 }, 'pd-oauth'));
      expect(res).toMatchObject({ ok: false, type: 'AuthLost', message: expect.stringMatching(/invalid_grant|Invalid refresh token/) });
      expect(ctx.fake.received('POST', '/oauth/token')).toHaveLength(1);
    });
  },
});
