import { randomUUID } from 'node:crypto';
import type { FakeResponse } from './fake-server';

/** The object types the fake keeps (notes are written through `/crm/v3/objects/notes`). */
export type FakeObjectType = 'contacts' | 'companies' | 'deals' | 'notes';

export interface PropertyDef {
  name: string;
  label: string;
  type: 'string' | 'number' | 'datetime' | 'enumeration';
  fieldType: 'text' | 'number' | 'date' | 'select' | 'textarea' | 'html';
  readOnly?: boolean;
  unique?: boolean;
  options?: string[];
}

export interface FakeRecord {
  id: string;
  /** Values as HubSpot stores them: strings (datetimes as ms since the epoch). */
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

const text = (name: string, label: string, extra: Partial<PropertyDef> = {}): PropertyDef => ({ name, label, type: 'string', fieldType: 'text', ...extra });
const datetime = (name: string, label: string): PropertyDef => ({ name, label, type: 'datetime', fieldType: 'date', readOnly: true });
const select = (name: string, label: string, options: string[]): PropertyDef => ({ name, label, type: 'enumeration', fieldType: 'select', options });
const common = (modified: string): PropertyDef[] => [
  { name: 'hs_object_id', label: 'Record ID', type: 'number', fieldType: 'number', readOnly: true, unique: true },
  datetime('createdate', 'Create Date'),
  datetime(modified, 'Last Modified Date'),
];

/** A small, realistic slice of each object's properties (HubSpot's default property names). */
export const defaultProperties: Record<FakeObjectType, PropertyDef[]> = {
  contacts: [
    ...common('lastmodifieddate'),
    text('email', 'Email', { unique: true }),
    text('firstname', 'First Name'),
    text('lastname', 'Last Name'),
    text('phone', 'Phone Number'),
    text('company', 'Company Name'),
    // Writing it associates the contact with that company as its primary one (and a first association sets it).
    { name: 'associatedcompanyid', label: 'Primary Associated Company ID', type: 'number', fieldType: 'number' },
    select('lifecyclestage', 'Lifecycle Stage', ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']),
  ],
  companies: [...common('hs_lastmodifieddate'), text('name', 'Company name'), text('domain', 'Company Domain Name'), text('industry', 'Industry'), { name: 'numberofemployees', label: 'Number of Employees', type: 'number', fieldType: 'number' }],
  deals: [
    ...common('hs_lastmodifieddate'),
    text('dealname', 'Deal Name'),
    { name: 'amount', label: 'Amount', type: 'number', fieldType: 'number' },
    select('dealstage', 'Deal Stage', ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost']),
    select('pipeline', 'Pipeline', ['default']),
    { name: 'closedate', label: 'Close Date', type: 'datetime', fieldType: 'date' },
  ],
  notes: [...common('hs_lastmodifieddate'), { name: 'hs_note_body', label: 'Note body', type: 'string', fieldType: 'html' }, { name: 'hs_timestamp', label: 'Activity date', type: 'datetime', fieldType: 'date' }],
};

export const modifiedProperty = (type: FakeObjectType) => (type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate');

/** Properties a search or read returns when none are asked for. */
export const defaultReturned: Record<FakeObjectType, string[]> = {
  contacts: ['email', 'firstname', 'lastname'],
  companies: ['name', 'domain'],
  deals: ['dealname', 'amount', 'dealstage', 'pipeline', 'closedate'],
  notes: ['hs_note_body', 'hs_timestamp'],
};

/** HubSpot's error envelope (vendor-apis.md §8). */
export function hubspotError(status: number, category: string, message: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): FakeResponse {
  return { status, headers, json: { status: 'error', message, correlationId: randomUUID(), category, ...extra } };
}

/** One invalid property value, as single-record writes embed them in the message (and batch/search list them in `errors`). */
export interface PropertyProblem {
  name: string;
  error: 'PROPERTY_DOESNT_EXIST' | 'READ_ONLY_VALUE' | 'INVALID_OPTION' | 'INVALID_EMAIL' | 'INVALID_INTEGER' | 'INVALID_DATE';
  message: string;
}

export function propertyProblemsResponse(problems: PropertyProblem[]): FakeResponse {
  const listed = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name, localizedErrorMessage: p.message }));
  return hubspotError(400, 'VALIDATION_ERROR', `Property values were not valid: ${JSON.stringify(listed)}`, {
    errors: problems.map((p) => ({ message: p.message, code: p.error, context: { propertyName: [p.name] } })),
  });
}

/** What is wrong with `values` for `type` (unknown, read-only, bad option, bad email or number). */
export function propertyProblems(defs: PropertyDef[], values: Record<string, unknown>): PropertyProblem[] {
  const problems: PropertyProblem[] = [];
  for (const [name, raw] of Object.entries(values)) {
    const def = defs.find((d) => d.name === name);
    const value = raw === null ? '' : String(raw);
    if (!def) problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
    else if (def.readOnly) problems.push({ name, error: 'READ_ONLY_VALUE', message: `"${name}" is a read only property; its value cannot be set.` });
    else if (value === '') continue;
    else if (def.options && !def.options.includes(value)) problems.push({ name, error: 'INVALID_OPTION', message: `${value} was not one of the allowed options: ${def.options.join(', ')}` });
    else if (name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) problems.push({ name, error: 'INVALID_EMAIL', message: `Email address ${value} is invalid` });
    else if (def.type === 'number' && !Number.isFinite(Number(value))) problems.push({ name, error: 'INVALID_INTEGER', message: `${value} is not a valid number` });
    else if (def.type === 'datetime' && !Number.isFinite(Number(value)) && Number.isNaN(Date.parse(value))) problems.push({ name, error: 'INVALID_DATE', message: `${value} is not a valid date` });
  }
  return problems;
}

/** A stored value as the API returns it: datetimes as ISO strings, the rest as stored. */
export function presentValue(def: PropertyDef | undefined, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (def?.type === 'datetime') return new Date(Number(value)).toISOString();
  return value;
}

/** Datetime values arrive as ms or ISO strings; stored as ms. */
export function storedValue(def: PropertyDef | undefined, value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  if (def?.type === 'datetime' && s && !/^\d+$/.test(s)) return String(Date.parse(s));
  return s;
}

export interface Filter {
  propertyName?: unknown;
  operator?: unknown;
  value?: unknown;
  values?: unknown;
  highValue?: unknown;
}

const comparable = (def: PropertyDef | undefined, v: unknown): number | string => {
  const s = storedValue(def, v);
  return def?.type === 'number' || def?.type === 'datetime' ? Number(s) : s.toLowerCase();
};

/** Whether `record` satisfies one filter (EQ, NEQ, LT, LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN). */
export function matchesFilter(defs: PropertyDef[], record: FakeRecord, f: Filter): boolean {
  const name = String(f.propertyName);
  const def = defs.find((d) => d.name === name);
  const raw = record.properties[name];
  const has = raw !== undefined && raw !== '';
  if (f.operator === 'HAS_PROPERTY') return has;
  if (f.operator === 'NOT_HAS_PROPERTY') return !has;
  if (f.operator === 'NEQ') return !has || comparable(def, raw) !== comparable(def, f.value);
  if (f.operator === 'NOT_IN') return !has || !(f.values as unknown[]).some((v) => comparable(def, v) === comparable(def, raw));
  if (!has) return false;
  const v = comparable(def, raw);
  switch (f.operator) {
    case 'EQ':
      return v === comparable(def, f.value);
    case 'LT':
      return v < comparable(def, f.value);
    case 'LTE':
      return v <= comparable(def, f.value);
    case 'GT':
      return v > comparable(def, f.value);
    case 'GTE':
      return v >= comparable(def, f.value);
    case 'BETWEEN':
      return v >= comparable(def, f.value) && v <= comparable(def, f.highValue);
    case 'IN':
      return (f.values as unknown[]).some((x) => comparable(def, x) === v);
    case 'CONTAINS_TOKEN':
      return new RegExp(`^${String(f.value).toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(String(v)) || String(v).split(/\W+/).includes(String(f.value).toLowerCase());
    default:
      return false;
  }
}

const operators = new Set(['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN']);

/** `associations.<object>` (e.g. `associations.contact`, EQ a record id): the records associated with that record. */
export function associationFilter(f: Filter): FakeObjectType | undefined {
  const m = /^associations\.(contact|company|deal)$/.exec(String(f.propertyName));
  return m ? (({ contact: 'contacts', company: 'companies', deal: 'deals' }) as const)[m[1] as 'contact' | 'company' | 'deal'] : undefined;
}

/** HubSpot's search limits: 5 groups, 6 filters in a group, 18 in all, one sort, 200 per page; a filter on an unknown property is a 400. */
export function searchProblem(defs: PropertyDef[], body: { filterGroups?: unknown; sorts?: unknown; limit?: unknown }): FakeResponse | undefined {
  const groups = (body.filterGroups ?? []) as { filters?: Filter[] }[];
  if (!Array.isArray(groups) || groups.length > 5) return hubspotError(400, 'VALIDATION_ERROR', 'There was a problem with the request.', { errors: [{ message: 'at most 5 filterGroups are allowed', in: 'filterGroups' }] });
  const filters = groups.flatMap((g) => g.filters ?? []);
  if (groups.some((g) => !Array.isArray(g.filters) || g.filters.length > 6) || filters.length > 18) {
    return hubspotError(400, 'VALIDATION_ERROR', 'There was a problem with the request.', { errors: [{ message: 'a filter group holds 1 to 6 filters, 18 in all', in: 'filters' }] });
  }
  for (const f of filters) {
    if (!operators.has(String(f.operator))) return hubspotError(400, 'VALIDATION_ERROR', `Invalid input JSON: unknown operator ${String(f.operator)}`);
    if (!defs.some((d) => d.name === f.propertyName) && !associationFilter(f)) {
      return hubspotError(400, 'VALIDATION_ERROR', `There was a problem with the request.`, {
        errors: [{ message: `Property "${String(f.propertyName)}" does not exist`, code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: [String(f.propertyName)] } }],
      });
    }
    if ((f.operator === 'IN' || f.operator === 'NOT_IN') && !Array.isArray(f.values)) return hubspotError(400, 'VALIDATION_ERROR', `${String(f.operator)} needs values`);
  }
  const sorts = (body.sorts ?? []) as unknown[];
  if (!Array.isArray(sorts) || sorts.length > 1) return hubspotError(400, 'VALIDATION_ERROR', 'Only one sort is allowed.');
  if (body.limit !== undefined && (typeof body.limit !== 'number' || body.limit < 1 || body.limit > 200)) return hubspotError(400, 'VALIDATION_ERROR', 'limit must be between 1 and 200');
  return undefined;
}

/** Sorted by one property (type-aware), ties by id ascending; without a sort, by id. */
export function sortRecords(defs: PropertyDef[], records: FakeRecord[], sort: { propertyName?: string; direction?: string } | undefined): FakeRecord[] {
  const byId = (a: FakeRecord, b: FakeRecord) => Number(a.id) - Number(b.id);
  if (!sort?.propertyName) return records.sort(byId);
  const def = defs.find((d) => d.name === sort.propertyName);
  const dir = sort.direction === 'DESCENDING' ? -1 : 1;
  return records.sort((a, b) => {
    const x = comparable(def, a.properties[sort.propertyName!] ?? '');
    const y = comparable(def, b.properties[sort.propertyName!] ?? '');
    return x < y ? -dir : x > y ? dir : byId(a, b);
  });
}
