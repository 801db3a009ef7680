import { expect, it } from 'vitest';
import { GoogleAnalyticsFake } from '../../sandbox/google-analytics-fake';
import { describeConnectorContract } from '../support/connector-contract';

const step = (input: unknown) => ({ stepId: 'ga4', connectionId: 'ga4-main', input });
const signUp = { userId: 'user-12345', events: [{ name: 'sign_up', params: { method: 'intercom' } }] };

describeConnectorContract({
  connector: 'google-analytics',
  fake: () => new GoogleAnalyticsFake(),
  resetFake: (fake) => {
    fake.hits.length = 0;
    fake.dropped = 0;
    fake.streams.set('G-TEST123456', new Set(['mp-secret-1']));
  },
  connections: (fake) => [{ id: 'ga4-main', connector: 'google-analytics', credentials: { measurementId: 'G-TEST123456', apiSecret: 'mp-secret-1' }, baseUrl: fake.url }],
  actions: {
    'google-analytics.sendEvent': {
      call: step(signUp),
      happyPath: {
        how: 'measurement_id and api_secret as query parameters, the payload in GA4 field names, the hit recorded',
        call: step({ clientId: '1234567890.1764230400', userId: 'user-12345', userProperties: { plan: 'pro' }, events: [{ name: 'sign_up', params: { method: 'intercom', engagement_time_msec: 1 } }] }),
        result: { sent: 1, validated: false, clientId: '1234567890.1764230400' },
        request(req, { fake }) {
          expect(req.path).toBe('/mp/collect');
          expect(Object.fromEntries(req.query)).toEqual({ measurement_id: 'G-TEST123456', api_secret: 'mp-secret-1' });
          expect(req.headers['content-type']).toContain('application/json');
          expect(req.body).toEqual({
            client_id: '1234567890.1764230400',
            user_id: 'user-12345',
            user_properties: { plan: { value: 'pro' } },
            events: [{ name: 'sign_up', params: { method: 'intercom', engagement_time_msec: 1 } }],
          });
          expect(fake.hits).toEqual([expect.objectContaining({ measurementId: 'G-TEST123456', userId: 'user-12345', events: [{ name: 'sign_up', params: { method: 'intercom', engagement_time_msec: 1 } }] })]);
        },
      },
      retryable: { how: 'a 503 from the collect endpoint' },
      rateLimited: { how: 'a bare 429 (GA4 documents no limit or delay): backoff', retryAfterSeconds: 0, nextRetryDelayMs: null },
      authLost: {
        how: "a 401 from Google's front end (the Measurement Protocol itself never rejects a secret: see below)",
        message: /401 from Google Analytics: Request is missing required authentication credential/,
        disconnect: { status: 401 },
      },
      invalidInput: [
        {
          how: "validate: the validation server's message names the field (timestamp older than 72 h)",
          call: step({ ...signUp, timestampMicros: (Date.now() - 4 * 86_400_000) * 1000, validate: true }),
          message: /timestampMicros: Measurement timestamp_micros \[\d+\] must be within the last 72 hours.*\(VALUE_OUT_OF_BOUNDS\)/,
          details: [{ kind: 'invalid_input', code: 'VALUE_OUT_OF_BOUNDS', field: 'timestampMicros' }],
          // Only the validation call: nothing reaches /mp/collect.
          requests: 1,
        },
        {
          how: 'a reserved prefix is refused by our schema before any call',
          call: step({ clientId: 'c1', events: [{ name: 'ga_signup' }] }),
          message: /events\.0\.name.*reserved prefix "ga_"|reserved prefix "ga_"/,
          requests: 0,
        },
      ],
      fatal: {
        how: 'a 404 (a base URL without the collect path)',
        arrange: ({ fake }) => fake.fail({ kind: 'respond', response: { status: 404, text: 'Not Found' } }),
        message: '404 from Google Analytics: Not Found',
      },
    },
  },
  specific(ctx) {
    it('validate: true checks the payload with /debug/mp/collect, then sends the same body to /mp/collect', async () => {
      const res = await ctx.call('google-analytics.sendEvent', step({ ...signUp, validate: true }));
      expect(res).toMatchObject({ ok: true, result: { sent: 1, validated: true } });
      const [debug, collect] = ctx.fake.requests;
      expect([debug!.path, collect!.path]).toEqual(['/debug/mp/collect', '/mp/collect']);
      const { validation_behavior: strict, ...sent } = debug!.body as Record<string, unknown>;
      expect(strict).toBe('ENFORCE_RECOMMENDATIONS');
      expect(collect!.body).toEqual(sent);
      expect(ctx.fake.hits).toHaveLength(1);
    });

    it('without a clientId the client id is derived from the user id: stable, and not the id itself', async () => {
      await ctx.call('google-analytics.sendEvent', step(signUp));
      await ctx.call('google-analytics.sendEvent', step(signUp));
      const [a, b] = ctx.fake.hits;
      expect(a!.clientId).toMatch(/^sy\.[0-9a-f]{20}$/);
      expect(b!.clientId).toBe(a!.clientId);
      expect(a!.clientId).not.toContain('user-12345');
    });

    it('a deleted api secret is not an error GA4 reports: the step succeeds and the hit is dropped', async () => {
      ctx.fake.revoke('G-TEST123456', 'mp-secret-1');
      expect(await ctx.call('google-analytics.sendEvent', step(signUp))).toMatchObject({ ok: true });
      expect(ctx.fake.hits).toEqual([]);
      expect(ctx.fake.dropped).toBe(1);
    });
  },
});
