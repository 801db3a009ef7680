import { randomBytes } from 'node:crypto';
import { bearerToken, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';
import { base62, eighteen, sobjects, type FieldDef, type ObjectDef } from './salesforce-schema';
import { conditionFields, matches, parseSoql, SoqlError } from './salesforce-soql';

type SfRecord = Record<string, unknown> & { Id: string };
interface SfError {
  message: string;
  errorCode: string;
  fields?: string[];
  duplicateResult?: unknown;
}

const day = 86_400;
const errors = (status: number, ...list: SfError[]): FakeResponse => ({ status, json: list });
const notFound = (): FakeResponse => errors(404, { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' });
/** `2026-11-29T14:00:00.000+0000`: Salesforce keeps datetimes to the second. */
const stamp = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('Z', '+0000');
const lower = (s: string) => s.toLowerCase();
/** What JSON value a field of this describe type takes. */
const valueKind = (type: FieldDef['type']): 'string' | 'number' | 'boolean' => (type === 'boolean' ? 'boolean' : ['double', 'currency', 'percent', 'int'].includes(type) ? 'number' : 'string');

/** A write refused with Salesforce's error array; thrown inside the fake, answered as 400. */
class WriteError extends Error {
  constructor(readonly errors: SfError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

/**
 * Salesforce REST API (vendor-apis.md §7), stateful: a login host (`/login/services/oauth2/token`,
 * refresh_token and authorization_code grants) whose token response names the org's instance as
 * `instance_url` = `<fake>/instance`, where the data API lives under `/services/data/vNN.0`.
 * sObjects Account, Contact, Lead, Task, Case with 18-character ids, audit stamps to the second,
 * required fields, unknown fields refused (INVALID_FIELD), restricted picklists, references that
 * must exist, an optional duplicate rule on Email, upsert by external id (201/200/300),
 * sObject Collections upsert (≤200), a SOQL subset with `nextRecordsUrl` paging, describe,
 * `Sforce-Limit-Info` on every answer and REQUEST_LIMIT_EXCEEDED past the daily limit.
 */
export class SalesforceFake extends FakeServer {
  readonly app = { clientId: 'sf-consumer-key', clientSecret: 'sf-consumer-secret' };
  readonly accessTokens = new Set(['00Dsf!valid']);
  readonly refreshTokens = new Set(['sf-refresh']);
  readonly codes = new Set<string>();
  /** Types whose duplicate rule (same Email) blocks a save. */
  readonly duplicateRules = new Set<string>();
  readonly records = new Map<string, Map<string, SfRecord>>(sobjects.map((o) => [o.name, new Map()]));
  /** Largest page a query answers (Salesforce: 2000; `Sforce-Query-Options: batchSize` may ask for less). */
  maxBatchSize = 2000;
  /** The org's 24-hour API request limit and the calls counted against it. */
  dailyLimit = 100_000;
  apiCalls = 0;
  tokenRequests = 0;
  /**
   * The connected app's "Refresh Token Rotation": a refresh answers a new refresh token and the one
   * it used stops working (single use).
   */
  rotateRefreshTokens = false;
  /** Answer a single upsert's update with 204 and no body, as API versions before 46 did. */
  legacyUpsert = false;
  /** The fake's clock (ms); tests move it to give records chosen modification times. */
  clock: () => number = () => Date.now();
  private sequence = 0;
  /** Custom fields added per type (see addCustomField). */
  private readonly customFields = new Map<string, FieldDef[]>();
  private readonly cursors = new Map<string, SfRecord[]>();

  constructor() {
    super({
      forms: true,
      failures: {
        serverError: () => errors(503, { errorCode: 'SERVER_UNAVAILABLE', message: 'Server temporarily unavailable' }),
        // A usage of used/max with used = max asks for a wait of 24h / used: `seconds` chosen by the test.
        rateLimited: (seconds) => {
          const used = Math.round(day / seconds);
          return { ...errors(403, { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }), headers: { 'sforce-limit-info': `api-usage=${used}/${used}` } };
        },
        unauthorized: () => errors(401, { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }),
      },
    });
    this.route('POST', '/login/services/oauth2/token', (req) => this.token(req));
    const api = (method: string, path: string, handler: (req: FakeRequest) => FakeResponse) =>
      this.route(method, `/instance/services/data/:version${path}`, (req) => {
        const res = this.answer(() => handler(req));
        return { ...res, headers: { ...res.headers, 'sforce-limit-info': `api-usage=${this.apiCalls}/${this.dailyLimit}` } };
      });
    api('GET', '/limits', () => ({ status: 200, json: { DailyApiRequests: { Max: this.dailyLimit, Remaining: Math.max(0, this.dailyLimit - this.apiCalls) } } }));
    api('GET', '/query', (req) => this.query(req));
    api('GET', '/query/:locator', (req) => this.nextPage(req));
    api('GET', '/sobjects/:type/describe', (req) => this.describe(req.params.type!));
    api('POST', '/sobjects/:type', (req) => this.create(req));
    api('GET', '/sobjects/:type/:id', (req) => this.get(req));
    api('PATCH', '/sobjects/:type/:id', (req) => this.update(req));
    api('GET', '/sobjects/:type/:field/:value', (req) => this.getByExternalId(req));
    api('PATCH', '/sobjects/:type/:field/:value', (req) => this.upsert(req));
    api('PATCH', '/composite/sobjects/:type/:field', (req) => this.collectionUpsert(req));
    api('POST', '/composite/sobjects', (req) => this.collection(req, 'create'));
    api('PATCH', '/composite/sobjects', (req) => this.collection(req, 'update'));
    api('DELETE', '/sobjects/:type/:id', (req) => this.destroy(req));
  }

  get instanceUrl(): string {
    return `${this.url}/instance`;
  }

  get tokenUrl(): string {
    return `${this.url}/login/services/oauth2/token`;
  }

  /** A one-time authorization code, as the consent screen's redirect would carry it. */
  authorize(): string {
    const code = `aPrx${randomBytes(12).toString('hex')}`;
    this.codes.add(code);
    return code;
  }

  /** Every session ends (the admin revoked the app): access and refresh tokens alike. */
  revokeTokens(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** Sessions time out; refresh tokens still work. */
  expireSessions(): void {
    this.accessTokens.clear();
  }

  /** Stores a record as Salesforce would create it (validated), stamped with the fake's clock. */
  seed(type: string, fields: Record<string, unknown>): SfRecord {
    return this.write(this.object(type)!, undefined, fields, 'create');
  }

  /** Test-only: an admin adds a custom field (`…__c`) to a type in Setup; describe, writes and SOQL then know it. */
  addCustomField(type: string, field: FieldDef): this {
    if (!field.name.endsWith('__c')) throw new Error(`salesforce fake: custom field names end in __c, not ${field.name}`);
    const list = this.customFields.get(type) ?? [];
    this.customFields.set(type, [...list, field]);
    return this;
  }

  /** Changes a record as a person in the Salesforce UI would: validated, modification stamps bumped. */
  edit(id: string, fields: Record<string, unknown>): SfRecord {
    const found = this.find(id);
    if (!found) throw new Error(`salesforce fake: no record ${id}`);
    return this.write(found.object, found.record, fields, 'update', { ignoreAccess: true });
  }

  /** A person deletes a record in the UI (it goes to the recycle bin: queries no longer return it). */
  remove(id: string): void {
    const found = this.find(id);
    if (!found) throw new Error(`salesforce fake: no record ${id}`);
    this.records.get(found.object.name)!.delete(found.record.Id);
  }

  find(id: string): { object: ObjectDef; record: SfRecord } | undefined {
    for (const { name } of sobjects) {
      const record = this.records.get(name)!.get(id.length === 15 ? eighteen(id) : id);
      if (record) return { object: this.object(name)!, record };
    }
    return undefined;
  }

  all(type: string): SfRecord[] {
    return [...this.records.get(type)!.values()];
  }

  /** Forgets every record, cursor and counter; tokens and rules are left as they are. */
  clearData(): void {
    for (const m of this.records.values()) m.clear();
    this.cursors.clear();
    this.apiCalls = 0;
    this.tokenRequests = 0;
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    if (req.path.startsWith('/login/')) return undefined;
    const token = bearerToken(req);
    if (!token || !this.accessTokens.has(token)) return errors(401, { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });
    this.apiCalls++;
    if (this.apiCalls > this.dailyLimit) {
      return { ...errors(403, { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }), headers: { 'sforce-limit-info': `api-usage=${this.apiCalls}/${this.dailyLimit}` } };
    }
    return undefined;
  }

  private token(req: FakeRequest): FakeResponse {
    this.tokenRequests++;
    const b = (req.body ?? {}) as Record<string, string>;
    if (b.client_id !== this.app.clientId) return { status: 400, json: { error: 'invalid_client_id', error_description: 'client identifier invalid' } };
    if (b.client_secret !== this.app.clientSecret) return { status: 400, json: { error: 'invalid_client', error_description: 'invalid client credentials' } };
    let refresh: string | undefined;
    if (b.grant_type === 'refresh_token') {
      if (!b.refresh_token || !this.refreshTokens.has(b.refresh_token)) return { status: 400, json: { error: 'invalid_grant', error_description: 'expired access/refresh token' } };
      if (this.rotateRefreshTokens) {
        this.refreshTokens.delete(b.refresh_token);
        refresh = `5Aep${randomBytes(16).toString('hex')}`;
        this.refreshTokens.add(refresh);
      }
    } else if (b.grant_type === 'authorization_code') {
      if (!b.code || !this.codes.delete(b.code)) return { status: 400, json: { error: 'invalid_grant', error_description: 'invalid authorization code' } };
      refresh = `5Aep${randomBytes(16).toString('hex')}`;
      this.refreshTokens.add(refresh);
    } else {
      return { status: 400, json: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
    }
    return { status: 200, json: { ...this.issueSession(), ...(refresh ? { refresh_token: refresh } : {}) } };
  }

  /**
   * A new session as the token endpoint answers it (no refresh token): the access token this fake
   * then accepts, the org's `instance_url`, `id`, `issued_at`, `signature`. An authorization server
   * in front of the fake (sandbox/oauth-authorization-server.ts) issues its tokens with this.
   */
  issueSession(): { access_token: string } & Record<string, unknown> {
    const token = `00Dsf!${randomBytes(16).toString('hex')}`;
    this.accessTokens.add(token);
    return {
      access_token: token,
      instance_url: this.instanceUrl,
      id: `${this.url}/login/id/00Dsf0000000001EAA/005sf0000000001AAA`,
      token_type: 'Bearer',
      issued_at: String(this.clock()),
      signature: randomBytes(32).toString('base64'),
      scope: 'api refresh_token',
    };
  }

  /** Runs a handler, answering a refused write with Salesforce's 400 error array. */
  private answer(run: () => FakeResponse): FakeResponse {
    try {
      return run();
    } catch (err) {
      if (err instanceof WriteError) return errors(400, ...err.errors);
      if (err instanceof SoqlError) return errors(400, { errorCode: err.errorCode, message: err.message });
      throw err;
    }
  }

  private object(type: string): ObjectDef | undefined {
    const base = sobjects.find((o) => lower(o.name) === lower(type));
    const custom = base && this.customFields.get(base.name);
    return base && custom ? { ...base, fields: [...base.fields, ...custom] } : base;
  }

  private field(object: ObjectDef, name: string): FieldDef | undefined {
    return object.fields.find((f) => lower(f.name) === lower(name));
  }

  private recordUrl(object: ObjectDef, id: string, version = 'v62.0'): string {
    return `/services/data/${version}/sobjects/${object.name}/${id}`;
  }

  private view(object: ObjectDef, r: SfRecord, fields?: string[], version?: string): Record<string, unknown> {
    const names = fields ?? object.fields.map((f) => f.name);
    return { attributes: { type: object.name, url: this.recordUrl(object, r.Id, version) }, ...Object.fromEntries(names.map((n) => [this.field(object, n)?.name ?? n, r[this.field(object, n)?.name ?? n] ?? null])) };
  }

  /**
   * Validates and saves one record: unknown and read-only fields, formats, restricted picklists,
   * references, required fields, the duplicate rule. Throws WriteError with every problem of the
   * first failing check, as Salesforce answers.
   */
  private write(object: ObjectDef, existing: SfRecord | undefined, input: Record<string, unknown>, mode: 'create' | 'update', opts: { ignoreAccess?: boolean } = {}): SfRecord {
    const body = Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'attributes'));
    const unknown = Object.keys(body).filter((k) => !this.field(object, k));
    if (unknown.length) throw new WriteError(unknown.map((k) => ({ errorCode: 'INVALID_FIELD', message: `No such column '${k}' on sobject of type ${object.name}` })));
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) values[this.field(object, k)!.name] = v === '' ? null : v;
    const readOnly = Object.keys(values).filter((k) => {
      const f = this.field(object, k)!;
      return !opts.ignoreAccess && !(mode === 'create' ? f.createable : f.updateable);
    });
    if (readOnly.length) throw new WriteError([{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, fields: readOnly }]);
    const problems: SfError[] = [];
    for (const [k, v] of Object.entries(values)) {
      const f = this.field(object, k)!;
      if (v === null) continue;
      const kind = valueKind(f.type);
      if (kind !== 'string') {
        // Numbers and checkboxes: a JSON number (a whole one for int) or a JSON boolean; a numeric string is read as Salesforce's parser does.
        const number = typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
        const fits = kind === 'boolean' ? typeof v === 'boolean' : typeof number === 'number' && Number.isFinite(number) && (f.type !== 'int' || Number.isInteger(number));
        if (!fits) problems.push({ errorCode: 'JSON_PARSER_ERROR', message: `Cannot deserialize instance of ${f.type} from ${typeof v === 'string' ? 'VALUE_STRING' : typeof v} value ${JSON.stringify(v)}`, fields: [f.name] });
        else values[k] = number;
        continue;
      }
      if (typeof v !== 'string') {
        problems.push({ errorCode: 'JSON_PARSER_ERROR', message: `Cannot deserialize instance of ${f.type} from ${typeof v} value`, fields: [f.name] });
        continue;
      }
      if (f.length && f.type !== 'reference' && v.length > f.length) problems.push({ errorCode: 'STRING_TOO_LONG', message: `${f.label}: data value too large: ${v.slice(0, 40)} (max length=${f.length})`, fields: [f.name] });
      if (f.type === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) problems.push({ errorCode: 'INVALID_EMAIL_ADDRESS', message: `${f.label}: invalid email address: ${v}`, fields: [f.name] });
      if (f.type === 'date' && !/^\d{4}-\d\d-\d\d$/.test(v)) problems.push({ errorCode: 'JSON_PARSER_ERROR', message: `Cannot deserialize instance of date from VALUE_STRING value ${v}`, fields: [f.name] });
      if (f.restricted && !f.picklist!.includes(v)) problems.push({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: `${f.label}: bad value for restricted picklist field: ${v}`, fields: [f.name] });
      if (f.type === 'reference') {
        const target = /^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/.test(v) ? this.find(v) : undefined;
        if (!target || !f.referenceTo!.includes(target.object.name)) problems.push({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: `${f.label}: id value of incorrect type: ${v}`, fields: [f.name] });
        else values[k] = target.record.Id;
      }
    }
    if (problems.length) throw new WriteError(problems);
    const defaults = mode === 'create' ? Object.fromEntries(object.fields.filter((f) => f.defaultValue !== undefined).map((f) => [f.name, f.defaultValue])) : {};
    const merged: Record<string, unknown> = { ...defaults, ...existing, ...values };
    const missing = object.fields.filter((f) => !f.nillable && (f.createable || f.updateable) && (merged[f.name] === undefined || merged[f.name] === null)).map((f) => f.name);
    if (missing.length) throw new WriteError([{ errorCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing }]);
    const duplicate = this.duplicateOf(object, merged, existing?.Id);
    if (duplicate) {
      throw new WriteError([
        {
          errorCode: 'DUPLICATES_DETECTED',
          message: 'Use one of these records?',
          fields: [],
          duplicateResult: {
            allowSave: false,
            duplicateRule: `Standard_${object.name}_Duplicate_Rule`,
            duplicateRuleEntityType: object.name,
            matchResults: [{ entityType: object.name, matchEngine: 'ExactMatchEngine', matchRecords: [{ record: { attributes: { type: object.name }, Id: duplicate.Id }, fieldDiffs: [{ name: 'Email', difference: 'SAME' }] }], size: 1, success: true }],
          },
        },
      ]);
    }
    const now = stamp(this.clock());
    const saved = { ...merged, Id: existing?.Id ?? this.newId(object), CreatedDate: existing?.CreatedDate ?? now, LastModifiedDate: now, SystemModstamp: now } as SfRecord;
    this.records.get(object.name)!.set(saved.Id, saved);
    return saved;
  }

  private duplicateOf(object: ObjectDef, r: Record<string, unknown>, self?: string): SfRecord | undefined {
    if (!this.duplicateRules.has(object.name) || typeof r.Email !== 'string') return undefined;
    const email = lower(r.Email);
    return this.all(object.name).find((o) => o.Id !== self && typeof o.Email === 'string' && lower(o.Email) === email);
  }

  private newId(object: ObjectDef): string {
    return eighteen(`${object.keyPrefix}gK0000${base62(++this.sequence, 6)}`);
  }

  private typeOr404(req: FakeRequest): ObjectDef | FakeResponse {
    return this.object(req.params.type!) ?? notFound();
  }

  private body(req: FakeRequest): Record<string, unknown> {
    if (req.bodyError || !req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
      throw new WriteError([{ errorCode: 'JSON_PARSER_ERROR', message: `The request body is not a JSON object${req.bodyError ? `: ${req.bodyError}` : ''}` }]);
    }
    return req.body as Record<string, unknown>;
  }

  private describe(type: string): FakeResponse {
    const object = this.object(type);
    if (!object) return notFound();
    return {
      status: 200,
      json: {
        name: object.name,
        label: object.label,
        keyPrefix: object.keyPrefix,
        createable: true,
        updateable: true,
        queryable: true,
        fields: object.fields.map((f) => ({
          name: f.name,
          label: f.label,
          type: f.type,
          length: f.length ?? 0,
          createable: f.createable,
          updateable: f.updateable,
          nillable: f.nillable,
          externalId: f.externalId ?? false,
          unique: false,
          defaultedOnCreate: f.defaultValue !== undefined || !f.createable,
          referenceTo: f.referenceTo ?? [],
          picklistValues: (f.picklist ?? []).map((value) => ({ active: true, defaultValue: value === f.defaultValue, label: value, validFor: null, value })),
        })),
      },
    };
  }

  private create(req: FakeRequest): FakeResponse {
    const object = this.typeOr404(req);
    if ('status' in object) return object;
    const saved = this.write(object, undefined, this.body(req), 'create');
    return { status: 201, json: { id: saved.Id, success: true, errors: [] } };
  }

  private get(req: FakeRequest): FakeResponse {
    const object = this.typeOr404(req);
    if ('status' in object) return object;
    const found = this.find(req.params.id!);
    if (!found || found.object !== object) return notFound();
    const fields = req.query.get('fields')?.split(',').map((f) => f.trim());
    const unknown = fields?.find((f) => !this.field(object, f));
    if (unknown) return errors(400, { errorCode: 'INVALID_FIELD', message: `No such column '${unknown}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.` });
    return { status: 200, json: this.view(object, found.record, fields, req.params.version) };
  }

  private update(req: FakeRequest): FakeResponse {
    const object = this.typeOr404(req);
    if ('status' in object) return object;
    const found = this.find(req.params.id!);
    if (!found || found.object !== object) return notFound();
    this.write(object, found.record, this.body(req), 'update');
    return { status: 204 };
  }

  /** Records whose external id field equals the value; undefined when the field is not an external id. */
  private byExternalId(object: ObjectDef, field: string, value: string): SfRecord[] | undefined {
    const f = this.field(object, field);
    if (!f?.externalId) return undefined;
    return this.all(object.name).filter((r) => typeof r[f.name] === 'string' && lower(r[f.name] as string) === lower(value));
  }

  private getByExternalId(req: FakeRequest): FakeResponse {
    const object = this.typeOr404(req);
    if ('status' in object) return object;
    const found = this.byExternalId(object, req.params.field!, req.params.value!);
    if (!found) return errors(404, { errorCode: 'NOT_FOUND', message: `Provided external ID field does not exist or is not accessible: ${req.params.field}` });
    if (found.length === 0) return notFound();
    if (found.length > 1) return { status: 300, json: found.map((r) => this.recordUrl(object, r.Id, req.params.version)) };
    const fields = req.query.get('fields')?.split(',');
    return { status: 200, json: this.view(object, found[0]!, fields, req.params.version) };
  }

  private upsert(req: FakeRequest): FakeResponse {
    const object = this.typeOr404(req);
    if ('status' in object) return object;
    const field = req.params.field!;
    const found = this.byExternalId(object, field, req.params.value!);
    if (!found) return errors(404, { errorCode: 'NOT_FOUND', message: `Provided external ID field does not exist or is not accessible: ${field}` });
    const body = this.body(req);
    const clash = Object.keys(body).find((k) => lower(k) === lower(field) || lower(k) === 'id');
    if (clash) return errors(400, { errorCode: 'INVALID_FIELD', message: `Unable to create/update fields: ${clash}. The external ID field and Id may not be set in the request body of an upsert.`, fields: [clash] });
    if (found.length > 1) return { status: 300, json: found.map((r) => this.recordUrl(object, r.Id, req.params.version)) };
    if (found.length === 1) {
      this.write(object, found[0], body, 'update');
      return this.legacyUpsert ? { status: 204 } : { status: 200, json: { id: found[0]!.Id, success: true, errors: [], created: false } };
    }
    if (req.query.get('updateOnly') === 'true') return notFound();
    const saved = this.write(object, undefined, { ...body, [this.field(object, field)!.name]: req.params.value }, 'create');
    return { status: 201, json: { id: saved.Id, success: true, errors: [], created: true } };
  }

  private destroy(req: FakeRequest): FakeResponse {
    const object = this.typeOr404(req);
    if ('status' in object) return object;
    const found = this.find(req.params.id!);
    if (!found || found.object !== object) return errors(404, { errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' });
    this.records.get(object.name)!.delete(found.record.Id);
    return { status: 204 };
  }

  /**
   * sObject Collections create (POST) and update (PATCH) of up to 200 records, each naming its type
   * in `attributes` (an update also its `id`): 200 with one result per record in order. With
   * `allOrNone` one failure rolls every record back (the others answer ALL_OR_NONE_OPERATION_ROLLED_BACK).
   */
  private collection(req: FakeRequest, mode: 'create' | 'update'): FakeResponse {
    const body = this.body(req) as { allOrNone?: boolean; records?: unknown };
    if (!Array.isArray(body.records) || body.records.length === 0) return errors(400, { errorCode: 'INVALID_FIELD', message: 'No records to process', fields: ['records'] });
    if (body.records.length > 200) return errors(400, { errorCode: 'EXCEEDED_ID_LIMIT', message: 'record limit reached. cannot submit more than 200 records into this call' });
    const before = new Map([...this.records].map(([type, m]) => [type, new Map(m)]));
    const results = (body.records as Record<string, unknown>[]).map((r) => {
      const fail = (statusCode: string, message: string, fields: string[] = []) => ({ success: false, errors: [{ statusCode, message, fields }] });
      const type = (r.attributes as { type?: string } | undefined)?.type;
      const object = type ? this.object(type) : undefined;
      if (!object) return fail('INVALID_TYPE', type ? `sObject type '${type}' is not supported.` : 'Each record in the collection must name its type in attributes');
      const { id, Id, ...fields } = r;
      const given = id ?? Id;
      let existing: SfRecord | undefined;
      if (mode === 'update') {
        if (typeof given !== 'string' || !given) return fail('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
        const found = this.find(given);
        if (!found || found.object.name !== object.name) return fail('ENTITY_IS_DELETED', 'entity is deleted');
        existing = found.record;
      } else if (given !== undefined) {
        return fail('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
      }
      try {
        const saved = this.write(object, existing, fields, mode);
        return { id: saved.Id, success: true, errors: [] };
      } catch (err) {
        if (!(err instanceof WriteError)) throw err;
        return { success: false, errors: err.errors.map((e) => ({ statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] })) };
      }
    });
    if (body.allOrNone && results.some((r) => !r.success)) {
      for (const [type, m] of before) this.records.set(type, m);
      const rolledBack = { statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] };
      return { status: 200, json: results.map((r) => ('id' in r ? { id: r.id, success: false, errors: [rolledBack] } : r)) };
    }
    return { status: 200, json: results };
  }

  private collectionUpsert(req: FakeRequest): FakeResponse {
    const object = this.typeOr404(req);
    if ('status' in object) return object;
    const f = this.field(object, req.params.field!);
    if (!f?.externalId) return errors(400, { errorCode: 'INVALID_FIELD', message: `Field ${req.params.field} is not an External ID or indexed field for ${object.name}`, fields: [req.params.field!] });
    const body = this.body(req) as { allOrNone?: boolean; records?: unknown };
    if (!Array.isArray(body.records)) return errors(400, { errorCode: 'JSON_PARSER_ERROR', message: 'records is required' });
    if (body.records.length > 200) return errors(400, { errorCode: 'EXCEEDED_ID_LIMIT', message: 'record limit reached. cannot submit more than 200 records into this call' });
    const before = new Map(this.records.get(object.name));
    const results = (body.records as Record<string, unknown>[]).map((r) => {
      const type = (r.attributes as { type?: string } | undefined)?.type;
      if (!type || lower(type) !== lower(object.name)) return { success: false, errors: [{ statusCode: 'INVALID_TYPE', message: 'Each record must have attributes.type equal to the type in the URI', fields: [] }] };
      const value = r[f.name];
      if (typeof value !== 'string' || !value) return { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${f.name}]`, fields: [f.name] }] };
      const found = this.byExternalId(object, f.name, value)!;
      if (found.length > 1) return { success: false, errors: [{ statusCode: 'DUPLICATE_EXTERNAL_ID', message: `${f.name}: more than one record found for external id field: ${found.map((x) => x.Id).join(', ')}`, fields: [f.name] }] };
      try {
        const rest = Object.fromEntries(Object.entries(r).filter(([k]) => lower(k) !== lower(f.name)));
        const saved = found[0] ? this.write(object, found[0], rest, 'update') : this.write(object, undefined, r, 'create');
        return { id: saved.Id, success: true, errors: [], created: !found[0] };
      } catch (err) {
        if (!(err instanceof WriteError)) throw err;
        return { success: false, errors: err.errors.map((e) => ({ statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] })) };
      }
    });
    if (body.allOrNone && results.some((r) => !r.success)) {
      this.records.set(object.name, before);
      const rolledBack = { statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] };
      return { status: 200, json: results.map((r) => (r.success ? { id: r.id, success: false, errors: [rolledBack] } : r)) };
    }
    return { status: 200, json: results };
  }

  private query(req: FakeRequest): FakeResponse {
    const soql = req.query.get('q');
    if (!soql) return errors(400, { errorCode: 'MALFORMED_QUERY', message: 'A query string has to be specified' });
    const q = parseSoql(soql);
    const object = this.object(q.type);
    if (!object) throw new SoqlError('INVALID_TYPE', `sObject type '${q.type}' is not supported.`);
    const named = [...q.fields, ...conditionFields(q.where), ...q.orderBy.map((o) => o.field)];
    const unknown = named.find((f) => !this.field(object, f));
    if (unknown) throw new SoqlError('INVALID_FIELD', `No such column '${unknown}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`);
    const canonical = (n: string) => this.field(object, n)!.name;
    const rows = this.all(object.name).filter((r) => matches(q.where, (f) => r[canonical(f)]));
    rows.sort((a, b) => {
      for (const o of q.orderBy) {
        const [x, y] = [a[canonical(o.field)], b[canonical(o.field)]];
        if (x === y) continue;
        // Nulls first in ascending order, as Salesforce sorts by default.
        const cmp = x === null || x === undefined ? -1 : y === null || y === undefined ? 1 : String(x) < String(y) ? -1 : 1;
        return o.desc ? -cmp : cmp;
      }
      return 0;
    });
    const limited = q.limit === undefined ? rows : rows.slice(0, q.limit);
    const views = limited.map((r) => this.view(object, r, q.fields.map(canonical), req.params.version) as SfRecord);
    return this.page(req, views, 0);
  }

  private nextPage(req: FakeRequest): FakeResponse {
    const m = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(req.params.locator!);
    const rows = m ? this.cursors.get(m[1]!) : undefined;
    if (!m || !rows) return errors(400, { errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' });
    return this.page(req, rows, Number(m[2]), m[1]);
  }

  private page(req: FakeRequest, rows: SfRecord[], offset: number, locator = `01g${randomBytes(8).toString('hex')}`): FakeResponse {
    const asked = Number(/batchSize=(\d+)/.exec(String(req.headers['sforce-query-options'] ?? ''))?.[1] ?? 2000);
    const size = Math.min(this.maxBatchSize, Math.max(200, Math.min(2000, asked)));
    const end = offset + size;
    const done = end >= rows.length;
    if (!done) this.cursors.set(locator, rows);
    return {
      status: 200,
      json: { totalSize: rows.length, done, ...(done ? {} : { nextRecordsUrl: `/services/data/${req.params.version}/query/${locator}-${end}` }), records: rows.slice(offset, end) },
    };
  }
}
