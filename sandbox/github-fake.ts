import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

const docs = 'https://docs.github.com/rest';

const githubError = (status: number, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): FakeResponse => ({
  status,
  headers,
  json: { message, ...extra, documentation_url: docs, status: String(status) },
});

interface FieldError {
  resource: string;
  field: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'custom';
  message?: string;
}

const validationFailed = (errors: FieldError[]): FakeResponse => githubError(422, 'Validation Failed', { errors });

export interface GithubIssue {
  id: number;
  number: number;
  owner: string;
  repo: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  labels: string[];
  assignees: string[];
}

/**
 * GitHub REST (vendor-apis.md §6): Bearer token, required User-Agent, 201 on create, 422 with
 * `errors[]` naming fields, 404 for a repository the token cannot see, 410 when issues are disabled,
 * primary limits as 403 + `x-ratelimit-remaining: 0` + reset, secondary limits with `retry-after`,
 * a plain 403 for missing permissions.
 */
export class GithubFake extends FakeServer {
  readonly tokens = new Set(['github_pat_test_0123456789abcdef']);
  readonly revoked = new Set<string>();
  /** owner/repo → whether issues are enabled. */
  readonly repos = new Map([['acme/app', true]]);
  /** Tokens that may read but not write (a plain 403). */
  readonly readOnly = new Set<string>();
  readonly assignable = new Set(['octocat', 'hubot']);
  readonly issues: GithubIssue[] = [];
  readonly comments: { id: number; issue: number; body: string }[] = [];
  private remaining = 5000;

  constructor() {
    super({
      failures: {
        serverError: () => githubError(502, 'Server Error'),
        rateLimited: (s) =>
          githubError(403, 'API rate limit exceeded for user ID 1.', {}, { ...this.rateHeaders(0), 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000 + s)) }),
        unauthorized: () => githubError(401, 'Bad credentials'),
      },
    });
    this.route('POST', '/repos/:owner/:repo/issues', (req) => this.withRepo(req, () => this.createIssue(req)));
    this.route('POST', '/repos/:owner/:repo/issues/:number/comments', (req) => this.withIssue(req, (issue) => this.addComment(req, issue)));
    this.route('POST', '/repos/:owner/:repo/issues/:number/labels', (req) => this.withIssue(req, (issue) => this.addLabels(req, issue)));
    this.route('GET', '/user', () => this.ok(200, { login: 'octocat', id: 1 }));
  }

  /** A secondary rate limit: 403 with `retry-after` (and requests left in the primary budget). */
  secondaryRateLimit(retryAfterSeconds: number): FakeResponse {
    return githubError(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', {}, { ...this.rateHeaders(this.remaining), 'retry-after': String(retryAfterSeconds) });
  }

  private rateHeaders(remaining: number): Record<string, string> {
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(5000 - remaining),
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
    };
  }

  private ok(status: number, json: unknown, headers: Record<string, string> = {}): FakeResponse {
    this.remaining = Math.max(1, this.remaining - 1);
    return { status, json, headers: { ...this.rateHeaders(this.remaining), ...headers } };
  }

  private withRepo(req: FakeRequest, then: () => FakeResponse): FakeResponse {
    const enabled = this.repos.get(`${req.params.owner}/${req.params.repo}`);
    if (enabled === undefined) return githubError(404, 'Not Found');
    if (!enabled) return githubError(410, 'Issues are disabled for this repo');
    if (this.readOnly.has(bearer(req)!)) return githubError(403, 'Resource not accessible by personal access token');
    if (!req.body || typeof req.body !== 'object') return githubError(400, 'Problems parsing JSON');
    return then();
  }

  private withIssue(req: FakeRequest, then: (issue: GithubIssue) => FakeResponse): FakeResponse {
    return this.withRepo(req, () => {
      const issue = this.issues.find((i) => `${i.owner}/${i.repo}` === `${req.params.owner}/${req.params.repo}` && i.number === Number(req.params.number));
      return issue ? then(issue) : githubError(404, 'Not Found');
    });
  }

  private createIssue(req: FakeRequest): FakeResponse {
    const b = req.body as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (b.title === undefined) errors.push({ resource: 'Issue', field: 'title', code: 'missing_field' });
    else if (typeof b.title !== 'string' && typeof b.title !== 'number') errors.push({ resource: 'Issue', field: 'title', code: 'invalid' });
    for (const a of (b.assignees as unknown[] | undefined) ?? []) if (typeof a !== 'string' || !this.assignable.has(a)) errors.push({ resource: 'Issue', field: 'assignees', code: 'invalid', message: `${String(a)} is not assignable` });
    if (b.milestone !== undefined) errors.push({ resource: 'Issue', field: 'milestone', code: 'invalid' });
    if (errors.length) return validationFailed(errors);
    const number = this.issues.length + 1;
    const issue: GithubIssue = {
      id: 1_000_000 + number,
      number,
      owner: req.params.owner!,
      repo: req.params.repo!,
      title: String(b.title),
      body: (b.body as string | undefined) ?? null,
      state: 'open',
      labels: (b.labels as string[] | undefined) ?? [],
      assignees: (b.assignees as string[] | undefined) ?? [],
    };
    this.issues.push(issue);
    const url = `https://api.github.com/repos/${issue.owner}/${issue.repo}/issues/${number}`;
    return this.ok(
      201,
      {
        id: issue.id,
        node_id: `I_kwDO${issue.id}`,
        number,
        url,
        html_url: `https://github.com/${issue.owner}/${issue.repo}/issues/${number}`,
        state: 'open',
        title: issue.title,
        body: issue.body,
        labels: issue.labels.map((name) => ({ name })),
        created_at: new Date().toISOString(),
      },
      { location: url },
    );
  }

  private addComment(req: FakeRequest, issue: GithubIssue): FakeResponse {
    const b = req.body as { body?: unknown };
    if (typeof b.body !== 'string' || !b.body) return validationFailed([{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
    const id = 2_000_000 + this.comments.length + 1;
    this.comments.push({ id, issue: issue.number, body: b.body });
    return this.ok(201, { id, html_url: `https://github.com/${issue.owner}/${issue.repo}/issues/${issue.number}#issuecomment-${id}`, body: b.body, created_at: new Date().toISOString() });
  }

  private addLabels(req: FakeRequest, issue: GithubIssue): FakeResponse {
    const labels = (req.body as { labels?: unknown }).labels;
    if (!Array.isArray(labels) || labels.length === 0 || labels.some((l) => typeof l !== 'string' || !l)) {
      return validationFailed([{ resource: 'Label', field: 'labels', code: 'invalid', message: 'labels must be a non-empty list of names' }]);
    }
    for (const l of labels as string[]) if (!issue.labels.includes(l)) issue.labels.push(l);
    return this.ok(200, issue.labels.map((name, i) => ({ id: 100 + i, name, color: 'ededed', default: false })));
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    if (!req.headers['user-agent']) return githubError(403, 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header.');
    const token = bearer(req);
    if (!token || this.revoked.has(token) || !this.tokens.has(token)) return githubError(401, 'Bad credentials');
    return undefined;
  }
}

/** `Authorization: Bearer <token>` or the older `token <token>`. */
function bearer(req: FakeRequest): string | undefined {
  const m = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '');
  return m?.[1];
}
