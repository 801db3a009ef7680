/**
 * Intercom's search query language over in-memory records, as vendor-apis.md §0.5 describes it:
 * field filters (`=`, `!=`, `IN`, `NIN`, `>`, `<`, `>=`, `<=`, `~`, `!~`, `^`, `$`) under AND/OR
 * groups of at most 15 filters and 2 levels, dates as unix seconds compared by UTC day (the 2.x
 * contact index keeps dates, not times), and an opaque `starting_after` cursor.
 */

const operators = new Set(['=', '!=', 'IN', 'NIN', '>', '<', '>=', '<=', '~', '!~', '^', '$']);
const day = 86_400;

type Rec = { id: string };

export interface SearchSchema {
  fields: ReadonlySet<string>;
  dateFields: ReadonlySet<string>;
  /** Custom attributes the workspace defines (searchable as `custom_attributes.<name>`). */
  customAttributes: ReadonlySet<string>;
}

/** The first thing Intercom would refuse in the query, as [message, field], or undefined. */
export function queryProblem(q: unknown, schema: SearchSchema, depth = 0): [string, string] | undefined {
  if (!q || typeof q !== 'object') return ['query must be an object', 'query'];
  const node = q as { field?: unknown; operator?: unknown; value?: unknown };
  if (node.operator === 'AND' || node.operator === 'OR') {
    if (depth >= 2) return ['Search query nesting is limited to 2 levels', 'query'];
    if (!Array.isArray(node.value) || node.value.length === 0) return [`${node.operator} needs a list of filters`, 'query.value'];
    if (node.value.length > 15) return ['A search query group can have at most 15 filters', 'query.value'];
    for (const v of node.value) {
      const bad = queryProblem(v, schema, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof node.field !== 'string') return ['field is required', 'query.field'];
  const custom = node.field.startsWith('custom_attributes.') ? node.field.slice('custom_attributes.'.length) : undefined;
  if (custom !== undefined ? !schema.customAttributes.has(custom) : !schema.fields.has(node.field)) return [`${node.field} is not a searchable field`, 'query.field'];
  if (typeof node.operator !== 'string' || !operators.has(node.operator)) return [`operator ${String(node.operator)} is not supported`, 'query.operator'];
  if ((node.operator === 'IN' || node.operator === 'NIN') !== Array.isArray(node.value)) return [`${node.operator} ${Array.isArray(node.value) ? 'does not take' : 'takes'} a list value`, 'query.value'];
  if (schema.dateFields.has(node.field) && !Number.isFinite(Number(node.value))) return [`${node.field} takes a unix timestamp`, 'query.value'];
  return undefined;
}

function valueOf(rec: Rec, field: string): unknown {
  const r = rec as unknown as Record<string, unknown>;
  if (field.startsWith('custom_attributes.')) return (r.custom_attributes as Record<string, unknown> | undefined)?.[field.slice('custom_attributes.'.length)];
  return r[field];
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

export function matches(rec: Rec, q: unknown, schema: SearchSchema): boolean {
  const node = q as { field: string; operator: string; value: unknown };
  if (node.operator === 'AND') return (node.value as unknown[]).every((v) => matches(rec, v, schema));
  if (node.operator === 'OR') return (node.value as unknown[]).some((v) => matches(rec, v, schema));
  const date = schema.dateFields.has(node.field);
  const norm = (v: unknown) => (date ? (typeof v === 'number' || typeof v === 'string' ? Math.floor(Number(v) / day) : undefined) : typeof v === 'string' ? v.toLowerCase() : v);
  const have = norm(valueOf(rec, node.field));
  const want = norm(node.value);
  const text = String(have ?? '');
  const needle = String(want ?? '');
  switch (node.operator) {
    case '=':
      return have === want || (want === null && have === undefined);
    case '!=':
      return have !== want;
    case 'IN':
      return (node.value as unknown[]).map(norm).includes(have);
    case 'NIN':
      return !(node.value as unknown[]).map(norm).includes(have);
    case '>':
      return have !== undefined && have !== null && compare(have, want) > 0;
    case '<':
      return have !== undefined && have !== null && compare(have, want) < 0;
    case '>=':
      return have !== undefined && have !== null && compare(have, want) >= 0;
    case '<=':
      return have !== undefined && have !== null && compare(have, want) <= 0;
    case '~':
      return text.includes(needle);
    case '!~':
      return !text.includes(needle);
    case '^':
      return text.startsWith(needle);
    case '$':
      return text.endsWith(needle);
    default:
      return false;
  }
}

export interface SearchPageAnswer<T> {
  data: T[];
  total_count: number;
  pages: { type: 'pages'; page: number; per_page: number; total_pages: number; next?: { page: number; starting_after: string } };
}

/**
 * One page of `list` (already filtered) ordered by `sortField` then id. The cursor names the last
 * record's sort key, so a page after a record that changed meanwhile neither skips nor repeats the others.
 */
export function searchPage<T extends Rec>(list: T[], sortField: string, descending: boolean, perPage: number, startingAfter: string | null): SearchPageAnswer<T> | 'bad_cursor' {
  const sign = descending ? -1 : 1;
  const key = (r: T): [unknown, string] => [valueOf(r, sortField), r.id];
  const order = (a: [unknown, string], b: [unknown, string]) => sign * compare(a[0], b[0]) || a[1].localeCompare(b[1]);
  const sorted = [...list].sort((a, b) => order(key(a), key(b)));
  let start = 0;
  if (startingAfter) {
    let after: [unknown, string];
    try {
      after = JSON.parse(Buffer.from(startingAfter, 'base64url').toString('utf8')) as [unknown, string];
      if (!Array.isArray(after) || typeof after[1] !== 'string') return 'bad_cursor';
    } catch {
      return 'bad_cursor';
    }
    start = sorted.findIndex((r) => order(key(r), after) > 0);
    if (start < 0) start = sorted.length;
  }
  const data = sorted.slice(start, start + perPage);
  const last = data[data.length - 1];
  const more = last !== undefined && start + perPage < sorted.length;
  const page = Math.floor(start / perPage) + 1;
  return {
    data,
    total_count: sorted.length,
    pages: {
      type: 'pages',
      page,
      per_page: perPage,
      total_pages: Math.max(1, Math.ceil(sorted.length / perPage)),
      ...(more ? { next: { page: page + 1, starting_after: Buffer.from(JSON.stringify(key(last))).toString('base64url') } } : {}),
    },
  };
}
