import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { bearerToken, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';
import { intercomNotification } from './intercom-events';
import { matches, queryProblem, searchPage, type SearchSchema } from './intercom-search';
import standardAttributes from './intercom-standard-attributes.json';

const errorList = (status: number, code: string, message: string, field?: string, headers?: Record<string, string>): FakeResponse => ({
  status,
  headers,
  json: { type: 'error.list', request_id: randomUUID(), errors: [{ code, message, ...(field ? { field } : {}) }] },
});

interface Contact {
  type: 'contact';
  id: string;
  workspace_id: string;
  role: string;
  email: string | null;
  external_id: string | null;
  name: string | null;
  phone?: string | null;
  owner_id?: number | null;
  custom_attributes?: Record<string, unknown>;
  /** The companies it is attached to, as Intercom lists them on a contact (set once one is attached). */
  companies?: { type: 'list'; data: { type: 'company'; id: string; url: string }[]; url: string; total_count: number; has_more: boolean };
  created_at: number;
  updated_at: number;
}

interface Company {
  type: 'company';
  id: string;
  company_id: string;
  name: string | null;
  plan?: string;
  size?: number;
  website?: string;
  industry?: string;
  monthly_spend?: number;
  created_at: number;
  updated_at: number;
  user_count: number;
  custom_attributes: Record<string, unknown>;
}

interface ConversationPart {
  id: string;
  part_type: string;
  body: string | null;
  /** Unix seconds; parts added through the API get the fake's clock. */
  created_at?: number;
  author: { type: string; id: string; name?: string; email?: string };
  assigned_to?: { type: string; id: string } | null;
}

interface Conversation {
  type: 'conversation';
  id: string;
  updated_at: number;
  state: string;
  created_at?: number;
  title?: string | null;
  /** The opening message. */
  source?: { id: string; subject?: string; body: string; author: { type: string; id: string; name?: string; email?: string } };
  /** The contacts the conversation is with (Intercom lists them as `contacts.contacts[]`). */
  contacts?: { type: 'contact'; id: string; external_id?: string | null }[];
}

/** A conversation as Intercom's API shows it: `contacts` as a `contact.list`. */
const publicConversation = ({ contacts, ...c }: Conversation) => ({ ...c, contacts: { type: 'contact.list', contacts: contacts ?? [] } });

const conversationSchema: SearchSchema = { fields: new Set(['id', 'created_at', 'updated_at', 'state', 'open', 'contact_ids']), dateFields: new Set(), customAttributes: new Set() };

/** Intercom's standard attributes as GET /data_attributes lists them: [name, data type, API-writable] (a data file). */
const standardContactAttributes = standardAttributes.contact as [string, string, boolean][];
const standardCompanyAttributes = standardAttributes.company as [string, string, boolean][];

/** What contact search accepts: the standard attributes (the date ones compare as Unix times) and the workspace's custom ones. */
const contactSchema = (customAttributes: ReadonlySet<string>): SearchSchema => ({
  fields: new Set(standardContactAttributes.map(([name]) => name)),
  dateFields: new Set(standardContactAttributes.filter(([, type]) => type === 'date').map(([name]) => name)),
  customAttributes,
});


interface ExportJob {
  job_identifier: string;
  status: 'pending' | 'in_progress' | 'completed' | 'no_data' | 'failed' | 'canceled';
  /** Status checks answered so far. */
  checks: number;
  download_url: string;
  download_expires_at: string;
}

const publicJob = ({ job_identifier, status, download_url, download_expires_at }: ExportJob) => ({ job_identifier, status, download_url, download_expires_at });

/** Intercom REST API 2.x as vendor-apis.md §0.5 describes it (auth, Accept, error.list, 409 conflict, X-RateLimit-*). */
export class IntercomFake extends FakeServer {
  readonly tokens = new Set<string>(['intercom-token']);
  readonly revoked = new Set<string>();
  readonly contacts: Contact[] = [];
  readonly conversations: Conversation[] = [];
  readonly tags: { type: 'tag'; id: string; name: string }[] = [];
  readonly companies: Company[] = [];
  /** contact id → the Intercom ids of its companies. */
  readonly contactCompanies = new Map<string, Set<string>>();
  readonly exportJobs: ExportJob[] = [];
  /** Conversation id → the parts (replies and notes) added through the API. */
  readonly conversationParts = new Map<string, ConversationPart[]>();
  readonly admins = new Set(['991267']);
  /** How many status checks a new export job answers before it completes (then `exportOutcome`). */
  exportChecksBeforeReady = 1;
  exportOutcome: 'completed' | 'no_data' | 'failed' = 'completed';
  exportCsv = 'message_id,conversation_id,user_id,received_at,opened_at\n1,147,u1,1734519776,1734519800\n2,148,u2,1734519777,\n';
  private echoes: number[] = [];
  /** Unix seconds now; a test may pin it (many records in one second, a day boundary). */
  clock = (): number => Math.floor(Date.now() / 1000);

  constructor() {
    const rateHeaders = (): Record<string, string> => ({
      'x-ratelimit-limit': '167',
      'x-ratelimit-remaining': '166',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 10),
    });
    super({
      failures: {
        serverError: () => errorList(500, 'server_error', 'Server Error'),
        rateLimited: (s) =>
          errorList(429, 'rate_limit_exceeded', 'Exceeded rate limit of 167 in 10_seconds', undefined, {
            'x-ratelimit-limit': '167',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000 + s)),
          }),
        unauthorized: () => errorList(401, 'unauthorized', 'Access Token Invalid'),
      },
    });
    const ok = (json: unknown): FakeResponse => ({ status: 200, json, headers: rateHeaders() });
    this.route('GET', '/me', () => ok({ type: 'admin', id: '991267', email: 'admin@example.com', app: { type: 'app', id_code: 'a86dr8yl' } }));
    this.route('POST', '/contacts', (req) => {
      const b = req.body as Record<string, unknown> | undefined;
      if (!b || typeof b !== 'object') return errorList(400, 'parameter_invalid', 'Request body must be a JSON object');
      if (b.email === undefined && b.external_id === undefined && b.role === undefined) {
        return errorList(400, 'parameter_not_found', 'email, external_id or role is required', 'email');
      }
      if (b.email !== undefined && (typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email))) {
        return errorList(400, 'parameter_invalid', 'The email provided is not valid', 'email');
      }
      if (b.role !== undefined && b.role !== 'user' && b.role !== 'lead') return errorList(400, 'parameter_invalid', 'role must be user or lead', 'role');
      const invalid = this.customAttributeProblem(b.custom_attributes, this.contactAttributes);
      if (invalid) return invalid;
      const role = (b.role as string | undefined) ?? 'user';
      const dup = this.contactConflict({ role, email: b.email, external_id: b.external_id });
      if (dup) return dup;
      const now = this.clock();
      const c: Contact = {
        type: 'contact',
        id: randomUUID().replace(/-/g, '').slice(0, 24),
        workspace_id: 'a86dr8yl',
        role,
        email: (b.email as string) ?? null,
        external_id: (b.external_id as string) ?? null,
        name: (b.name as string) ?? null,
        phone: (b.phone as string) ?? null,
        custom_attributes: { ...(b.custom_attributes as Record<string, unknown> | undefined) },
        created_at: now,
        updated_at: now,
      };
      this.contacts.push(c);
      return ok(c);
    });
    this.route('PUT', '/contacts/:id', (req) => {
      const c = this.contacts.find((x) => x.id === req.params.id);
      if (!c) return errorList(404, 'not_found', 'User Not Found');
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (b.email !== undefined && (typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email))) return errorList(400, 'parameter_invalid', 'The email provided is not valid', 'email');
      const invalid = this.customAttributeProblem(b.custom_attributes, this.contactAttributes);
      if (invalid) return invalid;
      const dup = this.contactConflict({ role: c.role, email: b.email, external_id: b.external_id }, c.id);
      if (dup) return dup;
      this.applyContact(c, b);
      return ok(c);
    });
    this.route('DELETE', '/contacts/:id', (req) => {
      const at = this.contacts.findIndex((x) => x.id === req.params.id);
      if (at < 0) return errorList(404, 'not_found', 'User Not Found');
      this.contacts.splice(at, 1);
      return ok({ id: req.params.id, object: 'contact', deleted: true });
    });
    this.route('GET', '/data_attributes', (req) => {
      const model = req.query.get('model');
      if (model !== null && model !== 'contact' && model !== 'company' && model !== 'conversation') return errorList(400, 'parameter_invalid', 'model must be one of contact, company, conversation', 'model');
      const attribute = (m: string, name: string, dataType: string, custom: boolean, apiWritable = true) => ({
        type: 'data_attribute', name, full_name: custom ? `custom_attributes.${name}` : name, label: name, description: '', data_type: dataType, api_writable: apiWritable, ui_writable: apiWritable, custom, archived: false, model: m,
      });
      const contacts = [
        ...standardContactAttributes.map(([name, type, writable]) => attribute('contact', name, type, false, writable)),
        ...[...this.contactAttributes].map((name) => attribute('contact', name, this.contactAttributeTypes[name] ?? 'string', true)),
      ];
      const companies = [
        ...standardCompanyAttributes.map(([name, type, writable]) => attribute('company', name, type, false, writable)),
        ...[...this.companyAttributes].map((name) => attribute('company', name, 'string', true)),
      ];
      const data = model === 'contact' ? contacts : model === 'company' ? companies : model === null ? [...contacts, ...companies] : [];
      return ok({ type: 'list', data });
    });
    this.route('GET', '/contacts/:id', (req) => {
      const c = this.contacts.find((x) => x.id === req.params.id);
      return c ? ok(c) : errorList(404, 'not_found', 'User Not Found');
    });
    this.route('POST', '/contacts/search', (req) => {
      const b = (req.body ?? {}) as { query?: unknown; sort?: { field?: unknown; order?: unknown }; pagination?: { per_page?: unknown; starting_after?: unknown } };
      const schema = contactSchema(this.contactAttributes);
      const bad = queryProblem(b.query, schema);
      if (bad) return errorList(400, 'parameter_invalid', bad[0], bad[1]);
      const perPage = b.pagination?.per_page ?? 50;
      if (typeof perPage !== 'number' || !Number.isInteger(perPage) || perPage < 1 || perPage > 150) return errorList(400, 'parameter_invalid', 'per_page must be between 1 and 150', 'pagination.per_page');
      const sortField = typeof b.sort?.field === 'string' ? b.sort.field : 'created_at';
      if (!schema.fields.has(sortField)) return errorList(400, 'parameter_invalid', `${sortField} is not a sortable field`, 'sort.field');
      if (b.sort?.order !== undefined && b.sort.order !== 'ascending' && b.sort.order !== 'descending') return errorList(400, 'parameter_invalid', 'sort order must be ascending or descending', 'sort.order');
      const after = b.pagination?.starting_after;
      const found = this.contacts.filter((c) => matches(c, b.query, schema));
      const page = searchPage(found, sortField, b.sort?.order === 'descending', perPage, typeof after === 'string' ? after : null);
      if (page === 'bad_cursor') return errorList(400, 'parameter_invalid', 'starting_after is not a valid cursor', 'pagination.starting_after');
      return ok({ type: 'list', ...page });
    });
    this.route('POST', '/messages', (req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (b.message_type !== 'in_app' && b.message_type !== 'email') return errorList(400, 'parameter_invalid', 'message_type must be in_app or email', 'message_type');
      if (typeof b.body !== 'string' || !b.body) return errorList(400, 'parameter_not_found', 'body is required', 'body');
      const from = b.from as { type?: string; id?: unknown } | undefined;
      if (from?.type !== 'admin' || typeof from.id !== 'number') return errorList(400, 'parameter_invalid', 'from must be {type: "admin", id: <integer>}', 'from');
      const to = b.to as { type?: string; id?: unknown } | undefined;
      if ((to?.type !== 'user' && to?.type !== 'lead') || typeof to.id !== 'string') return errorList(400, 'parameter_invalid', 'to must be {type: "user"|"lead", id}', 'to');
      if (b.message_type === 'email') {
        if (typeof b.subject !== 'string') return errorList(422, 'parameter_not_found', 'subject is required for email messages', 'subject');
        if (b.template !== 'plain' && b.template !== 'personal') return errorList(400, 'parameter_invalid', 'template must be plain or personal', 'template');
      }
      return ok({ type: 'admin_message', id: String(400000000 + this.requests.length), created_at: Math.floor(Date.now() / 1000), message_type: b.message_type, conversation_id: '147' });
    });
    this.route('POST', '/conversations/search', (req) => {
      const b = (req.body ?? {}) as { query?: { field?: string; operator?: string; value?: unknown }; pagination?: { per_page?: number; starting_after?: string | null } };
      if (!b.query || typeof b.query !== 'object') return errorList(400, 'parameter_not_found', 'query is required', 'query');
      const bad = firstUnknownField(b.query);
      if (bad) return errorList(400, 'parameter_invalid', `${bad} is not a searchable conversation field`, 'query.field');
      const perPage = b.pagination?.per_page ?? 20;
      if (perPage > 150) return errorList(400, 'parameter_invalid', 'per_page must be at most 150', 'per_page');
      let list = [...this.conversations].sort((a, b) => a.updated_at - b.updated_at || a.id.localeCompare(b.id));
      const q = b.query;
      if (q.field === 'updated_at' && (q.operator === '>' || q.operator === '>=')) list = list.filter((c) => c.updated_at >= Number(q.value));
      else if (q.operator === 'AND' || q.operator === 'OR') {
        // Groups over state, open, updated_at, contact_ids (one of the conversation's contacts).
        const problem = queryProblem(q, conversationSchema);
        if (problem) return errorList(400, 'parameter_invalid', problem[0], problem[1]);
        list = list.filter((c) => matches({ ...c, open: c.state === 'open', contact_ids: c.contacts?.[0]?.id } as unknown as { id: string }, q, conversationSchema));
      }
      const start = b.pagination?.starting_after ? Number(Buffer.from(b.pagination.starting_after, 'base64').toString('utf8')) : 0;
      const page = list.slice(start, start + perPage);
      const nextStart = start + perPage;
      return ok({
        type: 'conversation.list',
        conversations: page.map(publicConversation),
        total_count: list.length,
        pages: {
          type: 'pages',
          page: Math.floor(start / perPage) + 1,
          per_page: perPage,
          total_pages: Math.max(1, Math.ceil(list.length / perPage)),
          ...(nextStart < list.length ? { next: { starting_after: Buffer.from(String(nextStart)).toString('base64') } } : {}),
        },
      });
    });
    this.route('POST', '/tags', (req) => {
      const b = (req.body ?? {}) as { name?: unknown; users?: unknown; companies?: unknown };
      if (typeof b.name !== 'string' || !b.name) return errorList(400, 'parameter_not_found', 'name is required', 'name');
      for (const key of ['users', 'companies'] as const) {
        const v = b[key];
        if (v !== undefined && (!Array.isArray(v) || v.some((x) => !x || typeof (x as { id?: unknown }).id !== 'string'))) {
          return errorList(400, 'parameter_invalid', `${key} must be a list of {id}`, key);
        }
      }
      let t = this.tags.find((x) => x.name === b.name);
      if (!t) this.tags.push((t = { type: 'tag', id: String(17000 + this.tags.length), name: b.name }));
      return ok(t);
    });
    this.route('POST', '/companies', (req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (b.company_id !== undefined && typeof b.company_id !== 'string') return errorList(400, 'parameter_invalid', 'company_id must be a string', 'company_id');
      if (b.size !== undefined && !Number.isInteger(b.size)) return errorList(400, 'parameter_invalid', 'size must be an integer', 'size');
      const attrs = b.custom_attributes as Record<string, unknown> | undefined;
      const invalid = this.customAttributeProblem(attrs, this.companyAttributes);
      if (invalid) return invalid;
      const now = this.clock();
      let c = b.company_id ? this.companies.find((x) => x.company_id === b.company_id) : undefined;
      if (!c) {
        c = { type: 'company', id: randomUUID().replace(/-/g, '').slice(0, 24), company_id: b.company_id ?? randomUUID(), name: null, created_at: now, updated_at: now, user_count: 0, custom_attributes: {} };
        this.companies.push(c);
      }
      this.applyCompany(c, b);
      return ok(c);
    });
    this.route('GET', '/companies', (req) => {
      const companyId = req.query.get('company_id');
      const name = req.query.get('name');
      if (companyId === null && name === null) return errorList(400, 'parameter_not_found', 'company_id or name is required', 'company_id');
      const c = this.companies.find((x) => (companyId !== null ? x.company_id === companyId : x.name === name));
      if (!c) return errorList(404, 'company_not_found', 'Company Not Found');
      return ok({ type: 'list', data: [c], total_count: 1, pages: { type: 'pages', page: 1, per_page: 15, total_pages: 1 } });
    });
    this.route('GET', '/companies/scroll', (req) => {
      const param = req.query.get('scroll_param');
      const open = this.scroll && Date.now() - this.scroll.usedAt < this.scrollIdleMs ? this.scroll : undefined;
      if (param === null) {
        if (open) return errorList(400, 'bad_request', 'scroll already exists for this app');
        // A snapshot of who is there now, in an order that is not updated_at's; each page shows the company as it is when read.
        this.scroll = { param: randomUUID(), ids: [...this.companies].sort((a, b) => a.id.localeCompare(b.id)).map((c) => c.id), next: 0, usedAt: 0 };
      } else if (!open || open.param !== param) return errorList(400, 'parameter_invalid', 'scroll_param is invalid or has expired', 'scroll_param');
      const scroll = this.scroll!;
      const data = scroll.ids.slice(scroll.next, scroll.next + this.scrollPageSize).map((id) => this.companies.find((c) => c.id === id)).filter((c) => c !== undefined);
      scroll.next += this.scrollPageSize;
      scroll.usedAt = Date.now();
      // The end of the scroll: an empty page, and the scroll_param expires.
      if (data.length === 0) this.scroll = undefined;
      return ok({ type: 'list', data, pages: null, total_count: null, scroll_param: scroll.param });
    });
    this.route('GET', '/companies/:id', (req) => {
      const c = this.companies.find((x) => x.id === req.params.id);
      return c ? ok(c) : errorList(404, 'company_not_found', 'Company Not Found');
    });
    this.route('PUT', '/companies/:id', (req) => {
      const c = this.companies.find((x) => x.id === req.params.id);
      if (!c) return errorList(404, 'company_not_found', 'Company Not Found');
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (b.company_id !== undefined && b.company_id !== c.company_id) return errorList(400, 'parameter_invalid', 'company_id cannot be updated', 'company_id');
      if (b.size !== undefined && !Number.isInteger(b.size)) return errorList(400, 'parameter_invalid', 'size must be an integer', 'size');
      const invalid = this.customAttributeProblem(b.custom_attributes, this.companyAttributes);
      if (invalid) return invalid;
      this.applyCompany(c, b);
      return ok(c);
    });
    this.route('POST', '/companies/list', (req) => {
      const page = Number(req.query.get('page') ?? '1');
      const perPage = Number(req.query.get('per_page') ?? '15');
      const order = req.query.get('order') ?? 'desc';
      if (!Number.isInteger(page) || page < 1) return errorList(400, 'parameter_invalid', 'page must be a positive integer', 'page');
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 60) return errorList(400, 'parameter_invalid', 'per_page must be between 1 and 60', 'per_page');
      if (order !== 'asc' && order !== 'desc') return errorList(400, 'parameter_invalid', 'order must be asc or desc', 'order');
      if ((page - 1) * perPage >= 10_000) return errorList(400, 'bad_request', 'Listing is limited to 10,000 companies; use the Scroll API');
      // Intercom leaves companies without users out of list responses.
      const listed = this.companies.filter((c) => c.user_count > 0).sort((a, b) => (order === 'asc' ? 1 : -1) * (a.updated_at - b.updated_at) || a.id.localeCompare(b.id));
      return ok({
        type: 'list',
        data: listed.slice((page - 1) * perPage, page * perPage),
        total_count: listed.length,
        pages: { type: 'pages', page, per_page: perPage, total_pages: Math.max(1, Math.ceil(listed.length / perPage)) },
      });
    });
    this.route('POST', '/contacts/:id/companies', (req) => {
      const id = (req.body as { id?: unknown } | undefined)?.id;
      if (typeof id !== 'string' || !id) return errorList(400, 'parameter_not_found', 'company not specified');
      const company = this.companies.find((c) => c.id === id);
      if (!company) return errorList(404, 'company_not_found', 'Company Not Found');
      const contact = this.contacts.find((c) => c.id === req.params.id);
      if (!contact) return errorList(404, 'not_found', 'User Not Found');
      return ok(this.attach(contact.id, company.id));
    });
    this.route('GET', '/contacts/:id/companies', (req) => {
      const contact = this.contacts.find((c) => c.id === req.params.id);
      if (!contact) return errorList(404, 'not_found', 'User Not Found');
      const data = [...(this.contactCompanies.get(contact.id) ?? [])].map((id) => this.companies.find((c) => c.id === id)).filter((c) => c !== undefined);
      return ok({ type: 'list', data, total_count: data.length, pages: { type: 'pages', page: 1, per_page: 50, total_pages: 1 } });
    });
    this.route('DELETE', '/contacts/:id/companies/:companyId', (req) => {
      const contact = this.contacts.find((c) => c.id === req.params.id);
      if (!contact) return errorList(404, 'not_found', 'User Not Found');
      const company = this.companies.find((c) => c.id === req.params.companyId);
      if (!company || !this.contactCompanies.get(contact.id)?.has(company.id)) return errorList(404, 'company_not_found', 'Company Not Found');
      return ok(this.detach(contact.id, company.id));
    });
    this.route('POST', '/conversations/:id/reply', (req) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (b.message_type !== 'comment' && b.message_type !== 'note' && b.message_type !== 'quick_reply') return errorList(400, 'parameter_invalid', 'message_type must be comment, note or quick_reply', 'message_type');
      if (b.type !== 'admin' && b.type !== 'user') return errorList(400, 'parameter_invalid', 'type must be admin or user', 'type');
      if (b.type === 'admin' && (typeof b.admin_id !== 'string' || !this.admins.has(b.admin_id))) return errorList(400, 'parameter_invalid', 'admin_id must be the id of an admin of this workspace', 'admin_id');
      if (typeof b.body !== 'string' || !b.body) return errorList(400, 'parameter_not_found', 'body is required', 'body');
      const id = req.params.id!;
      if (!/^\d+$/.test(id)) return errorList(404, 'conversation_not_found', 'Conversation not found');
      const parts = this.conversationParts.get(id) ?? [];
      parts.push({ id: String(9000 + parts.length + 1), part_type: b.message_type === 'note' ? 'note' : 'comment', body: `<p>${b.body}</p>`, created_at: this.clock(), author: { type: 'admin', id: b.admin_id as string } });
      this.conversationParts.set(id, parts);
      return ok({ type: 'conversation', id, state: 'open', open: true, conversation_parts: { type: 'conversation_part.list', conversation_parts: parts, total_count: parts.length } });
    });
    this.route('GET', '/conversations/:id', (req) => {
      const c = this.conversations.find((x) => x.id === req.params.id);
      if (!c) return errorList(404, 'not_found', 'Resource Not Found');
      const parts = (this.conversationParts.get(c.id) ?? []).map((p) => ({ type: 'conversation_part', created_at: c.created_at ?? c.updated_at, updated_at: c.updated_at, assigned_to: null, attachments: [], redacted: false, ...p }));
      return ok({
        type: 'conversation',
        id: c.id,
        title: c.title ?? null,
        created_at: c.created_at ?? c.updated_at,
        updated_at: c.updated_at,
        state: c.state,
        open: c.state === 'open',
        source: c.source ? { type: 'conversation', delivered_as: 'customer_initiated', attachments: [], url: null, redacted: false, ...c.source } : null,
        conversation_parts: { type: 'conversation_part.list', conversation_parts: parts, total_count: parts.length },
        contacts: publicConversation(c).contacts,
      });
    });
    this.route('POST', '/export/content/data', (req) => {
      const b = (req.body ?? {}) as { created_at_after?: unknown; created_at_before?: unknown };
      if (typeof b.created_at_after !== 'number') return errorList(400, 'parameter_invalid', 'created_at_after must be a unix timestamp', 'created_at_after');
      if (typeof b.created_at_before !== 'number') return errorList(400, 'parameter_invalid', 'created_at_before must be a unix timestamp', 'created_at_before');
      if (b.created_at_before <= b.created_at_after) return errorList(400, 'parameter_invalid', 'created_at_before must be after created_at_after', 'created_at_before');
      if (this.exportJobs.some((j) => j.status === 'pending' || j.status === 'in_progress')) {
        return errorList(429, 'rate_limit_exceeded', 'Exceeded rate limit of 1 pending message data export jobs', undefined, { 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 60) });
      }
      const job: ExportJob = { job_identifier: randomUUID().replace(/-/g, '').slice(0, 16), status: 'pending', checks: 0, download_url: '', download_expires_at: '' };
      this.exportJobs.push(job);
      return ok(publicJob(job));
    });
    this.route('GET', '/export/content/data/:job', (req) => {
      const job = this.exportJobs.find((j) => j.job_identifier === req.params.job);
      if (!job) return errorList(404, 'not_found', 'Export job not found');
      if (job.status === 'pending' || job.status === 'in_progress') {
        job.checks++;
        job.status = job.checks > this.exportChecksBeforeReady ? this.exportOutcome : 'in_progress';
        if (job.status === 'completed') {
          job.download_url = `https://api.intercom.io/download/content/data/${job.job_identifier}`;
          job.download_expires_at = String(Math.floor(Date.now() / 1000) + 172800);
        }
      }
      return ok(publicJob(job));
    });
    this.route('GET', '/download/content/data/:job', (req) => {
      const job = this.exportJobs.find((j) => j.job_identifier === req.params.job);
      if (!job) return errorList(404, 'not_found', 'Export job not found');
      if (job.status !== 'completed') return errorList(400, 'job_not_completed', `Export job is ${job.status}`);
      return { status: 200, bytes: gzipSync(this.exportCsv), headers: { 'content-type': 'application/octet-stream' } };
    });
  }

  /** Companies a GET /companies/scroll page holds. */
  scrollPageSize = 50;
  /** A scroll not used for this long expires (Intercom: a minute). */
  scrollIdleMs = 60_000;
  /** The workspace's one open scroll (Intercom allows one at a time). */
  private scroll?: { param: string; ids: string[]; next: number; usedAt: number };

  override reset(): void {
    super.reset();
    this.scroll = undefined;
  }

  /** Test-only: a minute passes without the open scroll being used, so its scroll_param expires. */
  expireScroll(): void {
    if (this.scroll) this.scroll.usedAt = -Infinity;
  }

  /** Company custom attributes the workspace has defined (others are refused, as Intercom does). */
  readonly companyAttributes = new Set(['tier', 'seats']);
  /** Contact custom attributes the workspace has defined. */
  readonly contactAttributes = new Set(['plan', 'mrr', 'crm_id', 'vip']);
  /** Data types of contact custom attributes (string, integer, float, boolean, date); unlisted ones are strings. */
  readonly contactAttributeTypes: Record<string, string> = { mrr: 'float', vip: 'boolean' };

  /**
   * Test-only: a person changes a contact or company (by Intercom id) in Intercom's UI — the fields
   * change (custom_attributes merge) and updated_at moves to the clock. Not a request: not counted.
   */
  edit(id: string, fields: Record<string, unknown>): Contact | Company {
    const contact = this.contacts.find((c) => c.id === id);
    if (contact) return this.applyContact(contact, fields);
    const company = this.companies.find((c) => c.id === id);
    if (company) return this.applyCompany(company, fields);
    throw new Error(`IntercomFake.edit: no contact or company ${id}`);
  }

  /** Test-only: the token stops working (401 token_revoked), as when an admin uninstalls the app. */
  revoke(token = 'intercom-token'): this {
    this.revoked.add(token);
    return this;
  }

  /**
   * Test-only: an admin closes a conversation in Intercom's inbox (a `close` part after `parts`,
   * updated_at to the clock), as Intercom does before it sends `conversation.admin.closed`.
   * Returns the notification that webhook would carry. Not a request: not counted.
   */
  closeConversation(id: string, parts: Omit<ConversationPart, 'created_at'>[] = [], adminId = '991267'): Record<string, unknown> {
    const c = this.conversations.find((x) => x.id === id);
    if (!c) throw new Error(`IntercomFake.closeConversation: no conversation ${id}`);
    const list = this.conversationParts.get(id) ?? [];
    const at = this.clock();
    for (const p of parts) list.push({ ...p, created_at: at });
    list.push({ id: String(Number(list.at(-1)?.id ?? 9000) + 1), part_type: 'close', body: null, created_at: at, author: { type: 'admin', id: adminId } });
    this.conversationParts.set(id, list);
    c.state = 'closed';
    c.updated_at = at;
    return { type: 'notification_event', id: `notif_${randomUUID()}`, topic: 'conversation.admin.closed', app_id: 'a86dr8yl', created_at: at, delivery_attempts: 1, first_sent_at: at, data: { type: 'notification_event_data', item: { ...publicConversation(c), conversation_parts: { type: 'conversation_part.list', conversation_parts: list.slice(-1), total_count: list.length } } } };
  }

  /** Test-only: a conversation with its opening message and parts, for transcripts. */
  addConversation(c: Conversation, parts: ConversationPart[] = []): this {
    this.conversations.push(c);
    this.conversationParts.set(c.id, parts);
    return this;
  }

  /** Attaches a contact to a company (both by Intercom id; a test seeds with it too): counted in the company's users, listed on the contact. */
  attach(contactId: string, companyId: string): Company {
    const contact = this.contacts.find((c) => c.id === contactId);
    const company = this.companies.find((c) => c.id === companyId);
    if (!contact || !company) throw new Error(`IntercomFake.attach: no contact ${contactId} or company ${companyId}`);
    const set = this.contactCompanies.get(contact.id) ?? new Set<string>();
    if (!set.has(company.id)) company.user_count++;
    this.listCompanies(contact, set.add(company.id));
    return company;
  }

  /** Detaches a contact from a company it is attached to (a test moves a contact with it too). */
  detach(contactId: string, companyId: string): Company {
    const contact = this.contacts.find((c) => c.id === contactId);
    const company = this.companies.find((c) => c.id === companyId);
    const set = this.contactCompanies.get(contactId);
    if (!contact || !company || !set?.delete(companyId)) throw new Error(`IntercomFake.detach: contact ${contactId} is not attached to company ${companyId}`);
    company.user_count--;
    this.listCompanies(contact, set);
    return company;
  }

  /**
   * Test-only: the notification Intercom sends once a company was attached to or detached from a
   * contact (`attach`, `detach` or the API): a `contact_company` item holding both as they are now.
   * Intercom leaves the contact's `updated_at` as it was, so only this notification tells of it.
   */
  companyContactNotification(topic: 'company.contact.attached' | 'company.contact.detached', contactId: string, companyId: string): string {
    const contact = this.contacts.find((c) => c.id === contactId);
    const company = this.companies.find((c) => c.id === companyId);
    if (!contact || !company) throw new Error(`IntercomFake.companyContactNotification: no contact ${contactId} or company ${companyId}`);
    return intercomNotification(topic, { type: 'contact_company', created_at: this.clock(), contact: { ...contact }, company: { ...company } });
  }

  /** The contact's companies as Intercom lists them on it. */
  private listCompanies(contact: Contact, ids: Set<string>): void {
    this.contactCompanies.set(contact.id, ids);
    const data = [...ids].map((c) => ({ type: 'company' as const, id: c, url: `/companies/${c}` }));
    contact.companies = { type: 'list', data, url: `/contacts/${contact.id}/companies`, total_count: data.length, has_more: false };
  }

  private applyContact(c: Contact, b: Record<string, unknown>): Contact {
    for (const key of ['name', 'email', 'phone', 'external_id', 'owner_id'] as const) if (b[key] !== undefined) (c as unknown as Record<string, unknown>)[key] = b[key];
    if (b.custom_attributes) c.custom_attributes = { ...c.custom_attributes, ...(b.custom_attributes as Record<string, unknown>) };
    c.updated_at = this.clock();
    return c;
  }

  private applyCompany(c: Company, b: Record<string, unknown>): Company {
    for (const key of ['name', 'plan', 'size', 'website', 'industry', 'monthly_spend'] as const) if (b[key] !== undefined) (c as unknown as Record<string, unknown>)[key] = b[key];
    if (b.custom_attributes) Object.assign(c.custom_attributes, b.custom_attributes);
    c.updated_at = this.clock();
    return c;
  }

  /** Intercom's 400 for a custom attribute the workspace has not defined (or a value of the wrong kind). */
  private customAttributeProblem(attrs: unknown, defined: ReadonlySet<string>): FakeResponse | undefined {
    if (attrs === undefined) return undefined;
    if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) return errorList(400, 'parameter_invalid', 'custom_attributes must be an object', 'custom_attributes');
    for (const [name, value] of Object.entries(attrs)) {
      if (!defined.has(name)) return errorList(400, 'parameter_invalid', `Custom attribute '${name}' does not exist`, 'custom_attributes');
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) return errorList(400, 'parameter_invalid', `Custom attribute '${name}' must be a string, number or boolean`, 'custom_attributes');
    }
    return undefined;
  }

  /** 409 when another user has the email (leads may share one), or another contact the external_id. */
  private contactConflict(c: { role: string; email?: unknown; external_id?: unknown }, self?: string): FakeResponse | undefined {
    const dup = this.contacts.find((x) => x.id !== self && ((c.role === 'user' && x.role === 'user' && c.email && x.email === c.email) || (c.external_id && x.external_id === c.external_id)));
    return dup ? errorList(409, 'conflict', `A contact matching those details already exists with id=${dup.id}`) : undefined;
  }

  /**
   * The next request is refused with `status` and an error that quotes the request back, as
   * careless APIs do: a 401 quotes the Authorization header it refused, anything else the whole
   * request (header and body).
   */
  failEchoing(status = 400): this {
    this.echoes.push(status);
    return this;
  }

  private echo(req: FakeRequest): FakeResponse | undefined {
    const status = this.echoes.shift();
    if (status === undefined) return undefined;
    const authorization = req.headers.authorization ?? 'none';
    if (status === 401) return errorList(401, 'unauthorized', `Access Token Invalid (got ${authorization})`);
    return errorList(status, 'parameter_invalid', `Could not process ${req.method} ${req.path} (authorization: ${authorization}): ${req.rawBody}`);
  }

  /** A programmed echoing refusal (`failEchoing`) comes first, as a gateway in front of the API would answer. */
  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    const echoed = this.echo(req);
    if (echoed) return echoed;
    const token = bearerToken(req);
    if (!token) return errorList(401, 'missing_authorization', 'Authorization header is missing or malformed');
    if (this.revoked.has(token)) return errorList(401, 'token_revoked', 'Token revoked');
    if (!this.tokens.has(token)) return errorList(401, 'unauthorized', 'Access Token Invalid');
    // Downloads are the one place that wants octet-stream (Intercom's docs: "Octet header required").
    const accept = req.path.startsWith('/download/') ? 'application/octet-stream' : 'application/json';
    if (!String(req.headers.accept ?? '').includes(accept)) return errorList(406, 'media_type_not_acceptable', `The Accept header should send a media type of ${accept}`);
    return undefined;
  }
}

const searchableFields = new Set(['id', 'created_at', 'updated_at', 'state', 'open', 'read', 'priority', 'source.subject', 'source.author.email', 'contact_ids', 'tag_ids', 'admin_assignee_id', 'team_assignee_id']);

function firstUnknownField(q: unknown): string | undefined {
  const node = q as { field?: unknown; value?: unknown };
  if (typeof node.field === 'string') return searchableFields.has(node.field) ? undefined : node.field;
  if (Array.isArray(node.value)) for (const v of node.value) { const bad = firstUnknownField(v); if (bad) return bad; }
  return undefined;
}
