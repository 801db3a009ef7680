import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { IntercomFake } from '../fakes/intercom-fake';
import { startContractHarness, type ContractHarness } from '../support/contract-harness';

describe('intercom connector against its fake', () => {
  let fake: IntercomFake;
  let h: ContractHarness;
  const step = (input: unknown, connectionId: string | null = 'intercom-main') => ({ stepId: 's1', connectionId, input });

  beforeAll(async () => {
    fake = await new IntercomFake().start();
    h = await startContractHarness();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.contacts.length = 0;
    h.connections.add({ id: 'intercom-main', connector: 'intercom', credentials: { accessToken: 'intercom-token', clientSecret: 'shh' }, baseUrl: fake.url });
  });

  it('creates a contact with the vendor contract (Bearer, Accept, snake_case body), and upserts on 409', async () => {
    const first = await h.call('intercom.createOrUpdateContact', step({ email: 'ada@example.com', name: 'Ada' }));
    expect(first).toMatchObject({ ok: true, result: { email: 'ada@example.com', role: 'user', created: true } });
    const [post] = fake.received('POST', '/contacts');
    expect(post!.headers.authorization).toBe('Bearer intercom-token');
    expect(post!.headers.accept).toContain('application/json');
    expect(post!.body).toEqual({ role: 'user', email: 'ada@example.com', name: 'Ada' });

    const again = await h.call('intercom.createOrUpdateContact', step({ email: 'ada@example.com', name: 'Ada L.' }));
    expect(again).toMatchObject({ ok: true, result: { created: false, id: (first as { result: { id: string } }).result.id } });
    expect(fake.received('PUT', '/contacts/*')).toHaveLength(1);
    expect(fake.contacts).toHaveLength(1);
    expect(fake.contacts[0]!.name).toBe('Ada L.');
  });

  it('sends an in-app message with from/to in the vendor shape', async () => {
    const res = await h.call('intercom.sendMessage', step({ messageType: 'in_app', body: 'Hi', fromAdminId: '42', to: { type: 'user', id: 'u1' } }));
    expect(res).toMatchObject({ ok: true, result: { messageType: 'in_app', conversationId: '147' } });
    expect(fake.received('POST', '/messages')[0]!.body).toEqual({ message_type: 'in_app', body: 'Hi', from: { type: 'admin', id: 42 }, to: { type: 'user', id: 'u1' } });
  });

  it('follows the search cursor across pages', async () => {
    fake.conversations.length = 0;
    for (let i = 0; i < 5; i++) fake.conversations.push({ type: 'conversation', id: `c${i}`, updated_at: 1000 + i, state: 'open' });
    const res = await h.call('intercom.searchConversations', step({ query: { field: 'state', operator: '=', value: 'open' }, perPage: 2, maxPages: 3 }));
    expect(res).toMatchObject({ ok: true, result: { totalCount: 5, nextCursor: null } });
    expect((res as { result: { conversations: unknown[] } }).result.conversations).toHaveLength(5);
    expect(fake.received('POST', '/conversations/search')).toHaveLength(3);
  });

  it('tags contacts (users: [{id}])', async () => {
    const res = await h.call('intercom.tag', step({ name: 'urgent', contacts: ['u1', 'u2'] }));
    expect(res).toMatchObject({ ok: true, result: { name: 'urgent' } });
    expect(fake.received('POST', '/tags')[0]!.body).toEqual({ name: 'urgent', users: [{ id: 'u1' }, { id: 'u2' }] });
  });

  it('polls updated conversations with a cursor and per-item dedupe keys', async () => {
    fake.conversations.length = 0;
    const first = await h.call('pollTrigger', { trigger: 'intercom.updatedConversations', connectionId: 'intercom-main', input: {}, cursor: null });
    expect(first).toMatchObject({ ok: true, result: { items: [] } });
    const cursor = (first as { result: { cursor: string } }).result.cursor;
    fake.conversations.push({ type: 'conversation', id: 'c9', updated_at: Number(cursor) + 5, state: 'open' });
    const second = await h.call('pollTrigger', { trigger: 'intercom.updatedConversations', connectionId: 'intercom-main', input: {}, cursor });
    expect(second).toMatchObject({ ok: true, result: { items: [{ dedupeKey: `c9:${Number(cursor) + 5}` }], cursor: String(Number(cursor) + 5) } });
  });

  it('retryable: two 500s are retried and the third attempt succeeds', async () => {
    fake.fail({ kind: 'server_error' }, 2);
    const res = await h.call('intercom.tag', step({ name: 'vip' }));
    expect(res.ok).toBe(true);
    expect(fake.received('POST', '/tags')).toHaveLength(3);
  });

  it('rate_limited: 429 waits until X-RateLimit-Reset before the next attempt', async () => {
    fake.fail({ kind: 'rate_limited', retryAfterSeconds: 2 });
    const res = await h.call('intercom.tag', step({ name: 'vip' }));
    expect(res.ok).toBe(true);
    const [first, second] = fake.received('POST', '/tags');
    // The fake rounds the reset up to a whole second, as Intercom's unix-seconds header does.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
  });

  it('auth_lost: a revoked token fails once, without retry, and disconnects the connection', async () => {
    fake.revoked.add('intercom-token');
    try {
      const res = await h.call('intercom.tag', step({ name: 'vip' }));
      expect(res).toMatchObject({ ok: false, type: FailureType.authLost, nonRetryable: true });
      expect(fake.received('POST', '/tags')).toHaveLength(1);
      expect(h.connections.disconnects).toContainEqual(expect.objectContaining({ id: 'intercom-main', status: 401, message: expect.stringContaining('Token revoked') }));
    } finally {
      fake.revoked.clear();
    }
  });

  it('invalid_input: a vendor 400 is not retried and the message names the field', async () => {
    const res = await h.call('intercom.searchConversations', step({ query: { field: 'colour', operator: '=', value: 'red' } }));
    expect(res).toMatchObject({ ok: false, type: FailureType.invalidInput, nonRetryable: true });
    expect((res as { message: string }).message).toContain('query.field');
    expect((res as { message: string }).message).toContain('400 from Intercom');
    expect(fake.received('POST', '/conversations/search')).toHaveLength(1);
  });

  it('invalid_input: our own schema rejects before any request, naming the path', async () => {
    const res = await h.call('intercom.sendMessage', step({ messageType: 'email', body: 'Hi', fromAdminId: 1, to: { type: 'user', id: 'u1' } }));
    expect(res).toMatchObject({ ok: false, type: FailureType.invalidInput, message: expect.stringContaining('input.subject') });
    expect(fake.requests).toHaveLength(0);
  });

  it('fatal: a 403 is not retried', async () => {
    fake.fail({ kind: 'respond', response: { status: 403, json: { type: 'error.list', errors: [{ code: 'api_plan_restricted', message: 'Active subscription needed.' }] } } });
    const res = await h.call('intercom.tag', step({ name: 'vip' }));
    expect(res).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true, message: '403 from Intercom: Active subscription needed.' });
    expect(fake.received('POST', '/tags')).toHaveLength(1);
  });

  it('a paused connection fails ConnectionUnavailable naming it, without calling the vendor', async () => {
    h.connections.add({ id: 'intercom-paused', connector: 'intercom', credentials: { accessToken: 'intercom-token' }, baseUrl: fake.url, status: 'paused' });
    const res = await h.call('intercom.tag', step({ name: 'vip' }, 'intercom-paused'));
    expect(res).toMatchObject({ ok: false, type: FailureType.connectionUnavailable, nonRetryable: true, details: [{ connectionId: 'intercom-paused', status: 'paused' }] });
    expect(fake.requests).toHaveLength(0);
  });

  it('a missing connection is fatal, and a webhook-only connection cannot call the API', async () => {
    expect(await h.call('intercom.tag', step({ name: 'vip' }, 'nope'))).toMatchObject({ ok: false, type: FailureType.fatal, message: 'connection nope does not exist' });
    h.connections.add({ id: 'intercom-hooks', connector: 'intercom', credentials: { clientSecret: 'shh' }, baseUrl: fake.url });
    expect(await h.call('intercom.tag', step({ name: 'vip' }, 'intercom-hooks'))).toMatchObject({ ok: false, type: FailureType.fatal, message: expect.stringContaining('no accessToken') });
  });
});
