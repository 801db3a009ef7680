import { expect, it } from 'vitest';
import { entityIdFor } from '../../connectors/linear/graphql';
import { LinearFake } from '../../sandbox/linear-fake';
import type { FakeRequest } from '../../sandbox/fake-server';
import { describeConnectorContract } from '../support/connector-contract';

const apiKey = 'lin_api_test_key_0123456789';
const teamId = '9cfb482a-81e3-4154-b5b9-2c805e70a02d';
const step = (input: unknown, stepId = 'ticket') => ({ stepId, connectionId: 'linear-main', input });
const gql = (req: FakeRequest) => req.body as { query: string; variables: Record<string, unknown> };

/** A Linear issue the fake already holds, for the comment and update actions. */
function seedIssue(fake: LinearFake) {
  fake.issues.push({ id: 'b1a3f0c2-6d7e-4f80-9a1b-2c3d4e5f6a7b', identifier: 'SUP-7', url: 'https://linear.app/acme/issue/SUP-7', number: 7, title: 'Checkout fails', teamId, labelIds: [] });
}

const rateLimited = { how: 'HTTP 400 with extensions.code RATELIMITED and Retry-After: 2', retryAfterSeconds: 2, nextRetryDelayMs: 2000 } as const;
const authLost = {
  how: 'HTTP 400 with extensions.code AUTHENTICATION_ERROR (a revoked key)',
  arrange: ({ fake }: { fake: LinearFake }) => fake.revoked.add(apiKey),
  message: /400 from Linear: You need to authenticate/,
  disconnect: { status: 400, message: /authenticate/ },
};
const forbidden = {
  how: 'extensions.code FORBIDDEN in a 200',
  arrange: ({ fake }: { fake: LinearFake }) =>
    fake.fail({ kind: 'respond', response: { status: 200, json: { errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN', type: 'forbidden', userPresentableMessage: 'You do not have access to this team.' } }], data: null } } }),
  message: 'Linear: You do not have access to this team.',
};

describeConnectorContract({
  connector: 'linear',
  fake: () => new LinearFake(),
  resetFake: (fake) => {
    fake.revoked.clear();
    fake.issues.length = 0;
    fake.comments.length = 0;
    seedIssue(fake);
  },
  connections: (fake) => [{ id: 'linear-main', connector: 'linear', credentials: { apiKey }, baseUrl: fake.url }],
  actions: {
    'linear.createIssue': {
      call: step({ teamId, title: 'Checkout fails' }),
      endpoint: ['POST', '/graphql'],
      happyPath: {
        how: 'bare API key, issueCreate with a client id derived from the idempotency key',
        call: step({ teamId, title: 'Checkout fails', description: '**From Intercom**', priority: 2 }),
        result: { identifier: 'SUP-8', number: 8, title: 'Checkout fails', url: 'https://linear.app/acme/issue/SUP-8' },
        request(req) {
          expect(req.headers.authorization).toBe(apiKey);
          expect(req.headers['content-type']).toContain('application/json');
          const { query, variables } = gql(req);
          expect(query).toMatch(/^mutation IssueCreate\(\$input: IssueCreateInput!\) \{ issueCreate\(input: \$input\)/);
          expect(variables).toEqual({ input: { id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), teamId, title: 'Checkout fails', description: '**From Intercom**', priority: 2 } });
        },
      },
      retryable: { how: 'a 500 INTERNAL_SERVER_ERROR' },
      rateLimited,
      authLost,
      invalidInput: [
        {
          how: 'an unknown team: extensions.code INVALID_INPUT inside a 200',
          call: step({ teamId: '00000000-0000-4000-8000-000000000000', title: 'x' }),
          message: 'Linear: Could not find referenced Team.',
          details: [{ code: 'INVALID_INPUT' }],
        },
        { how: 'our schema: teamId must be a UUID, before any request', call: step({ teamId: 'SUP', title: 'x' }), message: /input\.teamId/, requests: 0 },
      ],
      fatal: forbidden,
    },
    'linear.addComment': {
      call: step({ issueId: 'SUP-7', body: 'Customer confirmed.' }, 'note'),
      endpoint: ['POST', '/graphql'],
      happyPath: {
        how: 'commentCreate on the identifier, with a client id',
        result: { body: 'Customer confirmed.', url: expect.stringContaining('SUP-7#comment-') },
        request(req) {
          expect(req.headers.authorization).toBe(apiKey);
          expect(gql(req).query).toContain('commentCreate(input: $input)');
          expect(gql(req).variables).toEqual({ input: { id: expect.any(String), issueId: 'SUP-7', body: 'Customer confirmed.' } });
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: { how: 'an issue that does not exist (200 + INVALID_INPUT)', call: step({ issueId: 'SUP-999', body: 'x' }, 'note'), message: /Could not find referenced Issue SUP-999/ },
      fatal: forbidden,
    },
    'linear.updateIssue': {
      call: step({ issueId: 'SUP-7', priority: 1 }, 'escalate'),
      endpoint: ['POST', '/graphql'],
      happyPath: {
        how: 'issueUpdate(id, input) with only the fields given',
        call: step({ issueId: 'SUP-7', priority: 1, addedLabelIds: ['e2a1c0de-5a1e-4b7e-9c1d-7f3e2b1a0c9d'] }, 'escalate'),
        result: { identifier: 'SUP-7' },
        request(req, { fake }) {
          expect(gql(req).query).toContain('issueUpdate(id: $id, input: $input)');
          expect(gql(req).variables).toEqual({ id: 'SUP-7', input: { priority: 1, addedLabelIds: ['e2a1c0de-5a1e-4b7e-9c1d-7f3e2b1a0c9d'] } });
          expect(fake.issues[0]).toMatchObject({ priority: 1, labelIds: ['e2a1c0de-5a1e-4b7e-9c1d-7f3e2b1a0c9d'] });
        },
      },
      retryable: { how: 'a 500' },
      rateLimited,
      authLost,
      invalidInput: [
        { how: 'nothing to change is refused by our schema', call: step({ issueId: 'SUP-7' }, 'escalate'), message: /give at least one field/, requests: 0 },
        { how: 'an unknown issue', call: step({ issueId: 'SUP-404', priority: 1 }, 'escalate'), message: /Could not find referenced Issue/ },
      ],
      fatal: forbidden,
    },
  },
  specific: (ctx) => {
    it('a retry after a lost answer returns the issue the first attempt created: one issue, same client id', async () => {
      ctx.fake.applyButLoseAnswer();
      const res = await ctx.call('linear.createIssue', step({ teamId, title: 'Only once' }));
      expect(res).toMatchObject({ ok: true, result: { identifier: 'SUP-8', title: 'Only once' } });
      expect(ctx.fake.issues.filter((i) => i.title === 'Only once')).toHaveLength(1);
      const creates = ctx.fake.received('POST', '/graphql').filter((r) => gql(r).query.includes('issueCreate'));
      expect(creates).toHaveLength(2);
      expect(gql(creates[1]!).variables.input).toMatchObject({ id: (gql(creates[0]!).variables.input as { id: string }).id });
    });

    it('the client id is a deterministic v4-layout UUID of the idempotency key', () => {
      expect(entityIdFor('issue', 'run/a/b/ticket')).toBe(entityIdFor('issue', 'run/a/b/ticket'));
      expect(entityIdFor('issue', 'run/a/b/ticket')).not.toBe(entityIdFor('comment', 'run/a/b/ticket'));
      expect(entityIdFor('issue', 'k')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    it('an OAuth connection sends Bearer; an API key sent as Bearer is refused as auth_lost', async () => {
      ctx.connections.add({ id: 'linear-oauth', connector: 'linear', credentials: { accessToken: 'lin_oauth_test_token_0123456789' }, baseUrl: ctx.fake.url });
      expect(await ctx.call('linear.addComment', { stepId: 'n', connectionId: 'linear-oauth', input: { issueId: 'SUP-7', body: 'hi' } })).toMatchObject({ ok: true });
      expect(ctx.fake.requests[0]!.headers.authorization).toBe('Bearer lin_oauth_test_token_0123456789');
      ctx.connections.add({ id: 'linear-wrong', connector: 'linear', credentials: { accessToken: apiKey }, baseUrl: ctx.fake.url });
      expect(await ctx.call('linear.addComment', { stepId: 'n', connectionId: 'linear-wrong', input: { issueId: 'SUP-7', body: 'hi' } })).toMatchObject({ ok: false, type: 'AuthLost' });
    });

    it('a GraphQL schema error (HTTP 400, GRAPHQL_VALIDATION_FAILED) is invalid input, not a retry', async () => {
      ctx.fake.fail({ kind: 'respond', response: { status: 400, json: { errors: [{ message: 'Field "colour" is not defined by type "IssueCreateInput".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', type: 'graphql error' } }] } } });
      expect(await ctx.call('linear.createIssue', step({ teamId, title: 'x' }))).toMatchObject({ ok: false, type: 'InvalidInput', nonRetryable: true, message: expect.stringContaining('colour') });
    });
  },
});
