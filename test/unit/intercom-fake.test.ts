import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IntercomFake } from '../../sandbox/intercom-fake';

/** The fake rejects what Intercom rejects: a fake that accepts anything proves nothing. */
describe('IntercomFake keeps to Intercom’s rules', () => {
  const fake = new IntercomFake();
  const day = 86_400;
  const t0 = 1764230400; // 2025-11-27T08:00:00Z

  const call = async (method: string, path: string, body?: unknown, token = 'intercom-token') => {
    const res = await fetch(fake.url + path, {
      method,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  const search = (query: unknown, pagination: Record<string, unknown> = {}, sort?: unknown) => call('POST', '/contacts/search', { query, pagination, ...(sort ? { sort } : {}) });
  const errorList = (code: string, message: string | RegExp, field?: string) => ({
    type: 'error.list',
    request_id: expect.any(String),
    errors: [{ code, message: typeof message === 'string' ? message : expect.stringMatching(message), ...(field ? { field } : {}) }],
  });

  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.contacts.length = 0;
    fake.companies.length = 0;
    fake.revoked.clear();
    fake.clock = () => t0;
  });

  it('refuses a missing, unknown or revoked token with the 401 error list', async () => {
    expect(await call('GET', '/me', undefined, '')).toMatchObject({ status: 401, body: errorList('missing_authorization', /missing/) });
    expect(await call('GET', '/me', undefined, 'nope')).toMatchObject({ status: 401, body: errorList('unauthorized', 'Access Token Invalid') });
    fake.revoke();
    expect(await call('GET', '/me')).toMatchObject({ status: 401, body: errorList('token_revoked', 'Token revoked') });
  });

  it('rate-limits on demand with 429 and X-RateLimit-Reset, and counts every call', async () => {
    fake.fail({ kind: 'rate_limited', retryAfterSeconds: 5 });
    const limited = await call('GET', '/me');
    expect(limited).toMatchObject({ status: 429, body: errorList('rate_limit_exceeded', /Exceeded rate limit/) });
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 4);
    expect((await call('GET', '/me')).status).toBe(200);
    expect(fake.received('GET', '/me')).toHaveLength(2);
  });

  it('refuses a custom attribute the workspace does not define, on create and on update', async () => {
    expect(await call('POST', '/contacts', { email: 'a@example.com', custom_attributes: { colour: 'red' } })).toMatchObject({
      status: 400,
      body: errorList('parameter_invalid', "Custom attribute 'colour' does not exist", 'custom_attributes'),
    });
    expect(fake.contacts).toHaveLength(0);
    const created = await call('POST', '/contacts', { email: 'a@example.com', custom_attributes: { plan: 'pro' } });
    const id = created.body.id as string;
    expect(await call('PUT', `/contacts/${id}`, { custom_attributes: { plan: 'team', colour: 'red' } })).toMatchObject({ status: 400 });
    expect(fake.contacts[0]!.custom_attributes).toEqual({ plan: 'pro' });
    expect(await call('PUT', '/companies/none', { name: 'x' })).toMatchObject({ status: 404, body: errorList('company_not_found', 'Company Not Found') });
  });

  it('keeps user emails unique (409 naming the existing id) while leads may share one', async () => {
    const first = await call('POST', '/contacts', { email: 'a@example.com', role: 'user' });
    expect(await call('POST', '/contacts', { email: 'a@example.com', role: 'user' })).toMatchObject({ status: 409, body: errorList('conflict', `A contact matching those details already exists with id=${first.body.id as string}`) });
    expect((await call('POST', '/contacts', { email: 'a@example.com', role: 'lead' })).status).toBe(200);
    const other = await call('POST', '/contacts', { email: 'b@example.com' });
    expect((await call('PUT', `/contacts/${other.body.id as string}`, { email: 'a@example.com' })).status).toBe(409);
  });

  it('validates search queries: fields, operators, list values, nesting, group size and page size', async () => {
    expect(await search({ field: 'colour', operator: '=', value: 'x' })).toMatchObject({ status: 400, body: errorList('parameter_invalid', 'colour is not a searchable field', 'query.field') });
    expect((await search({ field: 'email', operator: 'LIKE', value: 'x' })).status).toBe(400);
    expect((await search({ field: 'email', operator: 'IN', value: 'x' })).status).toBe(400);
    expect((await search({ field: 'custom_attributes.colour', operator: '=', value: 'x' })).status).toBe(400);
    const leaf = { field: 'email', operator: '=', value: 'x' };
    expect((await search({ operator: 'AND', value: [{ operator: 'OR', value: [leaf] }] })).status).toBe(200);
    expect((await search({ operator: 'AND', value: [{ operator: 'OR', value: [{ operator: 'AND', value: [leaf] }] }] })).status).toBe(400);
    expect((await search({ operator: 'OR', value: Array.from({ length: 16 }, () => leaf) })).status).toBe(400);
    expect(await search(leaf, { per_page: 151 })).toMatchObject({ status: 400, body: errorList('parameter_invalid', /per_page/, 'pagination.per_page') });
    expect((await search(leaf, { starting_after: 'not-a-cursor' })).status).toBe(400);
  });

  it('compares dates by UTC day, as the 2.x contact index does', async () => {
    await call('POST', '/contacts', { email: 'a@example.com' });
    fake.clock = () => t0 + 3600;
    fake.edit(fake.contacts[0]!.id, { name: 'later that day' });
    expect((await search({ field: 'updated_at', operator: '>', value: t0 })).body.total_count).toBe(0);
    expect((await search({ field: 'updated_at', operator: '=', value: t0 })).body.total_count).toBe(1);
    expect((await search({ field: 'updated_at', operator: '>', value: t0 - day })).body.total_count).toBe(1);
    expect((await search({ field: 'updated_at', operator: '<', value: t0 + day })).body.total_count).toBe(1);
  });

  it('pages with an opaque cursor: every match once, in order, even when a record changes between pages', async () => {
    for (let n = 0; n < 7; n++) fake.contacts.push({ type: 'contact', id: `c${n}`, workspace_id: 'w', role: 'user', email: `c${n}@example.com`, external_id: null, name: null, created_at: t0, updated_at: t0 + n });
    const q = { field: 'email', operator: '$', value: '@example.com' };
    const sort = { field: 'updated_at', order: 'ascending' };
    const first = await search(q, { per_page: 3 }, sort);
    expect(first.body).toMatchObject({ type: 'list', total_count: 7, pages: { type: 'pages', page: 1, per_page: 3, total_pages: 3 } });
    fake.clock = () => t0 + 10;
    fake.edit('c1', { name: 'moved to the end' });
    const ids = (first.body.data as { id: string }[]).map((c) => c.id);
    let after = (first.body.pages as { next?: { starting_after: string } }).next?.starting_after;
    while (after) {
      const page = await search(q, { per_page: 3, starting_after: after }, sort);
      ids.push(...(page.body.data as { id: string }[]).map((c) => c.id));
      after = (page.body.pages as { next?: { starting_after: string } }).next?.starting_after;
    }
    expect(ids).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c1']);
  });

  it('edit() changes a record as a person would: fields, merged custom attributes, updated_at; no request', async () => {
    const created = await call('POST', '/contacts', { email: 'a@example.com', custom_attributes: { plan: 'pro' } });
    fake.reset();
    fake.clock = () => t0 + 99;
    fake.edit(created.body.id as string, { name: 'Ada', custom_attributes: { mrr: 10 } });
    expect(fake.contacts[0]).toMatchObject({ name: 'Ada', custom_attributes: { plan: 'pro', mrr: 10 }, updated_at: t0 + 99 });
    expect(fake.requests).toHaveLength(0);
    expect(() => fake.edit('nobody', {})).toThrow(/no contact or company/);
  });

  it('companies: lookup by company_id, no company_id change, list pages of at most 60 without user-less companies', async () => {
    await call('POST', '/companies', { company_id: 'acme', name: 'Acme' });
    const acme = fake.companies[0]!;
    expect(await call('GET', '/companies?company_id=acme')).toMatchObject({ status: 200, body: { type: 'list', data: [{ id: acme.id, company_id: 'acme' }] } });
    expect((await call('GET', '/companies?company_id=nope')).status).toBe(404);
    expect(await call('PUT', `/companies/${acme.id}`, { company_id: 'other' })).toMatchObject({ status: 400, body: errorList('parameter_invalid', 'company_id cannot be updated', 'company_id') });
    expect((await call('POST', '/companies/list?per_page=61')).status).toBe(400);
    expect((await call('POST', '/companies/list')).body).toMatchObject({ data: [], total_count: 0 });
    acme.user_count = 1;
    expect((await call('POST', '/companies/list')).body).toMatchObject({ data: [{ id: acme.id }], total_count: 1 });
  });

  it('companies scroll: every company (with or without users) a page at a time until an empty page; one scroll at a time; an expired or ended scroll_param is refused', async () => {
    for (let i = 0; i < 3; i++) fake.companies.push({ type: 'company', id: `co${i}`, company_id: `own-${i}`, name: null, created_at: t0, updated_at: t0, user_count: i, custom_attributes: {} });
    fake.scrollPageSize = 2;
    const first = await call('GET', '/companies/scroll');
    expect(first).toMatchObject({ status: 200, body: { type: 'list', data: [{ id: 'co0' }, { id: 'co1' }], total_count: null, scroll_param: expect.any(String) } });
    const param = first.body.scroll_param as string;
    expect(await call('GET', '/companies/scroll')).toMatchObject({ status: 400, body: errorList('bad_request', 'scroll already exists for this app') });
    expect(await call('GET', `/companies/scroll?scroll_param=${param}`)).toMatchObject({ status: 200, body: { data: [{ id: 'co2' }], scroll_param: param } });
    expect(await call('GET', `/companies/scroll?scroll_param=${param}`)).toMatchObject({ status: 200, body: { data: [] } });
    expect(await call('GET', `/companies/scroll?scroll_param=${param}`)).toMatchObject({ status: 400, body: errorList('parameter_invalid', /expired/, 'scroll_param') });
    const again = await call('GET', '/companies/scroll');
    expect(again.status).toBe(200);
    fake.expireScroll();
    expect((await call('GET', `/companies/scroll?scroll_param=${again.body.scroll_param as string}`)).status).toBe(400);
    expect((await call('GET', '/companies/scroll')).status).toBe(200);
  });
});
