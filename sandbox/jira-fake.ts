import { basicCredentials, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

const jiraError = (status: number, errorMessages: string[], errors: Record<string, string> = {}, headers?: Record<string, string>): FakeResponse => ({
  status,
  headers,
  json: { errorMessages, errors },
});

/** What Jira Cloud answers for missing, wrong or revoked Basic credentials (vendor-apis.md §4). */
const unauthenticated = (): FakeResponse => ({ status: 401, json: { errorMessages: ['Client must be authenticated to access this resource.'], errors: {} } });

interface Adf {
  type?: unknown;
  version?: unknown;
  content?: unknown;
}

/** Jira Cloud REST v3 (vendor-apis.md §4): Basic email:token, ADF descriptions, field errors, 429 + Retry-After. */
export class JiraFake extends FakeServer {
  readonly users = new Map([['bot@example.com', 'jira-api-token']]);
  readonly revoked = new Set<string>();
  readonly projects = new Set(['SUP', 'OPS']);
  readonly issueTypes = new Set(['Task', 'Bug', 'Story']);
  readonly issues: { id: string; key: string; fields: Record<string, unknown> }[] = [];
  readonly comments: { issue: string; id: string; body: unknown }[] = [];

  constructor() {
    super({
      failures: {
        serverError: () => jiraError(500, ['Internal server error']),
        rateLimited: (s) => ({
          status: 429,
          headers: { 'retry-after': String(s), 'x-ratelimit-reset': new Date(Date.now() + s * 1000).toISOString().slice(0, 16) + 'Z', 'ratelimit-reason': 'jira-burst-based' },
          text: '',
        }),
        unauthorized: unauthenticated,
      },
    });
    this.route('POST', '/rest/api/3/issue', (req) => {
      const fields = ((req.body ?? {}) as { fields?: Record<string, unknown> }).fields;
      if (!fields) return jiraError(400, ['fields is required']);
      const errors: Record<string, string> = {};
      const project = fields.project as { key?: string } | undefined;
      if (!project?.key) errors.project = 'Specify a valid project ID or key';
      else if (!this.projects.has(project.key)) errors.project = `project is required`;
      const type = fields.issuetype as { name?: string } | undefined;
      if (!type?.name || !this.issueTypes.has(type.name)) errors.issuetype = 'Specify an issue type';
      if (typeof fields.summary !== 'string' || !fields.summary) errors.summary = 'You must specify a summary of the issue.';
      else if (fields.summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
      if (fields.description !== undefined) {
        const d = fields.description as Adf;
        if (typeof d !== 'object' || d === null || d.type !== 'doc' || d.version !== 1 || !Array.isArray(d.content)) {
          errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
        }
      }
      if (fields.labels !== undefined && (!Array.isArray(fields.labels) || fields.labels.some((l) => typeof l !== 'string' || /\s/.test(l)))) {
        errors.labels = 'The label must not contain spaces.';
      }
      if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
      const id = String(10000 + this.issues.length + 1);
      const key = `${project!.key}-${this.issues.filter((i) => i.key.startsWith(`${project!.key}-`)).length + 1}`;
      this.issues.push({ id, key, fields: { ...fields, created: new Date().toISOString() } });
      return { status: 201, json: { id, key, self: `${this.url}/rest/api/3/issue/${id}` } };
    });
    this.route('POST', '/rest/api/3/issue/:issue/comment', (req) => {
      const issue = this.issues.find((i) => i.key === req.params.issue || i.id === req.params.issue);
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      const body = ((req.body ?? {}) as { body?: Adf }).body;
      if (!body || body.type !== 'doc' || !Array.isArray(body.content)) return jiraError(400, [], { comment: 'Comment body is not valid ADF' });
      const id = String(20000 + this.comments.length + 1);
      this.comments.push({ issue: issue.key, id, body });
      return { status: 201, json: { id, self: `${this.url}/rest/api/3/issue/${issue.id}/comment/${id}`, created: new Date().toISOString(), body } };
    });
    this.route('POST', '/rest/api/3/search/jql', (req) => {
      const b = (req.body ?? {}) as { jql?: string; maxResults?: number; nextPageToken?: string; fields?: string[] };
      if (typeof b.jql !== 'string') return jiraError(400, ['The JQL query is required.']);
      const byLabel = /^project = "?(\w+)"? AND labels = "?([^"\s]+)"?$/.exec(b.jql);
      if (byLabel) {
        const found = this.issues.filter((i) => i.key.startsWith(`${byLabel[1]}-`) && Array.isArray(i.fields.labels) && i.fields.labels.includes(byLabel[2]));
        return { status: 200, json: { issues: found.slice(0, b.maxResults ?? 50).map((i) => ({ id: i.id, key: i.key, self: `${this.url}/rest/api/3/issue/${i.id}` })), isLast: true } };
      }
      const m = /^\(project = (\w+)\)(?: AND id > (\d+))? ORDER BY id (ASC|DESC)$/.exec(b.jql);
      if (!m) return jiraError(400, [`Error in the JQL Query: the fake understands only "(project = X) [AND id > N] ORDER BY id ASC|DESC" and "project = X AND labels = L", got: ${b.jql}`]);
      let list = this.issues.filter((i) => i.key.startsWith(`${m[1]}-`) && (!m[2] || Number(i.id) > Number(m[2])));
      list = list.sort((a, c) => (m[3] === 'ASC' ? 1 : -1) * (Number(a.id) - Number(c.id)));
      const start = b.nextPageToken ? Number(b.nextPageToken) : 0;
      const size = b.maxResults ?? 50;
      const slice = list.slice(start, start + size);
      const isLast = start + size >= list.length;
      const pick = (f: Record<string, unknown>) => (b.fields ? Object.fromEntries(b.fields.filter((k) => k in f).map((k) => [k, f[k]])) : undefined);
      return {
        status: 200,
        json: { issues: slice.map((i) => ({ id: i.id, key: i.key, self: `${this.url}/rest/api/3/issue/${i.id}`, fields: pick(i.fields) })), isLast, ...(isLast ? {} : { nextPageToken: String(start + size) }) },
      };
    });
    this.route('GET', '/rest/api/3/myself', () => ({ status: 200, json: { accountId: 'abc', emailAddress: 'bot@example.com' } }));
  }

  /** The API token is revoked in Atlassian: from now on every request made with it answers 401. */
  revokeToken(token: string): this {
    this.revoked.add(token);
    return this;
  }

  /** `user` creates a new API token (what a person then pastes into the connection). */
  issueToken(user: string, token: string): this {
    this.users.set(user, token);
    return this;
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    const c = basicCredentials(req);
    if (!c || this.users.get(c.user) !== c.password || this.revoked.has(c.password)) return unauthenticated();
    if (req.method !== 'GET' && !String(req.headers['content-type'] ?? '').includes('application/json')) {
      return { status: 415, text: 'Unsupported Media Type' };
    }
    return undefined;
  }
}
