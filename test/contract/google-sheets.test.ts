import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { GoogleSheetsFake } from '../fakes/google-sheets-fake';
import { startContractHarness, type ContractHarness } from '../support/contract-harness';

describe('google-sheets connector against its fake', () => {
  let fake: GoogleSheetsFake;
  let h: ContractHarness;
  const step = (input: unknown) => ({ stepId: 'row', connectionId: 'sheets-main', input });
  const creds = (over: Record<string, unknown> = {}) => ({ accessToken: 'ya29.valid', refreshToken: '1//refresh', tokenUrl: `${fake.url}/token`, clientId: 'cid', clientSecret: 'csecret', ...over });

  beforeAll(async () => {
    fake = await new GoogleSheetsFake().start();
    h = await startContractHarness();
  });
  afterAll(async () => {
    await h?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.tokenRequests = 0;
    h.connections.updates.length = 0;
    h.connections.add({ id: 'sheets-main', connector: 'google-sheets', credentials: creds(), baseUrl: `${fake.url}/v4` });
  });

  it('appends a row with valueInputOption and returns the updated range', async () => {
    const res = await h.call('google-sheets.appendRow', step({ spreadsheetId: 'sheet123', range: 'Closed', values: ['c1', 'Where is my order?'] }));
    expect(res).toMatchObject({ ok: true, result: { updatedRange: 'Closed!A2:B2', updatedRows: 1 } });
    const [req] = fake.received('POST', '/v4/spreadsheets/sheet123/values/*');
    expect(req!.query.get('valueInputOption')).toBe('USER_ENTERED');
    expect(req!.body).toEqual({ majorDimension: 'ROWS', values: [['c1', 'Where is my order?']] });
  });

  it('refreshes an expired access token first (single request to /token) and persists it', async () => {
    h.connections.add({ id: 'sheets-main', connector: 'google-sheets', credentials: creds({ accessToken: 'ya29.old', expiresAt: new Date(Date.now() - 1000).toISOString() }), baseUrl: `${fake.url}/v4` });
    const res = await h.call('google-sheets.appendRow', step({ spreadsheetId: 'sheet123', range: 'Closed', values: ['x'] }));
    expect(res.ok).toBe(true);
    expect(fake.tokenRequests).toBe(1);
    expect(h.connections.updates).toHaveLength(1);
    expect((h.connections.updates[0]!.credentials as { accessToken: string }).accessToken).toMatch(/^ya29\./);
  });

  it('refreshes on a 401 and retries the call once', async () => {
    h.connections.add({ id: 'sheets-main', connector: 'google-sheets', credentials: creds({ accessToken: 'ya29.unknown' }), baseUrl: `${fake.url}/v4` });
    const res = await h.call('google-sheets.appendRow', step({ spreadsheetId: 'sheet123', range: 'Closed', values: ['x'] }));
    expect(res.ok).toBe(true);
    expect(fake.received('POST', '/v4/spreadsheets/sheet123/values/*')).toHaveLength(2);
  });

  it('retryable: 503 is retried', async () => {
    fake.fail({ kind: 'server_error' });
    expect((await h.call('google-sheets.appendRow', step({ spreadsheetId: 'sheet123', range: 'Closed', values: ['x'] }))).ok).toBe(true);
  });

  it('rate_limited: 429 RESOURCE_EXHAUSTED → RateLimited, retried', async () => {
    fake.fail({ kind: 'rate_limited', retryAfterSeconds: 0 });
    expect((await h.call('google-sheets.appendRow', step({ spreadsheetId: 'sheet123', range: 'Closed', values: ['x'] }))).ok).toBe(true);
    expect(fake.received('POST', '/v4/spreadsheets/sheet123/values/*')).toHaveLength(2);
  });

  it('auth_lost: a revoked refresh token (invalid_grant) → AuthLost, disconnected', async () => {
    fake.refreshTokens.clear();
    try {
      h.connections.add({ id: 'sheets-main', connector: 'google-sheets', credentials: creds({ accessToken: 'ya29.unknown' }), baseUrl: `${fake.url}/v4` });
      const res = await h.call('google-sheets.appendRow', step({ spreadsheetId: 'sheet123', range: 'Closed', values: ['x'] }));
      expect(res).toMatchObject({ ok: false, type: FailureType.authLost, nonRetryable: true, message: expect.stringContaining('invalid_grant') });
      expect(h.connections.byId.get('sheets-main')!.status).toBe('disconnected');
    } finally {
      fake.refreshTokens.add('1//refresh');
    }
  });

  it('invalid_input: an unknown sheet (400 Unable to parse range) and an unknown spreadsheet (404)', async () => {
    const bad = await h.call('google-sheets.appendRow', step({ spreadsheetId: 'sheet123', range: 'Nope', values: ['x'] }));
    expect(bad).toMatchObject({ ok: false, type: FailureType.invalidInput, message: expect.stringContaining('Unable to parse range') });
    const missing = await h.call('google-sheets.appendRow', step({ spreadsheetId: 'nosuch', range: 'Closed', values: ['x'] }));
    expect(missing).toMatchObject({ ok: false, type: FailureType.invalidInput, message: expect.stringContaining('Requested entity was not found') });
  });

  it('fatal: 403 PERMISSION_DENIED (not a quota reason) is not retried', async () => {
    fake.fail({ kind: 'respond', response: { status: 403, json: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } } } });
    const res = await h.call('google-sheets.appendRow', step({ spreadsheetId: 'sheet123', range: 'Closed', values: ['x'] }));
    expect(res).toMatchObject({ ok: false, type: FailureType.fatal, nonRetryable: true });
    expect(fake.received('POST', '/v4/spreadsheets/sheet123/values/*')).toHaveLength(1);
  });
});
