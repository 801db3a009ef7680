import { expect, it } from 'vitest';
import { MixpanelFake } from '../../sandbox/mixpanel-fake';
import { describeConnectorContract } from '../support/connector-contract';

const step = (input: unknown) => ({ stepId: 'mp', connectionId: 'mp-main', input });
const account = 'switchyard.abc123.mp-service-account';
const credentials = { username: account, password: 'sa-secret-1', projectId: '2195193', projectToken: 'proj-token-1' };
const signUp = { event: 'Signed Up', distinctId: 'user-12345', time: 1764230400, properties: { plan: 'pro' } };
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describeConnectorContract({
  connector: 'mixpanel',
  fake: () => new MixpanelFake(),
  resetFake: (fake) => {
    fake.events.length = 0;
    fake.profiles.clear();
    fake.revoked.clear();
    fake.loseNextAnswer = false;
  },
  connections: (fake) => [{ id: 'mp-main', connector: 'mixpanel', credentials, baseUrl: fake.url }],
  actions: {
    'mixpanel.trackEvent': {
      call: step(signUp),
      endpoint: ['POST', '/import'],
      happyPath: {
        how: 'strict /import with the service account as Basic auth, project_id, time in ms and $insert_id from the step key',
        result: { imported: 1, insertId: expect.stringMatching(/^[0-9a-f]{32}$/) },
        request(req, { fake }) {
          expect(req.headers.authorization).toBe(basic(account, 'sa-secret-1'));
          expect(Object.fromEntries(req.query)).toEqual({ strict: '1', project_id: '2195193' });
          const [event] = req.body as { properties: { $insert_id: string } }[];
          expect(req.body).toEqual([{ event: 'Signed Up', properties: { plan: 'pro', time: 1764230400000, distinct_id: 'user-12345', $insert_id: event!.properties.$insert_id } }]);
          expect(fake.events).toHaveLength(1);
        },
      },
      retryable: { how: 'a 502' },
      rateLimited: { how: '429 without Retry-After: the step backs off on its own schedule', retryAfterSeconds: 0, nextRetryDelayMs: null },
      authLost: {
        how: 'a revoked service account: 401 "invalid project secret"',
        arrange: ({ fake }) => fake.revoked.add(account),
        message: /^connection mp-main is disconnected \(401 from Mixpanel: Unauthorized, invalid project secret/,
        disconnect: { status: 401 },
      },
      invalidInput: [
        {
          how: "strict mode failed_records name the record and field (an event time in the future → the step's time)",
          call: step({ ...signUp, time: Math.floor(Date.now() / 1000) + 86_400 }),
          message: /400 from Mixpanel: some data points in the request failed validation: record 0 \([0-9a-f]{32}\): properties\.time: 'properties\.time' is in the future/,
          details: [{ kind: 'invalid_input', status: 400, field: 'time' }],
        },
        {
          how: 'a reserved mp_ property is refused by our schema before any call',
          call: step({ ...signUp, properties: { mp_lib: 'switchyard' } }),
          message: 'input.properties.mp_lib: property name "mp_lib" starts with "mp_", which Mixpanel reserves',
          requests: 0,
        },
      ],
      fatal: {
        how: 'a service account without access to the project: 403',
        arrange: ({ connections, fake }) => connections.add({ id: 'mp-main', connector: 'mixpanel', credentials: { ...credentials, projectId: '999' }, baseUrl: fake.url }),
        message: '403 from Mixpanel: service account does not have access to this project',
      },
    },
    'mixpanel.setUserProfile': {
      call: step({ distinctId: 'user-12345', set: { $email: 'ada@example.com', plan: 'pro' } }),
      endpoint: ['POST', '/engage'],
      happyPath: {
        how: '/engage?verbose=1 with the project token in the body, $set and $ignore_time',
        result: { distinctId: 'user-12345' },
        request(req, { fake }) {
          expect(Object.fromEntries(req.query)).toEqual({ verbose: '1' });
          expect(req.body).toEqual([{ $token: 'proj-token-1', $distinct_id: 'user-12345', $set: { $email: 'ada@example.com', plan: 'pro' }, $ignore_time: true }]);
          expect(fake.profiles.get('user-12345')).toEqual({ $email: 'ada@example.com', plan: 'pro' });
        },
      },
      authLost: {
        how: 'a wrong project token: {status:0} in a 200 naming $token',
        arrange: ({ connections, fake }) => connections.add({ id: 'mp-main', connector: 'mixpanel', credentials: { ...credentials, projectToken: 'old-token' }, baseUrl: fake.url }),
        message: /^connection mp-main is disconnected \(Mixpanel: \$token, invalid project token/,
        details: [{ kind: 'auth_lost', field: 'projectToken' }],
      },
    },
  },
  specific(ctx) {
    it('trackEvent: a retry after a lost answer carries the same $insert_id, and Mixpanel keeps one event', async () => {
      ctx.fake.loseNextAnswer = true;
      expect(await ctx.call('mixpanel.trackEvent', step(signUp))).toMatchObject({ ok: true, result: { imported: 1 } });
      const sent = ctx.fake.received('POST', '/import').map((r) => (r.body as { properties: { $insert_id: string } }[])[0]!.properties.$insert_id);
      expect(sent).toHaveLength(2);
      expect(sent[1]).toBe(sent[0]);
      expect(ctx.fake.events).toHaveLength(1);
    });

    it('trackEvent: another step (another idempotency key) is another event', async () => {
      await ctx.call('mixpanel.trackEvent', step(signUp));
      await ctx.call('mixpanel.trackEvent', step(signUp));
      expect(ctx.fake.events).toHaveLength(2);
    });
  },
});
