import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeServer } from '../../sandbox/fake-server';
import { GoogleDriveFake } from '../../sandbox/google-drive-fake';
import { describeConnectorContract } from '../support/connector-contract';

const driveConnection = (fake: GoogleDriveFake, over: Record<string, unknown> = {}) => ({
  id: 'drive-main',
  connector: 'google-drive',
  credentials: { accessToken: 'ya29.drive', refreshToken: '1//drive-refresh', tokenUrl: `${fake.url}/token`, clientId: 'cid', clientSecret: 'csecret', ...over },
  baseUrl: fake.url,
});
const upload = (over: Record<string, unknown> = {}) => ({
  stepId: 'upload',
  connectionId: 'drive-main',
  input: { name: 'conversations.csv', content: { text: 'id,subject\n147,Where is my order?\n' }, folderId: '0AFolderReports', mimeType: 'text/csv', ...over },
});
const folder = (over: Record<string, unknown> = {}) => ({ stepId: 'folder', connectionId: 'drive-main', input: { name: 'Week 48', parentId: '0AFolderReports', ...over } });
const driveError = (code: number, reason: string, message: string) => ({ status: code, json: { error: { errors: [{ domain: 'global', reason, message }], code, message } } });
const revoked = { how: 'access removed (401 authError, then invalid_grant on refresh)', arrange: ({ fake }: { fake: GoogleDriveFake }) => fake.revokeTokens(), message: /invalid_grant/ };
const fields = 'id,name,mimeType,webViewLink,parents';

/** Where `content.url` points: any web server the connection may reach (a CSV export here). */
const files = new FakeServer({
  failures: { serverError: () => ({ status: 500 }), rateLimited: () => ({ status: 429 }), unauthorized: () => ({ status: 401 }) },
}).route('GET', '/exports/week-48.csv', () => ({ status: 200, text: 'id,subject\n148,Refund\n', headers: { 'content-type': 'text/csv; charset=utf-8' } }));
beforeAll(() => files.start());
afterAll(() => files.close());

describeConnectorContract({
  connector: 'google-drive',
  fake: () => new GoogleDriveFake(),
  resetFake(fake) {
    fake.tokens.reset();
  },
  connections: (fake) => [driveConnection(fake)],
  actions: {
    'google-drive.uploadFile': {
      call: upload(),
      endpoint: ['POST', '/upload/drive/v3/files'],
      happyPath: {
        how: 'uploads metadata and bytes as one multipart/related request into the folder',
        result: { id: expect.any(String), name: 'conversations.csv', mimeType: 'text/csv', parents: ['0AFolderReports'], webViewLink: expect.stringMatching(/^https:\/\/drive\.google\.com\/file\/d\//) },
        request(req) {
          expect(req.headers.authorization).toBe('Bearer ya29.drive');
          expect(Object.fromEntries(req.query)).toEqual({ uploadType: 'multipart', fields, supportsAllDrives: 'true' });
          const boundary = /^multipart\/related; boundary=(switchyard-[0-9a-f]{24})$/.exec(req.headers['content-type'] ?? '')?.[1];
          expect(boundary).toBeDefined();
          expect(req.rawBody).toBe(
            `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{"name":"conversations.csv","mimeType":"text/csv","parents":["0AFolderReports"]}\r\n` +
              `--${boundary}\r\nContent-Type: text/csv\r\n\r\nid,subject\n147,Where is my order?\n\r\n--${boundary}--\r\n`,
          );
        },
      },
      retryable: { how: 'a 500 backendError' },
      rateLimited: { how: '403 userRateLimitExceeded (Google names no delay: the retry policy backs off)', retryAfterSeconds: 0, nextRetryDelayMs: null },
      authLost: revoked,
      invalidInput: { how: 'a parent folder that does not exist (404 notFound)', call: upload({ folderId: 'nosuch' }), message: '404 from Google Drive: File not found: nosuch. (field fileId)', details: [{ code: 'notFound', field: 'fileId' }] },
      fatal: { how: '403 storageQuotaExceeded', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: driveError(403, 'storageQuotaExceeded', "The user's Drive storage quota has been exceeded.") }) },
    },
    'google-drive.createFolder': {
      call: folder(),
      endpoint: ['POST', '/drive/v3/files'],
      happyPath: {
        how: 'creates a folder (metadata only) under the parent',
        result: { id: expect.any(String), name: 'Week 48', mimeType: 'application/vnd.google-apps.folder', parents: ['0AFolderReports'], webViewLink: expect.stringContaining('/drive/folders/') },
        request(req) {
          expect(req.headers.authorization).toBe('Bearer ya29.drive');
          expect(Object.fromEntries(req.query)).toEqual({ fields, supportsAllDrives: 'true' });
          expect(req.body).toEqual({ name: 'Week 48', mimeType: 'application/vnd.google-apps.folder', parents: ['0AFolderReports'] });
        },
      },
      retryable: { how: 'two 500s', failures: 2 },
      rateLimited: {
        how: '403 rateLimitExceeded (project quota)',
        arrange: ({ fake }) => fake.fail({ kind: 'respond', response: driveError(403, 'rateLimitExceeded', 'Rate Limit Exceeded') }),
        retryAfterSeconds: 0,
        nextRetryDelayMs: null,
      },
      authLost: revoked,
      invalidInput: { how: 'a parent folder that does not exist (404 notFound)', call: folder({ parentId: 'gone' }), message: /File not found: gone\./ },
      fatal: { how: '403 insufficientFilePermissions', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: driveError(403, 'insufficientFilePermissions', 'The user does not have sufficient permissions for this file.') }) },
    },
  },
  specific(ctx) {
    it('content from a URL is fetched without the Drive token and uploaded with the fetched media type', async () => {
      const res = await ctx.call('google-drive.uploadFile', upload({ name: 'week-48.csv', mimeType: undefined, content: { url: `${files.url}/exports/week-48.csv` } }));
      expect(res).toMatchObject({ ok: true, result: { name: 'week-48.csv', mimeType: 'text/csv' } });
      const [fetched] = files.received('GET', '/exports/week-48.csv');
      expect(fetched!.headers.authorization).toBeUndefined();
      expect(ctx.fake.received('POST', '/upload/drive/v3/files')[0]!.rawBody).toContain('\r\nContent-Type: text/csv\r\n\r\nid,subject\n148,Refund\n\r\n');
    });

    it('a content URL that answers 404 fails the step naming content.url, and nothing is uploaded', async () => {
      const res = await ctx.call('google-drive.uploadFile', upload({ content: { url: `${files.url}/exports/missing.csv` } }));
      expect(res).toMatchObject({ ok: false, nonRetryable: true, message: expect.stringMatching(/^content\.url: fetching the file failed: 404/) });
      expect(ctx.fake.received('POST', '/upload/drive/v3/files')).toHaveLength(0);
    });

    it('base64 content without a media type is uploaded as application/octet-stream', async () => {
      const res = await ctx.call('google-drive.uploadFile', upload({ name: 'blob.bin', mimeType: undefined, content: { base64: Buffer.from('raw bytes').toString('base64') } }));
      expect(res).toMatchObject({ ok: true, result: { mimeType: 'application/octet-stream' } });
    });

    it('an expired access token is refreshed once before the upload and persisted', async () => {
      ctx.connections.add(driveConnection(ctx.fake, { accessToken: 'ya29.old', expiresAt: new Date(Date.now() - 1000).toISOString() }));
      expect((await ctx.call('google-drive.createFolder', folder())).ok).toBe(true);
      expect(ctx.fake.tokens.requests).toBe(1);
      expect(ctx.connections.updates).toHaveLength(1);
    });
  },
});
