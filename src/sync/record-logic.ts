import { createHash } from 'node:crypto';
import type { SyncFieldPlan, SyncPlan, SyncSideName, SyncSidePlan } from '../../workflows/sync-plan';
import type { SyncLink, SyncRecordEvent } from '../store/syncs';
import { transforms, type SyncValue } from './transforms';

/**
 * The per-record decisions of a sync, pure: which record is the counterpart, what changed since
 * the last sync, who wins a conflict, what to write where, and what to remember. No I/O: the
 * engine reads the records and links, calls these, then writes and saves what they return.
 */

/** A record as one side's connector returns it, with its modification time in ms. */
export interface SyncRecord {
  id: string;
  modifiedAt: number;
  /** When the vendor created it (ms), where the adapter reads it: a merge keeps the oldest duplicate. */
  createdAt?: number;
  data: Record<string, unknown>;
}

/** Field path → value to set on one record. */
export type FieldWrites = Record<string, SyncValue>;

export interface LinkedDecision {
  /** What to write on each side (absent: nothing). */
  writes: Partial<Record<SyncSideName, FieldWrites>>;
  /** The link to save: the values both sides hold after the writes, and their hashes. */
  link: SyncLink;
  /** History: conflicts resolved, conversions that failed, writes and what caused them. */
  events: SyncRecordEvent[];
  /** True when both sides match the hashes recorded last time: nothing moved (an echo of our own write, or no mapped change). */
  unchanged: boolean;
}

export type MatchOutcome = { kind: 'none' } | { kind: 'one'; record: SyncRecord } | { kind: 'duplicate'; ids: string[] };

const other = (side: SyncSideName): SyncSideName => (side === 'left' ? 'right' : 'left');

/** The value at a dotted path ("custom_attributes.plan_type"); absent values read as null. */
export function readPath(data: Record<string, unknown>, path: string): SyncValue {
  let current: unknown = data;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return null;
    current = (current as Record<string, unknown>)[segment];
  }
  return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean' ? current : null;
}

/** Whether a record takes part in the sync (the side's inclusion filter). */
export function passesFilter(side: SyncSidePlan, record: SyncRecord): boolean {
  return Object.entries(side.filter).every(([path, want]) => readPath(record.data, path) === want);
}

/** The mapped values of a record: field mapping id → the values at its paths on that side. */
function project(plan: SyncPlan, side: SyncSideName, record: SyncRecord): Record<string, SyncValue[]> {
  return Object.fromEntries(plan.fields.map((f) => [f.id, f[side].map((p) => readPath(record.data, p))]));
}

/** Hash of one side's mapped values (16 hex of sha256 over canonical JSON, field order of the plan). */
function valuesHash(plan: SyncPlan, values: Record<string, readonly SyncValue[]>): string {
  return createHash('sha256')
    .update(JSON.stringify(plan.fields.map((f) => [f.id, values[f.id] ?? []])))
    .digest('hex')
    .slice(0, 16);
}

const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => normal(v) === normal(b[i]));
/** Blank text and null are the same "empty" on every CRM. */
const normal = (v: unknown) => (v === '' || v === undefined ? null : v);

/**
 * The counterpart of a record without a link, by the plan's match rules in order: the first rule
 * whose value is present decides; one candidate is a match, several are a duplicate (reported, never
 * guessed). Text compares case-insensitively and trimmed (emails).
 */
export function matchCounterpart(plan: SyncPlan, side: SyncSideName, record: SyncRecord, candidates: readonly SyncRecord[]): MatchOutcome {
  const key = (v: SyncValue) => (typeof v === 'string' ? v.trim().toLowerCase() : v);
  for (const rule of plan.match) {
    const mine = key(readPath(record.data, rule[side]));
    if (mine === null || mine === '') continue;
    const found = candidates.filter((c) => key(readPath(c.data, rule[other(side)])) === mine);
    if (found.length === 1) return { kind: 'one', record: found[0]! };
    if (found.length > 1) return { kind: 'duplicate', ids: found.map((c) => c.id).sort() };
  }
  return { kind: 'none' };
}

/**
 * The fields of a new record on the other side, from a record that has no counterpart; undefined
 * with the reasons when a value cannot be converted (nothing is created then).
 */
export function createFields(plan: SyncPlan, from: SyncSideName, record: SyncRecord): { ok: true; fields: FieldWrites } | { ok: false; errors: string[] } {
  const to = other(from);
  const fields: FieldWrites = {};
  const errors: string[] = [];
  for (const f of plan.fields) {
    if (!flows(f, from)) continue;
    const converted = convert(f, from, f[from].map((p) => readPath(record.data, p)));
    // An id the via-sync has not linked yet: the record is created without it (the link's decision records the wait).
    if (!converted.ok && converted.waiting) continue;
    if (!converted.ok) errors.push(`${f.id}: ${converted.reason}`);
    else f[to].forEach((p, i) => (fields[p] = converted.values[i] ?? null));
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, fields };
}

/**
 * The link a resync (`sync.resync`) decides against: the counterpart on `to` counts as unchanged
 * since the last sync and the named record on `from` as changed in every field, whatever the
 * recorded hashes say; so each mapped value of the named record that differs is written to the
 * counterpart (one-way fields still flow only their own way).
 */
export function resyncBase(plan: SyncPlan, link: SyncLink, from: SyncSideName, counterpart: SyncRecord): SyncLink {
  const to = other(from);
  const current = project(plan, to, counterpart);
  const state = Object.fromEntries(plan.fields.map((f) => [f.id, { [to]: current[f.id]!, [from]: [] } as SyncLink['state'][string]]));
  return { ...link, leftHash: '', rightHash: '', state };
}

/**
 * Two records that are the same contact: what changed on each side since the link's base values,
 * which side wins each field (a field changed on both sides is a conflict, resolved by the plan's
 * policy and recorded), and the writes that bring the other side in line. Only fields whose value
 * differs are written. A first sync (no link) aligns the sides by the policy without calling it a conflict.
 */
export function decideLinked(plan: SyncPlan, link: SyncLink | undefined, left: SyncRecord, right: SyncRecord): LinkedDecision {
  const values = { left: project(plan, 'left', left), right: project(plan, 'right', right) };
  const hashes = { left: valuesHash(plan, values.left), right: valuesHash(plan, values.right) };
  if (link && link.leftHash === hashes.left && link.rightHash === hashes.right) {
    return { writes: {}, link: { ...link, leftId: left.id, rightId: right.id }, events: [], unchanged: true };
  }
  const records = { left, right };
  const state: SyncLink['state'] = {};
  const writes: Record<SyncSideName, FieldWrites> = { left: {}, right: {} };
  const causes: Record<SyncSideName, string[]> = { left: [], right: [] };
  const events: SyncRecordEvent[] = [];
  for (const f of plan.fields) {
    const lv = values.left[f.id]!;
    const rv = values.right[f.id]!;
    const base = link?.state[f.id];
    const changed = { left: !base || !same(lv, base.left), right: !base || !same(rv, base.right) };
    const toRight = convert(f, 'left', lv);
    if (toRight.ok && same(toRight.values, rv)) {
      state[f.id] = { left: lv, right: rv };
      continue;
    }
    const candidates = (['left', 'right'] as const).filter((s) => changed[s] && flows(f, s));
    let winner: SyncSideName;
    if (candidates.length === 2) {
      winner = resolve(plan.conflicts, left.modifiedAt, right.modifiedAt);
      if (base) {
        events.push({
          kind: 'conflict',
          side: 'left',
          recordId: left.id,
          otherId: right.id,
          detail: { field: f.id, policy: plan.conflicts, winner, left: { values: lv, modifiedAt: iso(left.modifiedAt) }, right: { values: rv, modifiedAt: iso(right.modifiedAt) } },
        });
      }
    } else if (candidates.length === 1) winner = candidates[0]!;
    else winner = flows(f, 'left') ? 'left' : 'right'; // a one-way field changed on its read-only side: the source side restores it
    const loser = other(winner);
    const source = winner === 'left' ? lv : rv;
    const target = winner === 'left' ? rv : lv;
    const converted = winner === 'left' ? toRight : convert(f, 'right', rv);
    if (!converted.ok && converted.waiting) {
      // Not linked by the via-sync yet: left out of this write. The winner's base reads as "not synced"
      // (so its value counts as changed once the link exists) and the loser's as what it holds now.
      if (!base?.waiting || !same(base.waiting, source)) {
        events.push({ kind: 'waiting', side: loser, recordId: records[loser].id, otherId: records[winner].id, detail: { field: f.id, via: f.params.via, values: source, message: converted.reason } });
      }
      state[f.id] = { [winner]: f[winner].map(() => null), [loser]: target, waiting: source } as SyncLink['state'][string];
      continue;
    }
    if (!converted.ok) {
      events.push({ kind: 'error', side: winner, recordId: records[winner].id, otherId: records[loser].id, detail: { field: f.id, message: converted.reason } });
      if (base) state[f.id] = base; // keep the base: the change is still pending once the value is fixed
      continue;
    }
    f[loser].forEach((p, i) => {
      const v = converted.values[i] ?? null;
      if (normal(v) !== normal(target[i])) writes[loser][p] = v;
    });
    causes[loser].push(f.id);
    state[f.id] = winner === 'left' ? { left: source, right: converted.values } : { left: converted.values, right: source };
  }
  const out: LinkedDecision['writes'] = {};
  for (const side of ['left', 'right'] as const) {
    if (Object.keys(writes[side]).length === 0) continue;
    out[side] = writes[side];
    const from = records[other(side)];
    events.push({ kind: 'write', side, recordId: records[side].id, otherId: from.id, detail: { fields: Object.keys(writes[side]), mappings: causes[side], cause: { side: other(side), modifiedAt: iso(from.modifiedAt) } } });
  }
  const stateValues = (side: SyncSideName) => Object.fromEntries(Object.entries(state).map(([id, v]) => [id, v[side] as SyncValue[]]));
  // Fields left out of the state (a failed first conversion) hash as their current value: they count as changed next time.
  const hashOf = (side: SyncSideName) => valuesHash(plan, { ...values[side], ...stateValues(side) });
  return { writes: out, link: { leftId: left.id, rightId: right.id, leftHash: hashOf('left'), rightHash: hashOf('right'), state }, events, unchanged: false };
}

function flows(f: SyncFieldPlan, from: SyncSideName): boolean {
  return from === 'left' ? f.direction !== 'rightToLeft' : f.direction !== 'leftToRight';
}

function convert(f: SyncFieldPlan, from: SyncSideName, values: SyncValue[]) {
  const t = transforms[f.transform as keyof typeof transforms] ?? transforms.copy;
  return from === 'left' ? t.toRight(values, f.params) : t.toLeft(values, f.params);
}

/** newestWins: the later modification (a tie goes left, so the outcome never depends on arrival order). */
function resolve(policy: SyncPlan['conflicts'], leftAt: number, rightAt: number): SyncSideName {
  if (policy === 'leftWins') return 'left';
  if (policy === 'rightWins') return 'right';
  return rightAt > leftAt ? 'right' : 'left';
}

const iso = (ms: number) => new Date(ms).toISOString();
