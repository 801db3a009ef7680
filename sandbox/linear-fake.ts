import { randomUUID } from 'node:crypto';
import { FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

interface GraphqlError {
  message: string;
  code: string;
  type: string;
  userPresentableMessage?: string;
}

/** Linear's GraphQL error shape: `extensions.code` (what the API sends) and `extensions.type` (what its SDK parses). */
const graphqlErrors = (status: number, e: GraphqlError, headers?: Record<string, string>, path?: string[]): FakeResponse => ({
  status,
  headers,
  json: {
    errors: [{ message: e.message, ...(path ? { path } : {}), extensions: { code: e.code, type: e.type, userError: e.code !== 'INTERNAL_SERVER_ERROR', ...(e.userPresentableMessage ? { userPresentableMessage: e.userPresentableMessage } : {}) } }],
    data: null,
  },
});

const notAuthenticated = (): FakeResponse =>
  graphqlErrors(400, { message: 'Authentication required, not authenticated', code: 'AUTHENTICATION_ERROR', type: 'authentication error', userPresentableMessage: 'You need to authenticate to access this operation.' });

/** Input fields the schema defines (packages/sdk/src/schema.graphql); anything else is a GraphQL validation error. */
const inputFields: Record<string, ReadonlySet<string>> = {
  IssueCreateInput: new Set(['id', 'teamId', 'title', 'description', 'priority', 'assigneeId', 'stateId', 'labelIds', 'projectId', 'parentId', 'cycleId', 'dueDate', 'estimate', 'subscriberIds', 'templateId']),
  IssueUpdateInput: new Set(['title', 'description', 'priority', 'assigneeId', 'stateId', 'labelIds', 'addedLabelIds', 'removedLabelIds', 'projectId', 'parentId', 'cycleId', 'dueDate', 'estimate', 'teamId']),
  CommentCreateInput: new Set(['id', 'issueId', 'body', 'parentId', 'createAsUser', 'displayIconUrl']),
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export interface LinearIssueRecord {
  id: string;
  identifier: string;
  url: string;
  number: number;
  title: string;
  teamId: string;
  description?: string;
  priority?: number;
  stateId?: string;
  assigneeId?: string | null;
  labelIds: string[];
}

/**
 * Linear's GraphQL API (vendor-apis.md §5): `Authorization: <api key>` (bare) or `Bearer <oauth
 * token>`; one POST /graphql; errors in `errors[].extensions` with HTTP 200 (argument and entity
 * errors) or 400 (authentication, rate limit, schema validation); client-supplied UUID ids, a
 * duplicate id refused; Retry-After and x-ratelimit-requests-* on a rate limit.
 */
export class LinearFake extends FakeServer {
  readonly apiKeys = new Set(['lin_api_test_key_0123456789']);
  readonly oauthTokens = new Set(['lin_oauth_test_token_0123456789']);
  readonly revoked = new Set<string>();
  readonly teams = new Map([['9cfb482a-81e3-4154-b5b9-2c805e70a02d', 'SUP']]);
  readonly labels = new Set(['e2a1c0de-5a1e-4b7e-9c1d-7f3e2b1a0c9d']);
  readonly issues: LinearIssueRecord[] = [];
  readonly comments: { id: string; issueId: string; body: string; url: string }[] = [];
  private loseAnswers = 0;

  constructor() {
    super({
      failures: {
        serverError: () => graphqlErrors(500, { message: 'Internal server error', code: 'INTERNAL_SERVER_ERROR', type: 'internal error' }),
        rateLimited: (s) =>
          graphqlErrors(
            400,
            { message: 'Rate limit exceeded', code: 'RATELIMITED', type: 'ratelimited', userPresentableMessage: 'You have exceeded the rate limit. Please try again later.' },
            {
              'retry-after': String(s),
              'x-ratelimit-requests-limit': '5000',
              'x-ratelimit-requests-remaining': '0',
              'x-ratelimit-requests-reset': String(Date.now() + s * 1000),
            },
          ),
        unauthorized: notAuthenticated,
      },
    });
    this.route('POST', '/graphql', (req) => {
      const answer = this.graphql(req);
      if (this.loseAnswers === 0) return answer;
      this.loseAnswers--;
      return { status: 502, text: '<html><body>502 Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } };
    });
  }

  /** The next request is carried out, but its answer is lost on the way back (a 502 from the edge). */
  applyButLoseAnswer(): this {
    this.loseAnswers++;
    return this;
  }

  get teamId(): string {
    return [...this.teams.keys()][0]!;
  }

  private graphql(req: FakeRequest): FakeResponse {
    const b = req.body as { query?: unknown; variables?: Record<string, unknown> } | undefined;
    if (!b || typeof b.query !== 'string') return graphqlErrors(400, { message: 'Must provide query string.', code: 'GRAPHQL_PARSE_FAILED', type: 'graphql error' });
    const vars = b.variables ?? {};
    const op = /\b(issueCreate|issueUpdate|commentCreate|issues|comments|viewer)\b/.exec(b.query)?.[1];
    switch (op) {
      case 'viewer':
        return this.data({ viewer: { id: 'a6e1d3f0-0000-4000-8000-000000000001' } });
      case 'issueCreate':
        return this.issueCreate(vars.input);
      case 'issueUpdate':
        return this.issueUpdate(vars.id, vars.input);
      case 'commentCreate':
        return this.commentCreate(vars.input);
      case 'issues':
      case 'comments': {
        const id = vars.id;
        const list = op === 'issues' ? this.issues.filter((i) => i.id === id).map(publicIssue) : this.comments.filter((c) => c.id === id).map(({ id: cid, url, body }) => ({ id: cid, url, body }));
        return this.data({ [op]: { nodes: list } });
      }
      default:
        return graphqlErrors(400, { message: 'Cannot query this operation on type "Mutation" or "Query".', code: 'GRAPHQL_VALIDATION_FAILED', type: 'graphql error' });
    }
  }

  private issueCreate(input: unknown): FakeResponse {
    const bad = this.schemaCheck('IssueCreateInput', input);
    if (bad) return bad;
    const i = input as Record<string, unknown>;
    if (typeof i.teamId !== 'string') return this.schemaError('IssueCreateInput', 'Field "teamId" of required type "String!" was not provided.');
    const key = this.teams.get(i.teamId);
    if (!key) return this.userError('issueCreate', 'Entity not found: Team', 'Could not find referenced Team.');
    if (typeof i.title !== 'string' || !i.title) return this.userError('issueCreate', 'Argument Validation Error', 'title must be a non-empty string.');
    if (i.id !== undefined && (typeof i.id !== 'string' || !uuidPattern.test(i.id))) return this.userError('issueCreate', 'Argument Validation Error', 'id must be a UUID.');
    if (i.id !== undefined && this.issues.some((x) => x.id === i.id)) return this.userError('issueCreate', 'Entity already exists', 'An issue with this id already exists.');
    const unknownLabel = ((i.labelIds as string[] | undefined) ?? []).find((l) => !this.labels.has(l));
    if (unknownLabel) return this.userError('issueCreate', 'Entity not found: IssueLabel', `Could not find referenced IssueLabel ${unknownLabel}.`);
    const number = Math.max(0, ...this.issues.filter((x) => x.teamId === i.teamId).map((x) => x.number)) + 1;
    const issue: LinearIssueRecord = {
      id: (i.id) ?? randomUUID(),
      identifier: `${key}-${number}`,
      url: `https://linear.app/acme/issue/${key}-${number}`,
      number,
      title: i.title,
      teamId: i.teamId,
      description: i.description as string | undefined,
      priority: i.priority as number | undefined,
      labelIds: (i.labelIds as string[] | undefined) ?? [],
    };
    this.issues.push(issue);
    return this.data({ issueCreate: { success: true, issue: publicIssue(issue) } });
  }

  private issueUpdate(id: unknown, input: unknown): FakeResponse {
    if (typeof id !== 'string') return this.schemaError('String', 'Variable "$id" of required type "String!" was not provided.');
    const bad = this.schemaCheck('IssueUpdateInput', input);
    if (bad) return bad;
    const issue = this.issues.find((x) => x.id === id || x.identifier === id);
    if (!issue) return this.userError('issueUpdate', 'Entity not found: Issue', `Could not find referenced Issue ${id}.`);
    const i = input as Record<string, unknown>;
    if (i.title !== undefined) issue.title = i.title as string;
    if (i.description !== undefined) issue.description = i.description as string;
    if (i.priority !== undefined) issue.priority = i.priority as number;
    if (i.stateId !== undefined) issue.stateId = i.stateId as string;
    if (i.assigneeId !== undefined) issue.assigneeId = i.assigneeId as string | null;
    for (const l of (i.addedLabelIds as string[] | undefined) ?? []) if (!issue.labelIds.includes(l)) issue.labelIds.push(l);
    issue.labelIds = issue.labelIds.filter((l) => !((i.removedLabelIds as string[] | undefined) ?? []).includes(l));
    return this.data({ issueUpdate: { success: true, issue: publicIssue(issue) } });
  }

  private commentCreate(input: unknown): FakeResponse {
    const bad = this.schemaCheck('CommentCreateInput', input);
    if (bad) return bad;
    const i = input as Record<string, unknown>;
    const issue = this.issues.find((x) => x.id === i.issueId || x.identifier === i.issueId);
    if (!issue) return this.userError('commentCreate', 'Entity not found: Issue', `Could not find referenced Issue ${String(i.issueId)}.`);
    if (typeof i.body !== 'string' || !i.body) return this.userError('commentCreate', 'Argument Validation Error', 'body must be a non-empty string.');
    if (i.id !== undefined && this.comments.some((c) => c.id === i.id)) return this.userError('commentCreate', 'Entity already exists', 'A comment with this id already exists.');
    const id = (i.id as string | undefined) ?? randomUUID();
    const comment = { id, issueId: issue.id, body: i.body, url: `${issue.url}#comment-${id.slice(0, 8)}` };
    this.comments.push(comment);
    return this.data({ commentCreate: { success: true, comment: { id, url: comment.url, body: comment.body } } });
  }

  /** GraphQL input coercion: an object, with only the fields its input type defines. */
  private schemaCheck(type: string, input: unknown): FakeResponse | undefined {
    if (!input || typeof input !== 'object' || Array.isArray(input)) return this.schemaError(type, `Expected type "${type}" to be an object.`);
    const unknown = Object.keys(input).find((k) => !inputFields[type]!.has(k));
    return unknown ? this.schemaError(type, `Field "${unknown}" is not defined by type "${type}".`) : undefined;
  }

  private schemaError(type: string, detail: string): FakeResponse {
    return graphqlErrors(400, { message: `Variable "$input" got invalid value; ${detail}`, code: 'GRAPHQL_VALIDATION_FAILED', type: 'graphql error', userPresentableMessage: `${type}: ${detail}` });
  }

  private userError(path: string, message: string, userPresentableMessage: string): FakeResponse {
    return graphqlErrors(200, { message, code: 'INVALID_INPUT', type: 'invalid input', userPresentableMessage }, undefined, [path]);
  }

  private data(data: Record<string, unknown>): FakeResponse {
    return { status: 200, json: { data }, headers: { 'x-ratelimit-requests-limit': '5000', 'x-ratelimit-requests-remaining': '4999' } };
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    const h = req.headers.authorization;
    if (!h) return notAuthenticated();
    const bearer = h.startsWith('Bearer ') ? h.slice('Bearer '.length) : undefined;
    const token = bearer ?? h;
    if (this.revoked.has(token)) return notAuthenticated();
    // An API key is sent bare; an OAuth token with Bearer. Either the other way round is refused.
    const ok = bearer ? this.oauthTokens.has(bearer) : this.apiKeys.has(h);
    if (!ok) return notAuthenticated();
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
      return graphqlErrors(400, { message: 'POST body missing, invalid Content-Type, or JSON object has no keys.', code: 'BAD_REQUEST', type: 'graphql error' });
    }
    return undefined;
  }
}

function publicIssue(i: LinearIssueRecord) {
  return { id: i.id, identifier: i.identifier, url: i.url, number: i.number, title: i.title };
}
