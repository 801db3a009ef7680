import { randomUUID } from 'node:crypto';
import { bearerToken, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

const notionError = (status: number, code: string, message: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  headers,
  json: { object: 'error', status, code, message, request_id: randomUUID() },
});

/** What each property type's value must look like (the shapes POST /pages validates). */
const valueChecks: Record<string, (v: unknown) => boolean> = {
  title: (v) => isRichText((v as { title?: unknown }).title),
  rich_text: (v) => isRichText((v as { rich_text?: unknown }).rich_text),
  select: (v) => {
    const s = (v as { select?: unknown }).select;
    return s === null || (typeof s === 'object' && typeof (s as { name?: unknown }).name === 'string' && !(s as { name: string }).name.includes(','));
  },
  multi_select: (v) => Array.isArray((v as { multi_select?: unknown }).multi_select) && ((v as { multi_select: unknown[] }).multi_select).every((o) => typeof (o as { name?: unknown }).name === 'string'),
  date: (v) => {
    const d = (v as { date?: unknown }).date;
    return d === null || (typeof d === 'object' && typeof (d as { start?: unknown }).start === 'string');
  },
  number: (v) => typeof (v as { number?: unknown }).number === 'number' || (v as { number?: unknown }).number === null,
  url: (v) => typeof (v as { url?: unknown }).url === 'string' || (v as { url?: unknown }).url === null,
  email: (v) => typeof (v as { email?: unknown }).email === 'string' || (v as { email?: unknown }).email === null,
};

function isRichText(v: unknown): boolean {
  return Array.isArray(v) && v.every((t) => typeof (t as { text?: { content?: unknown } }).text?.content === 'string' && ((t as { text: { content: string } }).text.content.length <= 2000));
}

const serverError = () => notionError(500, 'internal_server_error', 'Unexpected error occurred.');
const rateLimited = (s: number) => notionError(429, 'rate_limited', 'You have been rate limited. Please try again in a few minutes.', { 'retry-after': String(s) });

const uuidLike = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const normalId = (id: string) => id.replace(/-/g, '').toLowerCase();

export interface NotionDatabase {
  id: string;
  title: string;
  properties: Record<string, { id: string; type: string }>;
}

/**
 * The Notion API (vendor-apis.md §10): Bearer token, a required `Notion-Version` header (400
 * `missing_version`), `{object:"error", status, code, message}` bodies, 404 `object_not_found` for
 * what is not shared with the integration, 400 `validation_error` naming the body path, 429
 * `rate_limited` + Retry-After. Databases carry a property schema that POST /pages checks.
 */
export class NotionFake extends FakeServer {
  readonly tokens = new Set(['secret_notion_test_0123456789']);
  readonly revoked = new Set<string>();
  readonly databases: NotionDatabase[] = [
    {
      id: '8e2c4c9e-0c5c-4d6b-9a43-3f0b8d3f6a11',
      title: 'Support log',
      properties: {
        Name: { id: 'title', type: 'title' },
        Customer: { id: 'cUst', type: 'rich_text' },
        Status: { id: 'sTat', type: 'select' },
        Tags: { id: 'tAgs', type: 'multi_select' },
        Closed: { id: 'cLsd', type: 'date' },
        Rating: { id: 'rAtg', type: 'number' },
        Link: { id: 'lInk', type: 'url' },
        Email: { id: 'eMal', type: 'email' },
        Owner: { id: 'oWnr', type: 'people' },
      },
    },
  ];
  private pageCreateFailures: FakeResponse[] = [];
  readonly pages: { id: string; url: string; parent: string; properties: Record<string, unknown>; children: unknown[] }[] = [];

  constructor() {
    super({
      failures: {
        serverError,
        rateLimited,
        unauthorized: () => notionError(401, 'unauthorized', 'API token is invalid.'),
      },
    });
    this.route('GET', '/v1/users/me', () => ({ status: 200, json: { object: 'user', id: randomUUID(), type: 'bot', bot: {} } }));
    this.route('GET', '/v1/databases/:id', (req) => {
      const db = this.database(req.params.id!);
      if (typeof db === 'string') return this.notFound(db);
      return { status: 200, json: { object: 'database', id: db.id, title: [{ plain_text: db.title }], properties: Object.fromEntries(Object.entries(db.properties).map(([name, p]) => [name, { ...p, name }])) } };
    });
    this.route('POST', '/v1/pages', (req) => this.createPage(req));
    this.route('PATCH', '/v1/blocks/:id/children', (req) => this.appendChildren(req));
  }

  /** The next page create (not the schema read before it) fails this way. */
  failNextPageCreate(kind: 'server_error' | 'rate_limited', retryAfterSeconds = 1): this {
    this.pageCreateFailures.push(kind === 'server_error' ? serverError() : rateLimited(retryAfterSeconds));
    return this;
  }

  override reset(): void {
    super.reset();
    this.pageCreateFailures.length = 0;
  }

  get databaseId(): string {
    return this.databases[0]!.id;
  }

  private database(id: string): NotionDatabase | string {
    if (!uuidLike.test(id)) return id;
    return this.databases.find((d) => normalId(d.id) === normalId(id)) ?? id;
  }

  private notFound(id: string): FakeResponse {
    return notionError(404, 'object_not_found', `Could not find database with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`);
  }

  private createPage(req: FakeRequest): FakeResponse {
    const failure = this.pageCreateFailures.shift();
    if (failure) return failure;
    const b = req.body as { parent?: { database_id?: unknown }; properties?: Record<string, unknown>; children?: unknown } | undefined;
    if (!b || typeof b !== 'object') return notionError(400, 'invalid_json', 'Error parsing JSON body.');
    if (typeof b.parent?.database_id !== 'string') return notionError(400, 'validation_error', 'body failed validation: body.parent.database_id should be defined, instead was `undefined`.');
    const db = this.database(b.parent.database_id);
    if (typeof db === 'string') return this.notFound(db);
    const props = b.properties ?? {};
    for (const [name, value] of Object.entries(props)) {
      const prop = db.properties[name];
      if (!prop) return notionError(400, 'validation_error', `${name} is not a property that exists.`);
      const check = valueChecks[prop.type];
      if (!check || !value || typeof value !== 'object' || !check(value)) return notionError(400, 'validation_error', `body failed validation: body.properties.${name}.${prop.type} is not a valid ${prop.type} value.`);
    }
    const titleName = Object.entries(db.properties).find(([, p]) => p.type === 'title')![0];
    if (!props[titleName]) return notionError(400, 'validation_error', `body failed validation: body.properties.${titleName}.title should be defined, instead was \`undefined\`.`);
    if (b.children !== undefined && !validChildren(b.children)) return notionError(400, 'validation_error', 'body failed validation: body.children should be an array of block objects (each with an object under its type), at most 100.');
    const id = randomUUID();
    const page = { id, url: `https://www.notion.so/${normalId(id)}`, parent: db.id, properties: props, children: (b.children as unknown[] | undefined) ?? [] };
    this.pages.push(page);
    return { status: 200, json: { object: 'page', id, url: page.url, created_time: new Date().toISOString(), last_edited_time: new Date().toISOString(), parent: { type: 'database_id', database_id: db.id }, properties: props, archived: false, in_trash: false } };
  }

  private appendChildren(req: FakeRequest): FakeResponse {
    const page = this.pages.find((p) => normalId(p.id) === normalId(req.params.id!));
    if (!page) return notionError(404, 'object_not_found', `Could not find block with ID: ${req.params.id}. Make sure the relevant pages and databases are shared with your integration.`);
    const children = (req.body as { children?: unknown } | undefined)?.children;
    if (!validChildren(children) || (children as unknown[]).length === 0) return notionError(400, 'validation_error', 'body failed validation: body.children should be an array of block objects (each with an object under its type), at most 100.');
    const added = (children as unknown[]).map((c) => ({ ...(c as object), id: randomUUID() }));
    page.children.push(...added);
    return { status: 200, json: { object: 'list', results: added.map((c) => ({ object: 'block', ...c })), next_cursor: null, has_more: false } };
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    const token = bearerToken(req);
    if (!token || this.revoked.has(token) || !this.tokens.has(token)) return notionError(401, 'unauthorized', 'API token is invalid.');
    if (!req.headers['notion-version']) return notionError(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.');
    return undefined;
  }
}

function validChildren(children: unknown): boolean {
  // A block names its type and carries an object under that name: {type: "paragraph", paragraph: {...}}.
  const valid = (c: unknown) => {
    const type = (c as { type?: unknown } | null)?.type;
    const content = typeof type === 'string' ? (c as Record<string, unknown>)[type] : undefined;
    return !!content && typeof content === 'object' && !Array.isArray(content);
  };
  return Array.isArray(children) && children.length <= 100 && children.every(valid);
}
