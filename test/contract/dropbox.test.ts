import { expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import { DropboxFake } from '../../sandbox/dropbox-fake';
import { describeConnectorContract } from '../support/connector-contract';

const dropboxConnection = (fake: DropboxFake, over: Record<string, unknown> = {}) => ({
  id: 'dropbox-main',
  connector: 'dropbox',
  credentials: { accessToken: 'sl.valid', refreshToken: 'dbx-refresh', clientId: fake.app.key, clientSecret: fake.app.secret, tokenUrl: `${fake.url}/oauth2/token`, ...over },
  baseUrl: `${fake.url}/2`,
});
const upload = (over: Record<string, unknown> = {}) => ({ stepId: 'upload', connectionId: 'dropbox-main', input: { path: '/Support/new.txt', content: { text: 'hello' }, ...over } });
const share = (over: Record<string, unknown> = {}) => ({ stepId: 'share', connectionId: 'dropbox-main', input: { path: '/Support/report.txt', ...over } });
const revoked = { how: 'the user unlinked the app (401 invalid_access_token, then invalid_grant on refresh)', arrange: ({ fake }: { fake: DropboxFake }) => fake.revokeTokens(), message: /invalid_grant/, disconnect: { status: 400 } };
const endpointError = (summary: string, error: unknown) => ({ status: 409, json: { error_summary: `${summary}/..`, error } });

describeConnectorContract({
  connector: 'dropbox',
  fake: () => new DropboxFake(),
  resetFake(fake) {
    fake.tokens.reset();
    fake.files.clear();
    fake.seedFile('/Support/report.txt', 'week 47');
  },
  connections: (fake) => [dropboxConnection(fake)],
  actions: {
    'dropbox.uploadFile': {
      call: upload(),
      endpoint: ['POST', '/2/files/upload'],
      happyPath: {
        how: 'sends the bytes with the arguments in Dropbox-API-Arg (non-ASCII escaped)',
        call: upload({ path: '/Support/Wöchentlich.txt', content: { text: 'week 48: 120 conversations' } }),
        result: { name: 'Wöchentlich.txt', pathDisplay: '/Support/Wöchentlich.txt', size: 26, id: expect.stringMatching(/^id:/) },
        request(req) {
          expect(req.headers.authorization).toBe('Bearer sl.valid');
          expect(req.headers['content-type']).toBe('application/octet-stream');
          expect(req.headers['dropbox-api-arg']).toBe('{"path":"/Support/W\\u00f6chentlich.txt","mode":"add","autorename":false,"mute":false,"strict_conflict":false}');
          expect(req.rawBody).toBe('week 48: 120 conversations');
        },
      },
      retryable: { how: 'a 503' },
      rateLimited: { how: '429 too_many_requests with Retry-After: 1', retryAfterSeconds: 1, nextRetryDelayMs: 1000 },
      authLost: revoked,
      invalidInput: [
        {
          how: 'a name clash in add mode (409 path/conflict/file)',
          arrange: ({ fake }) => fake.seedFile('/Support/new.txt', 'older'),
          message: /^409 from Dropbox: path\/conflict\/file\//,
          details: [{ code: 'path', field: 'path' }],
        },
        { how: 'a folder path (400, plain text)', call: upload({ path: '/Support/' }), message: /^400 from Dropbox: Error in call to API function "files\/upload": .*did not match pattern/ },
      ],
      fatal: { how: '409 path/insufficient_space', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: endpointError('path/insufficient_space', { '.tag': 'path', reason: { '.tag': 'insufficient_space' } }) }) },
    },
    'dropbox.createSharedLink': {
      call: share(),
      endpoint: ['POST', '/2/sharing/*'],
      happyPath: {
        how: 'creates a shared link for the file',
        result: { url: expect.stringMatching(/^https:\/\/www\.dropbox\.com\/scl\/fi\//), name: 'report.txt', pathLower: '/support/report.txt', existing: false },
        request(req) {
          expect(req.path).toBe('/2/sharing/create_shared_link_with_settings');
          expect(req.headers.authorization).toBe('Bearer sl.valid');
          expect(req.body).toEqual({ path: '/Support/report.txt' });
        },
      },
      retryable: { how: 'a 503' },
      rateLimited: { how: '429 too_many_requests with Retry-After: 1', retryAfterSeconds: 1, nextRetryDelayMs: 1000 },
      authLost: revoked,
      invalidInput: { how: 'a path that does not exist (409 path/not_found)', call: share({ path: '/Support/missing.txt' }), message: /path\/not_found/ },
      fatal: { how: '409 email_not_verified', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: endpointError('email_not_verified', { '.tag': 'email_not_verified' }) }) },
    },
  },
  specific(ctx) {
    it('autorename writes "name (1).ext" beside an existing file; overwrite keeps the file id', async () => {
      const renamed = await ctx.call('dropbox.uploadFile', upload({ path: '/Support/report.txt', autorename: true }));
      expect(renamed).toMatchObject({ ok: true, result: { pathDisplay: '/Support/report (1).txt' } });
      const before = ctx.fake.files.get('/support/report.txt')!.id;
      const replaced = await ctx.call('dropbox.uploadFile', upload({ path: '/Support/report.txt', mode: 'overwrite', content: { base64: Buffer.from('week 48').toString('base64') } }));
      expect(replaced).toMatchObject({ ok: true, result: { id: before, pathDisplay: '/Support/report.txt', size: 7 } });
      expect(ctx.fake.files.get('/support/report.txt')!.content).toBe('week 48');
      expect(JSON.parse(ctx.fake.received('POST', '/2/files/upload').at(-1)!.headers['dropbox-api-arg'] as string)).toMatchObject({ mode: 'overwrite' });
    });

    it('an expired access token is refreshed (app key + secret) and the new one persisted', async () => {
      ctx.fake.tokens.accessTokens.set('sl.valid', Date.now() - 1000);
      const res = await ctx.call('dropbox.uploadFile', upload());
      expect(res.ok).toBe(true);
      expect(ctx.fake.tokens.requests).toBe(1);
      const [refresh] = ctx.fake.received('POST', '/oauth2/token');
      expect(Object.fromEntries(new URLSearchParams(refresh!.rawBody))).toEqual({ grant_type: 'refresh_token', refresh_token: 'dbx-refresh', client_id: ctx.fake.app.key, client_secret: ctx.fake.app.secret });
      expect(ctx.connections.updates).toEqual([expect.objectContaining({ id: 'dropbox-main', credentials: expect.objectContaining({ accessToken: expect.stringMatching(/^sl\./), refreshToken: 'dbx-refresh' }) })]);
    });

    it('409 too_many_write_operations is a rate limit, not an input error', async () => {
      ctx.fake.fail({ kind: 'respond', response: { ...endpointError('path/too_many_write_operations', { '.tag': 'path', reason: { '.tag': 'too_many_write_operations' } }), headers: { 'retry-after': '1' } } });
      expect(await ctx.call('dropbox.uploadFile', upload(), { maxAttempts: 1 })).toMatchObject({ ok: false, type: FailureType.rateLimited, nextRetryDelayMs: 1000 });
    });

    it('a second createSharedLink returns the existing link (shared_link_already_exists → list_shared_links)', async () => {
      const first = await ctx.call('dropbox.createSharedLink', share());
      const second = await ctx.call('dropbox.createSharedLink', share());
      expect(second).toMatchObject({ ok: true, result: { url: (first as { result: { url: string } }).result.url, existing: true } });
      expect(ctx.fake.received('POST', '/2/sharing/*').map((r) => r.path)).toEqual([
        '/2/sharing/create_shared_link_with_settings',
        '/2/sharing/create_shared_link_with_settings',
        '/2/sharing/list_shared_links',
      ]);
    });
  },
});
