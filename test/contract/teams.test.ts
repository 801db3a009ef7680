import { expect, it } from 'vitest';
import { TeamsFake } from '../../sandbox/teams-fake';
import { describeConnectorContract } from '../support/connector-contract';

const step = (input: unknown, connectionId = 'teams-wf') => ({ stepId: 'notify', connectionId, input });

describeConnectorContract({
  connector: 'teams',
  fake: () => new TeamsFake(),
  resetFake: (fake) => (fake.posted.length = 0),
  connections: (fake) => [
    { id: 'teams-wf', connector: 'teams', credentials: { webhookUrl: `${fake.url}${fake.workflowPath}?api-version=2016-06-01&sig=${fake.sig}` } },
    { id: 'teams-legacy', connector: 'teams', credentials: { webhookUrl: `${fake.url}${fake.legacyPath}` } },
  ],
  actions: {
    'teams.postMessage': {
      call: step({ text: 'x' }),
      happyPath: {
        how: 'Workflows: posts the adaptive-card envelope to the secret URL and treats 202 as accepted',
        call: step({ title: 'Urgent', text: 'SUP-1 created' }),
        result: { status: 202, accepted: true },
        request(req, { fake }) {
          expect(req.path).toBe(fake.workflowPath);
          expect(req.query.get('sig')).toBe(fake.sig);
          expect(req.body).toMatchObject({
            type: 'message',
            attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', body: [{ text: 'Urgent' }, { text: 'SUP-1 created' }] } }],
          });
        },
      },
      retryable: { how: 'a 500' },
      rateLimited: {
        how: 'a 200 whose body reports HTTP 429 (no delay named)',
        call: step({ text: 'x', format: 'messageCard' }, 'teams-legacy'),
        retryAfterSeconds: 0,
        nextRetryDelayMs: null,
      },
      authLost: {
        how: 'a wrong sig (401)',
        arrange: ({ connections, fake }) => connections.add({ id: 'teams-wf', connector: 'teams', credentials: { webhookUrl: `${fake.url}${fake.workflowPath}?sig=wrong` } }),
        message: /Shared Access/,
      },
      invalidInput: {
        how: 'the legacy connector rejects an adaptive-card envelope (400 text)',
        call: step({ text: 'x' }, 'teams-legacy'),
        message: '400 from Microsoft Teams: Summary or Text is required.',
      },
      fatal: {
        how: 'an unknown webhook (404)',
        arrange: ({ connections, fake }) => connections.add({ id: 'teams-legacy', connector: 'teams', credentials: { webhookUrl: `${fake.url}/webhookb2/gone` } }),
        call: step({ text: 'x', format: 'messageCard' }, 'teams-legacy'),
      },
    },
  },
  specific(ctx) {
    it('legacy connector: MessageCard with summary, answered 200 "1"', async () => {
      const res = await ctx.call('teams.postMessage', step({ text: 'hello', format: 'messageCard' }, 'teams-legacy'));
      expect(res).toMatchObject({ ok: true, result: { status: 200, accepted: true } });
      expect(ctx.fake.posted).toEqual([expect.objectContaining({ '@type': 'MessageCard', summary: 'hello', text: 'hello' })]);
    });

    it('a message reported rate-limited is posted once, by the retry', async () => {
      ctx.fake.fail({ kind: 'rate_limited', retryAfterSeconds: 0 });
      expect((await ctx.call('teams.postMessage', step({ text: 'x', format: 'messageCard' }, 'teams-legacy'))).ok).toBe(true);
      expect(ctx.fake.posted).toHaveLength(1);
    });
  },
});
