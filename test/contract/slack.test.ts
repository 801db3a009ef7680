import { expect } from 'vitest';
import { SlackFake } from '../../sandbox/slack-fake';
import { describeConnectorContract } from '../support/connector-contract';

const step = (input: unknown) => ({ stepId: 'notify', connectionId: 'slack-main', input });

describeConnectorContract({
  connector: 'slack',
  fake: () => new SlackFake(),
  resetFake: (fake) => fake.revoked.clear(),
  connections: (fake) => [{ id: 'slack-main', connector: 'slack', credentials: { accessToken: 'xoxb-test-token' }, baseUrl: fake.url }],
  actions: {
    'slack.postMessage': {
      call: step({ channel: 'C0GENERAL', text: 'hi' }),
      endpoint: ['POST', '/chat.postMessage'],
      happyPath: {
        how: 'JSON body, token in the Authorization header, returns channel and ts',
        call: step({ channel: '#support', text: 'Created SUP-1' }),
        result: { ok: true, channel: 'C0SUPPORT', ts: expect.stringMatching(/^\d+\.\d+$/) },
        request(req) {
          expect(req.headers.authorization).toBe('Bearer xoxb-test-token');
          expect(req.headers['content-type']).toContain('application/json');
          expect(req.body).toEqual({ channel: '#support', text: 'Created SUP-1', metadata: { event_type: 'switchyard_step', event_payload: { step: expect.stringMatching(/^[0-9a-f]{32}$/) } } });
        },
      },
      retryable: { how: 'a 503' },
      rateLimited: { how: '429 Retry-After: 3', retryAfterSeconds: 3, nextRetryDelayMs: 3000 },
      authLost: {
        how: 'ok:false token_revoked in a 200',
        arrange: ({ fake }) => fake.revoked.add('xoxb-test-token'),
        message: /token_revoked/,
        disconnect: { message: /token_revoked/ },
      },
      invalidInput: {
        how: 'ok:false channel_not_found names the channel field',
        call: step({ channel: '#nope', text: 'hi' }),
        message: /channel_not_found/,
        details: [{ field: 'channel' }],
      },
      fatal: {
        how: 'ok:false missing_scope',
        arrange: ({ fake }) =>
          fake.fail({ kind: 'respond', response: { status: 200, json: { ok: false, error: 'missing_scope', needed: 'chat:write', provided: 'channels:read' } } }),
        message: 'Slack: missing_scope (needs chat:write)',
      },
    },
  },
});
