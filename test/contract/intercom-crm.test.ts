import { expect, it } from 'vitest';
import type { ActionActivityInput } from '../../workflows/activity-contract';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { describeConnectorContract, type ContractContext } from '../support/connector-contract';
import { intercomCases } from '../support/intercom-cases';

type Ctx = ContractContext<IntercomFake>;

const step = (input: unknown, stepId = 'crm') => ({ stepId, connectionId: 'intercom-main', input });
/** The pollTrigger activity's argument, where the contract expects an action's. */
const poll = (cursor: string | null, input: unknown = {}) => ({ trigger: 'intercom.updatedContacts', connectionId: 'intercom-main', input, cursor }) as unknown as ActionActivityInput;

const day = 86_400;
/** 2025-11-27T08:00:00Z; the seeded records change during that UTC day. */
const t0 = 1764230400;
const startOfDay = Math.floor(t0 / day) * day;
const adaId = '6657a1b2c3d4e5f6a7b8c9d0';
const acmeId = '6762f0761bb69f9f2193bae2';

const { rateLimited, authLost, planRestricted } = intercomCases;

const transcript = [
  '2025-11-27T08:00:00.000Z Ada Lovelace (user): Where is my invoice? It says €40 & I paid.',
  '2025-11-27T08:01:00.000Z Operator (bot) [assigned to team 55]',
  '2025-11-27T08:02:00.000Z Sam Admin (admin) [note]: Check Stripe first.',
  '2025-11-27T08:03:00.000Z Sam Admin (admin): Sent it again just now. Anything else?',
  '2025-11-27T08:04:00.000Z Sam Admin (admin) [closed the conversation]',
].join('\n');

function seed(fake: IntercomFake): void {
  fake.clock = () => t0 + 3600;
  fake.contacts.push({ type: 'contact', id: adaId, workspace_id: 'a86dr8yl', role: 'user', email: 'ada@example.com', external_id: null, name: 'Ada Lovelace', custom_attributes: { plan: 'pro' }, created_at: t0 - day, updated_at: t0 + 60 });
  fake.contacts.push({ type: 'contact', id: 'c-yesterday', workspace_id: 'a86dr8yl', role: 'lead', email: 'old@example.com', external_id: null, name: 'Old', custom_attributes: {}, created_at: t0 - day, updated_at: t0 - day });
  fake.companies.push({ type: 'company', id: acmeId, company_id: 'acme-42', name: 'Acme Ltd', plan: 'pro', created_at: t0 - day, updated_at: t0, user_count: 3, custom_attributes: { tier: 'gold' } });
  fake.companies.push({ type: 'company', id: 'co-empty', company_id: 'empty-1', name: 'No Users Inc', created_at: t0 - day, updated_at: t0, user_count: 0, custom_attributes: {} });
  fake.addConversation(
    { type: 'conversation', id: '147', created_at: t0, updated_at: t0 + 240, state: 'closed', source: { id: '403918', subject: '<p>Invoice question</p>', body: '<p>Where is my invoice?</p><p>It says &euro;40 &amp; I paid.</p>', author: { type: 'user', id: adaId, name: 'Ada Lovelace', email: 'ada@example.com' } } },
    [
      { id: '1', part_type: 'assignment', body: null, created_at: t0 + 60, author: { type: 'bot', id: '7', name: 'Operator' }, assigned_to: { type: 'team', id: '55' } },
      { id: '2', part_type: 'note', body: '<p>Check <b>Stripe</b> first.</p>', created_at: t0 + 120, author: { type: 'admin', id: '991267', name: 'Sam Admin' } },
      { id: '3', part_type: 'comment', body: '<p>Sent it again just now.<br>Anything else?</p>', created_at: t0 + 180, author: { type: 'admin', id: '991267', name: 'Sam Admin' } },
      { id: '4', part_type: 'close', body: null, created_at: t0 + 240, author: { type: 'admin', id: '991267', name: 'Sam Admin' } },
    ],
  );
}

describeConnectorContract({
  connector: 'intercom',
  title: 'intercom for CRM sync (contacts search and change feed, custom attributes, companies, transcripts) against the fake',
  fake: () => new IntercomFake(),
  resetFake: (fake) => {
    fake.revoked.clear();
    fake.contacts.length = 0;
    fake.companies.length = 0;
    fake.conversations.length = 0;
    fake.conversationParts.clear();
    seed(fake);
  },
  connections: (fake) => [{ id: 'intercom-main', connector: 'intercom', credentials: { accessToken: 'intercom-token' }, baseUrl: fake.url }],
  actions: {
    'intercom.getConversationTranscript': {
      call: step({ conversationId: '147' }),
      endpoint: ['GET', '/conversations/147'],
      happyPath: {
        how: 'GET /conversations/{id}: one line per part with author and ISO time, HTML stripped, notes/assignment/close labelled',
        result: {
          conversationId: '147',
          title: 'Invoice question',
          state: 'closed',
          text: transcript,
          truncated: false,
          parts: [
            { id: '403918', type: 'source', authorType: 'user', authorName: 'Ada Lovelace', text: 'Where is my invoice? It says €40 & I paid.' },
            { id: '1', type: 'assignment', authorType: 'bot', assignedTo: 'team 55', text: '' },
            { id: '2', type: 'note', text: 'Check Stripe first.' },
            { id: '3', type: 'comment', at: '2025-11-27T08:03:00.000Z' },
            { id: '4', type: 'close' },
          ],
        },
        request(req) {
          expect(req.headers.authorization).toBe('Bearer intercom-token');
          expect(req.headers.accept).toBe('application/json');
          expect(req.rawBody).toBe('');
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: { how: 'a conversation id that is not numeric, refused before any request', call: step({ conversationId: 'abc' }), message: /input\.conversationId/, requests: 0 },
      fatal: { how: '404 for a conversation that is gone', arrange: ({ fake }: Ctx) => (fake.conversations.length = 0), message: '404 from Intercom: Resource Not Found' },
    },
    'intercom.listDataAttributes': {
      call: step({ model: 'contact' }),
      endpoint: ['GET', '/data_attributes'],
      happyPath: {
        how: 'GET /data_attributes?model=contact: standard and custom attributes with data type and API-writability; custom ones as custom_attributes.<name>',
        result: {
          attributes: expect.arrayContaining([
            { name: 'email', fullName: 'email', label: 'email', dataType: 'string', apiWritable: true, custom: false },
            { name: 'updated_at', fullName: 'updated_at', label: 'updated_at', dataType: 'date', apiWritable: false, custom: false },
            { name: 'mrr', fullName: 'custom_attributes.mrr', label: 'mrr', dataType: 'float', apiWritable: true, custom: true },
          ]),
        },
        request(req) {
          expect(req.query.get('model')).toBe('contact');
          expect(req.query.get('include_archived')).toBe('false');
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: { how: 'a model Intercom has no attributes for, refused before any request', call: step({ model: 'ticket' }), message: /input\.model/, requests: 0 },
      fatal: planRestricted,
    },
    'intercom.searchContacts': {
      call: step({ email: 'ada@example.com' }),
      endpoint: ['POST', '/contacts/search'],
      happyPath: {
        how: 'by email: POST /contacts/search {query: email = …, pagination}; the first match is `contact`',
        result: { contact: { id: adaId, email: 'ada@example.com', custom_attributes: { plan: 'pro' } }, totalCount: 1, nextCursor: null },
        request(req) {
          expect(req.body).toEqual({ query: { field: 'email', operator: '=', value: 'ada@example.com' }, pagination: { per_page: 50 } });
        },
      },
      retryable: { how: 'two 500s', failures: 2 },
      rateLimited,
      authLost,
      invalidInput: [
        {
          how: 'a field Intercom cannot search: 400 names query.field',
          call: step({ query: { field: 'colour', operator: '=', value: 'red' } }),
          message: '400 from Intercom: colour is not a searchable field (field query.field)',
          details: [{ field: 'query.field', code: 'parameter_invalid' }],
        },
        { how: 'email and query together, refused before any request', call: step({ email: 'a@b.co', query: { field: 'name', operator: '=', value: 'x' } }), message: /input\.email/, requests: 0 },
      ],
      fatal: planRestricted,
    },
    'intercom.updateContact': {
      call: step({ contactId: adaId, customAttributes: { plan: 'enterprise' } }),
      endpoint: ['PUT', `/contacts/${adaId}`],
      happyPath: {
        how: 'PUT /contacts/{id} with custom_attributes; the others stay and updated_at moves',
        call: step({ contactId: adaId, name: 'Ada L.', customAttributes: { plan: 'enterprise', mrr: 120 } }),
        result: { id: adaId, name: 'Ada L.', custom_attributes: { plan: 'enterprise', mrr: 120 }, updated_at: t0 + 3600 },
        request(req) {
          expect(req.body).toEqual({ name: 'Ada L.', custom_attributes: { plan: 'enterprise', mrr: 120 } });
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: [
        {
          how: 'a custom attribute the workspace does not define: 400 names it',
          call: step({ contactId: adaId, customAttributes: { colour: 'red' } }),
          message: "400 from Intercom: Custom attribute 'colour' does not exist (field custom_attributes)",
          details: [{ field: 'custom_attributes', code: 'parameter_invalid' }],
        },
        { how: 'nothing to update, refused before any request', call: step({ contactId: adaId }), message: /input\.customAttributes/, requests: 0 },
      ],
      fatal: { how: '404 for a contact that is gone', arrange: ({ fake }: Ctx) => (fake.contacts.length = 0), message: '404 from Intercom: User Not Found' },
    },
    'intercom.findCompany': {
      call: step({ companyId: 'acme-42' }),
      endpoint: ['GET', '/companies'],
      happyPath: {
        how: 'GET /companies?company_id=… answers the company',
        result: { company: { id: acmeId, companyId: 'acme-42', name: 'Acme Ltd', plan: 'pro', userCount: 3, updatedAt: t0, customAttributes: { tier: 'gold' } } },
        request(req) {
          expect(Object.fromEntries(req.query)).toEqual({ company_id: 'acme-42' });
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: { how: 'an empty company id, refused before any request', call: step({ companyId: '' }), message: /input\.companyId/, requests: 0 },
      fatal: planRestricted,
    },
    'intercom.updateCompany': {
      call: step({ id: acmeId, plan: 'enterprise' }),
      endpoint: ['PUT', `/companies/${acmeId}`],
      happyPath: {
        how: 'PUT /companies/{id} with snake_case fields and custom_attributes',
        call: step({ id: acmeId, monthlySpend: 99.5, customAttributes: { seats: 40 } }),
        result: { id: acmeId, companyId: 'acme-42', customAttributes: { tier: 'gold', seats: 40 }, updatedAt: t0 + 3600 },
        request(req) {
          expect(req.body).toEqual({ monthly_spend: 99.5, custom_attributes: { seats: 40 } });
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: {
        how: 'an undefined company custom attribute: 400 names it',
        call: step({ id: acmeId, customAttributes: { colour: 'red' } }),
        message: "400 from Intercom: Custom attribute 'colour' does not exist (field custom_attributes)",
      },
      fatal: { how: '404 company_not_found', arrange: ({ fake }: Ctx) => (fake.companies.length = 0), message: '404 from Intercom: Company Not Found' },
    },
    'intercom.listCompanies': {
      call: step({}),
      endpoint: ['POST', '/companies/list'],
      happyPath: {
        how: 'POST /companies/list?page&per_page&order; Intercom leaves out companies without users',
        result: { companies: [{ id: acmeId, companyId: 'acme-42' }], totalCount: 1, nextPage: null },
        request(req) {
          expect(Object.fromEntries(req.query)).toEqual({ page: '1', per_page: '60', order: 'desc' });
          expect(req.rawBody).toBe('');
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: { how: 'more than 60 a page, refused before any request', call: step({ perPage: 61 }), message: /input\.perPage/, requests: 0 },
      fatal: planRestricted,
    },
    pollTrigger: {
      call: poll(String(t0)),
      endpoint: ['POST', '/contacts/search'],
      happyPath: {
        how: 'updatedContacts: from the start of the cursor day (Intercom compares dates by day), sorted by updated_at, 150 a page',
        result: {
          items: [{ dedupeKey: `${adaId}:${t0 + 60}`, item: { id: adaId, email: 'ada@example.com' } }],
          // recent: [id, updated_at, fingerprint of the content delivered]
          cursor: expect.stringMatching(new RegExp(`^\\{"since":${t0 + 60},"recent":\\[\\["${adaId}",${t0 + 60},"[\\w-]{16}"\\]\\]\\}$`)),
        },
        request(req) {
          expect(req.body).toEqual({ query: { field: 'updated_at', operator: '>', value: startOfDay - 1 }, sort: { field: 'updated_at', order: 'ascending' }, pagination: { per_page: 150 } });
        },
      },
      retryable: { how: 'a 500 on the first page' },
      rateLimited,
      authLost,
      invalidInput: { how: 'a page size over 150, refused before any request', call: poll(String(t0), { perPage: 151 }), message: /input\.perPage/, requests: 0 },
      fatal: { how: 'a cursor that is not ours', call: poll('yesterday'), message: /not an Intercom change cursor/, requests: 0 },
    },
  },
  specific: (ctx) => {
    const pollOnce = async (cursor: string, input: unknown = {}) => {
      const res = await ctx.call('pollTrigger', poll(cursor, input));
      expect(res).toMatchObject({ ok: true });
      return (res as { result: { items: { dedupeKey: string; item: { id: string; updated_at: number } }[]; cursor: string } }).result;
    };

    it('updatedContacts: a second change within the second of the last one delivered (same updated_at, other content) comes again, once', async () => {
      const first = await pollOnce(String(t0));
      expect(first.items.map((i) => i.dedupeKey)).toEqual([`${adaId}:${t0 + 60}`]);
      const ada = ctx.fake.contacts.find((c) => c.id === adaId)!;
      ada.name = 'Ada King'; // Intercom stamps updated_at to the second: the edit keeps t0 + 60
      const second = await pollOnce(first.cursor);
      expect(second.items).toHaveLength(1);
      expect(second.items[0]!.dedupeKey).toMatch(new RegExp(`^${adaId}:${t0 + 60}:[\\w-]{16}$`));
      expect(second.items[0]!.item).toMatchObject({ id: adaId, name: 'Ada King', updated_at: t0 + 60 });
      expect((await pollOnce(second.cursor)).items).toEqual([]);
      // A cursor written before fingerprints were kept still skips what it delivered.
      expect((await pollOnce(JSON.stringify({ since: t0 + 60, recent: [[adaId, t0 + 60]] }))).items).toEqual([]);
    });

    it('updatedContacts: 5,000 contacts, 500 to a second, read changed-since across pages and polls: none missed or repeated', async () => {
      const fake = ctx.fake;
      fake.contacts.length = 0;
      for (let n = 0; n < 5000; n++) {
        const id = `c${String(n).padStart(5, '0')}`;
        fake.contacts.push({ type: 'contact', id, workspace_id: 'a86dr8yl', role: 'user', email: `${id}@example.com`, external_id: null, name: null, created_at: t0, updated_at: t0 + Math.floor(n / 500) });
      }
      const delivered = new Map<string, number>();
      let cursor = String(t0 - 1);
      let polls = 0;
      const drain = async (afterPoll?: (n: number) => void) => {
        for (;;) {
          const { items, cursor: next } = await pollOnce(cursor, { perPage: 150, maxPages: 5 });
          polls++;
          for (const { dedupeKey } of items) delivered.set(dedupeKey, (delivered.get(dedupeKey) ?? 0) + 1);
          cursor = next;
          afterPoll?.(polls);
          if (items.length === 0 && !(JSON.parse(cursor) as { resume?: unknown }).resume) return;
          expect(polls).toBeLessThan(60);
        }
      };
      // While the feed pages, a person edits a contact it already delivered: it comes again, once.
      fake.clock = () => t0 + 9;
      await drain((n) => n === 2 && fake.edit('c00007', { name: 'edited while paging' }));
      expect(polls).toBeGreaterThan(6);
      expect(delivered.size).toBe(5001);
      // Ties with the cursor's own second: an edit and a new contact at t0+9, where 501 were already delivered.
      fake.edit('c00008', { name: 'edited in the same second' });
      fake.contacts.push({ type: 'contact', id: 'c99999', workspace_id: 'a86dr8yl', role: 'user', email: 'late@example.com', external_id: null, name: null, created_at: t0 + 9, updated_at: t0 + 9 });
      await drain();
      const want = fake.contacts.map((c) => `${c.id}:${c.updated_at}`).concat(`c00007:${t0}`, `c00008:${t0}`);
      expect([...delivered.keys()].sort()).toEqual([...new Set(want)].sort());
      expect([...delivered.values()].every((count) => count === 1)).toBe(true);
      expect(delivered.size).toBe(5003);
    });

    it('updatedContacts: a contact a person edits later the same day is found (a query from the cursor second would miss it)', async () => {
      const first = await pollOnce(String(t0));
      ctx.fake.clock = () => t0 + 7200;
      ctx.fake.edit(adaId, { custom_attributes: { plan: 'team' } });
      const naive = await ctx.call('intercom.searchContacts', step({ query: { field: 'updated_at', operator: '>', value: t0 + 60 } }));
      expect(naive).toMatchObject({ ok: true, result: { totalCount: 0 } });
      const second = await pollOnce(first.cursor);
      expect(second.items).toEqual([{ dedupeKey: `${adaId}:${t0 + 7200}`, item: expect.objectContaining({ custom_attributes: { plan: 'team' } }) }]);
      expect((await pollOnce(second.cursor)).items).toEqual([]);
    });

    it('updatedContacts: a change the search index shows late is delivered within lagSeconds; older ones are not', async () => {
      const first = await pollOnce(String(t0));
      expect(first.items.map((i) => i.item.id)).toEqual([adaId]);
      const late = (id: string, at: number) => ctx.fake.contacts.push({ type: 'contact', id, workspace_id: 'a86dr8yl', role: 'user', email: `${id}@example.com`, external_id: null, name: null, created_at: at, updated_at: at });
      late('late-within', t0 + 60 - 300);
      late('late-beyond', t0 + 60 - 301);
      const second = await pollOnce(first.cursor);
      expect(second.items.map((i) => i.dedupeKey)).toEqual([`late-within:${t0 + 60 - 300}`]);
      expect(JSON.parse(second.cursor)).toEqual({ since: t0 + 60, recent: [[adaId, t0 + 60, expect.any(String)], ['late-within', t0 - 240, expect.any(String)]] });
      expect((await pollOnce(second.cursor)).items).toEqual([]);
    });

    it('updatedContacts: the first poll records now and replays nothing', async () => {
      const res = await ctx.call('pollTrigger', poll(null));
      expect(res).toMatchObject({ ok: true, result: { items: [], cursor: expect.stringMatching(/^\d+$/) } });
      expect(ctx.fake.requests).toHaveLength(0);
    });

    it('searchContacts follows the cursor with an OR query', async () => {
      for (let n = 0; n < 5; n++) ctx.fake.contacts.push({ type: 'contact', id: `v${n}`, workspace_id: 'a86dr8yl', role: 'user', email: `v${n}@vip.example`, external_id: null, name: null, custom_attributes: { vip: true }, created_at: t0 + n, updated_at: t0 + n });
      const query = { operator: 'OR', value: [{ field: 'custom_attributes.vip', operator: '=', value: true }, { field: 'email', operator: '$', value: '@vip.example' }] };
      const res = await ctx.call('intercom.searchContacts', step({ query, perPage: 2, maxPages: 5 }));
      expect(res).toMatchObject({ ok: true, result: { totalCount: 5, nextCursor: null } });
      expect((res as { result: { contacts: { id: string }[] } }).result.contacts.map((c) => c.id)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
      expect(ctx.fake.received('POST', '/contacts/search')).toHaveLength(3);
    });

    it('findCompany answers null when Intercom has no such company (404 is an answer, not a failure)', async () => {
      expect(await ctx.call('intercom.findCompany', step({ companyId: 'nobody' }))).toMatchObject({ ok: true, result: { company: null } });
    });
  },
});
