import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceFake } from '../../sandbox/salesforce-fake';

/** The Salesforce fake refuses what Salesforce refuses: a fake that accepts anything proves nothing. */
describe('salesforce fake self-test', () => {
  const fake = new SalesforceFake();
  beforeAll(() => fake.start());
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.clearData();
    fake.duplicateRules.clear();
    fake.dailyLimit = 100_000;
    fake.accessTokens.add('00Dsf!valid');
  });

  const api = `/instance/services/data/v62.0`;
  const call = async (method: string, path: string, body?: unknown, token: string | null = '00Dsf!valid', headers: Record<string, string> = {}) => {
    const res = await fetch(`${fake.url}${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) };
  };
  const token = async (form: Record<string, string>) => {
    const res = await fetch(fake.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  it('a call without a valid session is 401 INVALID_SESSION_ID in the error array', async () => {
    expect(await call('GET', '/sobjects/Contact/describe', undefined, null)).toMatchObject({ status: 401, body: [{ errorCode: 'INVALID_SESSION_ID' }] });
    fake.expireSessions();
    expect((await call('GET', '/sobjects/Contact/describe')).status).toBe(401);
  });

  it('required fields: a Contact needs LastName, a Lead LastName and Company', async () => {
    expect(await call('POST', '/sobjects/Contact', { FirstName: 'Ada' })).toMatchObject({ status: 400, body: [{ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }] });
    const lead = await call('POST', '/sobjects/Lead', { FirstName: 'Ada' });
    expect(lead).toMatchObject({ status: 400, body: [{ errorCode: 'REQUIRED_FIELD_MISSING' }] });
    expect(lead.body[0].fields).toEqual(expect.arrayContaining(['LastName', 'Company']));
    expect(await call('POST', '/sobjects/Contact', { LastName: 'Lovelace' })).toMatchObject({ status: 201, body: { success: true, id: expect.stringMatching(/^003\w{15}$/) } });
  });

  it('unknown and read-only fields are refused; a bad email is named', async () => {
    expect(await call('POST', '/sobjects/Contact', { LastName: 'L', Shoe_Size__c: '42' })).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_FIELD', message: expect.stringContaining("No such column 'Shoe_Size__c'") }] });
    expect(await call('POST', '/sobjects/Contact', { LastName: 'L', SystemModstamp: '2020-01-01T00:00:00.000+0000' })).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['SystemModstamp'] }] });
    expect(await call('POST', '/sobjects/Contact', { LastName: 'L', Email: 'not-an-email' })).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] }] });
  });

  it('the duplicate rule on Email blocks a second record only when it is active', async () => {
    await call('POST', '/sobjects/Contact', { LastName: 'A', Email: 'ada@example.com' });
    expect((await call('POST', '/sobjects/Contact', { LastName: 'B', Email: 'ADA@example.com' })).status).toBe(201);
    fake.duplicateRules.add('Contact');
    const refused = await call('POST', '/sobjects/Contact', { LastName: 'C', Email: 'ada@example.com' });
    expect(refused).toMatchObject({ status: 400, body: [{ errorCode: 'DUPLICATES_DETECTED', duplicateResult: { allowSave: false } }] });
  });

  it('SOQL: a malformed query is 400 MALFORMED_QUERY; results page through nextRecordsUrl, 200 at the least', async () => {
    expect(await call('GET', `/query?q=${encodeURIComponent('SELEKT Id FROM Contact')}`)).toMatchObject({ status: 400, body: [{ errorCode: 'MALFORMED_QUERY' }] });
    for (let i = 0; i < 450; i++) fake.seed('Contact', { LastName: `L${i}` });
    // Salesforce answers at least 200 a page whatever batchSize asks for.
    const first = await call('GET', `/query?q=${encodeURIComponent('SELECT Id, LastName FROM Contact ORDER BY Id')}`, undefined, '00Dsf!valid', { 'sforce-query-options': 'batchSize=2' });
    expect(first.body).toMatchObject({ totalSize: 450, done: false });
    expect(first.body.records).toHaveLength(200);
    const seen = first.body.records.map((r: { Id: string }) => r.Id);
    let next: string | undefined = first.body.nextRecordsUrl;
    while (next) {
      const page = await fetch(`${fake.url}/instance${next}`, { headers: { authorization: 'Bearer 00Dsf!valid' } }).then((r) => r.json() as Promise<any>);
      seen.push(...page.records.map((r: { Id: string }) => r.Id));
      next = page.done ? undefined : page.nextRecordsUrl;
    }
    expect(new Set(seen).size).toBe(450);
  });

  it('over the daily request limit: 403 REQUEST_LIMIT_EXCEEDED with Sforce-Limit-Info', async () => {
    fake.dailyLimit = 1;
    expect((await call('GET', '/sobjects/Contact/describe')).status).toBe(200);
    const over = await call('GET', '/sobjects/Contact/describe');
    expect(over).toMatchObject({ status: 403, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
    expect(over.headers.get('sforce-limit-info')).toBe('api-usage=2/1');
  });

  it('edit() changes a record as a person would: validated, SystemModstamp bumped', async () => {
    let now = Date.parse('2026-11-01T10:00:00Z');
    fake.clock = () => now;
    const record = fake.seed('Contact', { LastName: 'Before' });
    now += 60_000;
    const edited = fake.edit(record.Id, { LastName: 'After' });
    expect(String(edited.SystemModstamp) > String(record.SystemModstamp)).toBe(true);
    expect(edited.LastName).toBe('After');
    expect(() => fake.edit(record.Id, { LastName: null })).toThrow();
    fake.clock = () => Date.now();
  });

  it('the token endpoint checks the client and each grant; a code works once; the answer names instance_url', async () => {
    const client = { client_id: fake.app.clientId, client_secret: fake.app.clientSecret };
    expect(await token({ ...client, client_secret: 'wrong', grant_type: 'refresh_token', refresh_token: 'sf-refresh' })).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await token({ ...client, grant_type: 'refresh_token', refresh_token: 'stolen' })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const code = fake.authorize();
    expect(await token({ ...client, grant_type: 'authorization_code', code })).toMatchObject({ status: 200, body: { instance_url: fake.instanceUrl, refresh_token: expect.any(String) } });
    expect(await token({ ...client, grant_type: 'authorization_code', code })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('sObject Collections create and update: ≤200 records, one result each in order; allOrNone rolls every record back', async () => {
    fake.addCustomField('Contact', { name: 'Seats__c', label: 'Seats', type: 'double', createable: true, updateable: true, nillable: true });
    fake.addCustomField('Contact', { name: 'Vip__c', label: 'VIP', type: 'boolean', createable: true, updateable: true, nillable: true, defaultValue: false });
    const created = await call('POST', '/composite/sobjects', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Contact' }, LastName: 'Lovelace', Seats__c: 12.5, Vip__c: true },
        { attributes: { type: 'Contact' }, FirstName: 'No last name' },
        { attributes: { type: 'Contact' }, LastName: 'Hopper', Seats__c: 'many' },
      ],
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject([
      { success: true, id: expect.stringMatching(/^003/), errors: [] },
      { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }] },
      { success: false, errors: [{ statusCode: 'JSON_PARSER_ERROR', fields: ['Seats__c'] }] },
    ]);
    const id = created.body[0].id as string;
    expect(fake.find(id)!.record).toMatchObject({ Seats__c: 12.5, Vip__c: true });
    const updated = await call('PATCH', '/composite/sobjects', {
      allOrNone: true,
      records: [
        { attributes: { type: 'Contact' }, id, Seats__c: null, Vip__c: false },
        { attributes: { type: 'Contact' }, id: '003000000000000AAA', LastName: 'Gone' },
      ],
    });
    expect(updated.body).toMatchObject([{ success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' }] }, { success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED' }] }]);
    expect(fake.find(id)!.record).toMatchObject({ Seats__c: 12.5, Vip__c: true });
    const again = await call('PATCH', '/composite/sobjects', { allOrNone: false, records: [{ attributes: { type: 'Contact' }, id, Seats__c: null, Vip__c: false }] });
    expect(again.body).toEqual([{ id, success: true, errors: [] }]);
    expect(fake.find(id)!.record).toMatchObject({ Seats__c: null, Vip__c: false });
    const many = Array.from({ length: 201 }, (_, i) => ({ attributes: { type: 'Contact' }, LastName: `L${i}` }));
    expect(await call('POST', '/composite/sobjects', { records: many })).toMatchObject({ status: 400, body: [{ errorCode: 'EXCEEDED_ID_LIMIT' }] });
  });
});
