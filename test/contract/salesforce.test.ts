import { expect, it } from 'vitest';
import { FailureType, type ActionActivityInput } from '../../workflows/activity-contract';
import { SalesforceFake } from '../../sandbox/salesforce-fake';
import { describeConnectorContract, type ContractContext } from '../support/connector-contract';

const api = '/instance/services/data/v62.0';
const seeded = { contact: '', lead: '', account: '' };

const connection = (fake: SalesforceFake, over: Record<string, unknown> = {}) => ({
  id: 'sf-main',
  connector: 'salesforce',
  credentials: { accessToken: '00Dsf!valid', refreshToken: 'sf-refresh', clientId: fake.app.clientId, clientSecret: fake.app.clientSecret, tokenUrl: fake.tokenUrl, instanceUrl: fake.instanceUrl, ...over },
});
const step = (input: unknown): ActionActivityInput => ({ stepId: 'sf', connectionId: 'sf-main', input });
const poll = (input: unknown, cursor: string | null = null) => ({ trigger: 'salesforce.changedRecords', connectionId: 'sf-main', input, cursor }) as unknown as ActionActivityInput;

const revoked = { how: 'the app was revoked (401 INVALID_SESSION_ID, then invalid_grant on refresh)', arrange: ({ fake }: { fake: SalesforceFake }) => fake.revokeTokens(), message: /invalid_grant/, disconnect: { status: 400 } };
const rateLimited = { how: '403 REQUEST_LIMIT_EXCEEDED, the wait derived from Sforce-Limit-Info', retryAfterSeconds: 1, nextRetryDelayMs: 1000 };
const lockedRow = {
  how: '400 UNABLE_TO_LOCK_ROW (another transaction holds the record)',
  arrange: ({ fake }: { fake: SalesforceFake }) => fake.fail({ kind: 'respond', response: { status: 400, json: [{ errorCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' }] } }),
};
const apiDisabled = {
  how: '403 API_DISABLED_FOR_ORG (the edition has no API access)',
  arrange: ({ fake }: { fake: SalesforceFake }) => fake.fail({ kind: 'respond', response: { status: 403, json: [{ errorCode: 'API_DISABLED_FOR_ORG', message: 'API is not enabled for this Organization or Partner' }] } }),
  message: /^403 from Salesforce: API_DISABLED_FOR_ORG/,
};
const outcome = <T>(res: unknown) => (res as { result: T }).result;

describeConnectorContract({
  connector: 'salesforce',
  fake: () => new SalesforceFake(),
  resetFake(fake) {
    fake.clearData();
    fake.revokeTokens();
    fake.accessTokens.add('00Dsf!valid');
    fake.refreshTokens.add('sf-refresh');
    fake.duplicateRules.clear();
    fake.maxBatchSize = 2000;
    fake.dailyLimit = 100_000;
    fake.legacyUpsert = false;
    fake.clock = () => Date.now();
    seeded.account = fake.seed('Account', { Name: 'Analytical Engines Ltd', Intercom_Company_Id__c: 'co-1' }).Id;
    seeded.contact = fake.seed('Contact', { LastName: 'Lovelace', FirstName: 'Ada', Email: 'ada@example.com', Intercom_Id__c: 'ic-1', AccountId: seeded.account }).Id;
    seeded.lead = fake.seed('Lead', { LastName: "O'Brien", Company: 'Acme', Email: "o'brien@example.com" }).Id;
  },
  connections: (fake) => [connection(fake)],
  actions: {
    'salesforce.createRecord': {
      call: step({ type: 'Contact', fields: { LastName: 'Hopper', Email: 'grace@example.com' } }),
      endpoint: ['POST', `${api}/sobjects/Contact`],
      happyPath: {
        how: 'POSTs the fields to /sobjects/Contact on the instance URL with the bearer token',
        result: { id: expect.stringMatching(/^003[A-Za-z0-9]{15}$/) },
        request(req, { fake }) {
          expect(req.headers.authorization).toBe('Bearer 00Dsf!valid');
          expect(req.headers['content-type']).toMatch(/^application\/json/);
          expect(req.body).toEqual({ LastName: 'Hopper', Email: 'grace@example.com' });
          expect(fake.all('Contact').map((c) => c.Email)).toContain('grace@example.com');
        },
      },
      retryable: [{ how: '503 SERVER_UNAVAILABLE' }, lockedRow],
      rateLimited,
      authLost: revoked,
      invalidInput: [
        {
          how: 'REQUIRED_FIELD_MISSING names LastName',
          call: step({ type: 'Contact', fields: { Email: 'nobody@example.com' } }),
          message: '400 from Salesforce: REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]',
          details: [{ code: 'REQUIRED_FIELD_MISSING', field: 'LastName' }],
        },
        {
          how: 'INVALID_FIELD names the unknown column',
          call: step({ type: 'Contact', fields: { LastName: 'Hopper', Shoe_Size__c: '42' } }),
          message: /INVALID_FIELD: No such column 'Shoe_Size__c' on sobject of type Contact$/,
          details: [{ code: 'INVALID_FIELD', field: 'Shoe_Size__c' }],
        },
        {
          how: 'DUPLICATES_DETECTED names the matching record and the field',
          arrange: ({ fake }) => fake.duplicateRules.add('Contact'),
          call: step({ type: 'Contact', fields: { LastName: 'Byron', Email: 'ADA@example.com' } }),
          message: /^400 from Salesforce: DUPLICATES_DETECTED: Use one of these records\? \(matching records: 003\w{15}\) \(field Email\)$/,
          details: [{ code: 'DUPLICATES_DETECTED', field: 'Email' }],
        },
        { how: 'a type name that could inject a path is refused before any request', call: step({ type: '../query', fields: {} }), message: /type/, requests: 0 },
      ],
      fatal: apiDisabled,
    },
    'salesforce.updateRecord': {
      call: () => step({ type: 'Contact', id: seeded.contact, fields: { Title: 'Analyst' } }),
      endpoint: ['PATCH', `${api}/sobjects/Contact/*`],
      happyPath: {
        how: 'PATCHes /sobjects/Contact/<id> (204) and the record changes',
        result: { id: expect.stringMatching(/^003/) },
        request(req, { fake }) {
          expect(req.path).toBe(`${api}/sobjects/Contact/${seeded.contact}`);
          expect(req.body).toEqual({ Title: 'Analyst' });
          expect(fake.find(seeded.contact)!.record.Title).toBe('Analyst');
        },
      },
      retryable: { how: '503 SERVER_UNAVAILABLE' },
      rateLimited,
      authLost: revoked,
      invalidInput: [
        { how: 'clearing a required field (REQUIRED_FIELD_MISSING)', call: () => step({ type: 'Contact', id: seeded.contact, fields: { LastName: null } }), details: [{ code: 'REQUIRED_FIELD_MISSING', field: 'LastName' }] },
        { how: 'an id that names no record (404 NOT_FOUND)', call: step({ type: 'Contact', id: '003gK0000000zzzAAA', fields: { Title: 'x' } }), message: /^404 from Salesforce: NOT_FOUND/ },
      ],
      fatal: apiDisabled,
    },
    'salesforce.upsertByExternalId': {
      call: step({ type: 'Contact', externalIdField: 'Intercom_Id__c', externalId: 'ic-2', fields: { LastName: 'Hopper' } }),
      endpoint: ['PATCH', `${api}/sobjects/Contact/Intercom_Id__c/*`],
      happyPath: {
        how: 'a new external id: 201 created',
        result: { id: expect.stringMatching(/^003/), created: true },
        request(req, { fake }) {
          expect(req.path).toBe(`${api}/sobjects/Contact/Intercom_Id__c/ic-2`);
          expect(req.body).toEqual({ LastName: 'Hopper' });
          expect(fake.all('Contact').find((c) => c.Intercom_Id__c === 'ic-2')?.LastName).toBe('Hopper');
        },
      },
      retryable: { how: '503 SERVER_UNAVAILABLE' },
      rateLimited,
      authLost: revoked,
      invalidInput: [
        {
          how: '300: the external id matches two records, both ids named',
          arrange: ({ fake }) => fake.seed('Contact', { LastName: 'Twin', Intercom_Id__c: 'ic-2' }) && fake.seed('Contact', { LastName: 'Twin', Intercom_Id__c: 'IC-2' }),
          message: /^300 from Salesforce: the external id matches 2 records: 003\w{15}, 003\w{15}$/,
          details: [{ code: 'MULTIPLE_CHOICES', status: 300 }],
        },
        { how: 'the external id field in the body is refused before any request', call: step({ type: 'Contact', externalIdField: 'Intercom_Id__c', externalId: 'ic-2', fields: { Intercom_Id__c: 'ic-2' } }), message: /must not contain Id or the external id field/, requests: 0 },
      ],
      fatal: apiDisabled,
    },
    'salesforce.getRecord': {
      call: () => step({ type: 'Contact', id: seeded.contact, fields: ['LastName', 'Email'] }),
      endpoint: ['GET', `${api}/sobjects/Contact/*`],
      happyPath: {
        how: 'GETs the record with ?fields=',
        result: { record: { attributes: { type: 'Contact' }, LastName: 'Lovelace', Email: 'ada@example.com' } },
        request(req) {
          expect(req.path).toBe(`${api}/sobjects/Contact/${seeded.contact}`);
          expect(req.query.get('fields')).toBe('LastName,Email');
        },
      },
      retryable: { how: '503 SERVER_UNAVAILABLE' },
      rateLimited,
      authLost: revoked,
      invalidInput: { how: 'an unknown field (INVALID_FIELD) is named', call: () => step({ type: 'Contact', id: seeded.contact, fields: ['Shoe_Size__c'] }), details: [{ code: 'INVALID_FIELD', field: 'Shoe_Size__c' }] },
      fatal: apiDisabled,
    },
    'salesforce.query': {
      call: step({ soql: 'SELECT Id, LastName FROM Lead WHERE Email = :email', params: { email: "o'brien@example.com" } }),
      endpoint: ['GET', `${api}/query*`],
      happyPath: {
        how: 'binds :email as an escaped literal (a quote in the email cannot end the string)',
        result: { totalSize: 1, truncated: false, records: [{ attributes: { type: 'Lead' }, LastName: "O'Brien" }] },
        request(req) {
          expect(req.query.get('q')).toBe("SELECT Id, LastName FROM Lead WHERE Email = 'o\\'brien@example.com'");
        },
      },
      retryable: { how: '503 SERVER_UNAVAILABLE' },
      rateLimited,
      authLost: revoked,
      invalidInput: [
        { how: 'MALFORMED_QUERY', call: step({ soql: 'SELECT Id FROM Contact WHERE' }), message: /^400 from Salesforce: MALFORMED_QUERY: / },
        { how: 'INVALID_FIELD names the column', call: step({ soql: 'SELECT Id, Shoe_Size__c FROM Contact' }), details: [{ code: 'INVALID_FIELD', field: 'Shoe_Size__c' }] },
        { how: 'a :param without a value is refused before any request', call: step({ soql: 'SELECT Id FROM Contact WHERE Email = :email' }), message: /params has no "email"/, requests: 0 },
      ],
      fatal: apiDisabled,
    },
    'salesforce.compositeUpsert': {
      call: step({ type: 'Contact', externalIdField: 'Intercom_Id__c', records: [{ Intercom_Id__c: 'ic-1', Title: 'Countess' }, { Intercom_Id__c: 'ic-9', LastName: 'Babbage' }, { Intercom_Id__c: 'ic-10' }] }),
      endpoint: ['PATCH', `${api}/composite/sobjects/*`],
      happyPath: {
        how: 'one PATCH /composite/sobjects/Contact/Intercom_Id__c, one result per record (updated, created, failed)',
        result: {
          created: 1,
          updated: 1,
          failed: 1,
          results: [
            { externalId: 'ic-1', success: true, created: false },
            { externalId: 'ic-9', success: true, created: true },
            { externalId: 'ic-10', success: false, errors: [{ code: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }] },
          ],
        },
        request(req) {
          expect(req.path).toBe(`${api}/composite/sobjects/Contact/Intercom_Id__c`);
          expect(req.body).toEqual({
            allOrNone: false,
            records: [
              { attributes: { type: 'Contact' }, Intercom_Id__c: 'ic-1', Title: 'Countess' },
              { attributes: { type: 'Contact' }, Intercom_Id__c: 'ic-9', LastName: 'Babbage' },
              { attributes: { type: 'Contact' }, Intercom_Id__c: 'ic-10' },
            ],
          });
        },
      },
      retryable: { how: '503 SERVER_UNAVAILABLE' },
      rateLimited,
      authLost: revoked,
      invalidInput: [
        { how: '201 records are refused before any request (≤200 per call)', call: step({ type: 'Contact', externalIdField: 'Intercom_Id__c', records: Array.from({ length: 201 }, (_, n) => ({ Intercom_Id__c: `x${n}`, LastName: 'X' })) }), message: /records/, requests: 0 },
        { how: 'a field that is not an external id (400 INVALID_FIELD)', call: step({ type: 'Contact', externalIdField: 'Email', records: [{ Email: 'a@example.com', LastName: 'A' }] }), details: [{ code: 'INVALID_FIELD', field: 'Email' }] },
      ],
      fatal: apiDisabled,
    },
    'salesforce.createTask': {
      call: () => step({ whoId: seeded.lead, subject: 'Intercom conversation 147', transcript: 'Ada (user): Hi\nSupport (admin): Hello', activityDate: '2026-11-29T14:05:00Z' }),
      endpoint: ['POST', `${api}/sobjects/Task`],
      happyPath: {
        how: 'a completed Task on the Lead (WhoId), the transcript as Description',
        result: { id: expect.stringMatching(/^00T/) },
        request(req, { fake }) {
          expect(req.body).toEqual({ WhoId: seeded.lead, Subject: 'Intercom conversation 147', Description: 'Ada (user): Hi\nSupport (admin): Hello', Status: 'Completed', Priority: 'Normal', TaskSubtype: 'Task', ActivityDate: '2026-11-29' });
          expect(fake.all('Task')[0]).toMatchObject({ WhoId: seeded.lead, Status: 'Completed' });
        },
      },
      retryable: { how: '503 SERVER_UNAVAILABLE' },
      rateLimited,
      authLost: revoked,
      invalidInput: { how: 'a WhoId that is an Account (FIELD_INTEGRITY_EXCEPTION names WhoId)', call: () => step({ whoId: seeded.account, subject: 'x' }), details: [{ code: 'FIELD_INTEGRITY_EXCEPTION', field: 'WhoId' }] },
      fatal: apiDisabled,
    },
    'salesforce.createCase': {
      call: () => step({ subject: 'Refund request', description: 'Order 1234', contactId: seeded.contact, origin: 'Chat', priority: 'High' }),
      endpoint: ['POST', `${api}/sobjects/Case`],
      happyPath: {
        how: 'POST /sobjects/Case with the contact; the default Status is New',
        result: { id: expect.stringMatching(/^500/) },
        request(req, { fake }) {
          expect(req.body).toEqual({ Subject: 'Refund request', Description: 'Order 1234', ContactId: seeded.contact, Origin: 'Chat', Priority: 'High' });
          expect(fake.all('Case')[0]).toMatchObject({ Status: 'New', ContactId: seeded.contact });
        },
      },
      retryable: { how: '503 SERVER_UNAVAILABLE' },
      rateLimited,
      authLost: revoked,
      invalidInput: { how: 'a value outside a restricted picklist', call: step({ subject: 'x', fields: { Status: 'Solved' } }), details: [{ code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', field: 'Status' }] },
      fatal: apiDisabled,
    },
    'salesforce.describeObject': {
      call: step({ type: 'Lead' }),
      endpoint: ['GET', `${api}/sobjects/*`],
      happyPath: {
        how: 'the field list: required-ness, access, external ids, active picklist values',
        result: {
          name: 'Lead',
          fields: expect.arrayContaining([
            { name: 'Company', label: 'Company', type: 'string', createable: true, updateable: true, nillable: false, externalId: false },
            { name: 'Id', label: 'Record ID', type: 'id', createable: false, updateable: false, nillable: false, externalId: false },
            expect.objectContaining({ name: 'Status', type: 'picklist', picklistValues: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'] }),
            expect.objectContaining({ name: 'Intercom_Id__c', externalId: true }),
          ]),
        },
        request(req) {
          expect(req.headers.accept).toBe('application/json');
        },
      },
      retryable: { how: '503 SERVER_UNAVAILABLE' },
      rateLimited,
      authLost: revoked,
      invalidInput: { how: 'an unknown type (404 NOT_FOUND)', call: step({ type: 'Invoice__c' }), message: /^404 from Salesforce: NOT_FOUND/ },
      fatal: apiDisabled,
    },
    pollTrigger: {
      call: poll({ type: 'Contact', fields: ['Email'], since: '2000-01-01T00:00:00Z' }),
      endpoint: ['GET', `${api}/query*`],
      happyPath: {
        how: 'SOQL by (SystemModstamp, Id) after the cursor',
        result: { items: [{ dedupeKey: expect.stringMatching(/^003\w{15}:/), item: { Email: 'ada@example.com' } }], cursor: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|003\w{15}$/) },
        request(req) {
          expect(req.query.get('q')).toBe(
            "SELECT Id, SystemModstamp, Email FROM Contact WHERE (SystemModstamp > 2000-01-01T00:00:00Z OR (SystemModstamp = 2000-01-01T00:00:00Z AND Id > '')) ORDER BY SystemModstamp ASC, Id ASC LIMIT 2000",
          );
        },
      },
      retryable: { how: '503 SERVER_UNAVAILABLE' },
      rateLimited,
      authLost: revoked,
      invalidInput: { how: 'a where clause naming an unknown field', call: poll({ type: 'Contact', where: 'Shoe_Size__c > 40', since: '2000-01-01T00:00:00Z' }), details: [{ code: 'INVALID_FIELD', field: 'Shoe_Size__c' }] },
      fatal: apiDisabled,
    },
  },
  specific(ctx) {
    specificTests(ctx);
  },
});

function specificTests(ctx: ContractContext<SalesforceFake>): void {
  it('calls go to the instance_url of the token response: an old instance and a stale session are left after one refresh', async () => {
    ctx.connections.add(connection(ctx.fake, { accessToken: 'stale', instanceUrl: `${ctx.fake.url}/na1` }));
    const res = await ctx.call('salesforce.getRecord', step({ type: 'Contact', id: seeded.contact, fields: ['LastName'] }));
    expect(res).toMatchObject({ ok: true, result: { record: { LastName: 'Lovelace' } } });
    expect(ctx.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /na1/services/data/v62.0/sobjects/Contact/${seeded.contact}`,
      'POST /login/services/oauth2/token',
      `GET ${api}/sobjects/Contact/${seeded.contact}`,
    ]);
    expect(ctx.fake.requests[2]!.headers.authorization).toMatch(/^Bearer 00Dsf!\w+/);
    expect(ctx.fake.requests[2]!.headers.authorization).not.toBe('Bearer stale');
    expect(Object.fromEntries(new URLSearchParams(ctx.fake.requests[1]!.rawBody))).toEqual({ grant_type: 'refresh_token', refresh_token: 'sf-refresh', client_id: ctx.fake.app.clientId, client_secret: ctx.fake.app.clientSecret });
    expect(ctx.connections.updates).toEqual([{ id: 'sf-main', credentials: expect.objectContaining({ instanceUrl: ctx.fake.instanceUrl, refreshToken: 'sf-refresh' }) }]);
  });

  it('an expired session (401 INVALID_SESSION_ID) is refreshed once and the call succeeds', async () => {
    ctx.fake.expireSessions();
    expect(await ctx.call('salesforce.describeObject', step({ type: 'Case' }))).toMatchObject({ ok: true, result: { name: 'Case' } });
    expect(ctx.fake.tokenRequests).toBe(1);
    expect(ctx.fake.received('GET', `${api}/sobjects/Case/describe`)).toHaveLength(2);
  });

  it('REQUEST_LIMIT_EXCEEDED at api-usage=5001/5000 waits for two calls of the 24h window to age out (24h × 2 / 5001)', async () => {
    ctx.fake.dailyLimit = 5000;
    ctx.fake.apiCalls = 5000;
    const res = await ctx.call('salesforce.getRecord', step({ type: 'Contact', id: seeded.contact }), { maxAttempts: 1 });
    expect(res).toMatchObject({ ok: false, type: FailureType.rateLimited, message: '403 from Salesforce: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.', nextRetryDelayMs: Math.ceil((86_400_000 * 2) / 5001) });
  });

  it('upsert: an existing external id is updated (200, created:false); a pre-v46 204 is followed by a read of the id', async () => {
    const updated = await ctx.call('salesforce.upsertByExternalId', step({ type: 'Contact', externalIdField: 'Intercom_Id__c', externalId: 'ic-1', fields: { Title: 'Countess' } }));
    expect(updated).toMatchObject({ ok: true, result: { id: seeded.contact, created: false } });
    ctx.fake.legacyUpsert = true;
    const legacy = await ctx.call('salesforce.upsertByExternalId', step({ type: 'Contact', externalIdField: 'Intercom_Id__c', externalId: 'ic-1', fields: { Title: 'Mathematician' } }));
    expect(legacy).toMatchObject({ ok: true, result: { id: seeded.contact, created: false } });
    expect(ctx.fake.received('GET', `${api}/sobjects/Contact/Intercom_Id__c/ic-1`)).toHaveLength(1);
    expect(ctx.fake.find(seeded.contact)!.record.Title).toBe('Mathematician');
    const updateOnly = await ctx.call('salesforce.upsertByExternalId', step({ type: 'Contact', externalIdField: 'Intercom_Id__c', externalId: 'ic-404', fields: { LastName: 'X' }, updateOnly: true }));
    expect(updateOnly).toMatchObject({ ok: false, type: FailureType.invalidInput });
    expect(ctx.fake.received('PATCH', `${api}/sobjects/Contact/Intercom_Id__c/ic-404`)[0]!.query.get('updateOnly')).toBe('true');
  });

  it('compositeUpsert with allOrNone rolls every record back when one fails', async () => {
    const res = await ctx.call('salesforce.compositeUpsert', step({ type: 'Contact', externalIdField: 'Intercom_Id__c', allOrNone: true, records: [{ Intercom_Id__c: 'ic-20', LastName: 'Kept?' }, { Intercom_Id__c: 'ic-21' }] }));
    expect(res).toMatchObject({ ok: true, result: { created: 0, failed: 2, results: [{ success: false, errors: [{ code: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' }] }, { success: false, errors: [{ code: 'REQUIRED_FIELD_MISSING' }] }] } });
    expect(ctx.fake.all('Contact').filter((c) => c.Intercom_Id__c === 'ic-20')).toEqual([]);
  });

  it('query follows nextRecordsUrl (relative to the instance) and stops at maxRecords', async () => {
    for (let n = 0; n < 450; n++) ctx.fake.seed('Account', { Name: `Account ${String(n).padStart(3, '0')}` });
    const all = await ctx.call('salesforce.query', step({ soql: 'SELECT Id, Name FROM Account ORDER BY Name', batchSize: 200 }));
    expect(outcome<{ records: unknown[]; truncated: boolean; totalSize: number }>(all)).toMatchObject({ totalSize: 451, truncated: false });
    expect(outcome<{ records: unknown[] }>(all).records).toHaveLength(451);
    expect(ctx.fake.received('GET', `${api}/query*`).map((r) => r.path.replace(/01g\w+/, 'L'))).toEqual([`${api}/query`, `${api}/query/L-200`, `${api}/query/L-400`]);
    expect(ctx.fake.received('GET', `${api}/query*`).every((r) => r.headers['sforce-query-options'] === 'batchSize=200')).toBe(true);
    ctx.fake.reset();
    const bounded = await ctx.call('salesforce.query', step({ soql: 'SELECT Id FROM Account', batchSize: 200, maxRecords: 250 }));
    expect(outcome<{ records: unknown[]; truncated: boolean }>(bounded)).toMatchObject({ truncated: true });
    expect(outcome<{ records: unknown[] }>(bounded).records).toHaveLength(250);
    expect(ctx.fake.received('GET', `${api}/query*`)).toHaveLength(2);
  });

  it('createTask keeps a transcript within Task.Description’s 32,000 characters', async () => {
    const res = await ctx.call('salesforce.createTask', step({ whoId: seeded.contact, subject: 'Long chat', transcript: 'x'.repeat(40_000) }));
    expect(res.ok).toBe(true);
    const description = ctx.fake.all('Task')[0]!.Description as string;
    expect(description).toHaveLength(32_000);
    expect(description.endsWith('(transcript truncated)')).toBe(true);
  });

  it('changedRecords: 5,000 records, 7 per SystemModstamp second, polled 1,200 at a time in pages of 500: each exactly once, in order; then only the edited ones', async () => {
    let t = Date.parse('2026-11-01T00:00:00Z');
    ctx.fake.clock = () => t;
    ctx.fake.clearData();
    const ids: string[] = [];
    for (let n = 0; n < 5000; n++) {
      if (n % 7 === 0) t += 1000;
      ids.push(ctx.fake.seed('Contact', { LastName: `Person ${n}`, Email: `p${n}@example.com` }).Id);
    }
    // Stored out of id order inside a second: the Id tie-break, not insertion order, must decide.
    ctx.fake.records.set('Contact', new Map([...ctx.fake.records.get('Contact')!].reverse()));
    const seen: string[] = [];
    const input = { type: 'Contact', fields: ['Email'], since: '2026-11-01T00:00:00Z', maxRecords: 1200, batchSize: 500 };
    let cursor: string | null = null;
    for (let round = 0; round < 10; round++) {
      const res = await ctx.call('pollTrigger', poll(input, cursor));
      const r = outcome<{ items: { dedupeKey: string; item: { Id: string } }[]; cursor: string }>(res);
      cursor = r.cursor;
      if (r.items.length === 0) break;
      seen.push(...r.items.map((i) => i.item.Id));
    }
    expect(seen).toHaveLength(5000);
    expect(new Set(seen).size).toBe(5000);
    expect(seen).toEqual(ids);
    const pages = ctx.fake.received('GET', `${api}/query*`);
    expect(pages.filter((p) => p.path.endsWith('/query'))).toHaveLength(6);
    expect(pages.length).toBe(6 + 4 * 2);

    t += 60_000;
    ctx.fake.edit(ids[10]!, { Title: 'Edited' });
    ctx.fake.edit(ids[4000]!, { Title: 'Edited' });
    ctx.fake.edit(ids[2]!, { Title: 'Edited' });
    const after = outcome<{ items: { item: { Id: string } }[] }>(await ctx.call('pollTrigger', poll(input, cursor)));
    expect(after.items.map((i) => i.item.Id)).toEqual([ids[2], ids[10], ids[4000]]);
  });

  it('changedRecords without `since` records "now" on the first poll and replays nothing older; a later edit is delivered', async () => {
    for (const c of ctx.fake.all('Contact')) c.SystemModstamp = new Date(Date.now() - 5000).toISOString().replace(/\.\d{3}Z$/, '.000+0000');
    const first = outcome<{ items: unknown[]; cursor: string }>(await ctx.call('pollTrigger', poll({ type: 'Contact' })));
    expect(first.items).toEqual([]);
    expect(ctx.fake.requests).toEqual([]);
    const quiet = outcome<{ items: unknown[] }>(await ctx.call('pollTrigger', poll({ type: 'Contact' }, first.cursor)));
    expect(quiet.items).toEqual([]);
    ctx.fake.edit(seeded.contact, { Phone: '+44 20 7946 0000' });
    const next = outcome<{ items: { item: { Id: string } }[] }>(await ctx.call('pollTrigger', poll({ type: 'Contact' }, first.cursor)));
    expect(next.items.map((i) => i.item.Id)).toEqual([seeded.contact]);
  });
}
