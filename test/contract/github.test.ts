import { expect, it } from 'vitest';
import { GithubFake } from '../../sandbox/github-fake';
import { describeConnectorContract, type ContractContext } from '../support/connector-contract';

const token = 'github_pat_test_0123456789abcdef';
const step = (input: unknown, stepId = 'issue') => ({ stepId, connectionId: 'github-main', input });
type Ctx = ContractContext<GithubFake>;

const seedIssue = (fake: GithubFake) => fake.issues.push({ id: 1_000_001, number: 1, owner: 'acme', repo: 'app', title: 'Checkout fails', body: null, state: 'open', labels: [], assignees: [] });

/** The failure kinds every GitHub action shows the same way. */
const shared = {
  retryable: { how: 'a 502' },
  rateLimited: [
    { how: 'primary: 403 with x-ratelimit-remaining 0 waits until x-ratelimit-reset', retryAfterSeconds: 3, nextRetryDelayMs: [2000, 4000] as [number, number] },
    {
      how: 'secondary: 403 with Retry-After: 2',
      retryAfterSeconds: 2,
      nextRetryDelayMs: 2000,
      arrange: ({ fake }: Ctx) => fake.fail({ kind: 'respond', response: fake.secondaryRateLimit(2) }),
    },
  ],
  authLost: { how: '401 Bad credentials (a revoked token)', arrange: ({ fake }: Ctx) => fake.revoked.add(token), message: /401 from GitHub: Bad credentials/, disconnect: { status: 401 } },
};

const permissionDenied = { how: 'a plain 403 (the token may not write) is a permission error, not a rate limit', arrange: ({ fake }: Ctx) => fake.readOnly.add(token), message: '403 from GitHub: Resource not accessible by personal access token' };

describeConnectorContract({
  connector: 'github',
  fake: () => new GithubFake(),
  resetFake: (fake) => {
    fake.revoked.clear();
    fake.readOnly.clear();
    fake.repos.set('acme/app', true);
    fake.issues.length = 0;
    fake.comments.length = 0;
    seedIssue(fake);
  },
  connections: (fake) => [{ id: 'github-main', connector: 'github', credentials: { accessToken: token }, baseUrl: fake.url }],
  actions: {
    'github.createIssue': {
      call: step({ owner: 'acme', repo: 'app', title: 'Checkout fails' }),
      endpoint: ['POST', '/repos/*'],
      happyPath: {
        how: 'Bearer token, versioned media type, User-Agent; 201 → number and html_url',
        call: step({ owner: 'acme', repo: 'app', title: 'Checkout fails', body: 'From Intercom', labels: ['bug'], assignees: ['octocat'] }),
        result: { number: 2, url: 'https://github.com/acme/app/issues/2', state: 'open', title: 'Checkout fails' },
        request(req) {
          expect(req.headers.authorization).toBe(`Bearer ${token}`);
          expect(req.headers.accept).toBe('application/vnd.github+json');
          expect(req.headers['x-github-api-version']).toBe('2022-11-28');
          expect(req.headers['user-agent']).toMatch(/^switchyard\//);
          expect(req.body).toEqual({ title: 'Checkout fails', body: 'From Intercom', labels: ['bug'], assignees: ['octocat'] });
        },
      },
      ...shared,
      invalidInput: [
        {
          how: '422 Validation Failed names every bad field from errors[]',
          call: step({ owner: 'acme', repo: 'app', title: 'x', assignees: ['nobody'], milestone: 9 }),
          message: '422 from GitHub: Validation Failed (assignees: nobody is not assignable; milestone: invalid)',
          details: [{ field: 'assignees', code: 'invalid' }],
        },
        { how: 'our schema refuses a repository name with a slash, before any request', call: step({ owner: 'acme', repo: 'app/../x', title: 'x' }), message: /input\.repo/, requests: 0 },
      ],
      fatal: [permissionDenied, { how: 'a 404 repository (missing, or not visible to the token)', call: step({ owner: 'acme', repo: 'missing', title: 'x' }), message: '404 from GitHub: Not Found' }],
    },
    'github.addComment': {
      call: step({ owner: 'acme', repo: 'app', issueNumber: 1, body: 'Fixed in 1.2.3' }, 'comment'),
      endpoint: ['POST', '/repos/*'],
      happyPath: {
        how: 'POST …/issues/1/comments → id and html_url',
        result: { id: 2_000_001, url: 'https://github.com/acme/app/issues/1#issuecomment-2000001' },
        request(req) {
          expect(req.headers.authorization).toBe(`Bearer ${token}`);
          expect(req.body).toEqual({ body: 'Fixed in 1.2.3' });
        },
      },
      ...shared,
      invalidInput: { how: 'an empty body is refused by our schema', call: step({ owner: 'acme', repo: 'app', issueNumber: 1, body: '' }, 'comment'), message: /input\.body/, requests: 0 },
      fatal: [permissionDenied, { how: 'a 404 issue', call: step({ owner: 'acme', repo: 'app', issueNumber: 99, body: 'x' }, 'comment'), message: '404 from GitHub: Not Found' }],
    },
    'github.addLabels': {
      call: step({ owner: 'acme', repo: 'app', issueNumber: 1, labels: ['bug'] }, 'label'),
      endpoint: ['POST', '/repos/*'],
      happyPath: {
        how: '{labels: [...]} → all the issue labels',
        call: step({ owner: 'acme', repo: 'app', issueNumber: 1, labels: ['bug', 'from-intercom'] }, 'label'),
        result: { labels: ['bug', 'from-intercom'] },
        request(req) {
          expect(req.body).toEqual({ labels: ['bug', 'from-intercom'] });
        },
      },
      ...shared,
      invalidInput: {
        how: 'a 422 from GitHub names the labels field',
        arrange: ({ fake }: Ctx) =>
          fake.fail({ kind: 'respond', response: { status: 422, json: { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'invalid', field: 'labels' }], documentation_url: 'https://docs.github.com/rest', status: '422' } } }),
        message: '422 from GitHub: Validation Failed (labels: invalid)',
        details: [{ field: 'labels' }],
      },
      fatal: [permissionDenied, { how: '410 Gone: issues are disabled', arrange: ({ fake }: Ctx) => fake.repos.set('acme/app', false), message: '410 from GitHub: Issues are disabled for this repo' }],
    },
  },
  specific: (ctx) => {
    it('a request without a User-Agent is refused by the fake, as GitHub does (so the header is proven, not assumed)', async () => {
      const res = await fetch(`${ctx.fake.url}/repos/acme/app/issues`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'user-agent': '' }, body: '{}' });
      expect(res.status).toBe(403);
    });
  },
});
