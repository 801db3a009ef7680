import { expect, it } from 'vitest';
import { throttlePauseMs } from '../../connectors/amplitude/vendor';
import { FailureType } from '../../workflows/activity-contract';
import { AmplitudeFake } from '../../sandbox/amplitude-fake';
import { describeConnectorContract } from '../support/connector-contract';

const step = (input: unknown) => ({ stepId: 'amp', connectionId: 'amp-main', input });
const apiKey = 'amp-key-0123456789abcdef';
const signUp = { eventType: 'Signed Up', userId: 'user-12345', time: 1764230400000, eventProperties: { source: 'intercom' } };
const identify = { userId: 'user-12345', userProperties: { plan: 'pro', email: 'ada@example.com' } };

describeConnectorContract({
  connector: 'amplitude',
  fake: () => new AmplitudeFake(),
  resetFake: (fake) => {
    fake.events.length = 0;
    fake.identities.clear();
    fake.apiKeys.add(apiKey);
    fake.loseNextAnswer = false;
  },
  connections: (fake) => [{ id: 'amp-main', connector: 'amplitude', credentials: { apiKey }, baseUrl: fake.url }],
  actions: {
    'amplitude.trackEvent': {
      call: step(signUp),
      endpoint: ['POST', '/2/httpapi'],
      happyPath: {
        how: 'HTTP V2 body with api_key, the event in Amplitude field names and insert_id from the step key',
        result: { ingested: 1, insertId: expect.stringMatching(/^[0-9a-f]{32}$/) },
        request(req, { fake }) {
          expect(req.headers.authorization).toBeUndefined();
          const body = req.body as { events: { insert_id: string }[] };
          expect(body).toEqual({
            api_key: apiKey,
            events: [{ event_type: 'Signed Up', user_id: 'user-12345', time: 1764230400000, event_properties: { source: 'intercom' }, insert_id: body.events[0]!.insert_id }],
          });
          expect(fake.events).toHaveLength(1);
        },
      },
      retryable: { how: 'a 500' },
      rateLimited: {
        how: "429 for a throttled user, no Retry-After: Amplitude's 30 s pause",
        retryAfterSeconds: 0,
        nextRetryDelayMs: throttlePauseMs,
      },
      authLost: {
        how: 'a deleted API key: 400 "Invalid API key: <key>", the key not repeated in the message',
        arrange: ({ fake }) => fake.revoke(apiKey),
        message: 'connection amp-main is disconnected (400 from Amplitude: Invalid API key (field apiKey))',
        details: [{ kind: 'auth_lost', status: 400, code: 'invalid_api_key', field: 'apiKey' }],
        disconnect: { status: 400 },
      },
      invalidInput: [
        {
          how: 'a user id shorter than Amplitude accepts is refused by our schema before any call',
          call: step({ ...signUp, userId: 'ada' }),
          message: 'input.userId: Amplitude rejects user ids shorter than 5 characters',
          requests: 0,
        },
        {
          how: "Amplitude's 400 body names the invalid fields per event index (as the action's input fields)",
          arrange: ({ fake }) =>
            fake.fail({ kind: 'respond', response: { status: 400, json: { code: 400, error: 'Request has events with missing or invalid fields', events_with_invalid_fields: { event_properties: [0] }, events_with_missing_fields: {} } } }),
          message: '400 from Amplitude: Request has events with missing or invalid fields: eventProperties invalid in event(s) 0',
          details: [{ kind: 'invalid_input', status: 400, field: 'eventProperties' }],
        },
      ],
      fatal: {
        how: 'a 413 (payload over 1 MB)',
        arrange: ({ fake }) => fake.fail({ kind: 'respond', response: { status: 413, json: { code: 413, error: 'Payload too large' } } }),
        message: '413 from Amplitude: Payload too large',
      },
    },
    'amplitude.identifyUser': {
      call: step(identify),
      endpoint: ['POST', '/identify'],
      happyPath: {
        how: 'form-encoded api_key and identification JSON',
        result: { userId: 'user-12345', deviceId: null },
        request(req, { fake }) {
          expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded');
          expect(req.body).toEqual({ api_key: apiKey, identification: JSON.stringify([{ user_id: 'user-12345', user_properties: { plan: 'pro', email: 'ada@example.com' } }]) });
          expect(fake.identities.get('user-12345')).toEqual({ plan: 'pro', email: 'ada@example.com' });
        },
      },
      authLost: {
        how: 'a deleted API key: 400 "invalid api_key" in text',
        arrange: ({ fake }) => fake.revoke(apiKey),
        message: 'connection amp-main is disconnected (400 from Amplitude: Invalid API key (field apiKey))',
      },
      invalidInput: {
        how: 'an identification without properties is refused by our schema',
        call: step({ userId: 'user-12345', userProperties: {} }),
        message: 'input.userProperties: give at least one user property',
        requests: 0,
      },
    },
  },
  specific(ctx) {
    it('trackEvent: over the daily quota waits until the next UTC day instead of retrying every few seconds', async () => {
      ctx.fake.overDailyQuota(['user-12345']);
      const res = await ctx.call('amplitude.trackEvent', step(signUp), { maxAttempts: 1 });
      expect(res).toMatchObject({ ok: false, type: FailureType.rateLimited, nonRetryable: false, message: expect.stringContaining('daily quota exceeded') });
      const now = new Date();
      const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
      expect((res as { nextRetryDelayMs: number }).nextRetryDelayMs).toBeGreaterThan(midnight - Date.now() - 120_000);
      expect((res as { nextRetryDelayMs: number }).nextRetryDelayMs).toBeLessThanOrEqual(midnight - now.getTime() + 1000);
    });

    it('identifyUser: a throttled user is rate_limited with the 30 s pause', async () => {
      ctx.fake.fail({ kind: 'rate_limited', retryAfterSeconds: 0 });
      const res = await ctx.call('amplitude.identifyUser', step(identify), { maxAttempts: 1 });
      expect(res).toMatchObject({ ok: false, type: FailureType.rateLimited, nextRetryDelayMs: throttlePauseMs });
    });

    it('trackEvent: a retry after a lost answer carries the same insert_id, and Amplitude keeps one event', async () => {
      ctx.fake.loseNextAnswer = true;
      expect(await ctx.call('amplitude.trackEvent', step(signUp))).toMatchObject({ ok: true });
      const ids = ctx.fake.received('POST', '/2/httpapi').map((r) => (r.body as { events: { insert_id: string }[] }).events[0]!.insert_id);
      expect(ids).toHaveLength(2);
      expect(ids[1]).toBe(ids[0]);
      expect(ctx.fake.events).toHaveLength(1);
    });
  },
});
