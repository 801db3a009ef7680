import { expect, it } from 'vitest';
import { FailureType } from '../../workflows/activity-contract';
import type { ContractFailure } from '../support/contract-harness';
import { ZoomFake } from '../../sandbox/zoom-fake';
import { describeConnectorContract } from '../support/connector-contract';

const zoomConnection = (fake: ZoomFake, id = 'zoom-main', over: Record<string, unknown> = {}) => ({
  id,
  connector: 'zoom',
  credentials: { clientId: fake.client.id, clientSecret: fake.client.secret, accountId: fake.client.accountId, tokenUrl: `${fake.url}/oauth/token`, ...over },
  baseUrl: `${fake.url}/v2`,
});
const meeting = (over: Record<string, unknown> = {}, connectionId = 'zoom-main') => ({
  stepId: 'meeting',
  connectionId,
  input: { userId: 'host@example.com', topic: 'Onboarding: Acme', startTime: '2026-12-01T15:00:00Z', duration: 30, timezone: 'UTC', ...over },
});
const registrant = (over: Record<string, unknown> = {}, connectionId = 'zoom-main') => ({
  stepId: 'register',
  connectionId,
  input: { meetingId: 85746065432, email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', ...over },
});
/** The client secret was rotated in Zoom: the token endpoint answers 401 invalid_client, nothing reaches the API. */
const rotatedSecret = (connectionId: string, call: { stepId: string; connectionId: string; input: unknown }) => ({
  how: 'the client secret was rotated (token endpoint 401 invalid_client)',
  call,
  arrange: ({ fake, connections }: { fake: ZoomFake; connections: { add(c: unknown): unknown } }) => connections.add(zoomConnection(fake, connectionId, { clientSecret: 'rotated-away' })),
  message: /invalid_client|Invalid client_id or client_secret/,
  disconnect: { status: 401 },
  requests: 0,
});
const noScope = { status: 400, json: { code: 4700, message: 'Invalid access token, does not contain scopes:[meeting:write:admin].' } };
const forbidden = { status: 403, json: { code: 200, message: 'No permission.' } };

describeConnectorContract({
  connector: 'zoom',
  fake: () => new ZoomFake(),
  resetFake(fake) {
    fake.tokenRequests = 0;
    fake.appDisabled = false;
    fake.dailyMeetingCreates = 100;
    fake.seedMeetings();
  },
  connections: (fake) => [zoomConnection(fake)],
  actions: {
    'zoom.createMeeting': {
      call: meeting(),
      endpoint: ['POST', '/v2/users/*'],
      happyPath: {
        how: 'creates a scheduled meeting for the host with a Server-to-Server token',
        call: meeting({ settings: { waitingRoom: true, autoRecording: 'cloud' } }),
        result: { id: expect.any(Number), joinUrl: expect.stringMatching(/^https:\/\/us05web\.zoom\.us\/j\/\d+/), startUrl: expect.stringContaining('/s/') },
        request(req, { fake }) {
          expect(req.path).toBe('/v2/users/host%40example.com/meetings');
          expect(fake.accessTokens.has(req.headers.authorization!.replace(/^Bearer /, ''))).toBe(true);
          expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
          expect(req.body).toEqual({ topic: 'Onboarding: Acme', type: 2, start_time: '2026-12-01T15:00:00Z', duration: 30, timezone: 'UTC', settings: { waiting_room: true, auto_recording: 'cloud' } });
        },
      },
      retryable: { how: 'a 500' },
      rateLimited: { how: '429 per-second limit, Retry-After: 1', retryAfterSeconds: 1, nextRetryDelayMs: 1000 },
      authLost: [rotatedSecret('zoom-rotated-a', meeting({}, 'zoom-rotated-a')), { how: 'a token without the meeting scope (code 4700)', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: noScope }), message: /does not contain scopes/ }],
      invalidInput: [
        { how: 'an unknown host (404 code 1001)', call: meeting({ userId: 'nobody@example.com' }), message: /User does not exist: nobody@example.com/ },
        {
          how: 'a 300 Validation Failed names the field',
          arrange: ({ fake }) => fake.fail({ kind: 'respond', response: { status: 400, json: { code: 300, message: 'Validation Failed.', errors: [{ field: 'settings.alternative_hosts', message: 'Invalid field.' }] } } }),
          message: /^400 from Zoom: Validation Failed\. settings\.alternative_hosts: Invalid field\./,
          details: [{ field: 'settings.alternative_hosts', code: '300' }],
        },
        { how: 'a scheduled meeting without startTime never reaches Zoom', call: meeting({ startTime: undefined }), message: /startTime/, requests: 0 },
      ],
      fatal: { how: '403 No permission', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: forbidden }) },
    },
    'zoom.addMeetingRegistrant': {
      call: registrant(),
      endpoint: ['POST', '/v2/meetings/*'],
      happyPath: {
        how: 'registers a person and returns their join URL',
        result: { registrantId: expect.any(String), joinUrl: expect.stringContaining('/w/85746065432'), meetingId: 85746065432, topic: 'Onboarding call' },
        request(req) {
          expect(req.path).toBe('/v2/meetings/85746065432/registrants');
          expect([...req.query.keys()]).toEqual([]);
          expect(req.headers.authorization).toMatch(/^Bearer eyJzm\./);
          expect(req.body).toEqual({ email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' });
        },
      },
      retryable: { how: 'two 500s in a row', failures: 2 },
      rateLimited: { how: '429 with Retry-After: 2', retryAfterSeconds: 2, nextRetryDelayMs: 2000 },
      authLost: rotatedSecret('zoom-rotated-b', registrant({}, 'zoom-rotated-b')),
      invalidInput: [
        { how: 'a meeting that does not exist (404 code 3001)', call: registrant({ meetingId: 111 }), message: /Meeting 111 is not found or has expired/ },
        { how: 'a meeting without registration (400 code 3000)', call: registrant({ meetingId: 85746065433 }), message: /Registration has not been enabled/ },
      ],
      fatal: { how: '403 No permission', arrange: ({ fake }) => fake.fail({ kind: 'respond', response: forbidden }) },
    },
  },
  specific(ctx) {
    it('asks the token endpoint once (Basic client auth, account_credentials grant) and reuses the token until it expires', async () => {
      ctx.connections.add(zoomConnection(ctx.fake, 'zoom-cache'));
      expect((await ctx.call('zoom.createMeeting', meeting({}, 'zoom-cache'))).ok).toBe(true);
      expect((await ctx.call('zoom.addMeetingRegistrant', registrant({}, 'zoom-cache'))).ok).toBe(true);
      const tokens = ctx.fake.received('POST', '/oauth/token');
      expect(tokens).toHaveLength(1);
      expect(tokens[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`${ctx.fake.client.id}:${ctx.fake.client.secret}`).toString('base64')}`);
      expect(Object.fromEntries(new URLSearchParams(tokens[0]!.rawBody))).toEqual({ grant_type: 'account_credentials', account_id: ctx.fake.client.accountId });
      // Nothing is written back: the token lives in the process, not in the stored credentials.
      expect(ctx.connections.updates).toEqual([]);
    });

    it('fetches one token for concurrent calls (single-flight)', async () => {
      ctx.connections.add(zoomConnection(ctx.fake, 'zoom-burst'));
      const results = await Promise.all([1, 2, 3].map((n) => ctx.call('zoom.addMeetingRegistrant', registrant({ email: `p${n}@example.com` }, 'zoom-burst'))));
      expect(results.every((r) => r.ok)).toBe(true);
      expect(ctx.fake.received('POST', '/oauth/token')).toHaveLength(1);
    });

    it('a revoked token is dropped and replaced once, without failing the step', async () => {
      ctx.connections.add(zoomConnection(ctx.fake, 'zoom-revoke'));
      expect((await ctx.call('zoom.createMeeting', meeting({}, 'zoom-revoke'))).ok).toBe(true);
      ctx.fake.revokeTokens();
      expect((await ctx.call('zoom.createMeeting', meeting({}, 'zoom-revoke'))).ok).toBe(true);
      expect(ctx.fake.received('POST', '/oauth/token')).toHaveLength(2);
      expect(ctx.fake.received('POST', '/v2/users/*')).toHaveLength(3); // ok, 401, ok
    });

    it('the per-user daily meeting limit waits until Zoom resets it (Retry-After as an ISO time)', async () => {
      ctx.fake.dailyMeetingCreates = 0;
      const res = (await ctx.call('zoom.createMeeting', meeting(), { maxAttempts: 1 })) as ContractFailure;
      expect(res).toMatchObject({ ok: false, type: FailureType.rateLimited, message: expect.stringContaining('daily rate limit (0)') });
      const midnight = new Date();
      midnight.setUTCHours(24, 0, 0, 0);
      expect(res.nextRetryDelayMs).toBeGreaterThan(midnight.getTime() - Date.now() - 60_000);
      expect(res.nextRetryDelayMs).toBeLessThanOrEqual(midnight.getTime() - Date.now() + 1000);
    });
  },
});
