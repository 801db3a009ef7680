/**
 * The sync transforms: pure, typed conversions between a field's value(s) on the left side and
 * on the right side. Each transform states how many values it takes on each side, the value kinds
 * it produces (for the compiler's type check against each side's schema), and converts both ways.
 * A value that cannot be converted is an explicit failure (never a silent null or NaN): the record
 * is reported with the field and the reason, and nothing is written for it.
 */

/** A field value as the sync moves it: what vendors' JSON carries for a scalar field. */
export type SyncValue = string | number | boolean | null;

/** The kind a side's field must accept for a transform's output (checked against describe/properties). */
export type ValueKind = 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'any';

/** A failed conversion; `waiting`: the value is an id the via-sync has not linked yet (not an error: the field waits). */
type Converted = { ok: true; values: SyncValue[] } | { ok: false; reason: string; waiting?: true };

/** Static parameters of a field's transform, from the sync definition. */
interface TransformParams {
  /** `map`: left value → right value (the reverse direction uses the inverse). */
  values?: Record<string, string>;
  /** `lookup`: pairs of ids that denote the same thing on both sides (e.g. users). */
  pairs?: readonly { left: string; right: string }[];
  /** `linked`: the sync whose links pair the ids (e.g. the companies sync of a contacts sync). */
  via?: string;
  /**
   * `linked`, filled in by the engine for each page (never stored in the plan): the via-sync's
   * links for the ids the page holds, left id → right id and back.
   */
  links?: { toRight: Record<string, string>; toLeft: Record<string, string> };
}

/** A transform, registered under its name in `transforms`. */
export interface TransformDefinition {
  description: string;
  /** How many fields the transform reads/writes on each side. */
  arity: { left: number; right: number };
  /** What each side's field(s) must hold. */
  kinds: { left: ValueKind; right: ValueKind };
  toRight(values: readonly SyncValue[], params: TransformParams): Converted;
  toLeft(values: readonly SyncValue[], params: TransformParams): Converted;
}

export const transformNames = ['copy', 'splitName', 'joinName', 'number', 'string', 'boolean', 'date', 'datetime', 'map', 'lookup', 'linked'] as const;
export type TransformName = (typeof transformNames)[number];

const ok = (...values: SyncValue[]): Converted => ({ ok: true, values });
const fail = (reason: string): Converted => ({ ok: false, reason });
const blank = (v: SyncValue | undefined): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** "Ada King Lovelace" → ["Ada King", "Lovelace"]: the last word is the family name (Salesforce's LastName is required, so a single word goes there). */
function splitName(value: SyncValue): Converted {
  if (blank(value)) return ok(null, null);
  if (typeof value !== 'string') return fail(`expected a name (text), got ${typeof value} ${JSON.stringify(value)}`);
  const words = value.trim().split(/\s+/);
  const last = words.pop()!;
  return ok(words.length > 0 ? words.join(' ') : null, last);
}

function joinName(first: SyncValue, last: SyncValue): Converted {
  for (const v of [first, last]) if (!blank(v) && typeof v !== 'string') return fail(`expected name parts (text), got ${typeof v} ${JSON.stringify(v)}`);
  const parts = [first, last].filter((v): v is string => !blank(v)).map((v) => v.trim());
  return ok(parts.length > 0 ? parts.join(' ') : null);
}

function toNumber(value: SyncValue): Converted {
  if (blank(value)) return ok(null);
  if (typeof value === 'number') return Number.isFinite(value) ? ok(value) : fail(`not a finite number: ${value}`);
  if (typeof value === 'string') {
    const trimmed = value.trim();
    const n = Number(trimmed);
    if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) && Number.isFinite(n)) return ok(n);
    return fail(`not a number: ${JSON.stringify(value)}`);
  }
  return fail(`not a number: ${JSON.stringify(value)}`);
}

function toText(value: SyncValue): Converted {
  if (value === null) return ok(null);
  return ok(String(value));
}

const truthy = new Set(['true', 'yes', 'y', '1', 'on']);
const falsy = new Set(['false', 'no', 'n', '0', 'off']);

function toBoolean(value: SyncValue): Converted {
  if (blank(value)) return ok(null);
  if (typeof value === 'boolean') return ok(value);
  if (value === 1 || value === 0) return ok(value === 1);
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (truthy.has(v)) return ok(true);
    if (falsy.has(v)) return ok(false);
  }
  return fail(`not a yes/no value: ${JSON.stringify(value)}`);
}

/** Unix seconds (Intercom's dates) or an ISO string → milliseconds since the epoch. */
function epochMs(value: SyncValue): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value * 1000 : `not a timestamp: ${value}`;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
    if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
      const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
      if (!Number.isNaN(ms)) return ms;
    }
  }
  return `not a date: ${JSON.stringify(value)}`;
}

/** Unix seconds on the left (Intercom's dates) ↔ an ISO date ("2026-11-29") or date-time ("2026-11-29T14:00:00.000Z") on the right. */
function dateTransform(kind: 'date' | 'datetime', description: string): TransformDefinition {
  return {
    description,
    arity: { left: 1, right: 1 },
    kinds: { left: 'number', right: kind },
    toRight([v = null]) {
      if (blank(v)) return ok(null);
      const ms = epochMs(v);
      if (typeof ms === 'string') return fail(ms);
      const iso = new Date(ms).toISOString();
      return ok(kind === 'datetime' ? iso : iso.slice(0, 10));
    },
    toLeft([v = null]) {
      if (blank(v)) return ok(null);
      const ms = epochMs(v);
      if (typeof ms === 'string') return fail(ms);
      return ok(Math.floor(ms / 1000));
    },
  };
}

function mapValue(value: SyncValue, table: Record<string, string>, what: string): Converted {
  if (blank(value)) return ok(null);
  const key = String(value);
  if (Object.prototype.hasOwnProperty.call(table, key)) return ok(table[key]!);
  return fail(`${what} ${JSON.stringify(value)} has no mapping (known: ${Object.keys(table).map((k) => JSON.stringify(k)).join(', ')})`);
}

/** An id the via-sync has linked, its counterpart's id; an id with no link yet waits (the field is left out of this write). */
function linkedId(value: SyncValue, table: Record<string, string> | undefined, via: string | undefined): Converted {
  if (blank(value)) return ok(null);
  const key = String(value);
  if (table && Object.prototype.hasOwnProperty.call(table, key)) return ok(table[key]!);
  return { ok: false, waiting: true, reason: `waiting for link: ${JSON.stringify(value)} is not linked by sync ${JSON.stringify(via ?? '')} yet` };
}

function invert(table: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(table)) if (!Object.prototype.hasOwnProperty.call(out, v)) out[v] = k;
  return out;
}

/** The same one-value conversion both ways (number, string, boolean). */
function coercion(description: string, kind: ValueKind, convert: (v: SyncValue) => Converted): TransformDefinition {
  const both = ([v = null]: readonly SyncValue[]) => convert(v);
  return { description, arity: { left: 1, right: 1 }, kinds: { left: kind, right: kind }, toRight: both, toLeft: both };
}

export const transforms: Record<TransformName, TransformDefinition> = {
  copy: {
    description: 'The value as it is (the default).',
    arity: { left: 1, right: 1 },
    kinds: { left: 'any', right: 'any' },
    toRight: ([v = null]) => ok(v),
    toLeft: ([v = null]) => ok(v),
  },
  splitName: {
    description: 'A full name on the left ↔ first and last name on the right.',
    arity: { left: 1, right: 2 },
    kinds: { left: 'string', right: 'string' },
    toRight: ([v = null]) => splitName(v),
    toLeft: ([first = null, last = null]) => joinName(first, last),
  },
  joinName: {
    description: 'First and last name on the left ↔ a full name on the right.',
    arity: { left: 2, right: 1 },
    kinds: { left: 'string', right: 'string' },
    toRight: ([first = null, last = null]) => joinName(first, last),
    toLeft: ([v = null]) => splitName(v),
  },
  number: coercion('A number on both sides; text such as "42.5" is read as a number, anything else fails.', 'number', toNumber),
  string: coercion('Text on both sides; numbers and yes/no become their text.', 'string', toText),
  boolean: coercion('Yes/no on both sides; "true"/"yes"/"1" and "false"/"no"/"0" are read, anything else fails.', 'boolean', toBoolean),
  date: dateTransform('date', 'Unix seconds on the left (Intercom) ↔ an ISO date on the right ("2026-11-29").'),
  datetime: dateTransform('datetime', 'Unix seconds on the left (Intercom) ↔ an ISO date-time on the right.'),
  map: {
    description: 'Picklist values: "values" maps each left value to a right value; the reverse uses the inverse. An unmapped value fails.',
    arity: { left: 1, right: 1 },
    kinds: { left: 'string', right: 'string' },
    toRight: ([v = null], p) => mapValue(v, p.values ?? {}, 'value'),
    toLeft: ([v = null], p) => mapValue(v, invert(p.values ?? {}), 'value'),
  },
  lookup: {
    description: 'Ids that denote the same thing on both sides (e.g. owners), from the sync\'s "lookups" table. An unknown id fails.',
    arity: { left: 1, right: 1 },
    kinds: { left: 'any', right: 'string' },
    toRight: ([v = null], p) => mapValue(v, Object.fromEntries((p.pairs ?? []).map((x) => [x.left, x.right])), 'id'),
    toLeft: ([v = null], p) => {
      const back = mapValue(v, Object.fromEntries((p.pairs ?? []).map((x) => [x.right, x.left])), 'id');
      // Intercom's owner ids are numbers: give a numeric id back as a number.
      return back.ok ? ok(...back.values.map((x) => (typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : x))) : back;
    },
  },
  linked: {
    description: 'A reference to a record another sync links (a contact\'s company ↔ the contact\'s account): "via" names that sync; its link gives the id on the other side. An id it has not linked yet waits: the field is left out of the write until the next cycle after the link exists.',
    arity: { left: 1, right: 1 },
    kinds: { left: 'any', right: 'any' },
    toRight: ([v = null], p) => linkedId(v, p.links?.toRight, p.via),
    toLeft: ([v = null], p) => linkedId(v, p.links?.toLeft, p.via),
  },
};
