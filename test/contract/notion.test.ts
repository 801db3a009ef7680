import { expect, it } from 'vitest';
import { toNotionProperties } from '../../connectors/notion/properties';
import { NotionFake } from '../../sandbox/notion-fake';
import { describeConnectorContract, type ContractContext } from '../support/connector-contract';

const token = 'secret_notion_test_0123456789';
const databaseId = '8e2c4c9e-0c5c-4d6b-9a43-3f0b8d3f6a11';
const step = (input: unknown, stepId = 'log') => ({ stepId, connectionId: 'notion-main', input });
type Ctx = ContractContext<NotionFake>;

const rateLimited = { how: '429 rate_limited with Retry-After: 2', retryAfterSeconds: 2, nextRetryDelayMs: 2000 };
const authLost = { how: '401 unauthorized (a revoked token)', arrange: ({ fake }: Ctx) => fake.revoked.add(token), message: /401 from Notion: API token is invalid\./, disconnect: { status: 401 } };

describeConnectorContract({
  connector: 'notion',
  fake: () => new NotionFake(),
  resetFake: (fake) => {
    fake.revoked.clear();
    fake.pages.length = 0;
    fake.pages.push({ id: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', url: 'https://www.notion.so/3f1b2c4d5e6f4a7b8c9d0e1f2a3b4c5d', parent: databaseId, properties: {}, children: [] });
  },
  connections: (fake) => [{ id: 'notion-main', connector: 'notion', credentials: { accessToken: token }, baseUrl: fake.url }],
  actions: {
    'notion.createDatabasePage': {
      call: step({ databaseId, properties: { Name: 'Refund request' } }),
      endpoint: ['POST', '/v1/pages'],
      happyPath: {
        how: 'plain values typed by the database schema; Bearer and Notion-Version headers',
        call: step({
          databaseId,
          properties: {
            Name: 'Refund request',
            Customer: 'Ada Lovelace',
            Status: 'Closed',
            Tags: ['billing', 'refund'],
            Closed: '2026-11-29T10:00:00Z',
            Rating: '5',
            Link: 'https://app.intercom.com/a/inbox/_/conversation/147',
            Email: 'ada@example.com',
          },
          content: ['Customer asked for a refund.'],
        }),
        result: { id: expect.any(String), url: expect.stringMatching(/^https:\/\/www\.notion\.so\//) },
        request(req, { fake }) {
          expect(req.headers.authorization).toBe(`Bearer ${token}`);
          expect(req.headers['notion-version']).toBe('2022-06-28');
          expect(req.body).toEqual({
            parent: { database_id: databaseId },
            properties: {
              Name: { title: [{ type: 'text', text: { content: 'Refund request' } }] },
              Customer: { rich_text: [{ type: 'text', text: { content: 'Ada Lovelace' } }] },
              Status: { select: { name: 'Closed' } },
              Tags: { multi_select: [{ name: 'billing' }, { name: 'refund' }] },
              Closed: { date: { start: '2026-11-29T10:00:00Z' } },
              Rating: { number: 5 },
              Link: { url: 'https://app.intercom.com/a/inbox/_/conversation/147' },
              Email: { email: 'ada@example.com' },
            },
            children: [{ object: 'block', type: 'paragraph', paragraph: { rich_text: [{ type: 'text', text: { content: 'Customer asked for a refund.' } }] } }],
          });
          expect(fake.received('GET', `/v1/databases/${databaseId}`)).toHaveLength(1);
        },
      },
      retryable: { how: 'a 500 on the page create', arrange: ({ fake }: Ctx) => fake.failNextPageCreate('server_error') },
      rateLimited: { ...rateLimited, arrange: ({ fake }: Ctx) => fake.failNextPageCreate('rate_limited', 2) },
      authLost: { ...authLost, requests: 0 },
      invalidInput: [
        {
          how: 'a property the database does not have is named, before the page is created',
          call: step({ databaseId, properties: { Name: 'x', Priority: 'high' } }),
          message: /^properties\.Priority: the database has no property named "Priority" \(it has "Name", "Customer"/,
          details: [{ field: 'properties.Priority' }],
          requests: 0,
        },
        {
          how: 'a value its type cannot take is named with the type',
          call: step({ databaseId, properties: { Name: 'x', Rating: 'five stars' } }),
          message: 'properties.Rating: a number property takes a number, not "five stars"',
          requests: 0,
        },
        {
          how: 'a property type this connector does not write (people)',
          call: step({ databaseId, properties: { Name: 'x', Owner: 'ada' } }),
          message: /^properties\.Owner: a people property cannot be set/,
          requests: 0,
        },
        {
          how: "Notion's own 400 validation_error names the body path",
          call: step({ databaseId, properties: { Customer: 'no title' } }),
          message: /400 from Notion: body failed validation: body\.properties\.Name\.title should be defined/,
          details: [{ field: 'properties.Name.title', code: 'validation_error' }],
        },
      ],
      fatal: {
        how: '404 object_not_found: a database not shared with the integration',
        call: step({ databaseId: '00000000-0000-4000-8000-000000000000', properties: { Name: 'x' } }),
        message: /404 from Notion: Could not find database with ID/,
        requests: 0,
      },
    },
    'notion.appendBlocks': {
      call: step({ blockId: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', paragraphs: ['Reopened by the customer.'] }, 'append'),
      endpoint: ['PATCH', '/v1/blocks/*'],
      happyPath: {
        how: 'paragraphs and raw blocks as children, one PATCH',
        call: step({ blockId: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', paragraphs: ['Reopened.'], blocks: [{ object: 'block', type: 'divider', divider: {} }] }, 'append'),
        result: { blockIds: [expect.any(String), expect.any(String)] },
        request(req) {
          expect(req.path).toBe('/v1/blocks/3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/children');
          expect(req.headers['notion-version']).toBe('2022-06-28');
          expect(req.body).toEqual({
            children: [
              { object: 'block', type: 'paragraph', paragraph: { rich_text: [{ type: 'text', text: { content: 'Reopened.' } }] } },
              { object: 'block', type: 'divider', divider: {} },
            ],
          });
        },
      },
      retryable: { how: 'a 409 conflict_error (Notion asks for a retry)', arrange: ({ fake }: Ctx) => fake.fail({ kind: 'respond', response: { status: 409, json: { object: 'error', status: 409, code: 'conflict_error', message: 'Conflict occurred while saving. Please try again.' } } }) },
      rateLimited,
      authLost,
      invalidInput: [
        { how: 'nothing to append is refused by our schema', call: step({ blockId: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }, 'append'), message: /input\.paragraphs/, requests: 0 },
        {
          how: "Notion's 400 on a block without its content object",
          call: step({ blockId: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', blocks: [{ type: 'heading_2' }] }, 'append'),
          message: /400 from Notion: body failed validation: body\.children/,
        },
      ],
      fatal: { how: '404 object_not_found for a page not shared', call: step({ blockId: '11111111-2222-4333-8444-555555555555', paragraphs: ['x'] }, 'append'), message: /404 from Notion: Could not find block/ },
    },
  },
  specific: (ctx) => {
    it('long text is split into 2,000-character text objects (Notion rejects longer ones)', async () => {
      const long = 'x'.repeat(4500);
      expect(await ctx.call('notion.createDatabasePage', step({ databaseId, properties: { Name: long } }))).toMatchObject({ ok: true });
      const title = (ctx.fake.pages.at(-1)!.properties.Name as { title: { text: { content: string } }[] }).title;
      expect(title.map((t) => t.text.content.length)).toEqual([2000, 2000, 500]);
    });

    it('a missing Notion-Version header is refused by the fake (400 missing_version), so the header is proven', async () => {
      const res = await fetch(`${ctx.fake.url}/v1/databases/${databaseId}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ object: 'error', code: 'missing_version' });
    });

    it('converts comma-separated multi-select, null select and date ranges', () => {
      const schema = { Tags: { id: 't', type: 'multi_select' }, Status: { id: 's', type: 'select' }, Closed: { id: 'c', type: 'date' } };
      expect(toNotionProperties({ Tags: 'a, b', Status: null, Closed: { start: '2026-11-01', end: '2026-11-02' } }, schema)).toEqual({
        Tags: { multi_select: [{ name: 'a' }, { name: 'b' }] },
        Status: { select: null },
        Closed: { date: { start: '2026-11-01', end: '2026-11-02' } },
      });
      expect(() => toNotionProperties({ Closed: 'yesterday' }, schema)).toThrow('properties.Closed: a date property takes an ISO 8601 date');
    });
  },
});
