import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pipedrive } from '../../connectors/pipedrive';
import { fakeContext } from '../../connectors/sdk/fake-context';
import { PipedriveFake } from '../../sandbox/pipedrive-fake';

/** The Pipedrive fake refuses what Pipedrive refuses: a fake that accepts anything proves nothing. */
describe('pipedrive fake self-test', () => {
  const fake = new PipedriveFake();
  beforeAll(() => fake.start());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.clear();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = { 'x-api-token': 'pd-api-token' }) => {
    const res = await fetch(`${fake.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };

  it('auth: no token, a wrong token and a revoked token are 401 in the envelope; ?api_token= (v1 legacy) works', async () => {
    expect(await call('GET', '/api/v2/persons', undefined, {})).toMatchObject({ status: 401, body: { success: false, error: 'unauthorized access' } });
    expect((await call('GET', '/api/v2/persons', undefined, { 'x-api-token': 'nope' })).status).toBe(401);
    expect((await call('GET', '/api/v2/persons?api_token=pd-api-token', undefined, {})).status).toBe(200);
    fake.revokeTokens();
    expect((await call('GET', '/api/v2/persons')).status).toBe(401);
  });

  it('required fields, unknown fields, wrong types and missing references are 400 naming the field', async () => {
    expect((await call('POST', '/api/v2/persons', { emails: [{ value: 'a@example.com' }] })).body.error).toBe('Validation failed: name: Required');
    expect((await call('POST', '/api/v2/deals', { value: 10 })).body.error).toBe('Validation failed: title: Required');
    expect((await call('POST', '/api/v2/organizations', {})).body.error).toBe('Validation failed: name: Required');
    expect((await call('POST', '/api/v2/persons', { name: 'A', email: 'a@example.com' })).body.error).toBe('Validation failed: email: Unrecognized key');
    expect((await call('POST', '/api/v2/persons', { name: 'A', org_id: '1' })).body.error).toMatch(/^Validation failed: org_id: Expected a positive integer/);
    expect((await call('POST', '/api/v2/deals', { title: 'D', status: 'closed' })).body.error).toMatch(/^Validation failed: status: Expected one of open, won, lost/);
    expect((await call('POST', '/api/v2/deals', { title: 'D', person_id: 5 })).body.error).toBe('Validation failed: person_id: Person with id 5 not found');
    expect((await call('PATCH', '/api/v2/deals/77', { title: 'x' })).status).toBe(404);
    expect(fake.records.person.size + fake.records.deal.size + fake.records.organization.size).toBe(0);
  });

  it('merge (v1): the person in the path goes, merge_with_id stays with its values first, emails combined, notes moved; unknown ids 404, itself 400', async () => {
    const gone = fake.seed('person', { name: 'Newer', emails: [{ value: 'twin@example.com', primary: true, label: 'work' }, { value: 'other@example.com', primary: false, label: 'home' }], phones: [{ value: '555', primary: true, label: 'work' }] });
    const kept = fake.seed('person', { name: 'Older', emails: [{ value: 'twin@example.com', primary: true, label: 'work' }] });
    fake.notes.push({ id: 900, content: 'hi', person_id: gone.id });
    const merged = await call('PUT', `/api/v1/persons/${gone.id}/merge`, { merge_with_id: kept.id });
    expect(merged).toMatchObject({ status: 200, body: { success: true, data: { id: kept.id, name: 'Older', merge_what_id: gone.id } } });
    expect(kept.emails).toEqual([{ value: 'twin@example.com', primary: true, label: 'work' }, { value: 'other@example.com', primary: false, label: 'home' }]);
    expect(kept.phones).toEqual([{ value: '555', primary: true, label: 'work' }]);
    expect(fake.notes[0]).toMatchObject({ person_id: kept.id });
    expect((await call('GET', `/api/v2/persons/${gone.id}`)).status).toBe(404);
    expect(((await call('GET', `/api/v2/persons?ids=${gone.id},${kept.id}`)).body.data as { id: number }[]).map((p) => p.id)).toEqual([kept.id]);
    expect(((await call('GET', '/api/v2/persons/search?term=twin@example.com&fields=email&exact_match=true')).body.data as { items: { item: { id: number } }[] }).items.map((i) => i.item.id)).toEqual([kept.id]);
    // The same merge again (a retry after a lost answer): the person merged away is gone.
    expect(await call('PUT', `/api/v1/persons/${gone.id}/merge`, { merge_with_id: kept.id })).toMatchObject({ status: 404, body: { success: false, error: 'Person not found' } });
    expect(await call('PUT', `/api/v1/persons/${kept.id}/merge`, { merge_with_id: kept.id })).toMatchObject({ status: 400, body: { success: false, error: 'Person cannot be merged with itself' } });
    expect((await call('PUT', `/api/v1/persons/${kept.id}/merge`, { merge_with_id: '1' })).status).toBe(400);
    expect((await call('PUT', `/api/v1/organizations/${kept.id}/merge`, { merge_with_id: kept.id })).body.error).toBe('Organization not found');
  });

  it('a created record has add_time/update_time; a deal won gets won_time and close_time; lost → open clears them', async () => {
    fake.clock = () => Date.parse('2026-03-01T10:00:00.700Z');
    const created = await call('POST', '/api/v2/deals', { title: 'D' });
    expect(created).toMatchObject({ status: 201, body: { success: true, data: { title: 'D', status: 'open', add_time: '2026-03-01T10:00:00Z', update_time: '2026-03-01T10:00:00Z' } } });
    fake.clock = () => Date.parse('2026-03-02T10:00:00Z');
    const id = (created.body.data as { id: number }).id;
    expect((await call('PATCH', `/api/v2/deals/${id}`, { status: 'won' })).body.data).toMatchObject({ status: 'won', won_time: '2026-03-02T10:00:00Z', close_time: '2026-03-02T10:00:00Z', update_time: '2026-03-02T10:00:00Z' });
    expect((await call('PATCH', `/api/v2/deals/${id}`, { status: 'open' })).body.data).toMatchObject({ status: 'open', won_time: null, close_time: null });
  });

  it('lists: updated_since is inclusive, ties are ordered by id, the cursor continues after the last item; bad parameters are 400', async () => {
    const t = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 5; i++) fake.seed('person', { name: `P${i}` }, t + (i < 3 ? 0 : 1000));
    const page1 = await call('GET', '/api/v2/persons?updated_since=2026-01-01T00:00:00Z&sort_by=update_time&sort_direction=asc&limit=2');
    expect((page1.body.data as { id: number }[]).map((p) => p.id)).toEqual([1, 2]);
    const next = (page1.body.additional_data as { next_cursor: string }).next_cursor;
    const page2 = await call('GET', `/api/v2/persons?updated_since=2026-01-01T00:00:00Z&sort_by=update_time&sort_direction=asc&limit=2&cursor=${next}`);
    expect((page2.body.data as { id: number }[]).map((p) => p.id)).toEqual([3, 4]);
    const later = await call('GET', '/api/v2/persons?updated_since=2026-01-01T00:00:01Z&sort_by=update_time');
    expect((later.body.data as { id: number }[]).map((p) => p.id)).toEqual([4, 5]);
    expect((await call('GET', '/api/v2/persons?limit=501')).body.error).toMatch(/^Validation failed: limit/);
    expect((await call('GET', '/api/v2/persons?updated_since=yesterday')).body.error).toMatch(/^Validation failed: updated_since/);
    expect((await call('GET', '/api/v2/persons?sort_by=name')).body.error).toMatch(/^Validation failed: sort_by/);
  });

  it('lists by ids (up to 100, deleted ones absent); custom fields are written key by key', async () => {
    const a = fake.seed('person', { name: 'A', custom_fields: { k1: 1, k2: 'x' } });
    const b = fake.seed('person', { name: 'B' });
    fake.seed('person', { name: 'C' });
    b.is_deleted = true;
    const listed = await call('GET', `/api/v2/persons?ids=${a.id},${b.id},999`);
    expect((listed.body.data as { id: number }[]).map((r) => r.id)).toEqual([a.id]);
    expect((await call('GET', `/api/v2/persons?ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`)).body.error).toMatch(/^Validation failed: ids:/);
    expect((await call('GET', '/api/v2/persons?ids=x')).status).toBe(400);
    await call('PATCH', `/api/v2/persons/${a.id}`, { custom_fields: { k1: 2 } });
    expect(fake.records.person.get(a.id)!.custom_fields).toEqual({ k1: 2, k2: 'x' });
  });

  it('search by email: exact match is case-insensitive and whole; without exact_match the term needs 2 characters', async () => {
    fake.seed('person', { name: 'Ada', emails: [{ value: 'ada@example.com', primary: true }] });
    fake.seed('person', { name: 'Adam', emails: [{ value: 'adam@example.com', primary: true }] });
    const exact = await call('GET', '/api/v2/persons/search?term=ADA%40example.com&fields=email&exact_match=true');
    expect((exact.body.data as { items: { item: { name: string } }[] }).items.map((i) => i.item.name)).toEqual(['Ada']);
    const partial = await call('GET', '/api/v2/persons/search?term=ada&fields=email');
    expect((partial.body.data as { items: unknown[] }).items).toHaveLength(2);
    expect((await call('GET', '/api/v2/persons/search?term=a&fields=email')).status).toBe(400);
    expect((await call('GET', '/api/v2/persons/search?term=ada&fields=address')).body.error).toMatch(/^Validation failed: fields/);
  });

  it('notes (v1): content and an attachment are required, unknown fields are ignored', async () => {
    const p = fake.seed('person', { name: 'Ada' });
    expect((await call('POST', '/api/v1/notes', { person_id: p.id })).body.error).toBe('Validation failed: content: Required');
    expect((await call('POST', '/api/v1/notes', { content: '<p>x</p>' })).status).toBe(400);
    expect(await call('POST', '/api/v1/notes', { content: '<p>x</p>', person_id: p.id, colour: 'red' })).toMatchObject({ status: 201, body: { data: { person_id: p.id, content: '<p>x</p>' } } });
  });

  it('rate limit on demand: 429 with x-ratelimit-* (reset in seconds); programmed 402 in the envelope', async () => {
    fake.fail({ kind: 'rate_limited', retryAfterSeconds: 2 });
    const limited = await call('GET', '/api/v2/persons');
    expect(limited.status).toBe(429);
    expect([limited.headers.get('x-ratelimit-remaining'), limited.headers.get('x-ratelimit-reset')]).toEqual(['0', '2']);
    expect(limited.body).toMatchObject({ success: false });
    expect((await call('GET', '/api/v2/persons')).status).toBe(200);
  });

  it('OAuth token endpoint: the client must authenticate with HTTP Basic; a revoked refresh token is invalid_grant', async () => {
    const form = (headers: Record<string, string>) =>
      fetch(`${fake.url}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'grant_type=refresh_token&refresh_token=pd-refresh' });
    const basic = `Basic ${Buffer.from('pd-client:pd-client-secret').toString('base64')}`;
    expect((await form({})).status).toBe(401);
    const ok = await form({ authorization: basic });
    const token = (await ok.json()) as { access_token: string; api_domain: string };
    expect(token.api_domain).toBe('https://acme.pipedrive.com');
    expect((await call('GET', '/api/v2/persons', undefined, { authorization: `Bearer ${token.access_token}` })).status).toBe(200);
    fake.revokeTokens();
    expect(await (await form({ authorization: basic })).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('edit() changes a record as a person would and sends the webhooks v2 delivery with HTTP Basic', async () => {
    const received: { authorization?: string; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      fake.webhookTarget = { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, user: 'u', password: 'p' };
      const person = fake.seed('person', { name: 'Ada' }, Date.parse('2026-01-01T00:00:00Z'));
      fake.clock = () => Date.parse('2026-01-02T00:00:00Z');
      await fake.edit('person', person.id, { name: 'Ada Lovelace' });
      expect(fake.records.person.get(person.id)).toMatchObject({ name: 'Ada Lovelace', update_time: '2026-01-02T00:00:00Z' });
      expect(received).toHaveLength(1);
      expect(received[0]!.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ meta: { action: 'change', entity: 'person', entity_id: String(person.id), version: '2.0' }, data: { name: 'Ada Lovelace' }, previous: { name: 'Ada' } });
      await expect(fake.edit('person', person.id, { nickname: 'x' })).rejects.toThrow(/Unrecognized key/);
    } finally {
      receiver.close();
    }
  });

  it('the connector validates a connection with GET /api/v1/users/me', async () => {
    const connector = pipedrive.definition;
    await expect(connector.validate!(fakeContext({ connector, credentials: connector.auth.credentials.parse({ apiToken: 'pd-api-token', companyDomain: 'acme' }), baseUrl: fake.url }))).resolves.toBeUndefined();
    expect(fake.received('GET', '/api/v1/users/me')).toHaveLength(1);
  });
});
