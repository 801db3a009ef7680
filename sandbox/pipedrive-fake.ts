import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { basicCredentials, bearerToken, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

export type PipedriveEntity = 'person' | 'organization' | 'deal';
export type PipedriveRecord = Record<string, unknown> & { id: number; add_time: string; update_time: string };

const errorInfo = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

/** Pipedrive's error envelope; `code` only where Pipedrive sends one (plan limits). */
const pipedriveError = (status: number, error: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): FakeResponse => ({
  status,
  headers,
  json: { success: false, error, error_info: errorInfo, data: null, additional_data: null, ...extra },
});

/** v2 validation: `Validation failed: <field>: <why>` (the field is named first, as the connector's profile reads it). */
const invalid = (field: string, why: string) => pipedriveError(400, `Validation failed: ${field}: ${why}`, { code: 'ERR_SCHEMA_VALIDATION_FAILED' });

/** 402: the company account is not open (trial over, payment due). */
export const accountNotOpen = (): FakeResponse => pipedriveError(402, 'Company account is not open (possible reason: trial expired)', { errorCode: 402 });
/** 403 with a plan limit code, as the entity-limit refusals carry. */
export const dealsLimitReached = (): FakeResponse => pipedriveError(403, 'You have reached the limit of open deals for your plan', { code: 'feature_capping_deals_limit' });

const collections: Record<string, PipedriveEntity> = { persons: 'person', organizations: 'organization', deals: 'deal' };
const names: Record<PipedriveEntity, string> = { person: 'Person', organization: 'Organization', deal: 'Deal' };

type Check = (v: unknown) => string | undefined;
const isId: Check = (v) => (Number.isInteger(v) && (v as number) > 0 ? undefined : `Expected a positive integer, received ${JSON.stringify(v)}`);
const isText: Check = (v) => (typeof v === 'string' && v.trim() !== '' ? undefined : 'Expected a non-empty string');
const isNumber: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `Expected number, received ${typeof v}`);
const isObject: Check = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? undefined : 'Expected object');
const isIdList: Check = (v) => (Array.isArray(v) && v.every((x) => isId(x) === undefined) ? undefined : 'Expected an array of ids');
const isPoints: Check = (v) =>
  Array.isArray(v) && v.every((p) => p && typeof p === 'object' && typeof (p as { value?: unknown }).value === 'string') ? undefined : 'Expected an array of { value, primary, label }';
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `Expected one of ${values.join(', ')}`;

const shared: Record<string, Check> = { owner_id: isId, visible_to: isNumber, label_ids: isIdList, custom_fields: isObject, add_time: isText, update_time: isText };

/** The v2 request bodies' fields (client-nodejs v2 AddPersonRequest / AddOrganizationRequest / AddDealRequest); v2 rejects any other. */
const writable: Record<PipedriveEntity, Record<string, Check>> = {
  person: { name: isText, org_id: isId, emails: isPoints, phones: isPoints, marketing_status: isText, ...shared },
  organization: { name: isText, address: isObject, ...shared },
  deal: {
    title: isText,
    person_id: isId,
    org_id: isId,
    pipeline_id: isId,
    stage_id: isId,
    value: isNumber,
    currency: isText,
    status: oneOf('open', 'won', 'lost'),
    lost_reason: isText,
    probability: isNumber,
    expected_close_date: isText,
    close_time: isText,
    won_time: isText,
    lost_time: isText,
    is_archived: (v) => (typeof v === 'boolean' ? undefined : 'Expected boolean'),
    ...shared,
  },
};
const required: Record<PipedriveEntity, string> = { person: 'name', organization: 'name', deal: 'title' };

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const seconds = (t: string) => Math.floor(Date.parse(t) / 1000);
const encodeCursor = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** One v1 field definition (GET /api/v1/personFields …), as much of it as the engine reads. */
export interface PipedriveFieldDef {
  key: string;
  name: string;
  field_type: string;
  /** True for custom fields (the user can edit the definition); false for Pipedrive's own. */
  edit_flag: boolean;
  options?: { id: number; label: string }[];
}

const systemField = (key: string, name: string, field_type: string): PipedriveFieldDef => ({ key, name, field_type, edit_flag: false });
const commonFields = [systemField('id', 'ID', 'int'), systemField('owner_id', 'Owner', 'user'), systemField('visible_to', 'Visible to', 'visible_to'), systemField('add_time', 'Created', 'date'), systemField('update_time', 'Update time', 'date')];
/** The system fields of a fresh account (a subset of Pipedrive's: those the fake's records carry, plus counters). */
const defaultFields: Record<PipedriveEntity, PipedriveFieldDef[]> = {
  person: [
    ...commonFields,
    systemField('name', 'Name', 'varchar'),
    systemField('first_name', 'First name', 'varchar'),
    systemField('last_name', 'Last name', 'varchar'),
    systemField('email', 'Email', 'varchar'),
    systemField('phone', 'Phone', 'phone'),
    systemField('org_id', 'Organization', 'org'),
    systemField('open_deals_count', 'Open deals', 'int'),
  ],
  organization: [...commonFields, systemField('name', 'Name', 'varchar'), systemField('address', 'Address', 'address'), systemField('people_count', 'People', 'int')],
  deal: [...commonFields, systemField('title', 'Title', 'varchar'), systemField('value', 'Value', 'monetary'), systemField('currency', 'Currency', 'varchar'), systemField('person_id', 'Contact person', 'people'), systemField('org_id', 'Organization', 'org')],
};
const fieldCollections: Record<string, PipedriveEntity> = { personFields: 'person', organizationFields: 'organization', dealFields: 'deal' };

export interface WebhookTarget {
  url: string;
  user: string;
  password: string;
}

/**
 * Pipedrive (vendor-apis.md §9, API v1 + v2 on one origin): `x-api-token` (or legacy `?api_token=`)
 * or OAuth bearer tokens from `/oauth/token` (client id + secret as HTTP Basic); persons,
 * organizations and deals on v2 with strict validation (unknown fields and wrong types are 400
 * `Validation failed: <field>: …`), RFC 3339 `add_time`/`update_time` at one-second resolution,
 * cursor lists with `updated_since` (inclusive) / `updated_until` / `sort_by` / `sort_direction`
 * (limit ≤ 500) and `ids` (up to 100), custom fields written key by key, person search by email; notes on v1 (added lenient: unknown fields ignored; listed by person, deal or organization). 429 carries
 * `x-ratelimit-*` with `x-ratelimit-reset` in seconds. `edit` changes a record as a person in the
 * app would and sends the webhooks v2 delivery (HTTP Basic) to `webhookTarget`. Not in Pipedrive's
 * docs, so assumed here: the exact wording of v2 validation messages, the 429 body (the usual
 * envelope), and 400 for a reference (`org_id`, `person_id`) to a record that does not exist.
 */
export class PipedriveFake extends FakeServer {
  readonly apiTokens = new Set(['pd-api-token']);
  readonly oauthApp = { clientId: 'pd-client', clientSecret: 'pd-client-secret' };
  /** What the token endpoint answers as `api_domain` (the company's API host). */
  readonly apiDomain = 'https://acme.pipedrive.com';
  readonly accessTokens = new Map<string, number>();
  readonly refreshTokens = new Set(['pd-refresh']);
  readonly records: Record<PipedriveEntity, Map<number, PipedriveRecord>> = { person: new Map(), organization: new Map(), deal: new Map() };
  readonly notes: Record<string, unknown>[] = [];
  /** Field definitions per record type (v1 personFields, organizationFields, dealFields). */
  readonly fields: Record<PipedriveEntity, PipedriveFieldDef[]> = structuredClone(defaultFields);
  /** Webhook deliveries made: topic, the body sent, the receiver's status (or the network error) and answer. */
  readonly deliveries: { topic: string; body: string; status: number | string; answer?: string }[] = [];
  webhookTarget?: WebhookTarget;
  /** The fake's clock (ms); tests pin it to make update_time ties. */
  clock: () => number = () => Date.now();
  private nextId = 1;

  constructor() {
    super({
      failures: {
        serverError: () => pipedriveError(500, 'Internal server error'),
        rateLimited: (s) => pipedriveError(429, 'Request over limit', { errorCode: 429 }, { 'x-ratelimit-limit': '80', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(s) }),
        unauthorized: () => pipedriveError(401, 'unauthorized access', { errorCode: 401 }),
      },
    });
    this.route('POST', '/oauth/token', (req) => this.token(req));
    this.route('GET', '/api/v1/users/me', () => ({ status: 200, json: { success: true, data: { id: 1, name: 'Fake Admin', company_domain: 'acme' } } }));
    this.route('GET', '/api/v2/persons/search', (req) => this.search(req));
    for (const [collection, entity] of Object.entries(collections)) {
      this.route('POST', `/api/v2/${collection}`, (req) => this.write(entity, undefined, req));
      this.route('PATCH', `/api/v2/${collection}/:id`, (req) => this.write(entity, Number(req.params.id), req));
      this.route('GET', `/api/v2/${collection}/:id`, (req) => this.get(entity, Number(req.params.id)));
      this.route('GET', `/api/v2/${collection}`, (req) => this.list(entity, req));
    }
    for (const entity of ['person', 'organization'] as const) this.route('PUT', `/api/v1/${entity}s/:id/merge`, (req) => this.merge(entity, req));
    this.route('POST', '/api/v1/notes', (req) => this.addNote(req));
    this.route('GET', '/api/v1/notes', (req) => this.listNotes(req));
    for (const [collection, entity] of Object.entries(fieldCollections)) this.route('GET', `/api/v1/${collection}`, (req) => this.listFields(entity, req));
  }

  /** A custom field as the app creates it: a 40-hex-digit key, `edit_flag` true; enum/set options get ids. */
  addCustomField(entity: PipedriveEntity, name: string, field_type: string, options?: string[]): PipedriveFieldDef {
    const key = createHash('sha1').update(`${entity}:${name}:${this.fields[entity].length}`).digest('hex');
    const def: PipedriveFieldDef = { key, name, field_type, edit_flag: true, ...(options ? { options: options.map((label, i) => ({ id: i + 1, label })) } : {}) };
    this.fields[entity].push(def);
    return def;
  }

  /** v1 offset pagination: `start` (default 0), `limit` (default 100, at most 500). */
  private listFields(entity: PipedriveEntity, req: FakeRequest): FakeResponse {
    const q = req.query;
    const start = Number(q.get('start') ?? 0);
    const limit = Number(q.get('limit') ?? 100);
    if (!Number.isInteger(start) || start < 0) return pipedriveError(400, 'Invalid start parameter');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return pipedriveError(400, 'Invalid limit parameter');
    const all = this.fields[entity].map((f, i) => ({ id: 9000 + i, order_nr: i, active_flag: true, mandatory_flag: f.key === 'name' || f.key === 'title', bulk_edit_allowed: true, ...f, options: f.options ?? null }));
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return { status: 200, json: { success: true, data: page, additional_data: { pagination: { start, limit, more_items_in_collection: more, ...(more ? { next_start: start + limit } : {}) } } } };
  }

  /** Back to a fresh account: no records, notes or deliveries, the initial tokens, the real clock, no webhook. */
  clear(): void {
    for (const map of Object.values(this.records)) map.clear();
    for (const entity of Object.keys(this.fields) as PipedriveEntity[]) this.fields[entity] = structuredClone(defaultFields[entity]);
    this.notes.length = 0;
    this.deliveries.length = 0;
    this.apiTokens.clear();
    this.apiTokens.add('pd-api-token');
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.refreshTokens.add('pd-refresh');
    this.clock = () => Date.now();
    this.webhookTarget = undefined;
    this.nextId = 1;
  }

  /** Every token stops working (the user revoked the app, or regenerated the API token). */
  revokeTokens(): void {
    this.apiTokens.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** Puts a record in place without an API call (setup for tests); `at` sets both times (ms). */
  seed(entity: PipedriveEntity, fields: Record<string, unknown>, at = this.clock()): PipedriveRecord {
    const record = this.blank(entity, at);
    Object.assign(record, fields);
    this.records[entity].set(record.id, record);
    return record;
  }

  /**
   * A person changes a record in the Pipedrive app: validated like the API, `update_time` bumped,
   * and the v2 `change` webhook sent (awaited) to `webhookTarget` when one is set.
   */
  async edit(entity: PipedriveEntity, id: number, fields: Record<string, unknown>): Promise<PipedriveRecord> {
    const record = this.records[entity].get(id);
    if (!record) throw new Error(`fake: no ${entity} ${id}`);
    const problem = this.validate(entity, fields, false);
    if (problem) throw new Error(`fake: edit refused: ${JSON.stringify(problem.json)}`);
    const previous = this.apply(entity, record, fields);
    await this.notify('change', entity, record, previous, 'app');
    return record;
  }

  /**
   * A person deletes a record in the Pipedrive app: marked `is_deleted` (gone from lists, searches
   * and `ids` reads) and the v2 `delete` webhook sent (awaited): `data` null, `previous` the record as
   * it was.
   */
  async remove(entity: PipedriveEntity, id: number): Promise<void> {
    const record = this.records[entity].get(id);
    if (!record || record.is_deleted) throw new Error(`fake: no ${entity} ${id}`);
    const previous = { ...record };
    Object.assign(record, { is_deleted: true, update_time: rfc3339(this.clock()) });
    await this.notify('delete', entity, null, previous, 'app');
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    if (req.path === '/oauth/token') return undefined;
    const apiToken = req.headers['x-api-token'] ?? req.query.get('api_token') ?? undefined;
    if (typeof apiToken === 'string' && this.apiTokens.has(apiToken)) return undefined;
    const bearer = bearerToken(req);
    const expires = bearer ? this.accessTokens.get(bearer) : undefined;
    if (expires !== undefined && expires > Date.now()) return undefined;
    return pipedriveError(401, 'unauthorized access', { errorCode: 401 });
  }

  private token(req: FakeRequest): FakeResponse {
    const client = basicCredentials(req);
    if (client?.user !== this.oauthApp.clientId || client.password !== this.oauthApp.clientSecret) return { status: 401, json: { success: false, message: 'Invalid client credentials' } };
    const form = Object.fromEntries(new URLSearchParams(req.rawBody));
    if (form.grant_type !== 'refresh_token') return { status: 400, json: { error: 'unsupported_grant_type', error_description: `grant_type ${form.grant_type} is not supported here` } };
    if (!form.refresh_token || !this.refreshTokens.has(form.refresh_token)) return { status: 400, json: { error: 'invalid_grant', error_description: 'Invalid refresh token' } };
    const accessToken = `v1u:${randomBytes(12).toString('hex')}`;
    this.accessTokens.set(accessToken, Date.now() + 3600_000);
    return { status: 200, json: { access_token: accessToken, token_type: 'Bearer', refresh_token: form.refresh_token, scope: 'base,deals:full,contacts:full', expires_in: 3599, api_domain: this.apiDomain } };
  }

  private blank(entity: PipedriveEntity, at: number): PipedriveRecord {
    const t = rfc3339(at);
    const common = { id: this.nextId++, add_time: t, update_time: t, owner_id: 1, visible_to: 3, label_ids: [], custom_fields: {}, is_deleted: false };
    if (entity === 'person') return { ...common, name: '', org_id: null, emails: [], phones: [] };
    if (entity === 'organization') return { ...common, name: '', address: null };
    return { ...common, title: '', person_id: null, org_id: null, pipeline_id: 1, stage_id: 1, value: 0, currency: 'USD', status: 'open', probability: null, lost_reason: null, close_time: null, won_time: null, lost_time: null, expected_close_date: null };
  }

  /** The first problem with a v2 body, as Pipedrive answers it; undefined when it is valid. */
  private validate(entity: PipedriveEntity, body: unknown, creating: boolean): FakeResponse | undefined {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid('body', 'Expected object');
    const fields = body as Record<string, unknown>;
    for (const [field, value] of Object.entries(fields)) {
      const check = writable[entity][field];
      if (!check) return invalid(field, 'Unrecognized key');
      const why = check(value);
      if (why) return invalid(field, why);
    }
    if (creating && fields[required[entity]] === undefined) return invalid(required[entity], 'Required');
    for (const [field, target] of [['org_id', 'organization'], ['person_id', 'person']] as const) {
      if (fields[field] !== undefined && !this.records[target].has(fields[field] as number)) return invalid(field, `${names[target]} with id ${String(fields[field])} not found`);
    }
    return undefined;
  }

  /** Applies fields, bumps update_time, keeps a deal's won/lost/close times in step with its status; returns the changed fields' old values. */
  private apply(entity: PipedriveEntity, record: PipedriveRecord, fields: Record<string, unknown>): Record<string, unknown> {
    const now = rfc3339(this.clock());
    const previous: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) if (JSON.stringify(record[k]) !== JSON.stringify(v)) previous[k] = record[k];
    // custom_fields is merged key by key: a write names only the custom fields it changes.
    Object.assign(record, fields, fields.custom_fields ? { custom_fields: { ...(record.custom_fields as Record<string, unknown>), ...(fields.custom_fields as Record<string, unknown>) } } : {});
    if (entity === 'deal' && 'status' in previous) {
      record.won_time = record.status === 'won' ? now : null;
      record.lost_time = record.status === 'lost' ? now : null;
      record.close_time = record.status === 'open' ? null : now;
    }
    record.update_time = now;
    return previous;
  }

  private write(entity: PipedriveEntity, id: number | undefined, req: FakeRequest): FakeResponse {
    if (req.bodyError) return invalid('body', 'Invalid JSON');
    const existing = id === undefined ? undefined : this.records[entity].get(id);
    if (id !== undefined && !existing) return pipedriveError(404, `${names[entity]} not found`);
    const problem = this.validate(entity, req.body, id === undefined);
    if (problem) return problem;
    const record = existing ?? this.blank(entity, this.clock());
    const previous = this.apply(entity, record, req.body as Record<string, unknown>);
    this.records[entity].set(record.id, record);
    void this.notify(existing ? 'change' : 'create', entity, record, existing ? previous : null, 'api');
    return { status: existing ? 200 : 201, json: { success: true, data: record } };
  }

  private get(entity: PipedriveEntity, id: number): FakeResponse {
    const record = this.records[entity].get(id);
    return record ? { status: 200, json: { success: true, data: record } } : pipedriveError(404, `${names[entity]} not found`);
  }

  private list(entity: PipedriveEntity, req: FakeRequest): FakeResponse {
    const q = req.query;
    const limit = Number(q.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return invalid('limit', 'Expected an integer between 1 and 500');
    const sortBy = q.get('sort_by') ?? 'id';
    if (!['id', 'update_time', 'add_time'].includes(sortBy)) return invalid('sort_by', 'Expected one of id, update_time, add_time');
    const direction = q.get('sort_direction') ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') return invalid('sort_direction', 'Expected one of asc, desc');
    const bounds: Record<string, number | undefined> = {};
    for (const name of ['updated_since', 'updated_until']) {
      const v = q.get(name);
      if (v === null) continue;
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return invalid(name, 'Expected RFC 3339 date-time, e.g. 2025-01-01T10:20:00Z');
      bounds[name] = seconds(v);
    }
    const idsParam = q.get('ids');
    const ids = idsParam === null ? undefined : new Set(idsParam.split(',').map(Number));
    if (ids && (ids.size > 100 || [...ids].some((id) => !Number.isInteger(id) || id < 1))) return invalid('ids', 'Expected up to 100 comma-separated positive integers');
    const key = (r: PipedriveRecord): [number, number] => [sortBy === 'id' ? r.id : seconds(r[sortBy] as string), r.id];
    const sign = direction === 'asc' ? 1 : -1;
    const compare = (a: [number, number], b: [number, number]) => sign * (a[0] - b[0] || a[1] - b[1]);
    let rows = [...this.records[entity].values()]
      .filter((r) => !r.is_deleted && (!ids || ids.has(r.id)))
      .filter((r) => bounds.updated_since === undefined || seconds(r.update_time) >= bounds.updated_since)
      .filter((r) => bounds.updated_until === undefined || seconds(r.update_time) < bounds.updated_until)
      .sort((a, b) => compare(key(a), key(b)));
    const cursor = q.get('cursor');
    if (cursor) {
      let after: [number, number];
      try {
        after = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [number, number];
      } catch {
        return invalid('cursor', 'Invalid cursor');
      }
      rows = rows.filter((r) => compare(key(r), after) > 0);
    }
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? encodeCursor(key(page.at(-1)!)) : null;
    return { status: 200, json: { success: true, data: page, additional_data: { next_cursor: next } } };
  }

  private search(req: FakeRequest): FakeResponse {
    const term = req.query.get('term');
    const exact = req.query.get('exact_match') === 'true';
    if (!term || term.length < (exact ? 1 : 2)) return invalid('term', `Must be at least ${exact ? 1 : 2} characters`);
    const fields = (req.query.get('fields') ?? 'name,email,phone,notes,custom_fields').split(',');
    const unknown = fields.find((f) => !['name', 'email', 'phone', 'notes', 'custom_fields'].includes(f));
    if (unknown) return invalid('fields', `Unknown search field ${unknown}`);
    const matches = (s: unknown) => typeof s === 'string' && (exact ? s.toLowerCase() === term.toLowerCase() : s.toLowerCase().includes(term.toLowerCase()));
    const values = (r: PipedriveRecord, key: string) => ((r[key] as { value: string }[] | undefined) ?? []).map((p) => p.value);
    const hits = [...this.records.person.values()].filter(
      (r) => !r.is_deleted && ((fields.includes('email') && values(r, 'emails').some(matches)) || (fields.includes('name') && matches(r.name)) || (fields.includes('phone') && values(r, 'phones').some(matches))),
    );
    const items = hits.slice(0, Number(req.query.get('limit') ?? 100)).map((r) => {
      const org = typeof r.org_id === 'number' ? this.records.organization.get(r.org_id) : undefined;
      return {
        result_score: exact ? 1 : 0.5,
        item: { id: r.id, type: 'person', name: r.name, phones: values(r, 'phones'), emails: values(r, 'emails'), visible_to: r.visible_to, owner: { id: r.owner_id }, organization: org ? { id: org.id, name: org.name, address: null } : null, custom_fields: [], notes: [] },
      };
    });
    return { status: 200, json: { success: true, data: { items }, additional_data: { next_cursor: null } } };
  }

  /**
   * v1 PUT /persons/{id}/merge and /organizations/{id}/merge `{merge_with_id}` (Pipedrive API
   * reference "Merge two persons", tutorial "Merging two persons"): the record in the path is
   * merged away (gone from lists, search and reads), the `merge_with_id` one is kept; its values win
   * a conflict, its empty fields are filled from the other, emails and phones are combined and the
   * notes move over. Answers the kept record with `merge_what_id`. Not in the docs, so assumed
   * here: an unknown id is 404 `<Entity> not found`, a record merged with itself is 400.
   */
  private merge(entity: 'person' | 'organization', req: FakeRequest): FakeResponse {
    const id = Number(req.params.id);
    const withId = (req.body as { merge_with_id?: unknown } | undefined)?.merge_with_id;
    const why = isId(withId);
    if (why) return pipedriveError(400, `merge_with_id: ${why}`);
    const [gone, kept] = [this.records[entity].get(id), this.records[entity].get(withId as number)];
    if (!gone || !kept || gone.is_deleted || kept.is_deleted) return pipedriveError(404, `${names[entity]} not found`);
    if (gone === kept) return pipedriveError(400, `${names[entity]} cannot be merged with itself`);
    const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(gone)) if (!['id', 'add_time', 'update_time'].includes(k) && empty(kept[k]) && !empty(v)) fields[k] = v;
    for (const list of ['emails', 'phones']) {
      const mine = (kept[list] as { value: string }[] | undefined) ?? [];
      const theirs = ((gone[list] as { value: string }[] | undefined) ?? []).filter((p) => !mine.some((m) => m.value.toLowerCase() === p.value.toLowerCase()));
      if (mine.length > 0 && theirs.length > 0) fields[list] = [...mine, ...theirs.map((p) => ({ ...p, primary: false }))];
    }
    fields.custom_fields = { ...Object.fromEntries(Object.entries(gone.custom_fields as Record<string, unknown>).filter(([, v]) => !empty(v))), ...Object.fromEntries(Object.entries(kept.custom_fields as Record<string, unknown>).filter(([, v]) => !empty(v))) };
    this.apply(entity, kept, fields);
    this.records[entity].delete(id);
    const ref = entity === 'person' ? 'person_id' : 'org_id';
    for (const note of this.notes) if (note[ref] === id) note[ref] = kept.id;
    return { status: 200, json: { success: true, data: { ...kept, merge_what_id: id } } };
  }

  /** v1 "Get all notes": filtered by `person_id`, `deal_id` or `org_id`; `sort` by `add_time` or `id`, ASC or DESC; offset paging. */
  private listNotes(req: FakeRequest): FakeResponse {
    const q = req.query;
    const start = Number(q.get('start') ?? 0);
    const limit = Number(q.get('limit') ?? 100);
    if (!Number.isInteger(start) || start < 0) return pipedriveError(400, 'Invalid start parameter');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return pipedriveError(400, 'Invalid limit parameter');
    const [key = 'id', dir = 'ASC'] = (q.get('sort') ?? 'id ASC').split(' ');
    if (!['id', 'add_time'].includes(key) || !['ASC', 'DESC'].includes(dir)) return pipedriveError(400, `Invalid sort parameter: ${q.get('sort')}`);
    const wanted = (['person_id', 'deal_id', 'org_id'] as const).filter((f) => q.get(f) !== null);
    const order = (n: Record<string, unknown>) => `${key === 'add_time' ? String(n.add_time) : ''}${String(n.id).padStart(12, '0')}`;
    const all = this.notes.filter((n) => wanted.every((f) => String(n[f]) === q.get(f))).sort((a, b) => (order(a) < order(b) ? -1 : 1) * (dir === 'DESC' ? -1 : 1));
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return { status: 200, json: { success: true, data: page.length > 0 ? page : null, additional_data: { pagination: { start, limit, more_items_in_collection: more, ...(more ? { next_start: start + limit } : {}) } } } };
  }

  /** v1: lenient about unknown fields; `content` and one attachment are required, attachments must exist. */
  private addNote(req: FakeRequest): FakeResponse {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.content !== 'string' || !b.content.trim()) return invalid('content', 'Required');
    const targets = [['person_id', 'person'], ['deal_id', 'deal'], ['org_id', 'organization']] as const;
    if (!targets.some(([f]) => b[f] !== undefined) && b.lead_id === undefined) return pipedriveError(400, 'Note needs to be attached to a deal, person, organization, lead or project');
    for (const [field, entity] of targets) {
      if (b[field] !== undefined && !this.records[entity].has(b[field] as number)) return invalid(field, `${names[entity]} with id ${String(b[field])} not found`);
    }
    const now = new Date(this.clock()).toISOString().replace('T', ' ').slice(0, 19);
    const note = { id: this.nextId++, content: b.content, person_id: b.person_id ?? null, deal_id: b.deal_id ?? null, org_id: b.org_id ?? null, add_time: now, update_time: now, active_flag: true };
    this.notes.push(note);
    return { status: 201, json: { success: true, data: note } };
  }

  /** The webhooks v2 delivery: `meta` (action, entity, ids, attempt), `data` and `previous`, HTTP Basic to the target. */
  private async notify(action: 'create' | 'change' | 'delete', entity: PipedriveEntity, record: PipedriveRecord | null, previous: Record<string, unknown> | null, source: 'app' | 'api'): Promise<void> {
    const target = this.webhookTarget;
    if (!target) return;
    const topic = `${entity}.${action}`;
    const meta = {
      action,
      entity,
      entity_id: String(record?.id ?? previous?.id),
      id: randomUUID(),
      correlation_id: randomUUID(),
      company_id: '12882925',
      user_id: '18487521',
      is_bulk_edit: false,
      timestamp: new Date(this.clock()).toISOString(),
      type: 'general',
      version: '2.0',
      webhook_id: '99',
      webhook_owner_id: '18487521',
      change_source: source,
      attempt: 1,
      host: 'acme.pipedrive.com',
    };
    const body = JSON.stringify({ meta, data: record && { ...record }, previous });
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${target.user}:${target.password}`).toString('base64')}`, 'user-agent': 'Pipedrive Webhooks' },
        body,
      });
      this.deliveries.push({ topic, body, status: res.status, answer: await res.text() });
    } catch (err) {
      this.deliveries.push({ topic, body, status: String(err) });
    }
  }
}
