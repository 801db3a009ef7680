import { expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { IntercomFake } from '../../sandbox/intercom-fake';
import { describeConnectorContract } from '../support/connector-contract';

const step = (input: unknown, connectionId: string | null = 'intercom-main') => ({ stepId: 's1', connectionId, input });

describeConnectorContract({
  connector: 'intercom',
  fake: () => new IntercomFake(),
  resetFake(fake) {
    fake.revoked.clear();
    fake.contacts.length = 0;
  },
  connections: (fake) => [{ id: 'intercom-main', connector: 'intercom', credentials: { accessToken: 'intercom-token', clientSecret: 'shh' }, baseUrl: fake.url }],
  actions: {
    'intercom.tag': {
      call: step({ name: 'vip' }),
      endpoint: ['POST', '/tags'],
      happyPath: {
        how: 'tags contacts (users: [{id}])',
        call: step({ name: 'urgent', contacts: ['u1', 'u2'] }),
        result: { name: 'urgent' },
        request(req) {
          expect(req.headers.authorization).toBe('Bearer intercom-token');
          expect(req.body).toEqual({ name: 'urgent', users: [{ id: 'u1' }, { id: 'u2' }] });
        },
      },
      retryable: { how: 'two 500s, the third attempt succeeds', failures: 2 },
      // The fake rounds the reset up to a whole second, as Intercom's unix-seconds header does.
      rateLimited: { how: '429 waits until X-RateLimit-Reset', retryAfterSeconds: 2, nextRetryDelayMs: [1900, 3000] },
      authLost: {
        how: 'a revoked token (401)',
        arrange: ({ fake }) => fake.revoked.add('intercom-token'),
        disconnect: { status: 401, message: /Token revoked/ },
      },
      fatal: {
        how: 'a 403',
        arrange: ({ fake }) =>
          fake.fail({ kind: 'respond', response: { status: 403, json: { type: 'error.list', errors: [{ code: 'api_plan_restricted', message: 'Active subscription needed.' }] } } }),
        message: '403 from Intercom: Active subscription needed.',
      },
    },
    'intercom.searchConversations': {
      call: step({ query: { field: 'state', operator: '=', value: 'open' } }),
      endpoint: ['POST', '/conversations/search'],
      invalidInput: {
        how: 'a vendor 400 names the field',
        call: step({ query: { field: 'colour', operator: '=', value: 'red' } }),
        message: /400 from Intercom.*query\.field|query\.field.*400 from Intercom/,
      },
    },
    'intercom.sendMessage': {
      call: step({ messageType: 'in_app', body: 'Hi', fromAdminId: '42', to: { type: 'user', id: 'u1' } }),
      endpoint: ['POST', '/messages'],
      happyPath: {
        how: 'an in-app message with from/to in the vendor shape',
        result: { messageType: 'in_app', conversationId: '147' },
        request(req) {
          expect(req.body).toEqual({ message_type: 'in_app', body: 'Hi', from: { type: 'admin', id: 42 }, to: { type: 'user', id: 'u1' } });
        },
      },
      invalidInput: {
        how: 'our own schema rejects before any request, naming the path',
        call: step({ messageType: 'email', body: 'Hi', fromAdminId: 1, to: { type: 'user', id: 'u1' } }),
        message: /input\.subject/,
        requests: 0,
      },
    },
  },
  specific(ctx) {
    it('creates a contact with the vendor contract (Bearer, Accept, snake_case body), and upserts on 409', async () => {
      const first = await ctx.call('intercom.createOrUpdateContact', step({ email: 'ada@example.com', name: 'Ada' }));
      expect(first).toMatchObject({ ok: true, result: { email: 'ada@example.com', role: 'user', created: true } });
      const [post] = ctx.fake.received('POST', '/contacts');
      expect(post!.headers.authorization).toBe('Bearer intercom-token');
      expect(post!.headers.accept).toContain('application/json');
      expect(post!.body).toEqual({ role: 'user', email: 'ada@example.com', name: 'Ada' });

      const again = await ctx.call('intercom.createOrUpdateContact', step({ email: 'ada@example.com', name: 'Ada L.' }));
      expect(again).toMatchObject({ ok: true, result: { created: false, id: (first as { result: { id: string } }).result.id } });
      expect(ctx.fake.received('PUT', '/contacts/*')).toHaveLength(1);
      expect(ctx.fake.contacts).toHaveLength(1);
      expect(ctx.fake.contacts[0]!.name).toBe('Ada L.');
    });

    it('follows the search cursor across pages', async () => {
      ctx.fake.conversations.length = 0;
      for (let i = 0; i < 5; i++) ctx.fake.conversations.push({ type: 'conversation', id: `c${i}`, updated_at: 1000 + i, state: 'open' });
      const res = await ctx.call('intercom.searchConversations', step({ query: { field: 'state', operator: '=', value: 'open' }, perPage: 2, maxPages: 3 }));
      expect(res).toMatchObject({ ok: true, result: { totalCount: 5, nextCursor: null } });
      expect((res as { result: { conversations: unknown[] } }).result.conversations).toHaveLength(5);
      expect(ctx.fake.received('POST', '/conversations/search')).toHaveLength(3);
    });

    it('polls updated conversations with a cursor and per-item dedupe keys', async () => {
      ctx.fake.conversations.length = 0;
      const first = await ctx.call('pollTrigger', { trigger: 'intercom.updatedConversations', connectionId: 'intercom-main', input: {}, cursor: null });
      expect(first).toMatchObject({ ok: true, result: { items: [] } });
      const cursor = (first as { result: { cursor: string } }).result.cursor;
      ctx.fake.conversations.push({ type: 'conversation', id: 'c9', updated_at: Number(cursor) + 5, state: 'open' });
      const second = await ctx.call('pollTrigger', { trigger: 'intercom.updatedConversations', connectionId: 'intercom-main', input: {}, cursor });
      expect(second).toMatchObject({ ok: true, result: { items: [{ dedupeKey: `c9:${Number(cursor) + 5}` }], cursor: String(Number(cursor) + 5) } });
    });

    it('a paused connection fails ConnectionUnavailable naming it, without calling the vendor', async () => {
      ctx.connections.add({ id: 'intercom-paused', connector: 'intercom', credentials: { accessToken: 'intercom-token' }, baseUrl: ctx.fake.url, status: 'paused' });
      const res = await ctx.call('intercom.tag', step({ name: 'vip' }, 'intercom-paused'));
      expect(res).toMatchObject({ ok: false, type: FailureType.connectionUnavailable, nonRetryable: true, details: [{ connectionId: 'intercom-paused', status: 'paused' }] });
      expect(ctx.fake.requests).toHaveLength(0);
    });

    it('a missing connection is fatal, and a webhook-only connection cannot call the API', async () => {
      expect(await ctx.call('intercom.tag', step({ name: 'vip' }, 'nope'))).toMatchObject({ ok: false, type: FailureType.fatal, message: 'connection nope does not exist' });
      ctx.connections.add({ id: 'intercom-hooks', connector: 'intercom', credentials: { clientSecret: 'shh' }, baseUrl: ctx.fake.url });
      expect(await ctx.call('intercom.tag', step({ name: 'vip' }, 'intercom-hooks'))).toMatchObject({ ok: false, type: FailureType.fatal, message: expect.stringContaining('no accessToken') });
    });
  },
});
