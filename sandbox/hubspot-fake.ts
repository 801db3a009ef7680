import { randomBytes } from 'node:crypto';
import { signHubSpotV3 } from '../connectors/sdk/signatures/hubspot-signature';
import { bearerToken, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';
import {
  associationFilter,
  defaultProperties,
  defaultReturned,
  hubspotError,
  matchesFilter,
  modifiedProperty,
  presentValue,
  propertyProblems,
  propertyProblemsResponse,
  searchProblem,
  sortRecords,
  storedValue,
  type FakeObjectType,
  type FakeRecord,
  type Filter,
  type PropertyDef,
} from './hubspot-fake-crm';

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

const crmTypes = new Set<FakeObjectType>(['contacts', 'companies', 'deals', 'notes']);
/** HubSpot-defined default association type ids (associations v4), both directions. */
const defaultAssociation: Record<string, number> = {
  'contacts/companies': 1,
  'companies/contacts': 2,
  'deals/contacts': 3,
  'contacts/deals': 4,
  'deals/companies': 5,
  'companies/deals': 6,
};
/** Association type ids from a note, and what they point at. */
const noteAssociation: Record<number, FakeObjectType> = { 202: 'contacts', 190: 'companies', 214: 'deals' };
/** The same associations read from the other end (contact → note 201, company → note 189, deal → note 213). */
const toNote: Record<number, number> = { 202: 201, 190: 189, 214: 213 };
const singular: Record<FakeObjectType, string> = { contacts: 'contact', companies: 'company', deals: 'deal', notes: 'note' };

/** The parts of HubSpot's property JSON the fake does not model: the same for every property. */
const unmodelledPropertyParts = { groupName: 'contactinformation', description: '', hidden: false, calculated: false, externalOptions: false };

const unauthenticated = () =>
  hubspotError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview');
const rateLimitMessage: Record<RateLimitPolicy, string> = {
  TEN_SECONDLY_ROLLING: 'You have reached your ten_secondly_rolling limit.',
  SECONDLY: 'You have reached your secondly limit.',
  DAILY: 'You have reached your daily limit.',
};

/** A batch call's `inputs` (1 to 100), or the 400 HubSpot answers. */
function batchInputs<T>(req: FakeRequest): T[] | FakeResponse {
  const inputs = ((req.body ?? {}) as { inputs?: T[] }).inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) return hubspotError(400, 'VALIDATION_ERROR', 'inputs is required');
  if (inputs.length > 100) return hubspotError(400, 'VALIDATION_ERROR', `Batch input has ${inputs.length} inputs; the limit is 100`);
  return inputs;
}

/** A refused input inside a batch answer: the single-record error's category and message, and which input it is about. */
function batchError(problem: FakeResponse, context: Record<string, string[]>) {
  const body = problem.json as { category: string; message: string; errors?: unknown[] };
  return { status: 'error', category: body.category, message: body.message, context, ...(body.errors ? { errors: body.errors } : {}) };
}

/** The batch envelope: `okStatus` when every input succeeded, 207 multi-status with `errors` and `numErrors` otherwise. */
function batchAnswer(startedAt: string, results: unknown[], errors: unknown[], okStatus: number): FakeResponse {
  const json = { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString(), ...(errors.length ? { numErrors: errors.length, errors } : {}) };
  return { status: errors.length ? 207 : okStatus, json };
}

export interface Association {
  fromType: FakeObjectType;
  fromId: string;
  toType: FakeObjectType;
  toId: string;
  typeId: number;
}

/**
 * HubSpot CRM v3/v4 (vendor-apis.md §8), stateful: records with create/modified times, property
 * validation (unknown → PROPERTY_DOESNT_EXIST), a contact needs email/firstname/lastname, unique
 * email (409), search with filter groups (and `associations.<object>` filters), one sort, `after` paging and the 10,000 ceiling (400
 * past it), batch read/create/update/upsert (200/201/207), v4 default associations (a contact's
 * primary company is its `associatedcompanyid`, kept in step with them), notes, property definitions, private
 * app and OAuth tokens (refresh, expiry, revocation), 429s by policy, and `edit`, which changes a
 * record as a person in HubSpot would and delivers the signed v3 webhook.
 */
export class HubSpotFake extends FakeServer {
  readonly app = { clientId: 'hubspot-client-id', clientSecret: 'hubspot-client-secret', appId: 4210, portalId: 62515 };
  /** Access token → expiry (ms; Infinity for private-app tokens). */
  readonly tokens = new Map<string, number>([['pat-na1-fake', Infinity]]);
  readonly refreshTokens = new Set(['hubspot-refresh']);
  readonly properties: Record<FakeObjectType, PropertyDef[]> = structuredClone(defaultProperties);
  readonly records: Record<FakeObjectType, Map<string, FakeRecord>> = { contacts: new Map(), companies: new Map(), deals: new Map(), notes: new Map() };
  readonly associations: Association[] = [];
  /** Ids merged away → the id of the record they were merged into (reads by an old id return it). */
  readonly mergedIds: Record<FakeObjectType, Map<string, string>> = { contacts: new Map(), companies: new Map(), deals: new Map(), notes: new Map() };
  /** Where `edit` and `deliver` post webhooks (the engine's `/hooks/<connection>` URL). */
  webhookUrl?: string;
  /** Results one search query can reach (HubSpot: 10,000). */
  searchCeiling = 10_000;
  /**
   * How long a new record takes to be found by search (HubSpot indexes asynchronously: search is
   * eventually consistent); reads by id and association lists see it at once.
   */
  searchLagMs = 0;
  /** When each record was created (real time), for `searchLagMs`. */
  private readonly createdAtMs = new WeakMap<FakeRecord, number>();
  /** The fake's clock for create and modified times (tests pin it to make ties). */
  clock: () => number = () => Date.now();
  private nextId = 101;
  private nextEventId = 1000;

  constructor() {
    super({
      forms: true,
      failures: {
        serverError: () => hubspotError(502, 'INTERNAL_ERROR', 'internal error'),
        rateLimited: (seconds) => this.rateLimitResponse('TEN_SECONDLY_ROLLING', seconds * 1000),
        unauthorized: unauthenticated,
      },
    });
    this.route('POST', '/oauth/v1/token', (req) => this.token(req));
    this.route('POST', '/crm/v3/objects/:type', (req) => this.typed(req, (t) => this.create(t, req)));
    this.route('PATCH', '/crm/v3/objects/:type/:id', (req) => this.typed(req, (t) => this.update(t, req)));
    this.route('POST', '/crm/v3/objects/:type/batch/upsert', (req) => this.typed(req, (t) => this.batchUpsert(t, req)));
    this.route('POST', '/crm/v3/objects/:type/batch/read', (req) => this.typed(req, (t) => this.batchRead(t, req)));
    this.route('POST', '/crm/v3/objects/:type/batch/create', (req) => this.typed(req, (t) => this.batchCreate(t, req)));
    this.route('POST', '/crm/v3/objects/:type/batch/update', (req) => this.typed(req, (t) => this.batchUpdate(t, req)));
    this.route('POST', '/crm/v3/objects/:type/search', (req) => this.typed(req, (t) => this.search(t, req)));
    this.route('POST', '/crm/v3/objects/:type/merge', (req) => this.typed(req, (t) => this.merge(t, req)));
    this.route('GET', '/crm/v3/properties/:type', (req) => this.typed(req, (t) => ({ status: 200, json: { results: this.properties[t].map((d) => this.propertyJson(d)) } })));
    this.route('GET', '/crm/v3/properties/:type/:name', (req) =>
      this.typed(req, (t) => {
        const def = this.properties[t].find((d) => d.name === req.params.name);
        return def ? { status: 200, json: this.propertyJson(def) } : hubspotError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${req.params.name}`);
      }),
    );
    this.route('PUT', '/crm/v4/objects/:from/:fromId/associations/default/:to/:toId', (req) => this.associate(req));
    this.route('GET', '/crm/v4/objects/:from/:fromId/associations/:to', (req) => this.associationsOf(req));
  }

  // ---- test controls -------------------------------------------------------------------------

  /** The next `times` calls answer 429 with this policy (the interval header for the rolling windows). */
  rateLimit(policy: RateLimitPolicy, times = 1, intervalMs = policy === 'SECONDLY' ? 1_000 : 10_000): this {
    return this.fail({ kind: 'respond', response: this.rateLimitResponse(policy, intervalMs) }, times);
  }

  /** The token is revoked (the app was uninstalled or the private-app token rotated): 401 from now on. */
  revokeToken(token: string): this {
    this.tokens.delete(token);
    this.refreshTokens.delete(token);
    return this;
  }

  /** Forgets every record and association; ids start again at 101. */
  clear(): this {
    for (const map of Object.values(this.records)) map.clear();
    for (const map of Object.values(this.mergedIds)) map.clear();
    this.associations.length = 0;
    this.nextId = 101;
    return this;
  }

  /** Stores records directly (cheap bulk seeding), with the given modified time per index. */
  seed(type: FakeObjectType, count: number, make: (i: number) => { properties: Record<string, string>; at?: number }): FakeRecord[] {
    const out: FakeRecord[] = [];
    for (let i = 0; i < count; i++) {
      const { properties, at } = make(i);
      out.push(this.store(type, properties, at ?? this.clock()));
    }
    return out;
  }

  find(type: FakeObjectType, property: string, value: string): FakeRecord | undefined {
    return [...this.records[type].values()].find((r) => r.properties[property]?.toLowerCase() === value.toLowerCase());
  }

  /**
   * Changes a record as a person in HubSpot would (the modified time moves on) and, when
   * `webhookUrl` is set, delivers one signed POST with a `<object>.propertyChange` event per
   * changed property. Resolves with the delivery's status (undefined without a webhook URL).
   */
  async edit(type: FakeObjectType, id: string, fields: Record<string, string>): Promise<number | undefined> {
    const record = this.records[type].get(id);
    if (!record) throw new Error(`fake: no ${type} ${id}`);
    const at = Math.max(this.clock(), record.updatedAt + 1);
    Object.assign(record.properties, fields, { [modifiedProperty(type)]: String(at) });
    record.updatedAt = at;
    const events = Object.entries(fields).map(([propertyName, propertyValue]) => this.event(`${singular[type]}.propertyChange`, id, at, { propertyName, propertyValue, changeSource: 'CRM_UI', sourceId: 'userId:1234567' }));
    return this.webhookUrl ? (await this.deliver(events)).status : undefined;
  }

  /**
   * A person deletes a record in HubSpot: it is gone from reads and searches (with its associations)
   * and, when `webhookUrl` is set, the signed `<object>.deletion` event is delivered. Resolves with
   * the delivery's status.
   */
  async remove(type: FakeObjectType, id: string): Promise<number | undefined> {
    this.forget(type, id);
    const event = this.event(`${singular[type]}.deletion`, id, this.clock(), { changeSource: 'CRM_UI', sourceId: 'userId:1234567' });
    return this.webhookUrl ? (await this.deliver([event])).status : undefined;
  }

  private forget(type: FakeObjectType, id: string): void {
    if (!this.records[type].delete(id)) throw new Error(`fake: no ${type} ${id}`);
    for (let i = this.associations.length - 1; i >= 0; i--) {
      const a = this.associations[i]!;
      if ((a.fromType === type && a.fromId === id) || (a.toType === type && a.toId === id)) this.associations.splice(i, 1);
    }
  }

  /** One webhook event as HubSpot sends it (a batch is an array of these). */
  event(subscriptionType: string, objectId: string, occurredAt: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { eventId: this.nextEventId++, subscriptionId: 771, portalId: this.app.portalId, appId: this.app.appId, occurredAt, subscriptionType, attemptNumber: 0, objectId: Number(objectId), ...extra };
  }

  /** POSTs `events` as one batch to `webhookUrl`, signed v3 with the app secret (or the options' overrides). */
  async deliver(events: unknown[], opts: { secret?: string; timestamp?: number; signedUrl?: string; body?: string } = {}): Promise<Response> {
    if (!this.webhookUrl) throw new Error('fake: set webhookUrl first');
    const body = opts.body ?? JSON.stringify(events);
    const ts = opts.timestamp ?? Date.now();
    const signature = signHubSpotV3(opts.secret ?? this.app.clientSecret, 'POST', opts.signedUrl ?? this.webhookUrl, JSON.stringify(events), ts);
    return fetch(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(ts), 'x-hubspot-signature-version': 'v3' },
      body,
    });
  }

  // ---- vendor behaviour ------------------------------------------------------------------------

  private rateLimitResponse(policy: RateLimitPolicy, intervalMs: number): FakeResponse {
    const headers: Record<string, string> =
      policy === 'DAILY'
        ? { 'x-hubspot-ratelimit-daily': '250000', 'x-hubspot-ratelimit-daily-remaining': '0' }
        : { 'x-hubspot-ratelimit-max': policy === 'SECONDLY' ? '5' : '100', 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': String(intervalMs) };
    return hubspotError(429, 'RATE_LIMITS', rateLimitMessage[policy], { errorType: 'RATE_LIMIT', policyName: policy, groupName: `publicapi:${policy.toLowerCase()}` }, headers);
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    if (req.path === '/oauth/v1/token') return undefined;
    const token = bearerToken(req);
    const expires = token ? this.tokens.get(token) : undefined;
    if (expires === undefined) return unauthenticated();
    if (expires < Date.now()) return hubspotError(401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired 1 minute(s) ago.');
    if (req.body !== undefined && !String(req.headers['content-type'] ?? '').includes('application/json')) return hubspotError(415, 'VALIDATION_ERROR', 'Unsupported Media Type');
    if (req.bodyError) return hubspotError(400, 'VALIDATION_ERROR', `Invalid input JSON on line 1: ${req.bodyError}`);
    return undefined;
  }

  /** POST /oauth/v1/token, refresh_token grant: 30-minute access tokens. */
  private token(req: FakeRequest): FakeResponse {
    const b = (req.body ?? {}) as Record<string, string>;
    if (b.grant_type !== 'refresh_token') return { status: 400, json: { status: 'BAD_GRANT_TYPE', message: `unsupported grant_type ${b.grant_type}` } };
    if (b.client_id !== this.app.clientId || b.client_secret !== this.app.clientSecret) return { status: 400, json: { status: 'BAD_CLIENT_ID', message: 'missing or invalid client_id / client_secret' } };
    if (!b.refresh_token || !this.refreshTokens.has(b.refresh_token)) return { status: 400, json: { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token' } };
    const token = `oauth-${randomBytes(8).toString('hex')}`;
    this.tokens.set(token, Date.now() + 1800_000);
    return { status: 200, json: { token_type: 'bearer', access_token: token, refresh_token: b.refresh_token, expires_in: 1800 } };
  }

  private typed(req: FakeRequest, handle: (type: FakeObjectType) => FakeResponse): FakeResponse {
    const type = req.params.type as FakeObjectType;
    if (!crmTypes.has(type)) return hubspotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${req.params.type}`);
    return handle(type);
  }

  private store(type: FakeObjectType, values: Record<string, unknown>, at: number): FakeRecord {
    const id = String(this.nextId++);
    const properties: Record<string, string> = { hs_object_id: id, createdate: String(at), [modifiedProperty(type)]: String(at) };
    for (const [k, v] of Object.entries(values)) properties[k] = storedValue(this.def(type, k), v);
    const record = { id, properties, createdAt: at, updatedAt: at };
    this.records[type].set(id, record);
    this.createdAtMs.set(record, Date.now());
    this.primaryCompany(type, record);
    return record;
  }

  /** A contact's `associatedcompanyid` names its primary company: the contact ↔ company association follows it. */
  private primaryCompany(type: FakeObjectType, record: FakeRecord): void {
    const company = type === 'contacts' ? record.properties.associatedcompanyid : undefined;
    if (company && this.records.companies.has(company)) this.link('contacts', record.id, 'companies', company);
  }

  /** Adds the association both ways (default types), once. */
  private link(from: FakeObjectType, fromId: string, to: FakeObjectType, toId: string): { typeId: number; inverse: number } {
    const typeId = defaultAssociation[`${from}/${to}`]!;
    const inverse = defaultAssociation[`${to}/${from}`]!;
    const exists = (a: Association) => a.fromType === from && a.fromId === fromId && a.toType === to && a.toId === toId;
    if (!this.associations.some(exists)) this.associations.push({ fromType: from, fromId, toType: to, toId, typeId }, { fromType: to, fromId: toId, toType: from, toId: fromId, typeId: inverse });
    return { typeId, inverse };
  }

  private def(type: FakeObjectType, name: string): PropertyDef | undefined {
    return this.properties[type].find((d) => d.name === name);
  }

  private json(type: FakeObjectType, r: FakeRecord, asked?: string[]) {
    const names = new Set([...(asked ?? defaultReturned[type]), 'hs_object_id', 'createdate', modifiedProperty(type)]);
    const properties = Object.fromEntries([...names].filter((n) => this.def(type, n)).map((n) => [n, presentValue(this.def(type, n), r.properties[n])]));
    return { id: r.id, properties, createdAt: new Date(r.createdAt).toISOString(), updatedAt: new Date(r.updatedAt).toISOString(), archived: false };
  }

  private propertyJson({ name, label, type, fieldType, ...d }: PropertyDef) {
    return {
      ...unmodelledPropertyParts,
      name,
      label,
      type,
      fieldType,
      hasUniqueValue: d.unique === true,
      formField: !d.readOnly,
      modificationMetadata: { archivable: !d.readOnly, readOnlyDefinition: true, readOnlyValue: d.readOnly === true },
      options: (d.options ?? []).map((value, i) => ({ label: value, value, displayOrder: i, hidden: false })),
    };
  }

  /** What would make `values` an invalid write: bad properties, a contact with no identity, a taken email (409). */
  private writeProblem(type: FakeObjectType, values: Record<string, unknown>, existing?: FakeRecord): FakeResponse | undefined {
    const problems = propertyProblems(this.properties[type], values);
    if (problems.length > 0) return propertyProblemsResponse(problems);
    if (type === 'contacts' && !existing && !['email', 'firstname', 'lastname'].some((k) => values[k])) {
      return hubspotError(400, 'VALIDATION_ERROR', 'A contact needs at least one of email, firstname or lastname.', { errors: [{ message: 'email, firstname or lastname is required', code: 'REQUIRED_FIELD', context: { propertyName: ['email'] } }] });
    }
    const company = type === 'contacts' ? values.associatedcompanyid : undefined;
    if (company !== undefined && company !== null && company !== '' && !this.records.companies.has(String(company))) {
      return hubspotError(400, 'VALIDATION_ERROR', `Property values were not valid: company ${String(company)} does not exist`, { errors: [{ message: `company ${String(company)} does not exist`, code: 'INVALID_ASSOCIATION', context: { propertyName: ['associatedcompanyid'] } }] });
    }
    if (type === 'contacts' && typeof values.email === 'string' && values.email) {
      const taken = this.find('contacts', 'email', values.email);
      if (taken && taken !== existing) return hubspotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${taken.id}`);
    }
    if (type === 'notes' && !existing && !values.hs_timestamp) {
      return hubspotError(400, 'VALIDATION_ERROR', 'hs_timestamp is required', { errors: [{ message: 'hs_timestamp is required', code: 'REQUIRED_FIELD', context: { propertyName: ['hs_timestamp'] } }] });
    }
    return undefined;
  }

  private create(type: FakeObjectType, req: FakeRequest): FakeResponse {
    const b = (req.body ?? {}) as { properties?: Record<string, unknown>; associations?: { to?: { id?: string }; types?: { associationTypeId?: number }[] }[] };
    if (!b.properties || typeof b.properties !== 'object') return hubspotError(400, 'VALIDATION_ERROR', 'Invalid input JSON: properties is required');
    const problem = this.writeProblem(type, b.properties);
    if (problem) return problem;
    const links: Association[] = [];
    for (const a of b.associations ?? []) {
      for (const t of a.types ?? []) {
        const toType = type === 'notes' ? noteAssociation[t.associationTypeId ?? -1] : undefined;
        if (!toType || !a.to?.id || !this.records[toType].has(a.to.id)) {
          return hubspotError(400, 'VALIDATION_ERROR', `One or more associations are invalid: ${JSON.stringify(a)}`, { errors: [{ message: `${toType ?? 'object'} ${a.to?.id} does not exist or type ${t.associationTypeId} is not a note association`, code: 'INVALID_ASSOCIATION' }] });
        }
        links.push({ fromType: type, fromId: '', toType, toId: a.to.id, typeId: t.associationTypeId! });
      }
    }
    const record = this.store(type, b.properties, this.clock());
    for (const l of links) this.associations.push({ ...l, fromId: record.id });
    return { status: 201, json: this.json(type, record, Object.keys(b.properties)) };
  }

  private lookup(type: FakeObjectType, id: string, idProperty: string | null): FakeRecord | undefined {
    if (!idProperty || idProperty === 'hs_object_id') return this.records[type].get(this.mergedIds[type].get(id) ?? id);
    return this.find(type, idProperty, id);
  }

  private update(type: FakeObjectType, req: FakeRequest): FakeResponse {
    const b = (req.body ?? {}) as { properties?: Record<string, unknown> };
    if (!b.properties || typeof b.properties !== 'object') return hubspotError(400, 'VALIDATION_ERROR', 'Invalid input JSON: properties is required');
    const idProperty = req.query.get('idProperty');
    if (idProperty && !this.def(type, idProperty)?.unique) return hubspotError(400, 'VALIDATION_ERROR', `${idProperty} is not a unique property`, { errors: [{ message: `${idProperty} is not a unique property`, code: 'INVALID_ID_PROPERTY', context: { propertyName: [idProperty] } }] });
    const record = this.lookup(type, req.params.id!, idProperty);
    if (!record) return hubspotError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    const problem = this.writeProblem(type, b.properties, record);
    if (problem) return problem;
    this.apply(type, record, b.properties);
    return { status: 200, json: this.json(type, record, Object.keys(b.properties)) };
  }

  private apply(type: FakeObjectType, record: FakeRecord, values: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(values)) record.properties[k] = storedValue(this.def(type, k), v);
    record.updatedAt = Math.max(this.clock(), record.updatedAt);
    record.properties[modifiedProperty(type)] = String(record.updatedAt);
    if ('associatedcompanyid' in values) this.primaryCompany(type, record);
  }

  private batchUpsert(type: FakeObjectType, req: FakeRequest): FakeResponse {
    const inputs = batchInputs<{ idProperty?: string; id?: string; objectWriteTraceId?: string; properties?: Record<string, unknown> }>(req);
    if (!Array.isArray(inputs)) return inputs;
    const startedAt = new Date().toISOString();
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const ref = { objectWriteTraceId: [input.objectWriteTraceId ?? input.id ?? ''] };
      const idProperty = input.idProperty ?? 'hs_object_id';
      if (!this.def(type, idProperty)?.unique || !input.id) {
        errors.push({ status: 'error', category: 'VALIDATION_ERROR', message: `idProperty ${idProperty} is not a unique property`, context: ref });
        continue;
      }
      const existing = this.lookup(type, input.id, idProperty);
      const values = { ...(existing ? {} : { [idProperty]: input.id }), ...input.properties };
      const problem = this.writeProblem(type, values, existing);
      if (problem) {
        errors.push(batchError(problem, ref));
        continue;
      }
      const record = existing ?? this.store(type, values, this.clock());
      if (existing) this.apply(type, existing, values);
      results.push({ ...this.json(type, record, Object.keys(values)), new: !existing, objectWriteTraceId: input.objectWriteTraceId });
    }
    return batchAnswer(startedAt, results, errors, 200);
  }

  /** POST …/batch/read: up to 100 ids (or values of a unique `idProperty`); ids not found are one 207 error listing them (OBJECT_NOT_FOUND, `context.ids`). */
  private batchRead(type: FakeObjectType, req: FakeRequest): FakeResponse {
    const b = (req.body ?? {}) as { properties?: string[]; idProperty?: string };
    const inputs = batchInputs<{ id?: string }>(req);
    if (!Array.isArray(inputs)) return inputs;
    const idProperty = b.idProperty ?? 'hs_object_id';
    if (!this.def(type, idProperty)?.unique) return hubspotError(400, 'VALIDATION_ERROR', `${idProperty} is not a unique property`);
    const startedAt = new Date().toISOString();
    const found: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const record = input.id === undefined ? undefined : this.lookup(type, String(input.id), idProperty);
      if (record) found.push(this.json(type, record, b.properties));
      else missing.push(String(input.id));
    }
    const errors = missing.length ? [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: `Could not get some ${singular[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`, context: { ids: missing } }] : [];
    return batchAnswer(startedAt, found, errors, 200);
  }

  /** POST …/batch/create: up to 100 `{properties, objectWriteTraceId?}`; each input is validated as a single create (a taken email is a CONFLICT naming the existing id); refused inputs are 207 errors by trace id. */
  private batchCreate(type: FakeObjectType, req: FakeRequest): FakeResponse {
    const inputs = batchInputs<{ objectWriteTraceId?: string; properties?: Record<string, unknown> }>(req);
    if (!Array.isArray(inputs)) return inputs;
    const startedAt = new Date().toISOString();
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const problem = this.writeProblem(type, input.properties ?? {});
      if (problem) errors.push(batchError(problem, { objectWriteTraceId: [input.objectWriteTraceId ?? ''] }));
      else results.push({ ...this.json(type, this.store(type, input.properties ?? {}, this.clock()), Object.keys(input.properties ?? {})), objectWriteTraceId: input.objectWriteTraceId });
    }
    return batchAnswer(startedAt, results, errors, 201);
  }

  /** POST …/batch/update: up to 100 `{id, properties}`; an id not found or a refused value is a 207 error naming the id. */
  private batchUpdate(type: FakeObjectType, req: FakeRequest): FakeResponse {
    const inputs = batchInputs<{ id?: string; objectWriteTraceId?: string; properties?: Record<string, unknown> }>(req);
    if (!Array.isArray(inputs)) return inputs;
    const startedAt = new Date().toISOString();
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const record = input.id === undefined ? undefined : this.records[type].get(String(input.id));
      const ref = { ids: [String(input.id)], ...(input.objectWriteTraceId ? { objectWriteTraceId: [input.objectWriteTraceId] } : {}) };
      const problem = record ? this.writeProblem(type, input.properties ?? {}, record) : hubspotError(404, 'OBJECT_NOT_FOUND', `Object ${input.id} not found`);
      if (problem || !record) {
        errors.push(batchError(problem!, ref));
        continue;
      }
      this.apply(type, record, input.properties ?? {});
      results.push({ ...this.json(type, record, Object.keys(input.properties ?? {})), ...(input.objectWriteTraceId ? { objectWriteTraceId: input.objectWriteTraceId } : {}) });
    }
    return batchAnswer(startedAt, results, errors, 200);
  }

  private search(type: FakeObjectType, req: FakeRequest): FakeResponse {
    const b = (req.body ?? {}) as { filterGroups?: { filters: Record<string, unknown>[] }[]; sorts?: { propertyName?: string; direction?: string }[]; properties?: string[]; query?: string; limit?: number; after?: string };
    const defs = this.properties[type];
    const problem = searchProblem(defs, b);
    if (problem) return problem;
    const offset = b.after === undefined ? 0 : Number(b.after);
    if (!Number.isInteger(offset) || offset < 0) return hubspotError(400, 'VALIDATION_ERROR', `after must be a non-negative integer, got ${b.after}`);
    if (offset >= this.searchCeiling) return hubspotError(400, 'VALIDATION_ERROR', `The after value ${offset} is out of range: search returns at most ${this.searchCeiling} results per query.`);
    const groups = b.filterGroups ?? [];
    const q = b.query?.toLowerCase();
    const indexed = Date.now() - this.searchLagMs;
    const matched = [...this.records[type].values()].filter(
      (r) =>
        (this.createdAtMs.get(r) ?? 0) <= indexed &&
        (groups.length === 0 || groups.some((g) => g.filters.every((f) => this.associatedBy(type, r, f) ?? matchesFilter(defs, r, f)))) &&
        (!q || defaultReturned[type].some((p) => r.properties[p]?.toLowerCase().includes(q))),
    );
    const limit = b.limit ?? 10;
    const sorted = sortRecords(defs, matched, b.sorts?.[0]);
    const page = sorted.slice(offset, Math.min(offset + limit, this.searchCeiling));
    const next = offset + limit;
    return { status: 200, json: { total: matched.length, results: page.map((r) => this.json(type, r, b.properties)), ...(next < matched.length ? { paging: { next: { after: String(next) } } } : {}) } };
  }

  /**
   * POST /crm/v3/objects/{objectType}/merge `{primaryObjectId, objectIdToMerge}` (HubSpot CRM v3
   * docs, "Merge two objects with same type"; changelog "Updated merge functionality for contacts
   * and companies"): both records are replaced by a new one with a new id, the primary's values
   * winning and its empty ones filled from the other; both old ids resolve to it when read or updated
   * one by id, but are gone from search; associations move over. Answers the merged
   * object (200). Not in the docs, so assumed here: an unknown id is 404 OBJECT_NOT_FOUND, an
   * object merged with itself (or two ids already merged into one) 400 VALIDATION_ERROR, and the
   * merged record's create time is the older one's.
   */
  private merge(type: FakeObjectType, req: FakeRequest): FakeResponse {
    if (type === 'notes') return hubspotError(400, 'VALIDATION_ERROR', 'Merging is not supported for notes');
    const b = (req.body ?? {}) as { primaryObjectId?: unknown; objectIdToMerge?: unknown };
    for (const field of ['primaryObjectId', 'objectIdToMerge'] as const) {
      if (typeof b[field] !== 'string' || !b[field]) return hubspotError(400, 'VALIDATION_ERROR', `Invalid input JSON: ${field} is required`, { errors: [{ message: `${field} is required`, in: field }] });
    }
    const [primary, other] = [String(b.primaryObjectId), String(b.objectIdToMerge)].map((id) => this.lookup(type, id, null));
    if (!primary || !other) return hubspotError(404, 'OBJECT_NOT_FOUND', `Object not found. objectId are usually numeric. (${!primary ? String(b.primaryObjectId) : String(b.objectIdToMerge)})`);
    if (primary === other) return hubspotError(400, 'VALIDATION_ERROR', `Cannot merge ${singular[type]} ${String(b.objectIdToMerge)} into itself`);
    const values: Record<string, string> = { ...other.properties };
    for (const [k, v] of Object.entries(primary.properties)) if (v !== '') values[k] = v;
    const at = this.clock();
    const created = Math.min(primary.createdAt, other.createdAt);
    const id = String(this.nextId++);
    const record: FakeRecord = { id, properties: { ...values, hs_object_id: id, createdate: String(created), [modifiedProperty(type)]: String(at) }, createdAt: created, updatedAt: at };
    for (const old of [primary, other]) {
      this.records[type].delete(old.id);
      this.mergedIds[type].set(old.id, id);
      for (const [from, to] of this.mergedIds[type]) if (to === old.id) this.mergedIds[type].set(from, id);
    }
    this.records[type].set(id, record);
    const moved = this.associations.splice(0).map((a) => ({
      ...a,
      fromId: a.fromType === type && (a.fromId === primary.id || a.fromId === other.id) ? id : a.fromId,
      toId: a.toType === type && (a.toId === primary.id || a.toId === other.id) ? id : a.toId,
    }));
    for (const a of moved) if (!this.associations.some((x) => x.fromType === a.fromType && x.fromId === a.fromId && x.toType === a.toType && x.toId === a.toId)) this.associations.push(a);
    return { status: 200, json: this.json(type, record, Object.keys(record.properties)) };
  }

  /** An `associations.<object>` search filter: whether the record is associated with that record (undefined for a property filter). */
  private associatedBy(type: FakeObjectType, r: FakeRecord, f: Filter): boolean | undefined {
    const to = associationFilter(f);
    if (!to) return undefined;
    return this.associations.some((a) => a.fromType === type && a.fromId === r.id && a.toType === to && a.toId === String(f.value));
  }

  /** GET /crm/v4/objects/{from}/{id}/associations/{to}?limit=&after=: the record's associations to that type (up to 500 a page), either end's. */
  private associationsOf(req: FakeRequest): FakeResponse {
    const { from, fromId, to } = req.params as { from: FakeObjectType; fromId: string; to: FakeObjectType };
    if (!crmTypes.has(from) || !crmTypes.has(to)) return hubspotError(400, 'VALIDATION_ERROR', `Unknown object type ${crmTypes.has(from) ? to : from}`);
    const limit = Number(req.query.get('limit') ?? '500');
    const offset = Number(req.query.get('after') ?? '0');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return hubspotError(400, 'VALIDATION_ERROR', `limit must be between 1 and 500, got ${req.query.get('limit')}`);
    if (!Number.isInteger(offset) || offset < 0) return hubspotError(400, 'VALIDATION_ERROR', `after must be a non-negative integer, got ${req.query.get('after')}`);
    const byId = new Map<string, number[]>();
    const add = (id: string, typeId: number | undefined) => typeId !== undefined && byId.set(id, [...(byId.get(id) ?? []), typeId]);
    for (const a of this.associations) {
      if (a.fromType === from && a.fromId === fromId && a.toType === to) add(a.toId, a.typeId);
      // A note's associations are kept from the note: read from the other end they carry the inverse type.
      else if (a.fromType === to && to === 'notes' && a.toType === from && a.toId === fromId) add(a.fromId, toNote[a.typeId]);
    }
    const all = [...byId].map(([id, types]) => ({ toObjectId: Number(id), associationTypes: types.map((typeId) => ({ category: 'HUBSPOT_DEFINED', typeId, label: null })) }));
    const next = offset + limit;
    return { status: 200, json: { results: all.slice(offset, next), ...(next < all.length ? { paging: { next: { after: String(next), link: null } } } : {}) } };
  }

  private associate(req: FakeRequest): FakeResponse {
    const { from, fromId, to, toId } = req.params as { from: FakeObjectType; fromId: string; to: FakeObjectType; toId: string };
    const typeId = defaultAssociation[`${from}/${to}`];
    if (typeId === undefined) return hubspotError(400, 'VALIDATION_ERROR', `No default association type from ${from} to ${to}`);
    if (!this.records[from]?.has(fromId) || !this.records[to]?.has(toId)) return hubspotError(404, 'OBJECT_NOT_FOUND', `${from} ${fromId} or ${to} ${toId} was not found`);
    const { inverse } = this.link(from, fromId, to, toId);
    // A contact's first company becomes its primary one.
    const [contactId, companyId] = from === 'contacts' && to === 'companies' ? [fromId, toId] : from === 'companies' && to === 'contacts' ? [toId, fromId] : [];
    const contact = contactId ? this.records.contacts.get(contactId) : undefined;
    if (contact && companyId && !contact.properties.associatedcompanyid) this.apply('contacts', contact, { associatedcompanyid: companyId });
    const spec = (id: number) => ({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: id });
    return {
      status: 200,
      json: {
        status: 'COMPLETE',
        results: [
          { from: { id: fromId }, to: { id: toId }, associationSpec: spec(typeId) },
          { from: { id: toId }, to: { id: fromId }, associationSpec: spec(inverse) },
        ],
        startedAt: new Date().toISOString(),
        completedAt: new Date().toISOString(),
      },
    };
  }
}
