import { expect, it } from 'vitest';
import { GoogleSheetsFake } from '../../sandbox/google-sheets-fake';
import { describeConnectorContract } from '../support/connector-contract';

const step = (input: unknown) => ({ stepId: 'row', connectionId: 'sheets-main', input });
const append = (over: Record<string, unknown> = {}) => step({ spreadsheetId: 'sheet123', range: 'Closed', values: ['x'], ...over });
const sheets = (fake: GoogleSheetsFake, over: Record<string, unknown> = {}) => ({
  id: 'sheets-main',
  connector: 'google-sheets',
  credentials: { accessToken: 'ya29.valid', refreshToken: '1//refresh', tokenUrl: `${fake.url}/token`, clientId: 'cid', clientSecret: 'csecret', ...over },
  baseUrl: `${fake.url}/v4`,
});

describeConnectorContract({
  connector: 'google-sheets',
  fake: () => new GoogleSheetsFake(),
  resetFake(fake) {
    fake.tokens.reset();
  },
  connections: (fake) => [sheets(fake)],
  actions: {
    'google-sheets.appendRow': {
      call: append(),
      endpoint: ['POST', '/v4/spreadsheets/*'],
      happyPath: {
        how: 'appends a row with valueInputOption and returns the updated range',
        call: append({ values: ['c1', 'Where is my order?'] }),
        result: { updatedRange: 'Closed!A2:C2', updatedRows: 1 },
        request(req) {
          expect(req.headers.authorization).toBe('Bearer ya29.valid');
          expect(req.query.get('valueInputOption')).toBe('USER_ENTERED');
          expect(req.body).toEqual({ majorDimension: 'ROWS', values: [['c1', 'Where is my order?', expect.stringMatching(/^switchyard:[0-9a-f]{32}$/)]] });
        },
      },
      retryable: { how: 'a 503' },
      rateLimited: { how: '429 RESOURCE_EXHAUSTED (no delay named)', retryAfterSeconds: 0, nextRetryDelayMs: null },
      authLost: {
        how: 'a revoked refresh token (invalid_grant) after a 401',
        arrange({ fake, connections }) {
          fake.tokens.refreshTokens.clear();
          connections.add(sheets(fake, { accessToken: 'ya29.unknown' }));
        },
        message: /invalid_grant/,
      },
      invalidInput: [
        { how: 'an unknown sheet (400 Unable to parse range)', call: append({ range: 'Nope' }), message: /Unable to parse range/ },
        { how: 'an unknown spreadsheet (404)', call: append({ spreadsheetId: 'nosuch' }), message: /Requested entity was not found/ },
      ],
      fatal: {
        how: '403 PERMISSION_DENIED (not a quota reason)',
        arrange: ({ fake }) =>
          fake.fail({ kind: 'respond', response: { status: 403, json: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } } } }),
      },
    },
  },
  specific(ctx) {
    it('refreshes an expired access token first (single request to /token) and persists it', async () => {
      ctx.connections.add(sheets(ctx.fake, { accessToken: 'ya29.old', expiresAt: new Date(Date.now() - 1000).toISOString() }));
      const res = await ctx.call('google-sheets.appendRow', append());
      expect(res.ok).toBe(true);
      expect(ctx.fake.tokens.requests).toBe(1);
      expect(ctx.connections.updates).toHaveLength(1);
      expect((ctx.connections.updates[0]!.credentials as { accessToken: string }).accessToken).toMatch(/^ya29\./);
    });

    it('refreshes on a 401 and retries the call once', async () => {
      ctx.connections.add(sheets(ctx.fake, { accessToken: 'ya29.unknown' }));
      const res = await ctx.call('google-sheets.appendRow', append());
      expect(res.ok).toBe(true);
      expect(ctx.fake.received('POST', '/v4/spreadsheets/sheet123/values/*')).toHaveLength(2);
    });
  },
});
