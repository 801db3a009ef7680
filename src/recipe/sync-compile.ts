import type { ZodType } from 'zod';
import type { SyncDirection, SyncFieldPlan, SyncPlan, SyncSideName, SyncSidePlan } from '../../workflows/sync-plan';
import { parseDuration } from '../../workflows/duration';
import { compileTranscripts } from '../sync/conversations-compile';
import { canMerge, whyNoMerge } from '../sync/merges';
import { transforms, type TransformName } from '../sync/transforms';
import { dedupeDiagnostics, didYouMean, formatPath, type Diagnostic, type PathSegment } from './diagnostics';
import { conversationsSchema, syncFieldSchema, syncSchema } from './sync-schema';
import { recipeVersion } from './version';
import { zodIssues } from './zod-issues';

export interface SyncCompileContext {
  /** Known connections (id → connector id); when given, unknown or mismatched connections are errors. */
  connections?: Map<string, string>;
  /** The connector pairs the engine runs (default: those it runs today); tests of definitions for pairs to come pass more. */
  enginePairs?: readonly (readonly [string, string])[];
  /** Known syncs (id → the connection and object of each side); when given, a "linked" field's "via" must name one of them that links the referenced objects. */
  syncs?: Map<string, LinkedSides>;
}

/** The sides of a sync, as a "linked" field's "via" needs them. */
export type LinkedSides = Record<SyncSideName, { connection: string; object: string }>;

/** The sides a sync definition names, or undefined when it does not name both (the compiler reports that). */
function linkedSidesOf(source: unknown): LinkedSides | undefined {
  if (!isSyncDefinition(source)) return undefined;
  const raw = source as Record<string, unknown>;
  const side = (s: unknown) => (isObject(s) && typeof s.connection === 'string' && typeof s.object === 'string' ? { connection: s.connection, object: s.object } : undefined);
  const left = side(raw.left);
  const right = side(raw.right);
  return left && right ? { left, right } : undefined;
}

/** The syncs a "linked" field may name: the stored ones, then the definitions being applied with them (which win). */
export function knownSyncs(stored: readonly { id: string; plan: { left: LinkedSides['left']; right: LinkedSides['right'] } }[], sources: readonly unknown[] = []): Map<string, LinkedSides> {
  const out = new Map<string, LinkedSides>(stored.map((s) => [s.id, { left: s.plan.left, right: s.plan.right }]));
  for (const source of sources) {
    const sides = linkedSidesOf(source);
    const id = (source as { id?: unknown }).id;
    if (sides && typeof id === 'string') out.set(id, sides);
  }
  return out;
}

/**
 * The object a reference field holds an id of, per connector and field path: a "linked" field's
 * via-sync must link these objects on that side.
 */
const referenceTargets: Record<string, Record<string, string>> = {
  intercom: { 'companies.data.0.id': 'company' },
  salesforce: { AccountId: 'Account' },
  hubspot: { associatedcompanyid: 'companies' },
  pipedrive: { org_id: 'organization' },
};

export type SyncCompileResult = { ok: true; plan: SyncPlan; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** The objects a sync side may name, per connector (their CRM records with a change feed and a schema). */
const syncObjects: Record<string, { objects: readonly string[] | RegExp; example: string; matchBy?: Readonly<Record<string, readonly string[]>> }> = {
  // Intercom has no company search: a company is looked up by company_id or name (GET /companies?…).
  intercom: { objects: ['contact', 'company'], example: 'contact', matchBy: { company: ['company_id', 'name'] } },
  salesforce: { objects: /^[A-Za-z][A-Za-z0-9_]*$/, example: 'Contact' },
  hubspot: { objects: ['contacts', 'companies', 'deals'], example: 'contacts' },
  pipedrive: { objects: ['person', 'organization', 'deal'], example: 'person' },
};

/** The pairs the sync engine runs so far; others compile to a clear error instead of a sync that never moves. */
const enginePairs: readonly (readonly [string, string])[] = [
  ['intercom', 'salesforce'],
  ['intercom', 'hubspot'],
  ['intercom', 'pipedrive'],
];

const minimumPollMs = 60_000;
const defaultPollMs = 15 * 60_000;

/** True when a definition is a sync rather than a recipe (`"kind": "sync"`). */
export function isSyncDefinition(source: unknown): boolean {
  return source !== null && typeof source === 'object' && !Array.isArray(source) && (source as { kind?: unknown }).kind === 'sync';
}

/**
 * Sync definition JSON (+ known connections) → SyncPlan, or every diagnostic at once, with the
 * recipe compiler's diagnostics (JSON paths, "did you mean"). Pure: the same input always gives the
 * same plan and version. The fields' existence and types on each side are checked at apply time
 * against the vendors' schemas (sync-fields.ts), where the connections can be asked.
 */
export function compileSync(source: unknown, ctx: SyncCompileContext = {}): SyncCompileResult {
  const diagnostics: Diagnostic[] = [];
  const error = (path: PathSegment[], message: string, suggestion?: string) =>
    diagnostics.push({ path: formatPath(path), message, severity: 'error', ...(suggestion ? { suggestion } : {}) });
  const validate = (schema: ZodType, value: unknown, path: PathSegment[]) => {
    const result = schema.safeParse(value, { reportInput: true });
    if (!result.success) for (const d of zodIssues(result.error.issues, path, schema)) diagnostics.push(d.diagnostic);
    return result.success;
  };

  if (!isSyncDefinition(source)) {
    error(['kind'], 'a sync definition needs "kind": "sync"');
    return { ok: false, diagnostics };
  }
  const raw = source as Record<string, unknown>;
  // Fields are validated one by one (below) so each error keeps its own path; the rest at once.
  const { fields: rawFields, conversations: rawConversations, ...rest } = raw;
  validate(syncSchema.omit({ fields: true, conversations: true }), rest, []);
  // `conversations` by its form, so an error inside the object keeps its path.
  const conversationsValid = rawConversations === undefined || validate(isObject(rawConversations) ? conversationsSchema : syncSchema.shape.conversations, rawConversations, ['conversations']);
  if (!Array.isArray(rawFields)) error(['fields'], rawFields === undefined ? 'missing required field "fields"' : 'expected a list of field mappings');
  else if (rawFields.length === 0) error(['fields'], 'a sync needs at least one field mapping');

  const direction = (typeof raw.direction === 'string' ? raw.direction : 'both') as SyncDirection;
  const lookups = isObject(raw.lookups) ? (raw.lookups as Record<string, { left: string | number; right: string }[]>) : {};

  const sides: Partial<Record<SyncSideName, SyncSidePlan>> = {};
  for (const name of ['left', 'right'] as const) {
    const s = raw[name];
    if (!isObject(s) || typeof s.connection !== 'string' || typeof s.object !== 'string') continue;
    const connector = connectorOf(s.connection, ctx, [name, 'connection'], error);
    if (connector !== undefined) {
      const known = syncObjects[connector];
      if (!known) error([name, 'connection'], `connection ${JSON.stringify(s.connection)} is a ${connector} connection, which has no records to sync (syncs work with ${Object.keys(syncObjects).join(', ')})`);
      else if (Array.isArray(known.objects) ? !known.objects.includes(s.object) : !(known.objects as RegExp).test(s.object)) {
        error([name, 'object'], `${connector} has no object ${JSON.stringify(s.object)} to sync`, Array.isArray(known.objects) ? didYouMean(s.object, known.objects, (c) => `"${c}"`) : `e.g. "${known.example}"`);
      }
    }
    sides[name] = { connection: s.connection, connector: connector ?? '', object: s.object, filter: isObject(s.filter) ? (s.filter as SyncSidePlan['filter']) : {} };
  }
  const { left, right } = sides;
  if (left && right && syncObjects[left.connector] && syncObjects[right.connector]) {
    if (left.connection === right.connection && left.object === right.object) error(['right'], 'both sides are the same object of the same connection');
    const pairs = ctx.enginePairs ?? enginePairs;
    const runs = pairs.some(([a, b]) => (a === left.connector && b === right.connector) || (a === right.connector && b === left.connector));
    if (!runs) error([], `syncs between ${left.connector} and ${right.connector} do not run yet (the engine runs ${pairs.map(([a, b]) => `${a} ↔ ${b}`).join(', ')})`);
  }

  const transcripts = conversationsValid && left && right && syncObjects[left.connector] && syncObjects[right.connector] ? compileTranscripts(raw, { left, right }, error) : undefined;

  const fields: SyncFieldPlan[] = [];
  const writers = new Map<string, string>();
  (Array.isArray(rawFields) ? rawFields : []).forEach((f, i) => {
    const path: PathSegment[] = ['fields', i];
    if (!validate(syncFieldSchema, f, path)) return;
    const field = f as { left: string | string[]; right: string | string[]; transform?: TransformName; values?: Record<string, string>; lookup?: string; via?: string; direction?: SyncDirection };
    const leftPaths = typeof field.left === 'string' ? [field.left] : field.left;
    const rightPaths = typeof field.right === 'string' ? [field.right] : field.right;
    const transformName: TransformName = field.transform ?? (field.lookup !== undefined ? 'lookup' : field.via !== undefined ? 'linked' : field.values !== undefined ? 'map' : 'copy');
    const t = transforms[transformName];
    if (field.lookup !== undefined && transformName !== 'lookup') error([...path, 'lookup'], `"lookup" goes with transform "lookup", not "${transformName}"`);
    if (field.via !== undefined && transformName !== 'linked') error([...path, 'via'], `"via" goes with transform "linked", not "${transformName}"`);
    if (field.values !== undefined && transformName !== 'map') error([...path, 'values'], `"values" goes with transform "map", not "${transformName}"`);
    if (leftPaths.length !== t.arity.left) error([...path, 'left'], arityMessage(transformName, 'left', t.arity.left, leftPaths.length));
    if (rightPaths.length !== t.arity.right) error([...path, 'right'], arityMessage(transformName, 'right', t.arity.right, rightPaths.length));
    const params: SyncFieldPlan['params'] = {};
    if (transformName === 'map') {
      if (!field.values || Object.keys(field.values).length === 0) error([...path, field.values ? 'values' : 'transform'], 'transform "map" needs "values": { "<left value>": "<right value>", … }');
      else {
        const seen = new Map<string, string>();
        for (const [k, v] of Object.entries(field.values)) {
          const first = seen.get(v);
          if (first !== undefined) error([...path, 'values', k], `right value ${JSON.stringify(v)} is also the value of ${JSON.stringify(first)}: the reverse direction could not tell them apart`);
          else seen.set(v, k);
        }
        params.values = field.values;
      }
    }
    if (transformName === 'lookup') {
      const name = field.lookup;
      if (name === undefined) error([...path, 'transform'], 'transform "lookup" needs "lookup": "<name of a table in lookups>"');
      else if (!Object.prototype.hasOwnProperty.call(lookups, name)) error([...path, 'lookup'], `unknown lookup table ${JSON.stringify(name)}`, didYouMean(name, Object.keys(lookups), (c) => `"${c}"`) ?? 'define it in "lookups"');
      else params.pairs = lookups[name]!.map((p) => ({ left: String(p.left), right: p.right }));
    }
    const fieldDirection = field.direction ?? direction;
    if (transformName === 'linked') {
      if (field.via === undefined) error([...path, 'transform'], 'transform "linked" needs "via": "<id of the sync that links the referenced records>"');
      else {
        params.via = field.via;
        linkedField({ path, via: field.via, paths: { left: leftPaths, right: rightPaths }, sides, ownId: raw.id, known: ctx.syncs }, error);
      }
    }
    if (direction !== 'both' && fieldDirection !== direction) error([...path, 'direction'], `the sync flows ${direction}, so this field cannot flow ${fieldDirection}`);
    for (const [side, paths, flows] of [['right', rightPaths, fieldDirection !== 'rightToLeft'], ['left', leftPaths, fieldDirection !== 'leftToRight']] as const) {
      if (!flows) continue;
      paths.forEach((p, j) => {
        const key = `${side}:${p}`;
        const first = writers.get(key);
        const at = [...path, side, ...(paths.length > 1 ? [j] : [])];
        if (first) error(at, `${side} field ${JSON.stringify(p)} is already written by ${first}`);
        else writers.set(key, formatPath(path));
      });
    }
    fields.push({ id: formatPath(path), left: leftPaths, right: rightPaths, transform: transformName, params, direction: fieldDirection });
  });

  const create = isObject(raw.create) ? raw.create : {};
  if (create.right === true && direction === 'rightToLeft') error(['create', 'right'], 'the sync flows rightToLeft, so it never creates records on the right');
  if (create.left === true && direction === 'leftToRight') error(['create', 'left'], 'the sync flows leftToRight, so it never creates records on the left');

  if (transcripts && transcripts.pollMs !== 0 && transcripts.pollMs < minimumPollMs) error(['conversations', 'poll'], `poll interval ${String((raw.conversations as { poll?: unknown }).poll)} is too short: the minimum is 1m`);
  const frequency = raw.frequency === undefined || raw.frequency === 'realtime' ? 'realtime' : 'interval';
  const pollText = frequency === 'interval' ? String(raw.frequency) : typeof raw.safetyPoll === 'string' ? raw.safetyPoll : undefined;
  const pollMs = pollText === undefined ? defaultPollMs : parseDuration(pollText) ?? defaultPollMs;
  if (pollMs < minimumPollMs) error([frequency === 'interval' ? 'frequency' : 'safetyPoll'], `poll interval ${pollText} is too short: the minimum is 1m`);
  if (frequency === 'interval' && raw.safetyPoll !== undefined) error(['safetyPoll'], 'safetyPoll goes with "frequency": "realtime"; an interval sync polls at its frequency');

  if (Array.isArray(raw.match)) {
    (raw.match as Record<SyncSideName, unknown>[]).forEach((m, i) => {
      for (const [name, side] of Object.entries(sides) as [SyncSideName, SyncSidePlan][]) {
        const by = syncObjects[side.connector]?.matchBy?.[side.object];
        if (by && typeof m?.[name] === 'string' && !by.includes(m[name])) {
          error(['match', i, name], `${side.connector} looks a ${side.object} up by ${by.join(' or ')} only: a match rule cannot use ${JSON.stringify(m[name])}`, didYouMean(m[name], by, (c) => `"${c}"`));
        }
      }
    });
  }

  if (raw.onDuplicate === 'merge' && left && right && syncObjects[left.connector] && syncObjects[right.connector]) mergePolicy({ left, right }, direction, error);

  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !left || !right) return { ok: false, diagnostics: dedupeDiagnostics(diagnostics) };
  const plan: SyncPlan = {
    planFormat: 1,
    kind: 'sync',
    syncId: String(raw.id),
    version: recipeVersion(raw),
    name: typeof raw.name === 'string' ? raw.name : String(raw.id),
    enabled: raw.enabled !== false,
    left,
    right,
    match: (raw.match as { left: string; right: string }[]).map((m) => ({ left: m.left, right: m.right })),
    fields,
    direction,
    frequency,
    pollMs,
    conflicts: (raw.conflicts as SyncPlan['conflicts'] | undefined) ?? 'newestWins',
    create: { left: create.left === true, right: create.right === true },
    onDuplicate: raw.onDuplicate === 'merge' ? 'merge' : 'report',
    connections: [...new Set([left.connection, right.connection])].sort(),
    ...(raw.conversations === 'notes' ? { conversations: 'notes' as const } : {}),
    ...(transcripts ? { transcripts: { ...transcripts, pollMs: transcripts.pollMs || pollMs } } : {}),
  };
  return { ok: true, plan, diagnostics: dedupeDiagnostics(diagnostics) };
}

function connectorOf(id: string, ctx: SyncCompileContext, path: PathSegment[], error: (path: PathSegment[], message: string, suggestion?: string) => void): string | undefined {
  const known = ctx.connections;
  if (!known) {
    // Without the store (`recipe check`), the connector is read from the id's convention ("salesforce-main").
    return Object.keys(syncObjects).find((c) => id === c || id.startsWith(`${c}-`));
  }
  const connector = known.get(id);
  if (connector === undefined) error(path, `unknown connection ${JSON.stringify(id)}`, didYouMean(id, [...known.keys()].filter((k) => syncObjects[known.get(k)!] !== undefined), (c) => `"${c}"`));
  return connector;
}

/**
 * A "linked" field's checks: its via-sync exists (when the known syncs are given), links the same
 * connections side for side, and links the objects the field's paths reference.
 */
function linkedField(
  f: { path: PathSegment[]; via: string; paths: Record<SyncSideName, string[]>; sides: Partial<Record<SyncSideName, SyncSidePlan>>; ownId: unknown; known?: Map<string, LinkedSides> },
  error: (path: PathSegment[], message: string, suggestion?: string) => void,
): void {
  const at = [...f.path, 'via'];
  if (f.via === f.ownId) return error(at, 'a field cannot be linked via its own sync: name the sync that links the referenced records (e.g. the companies sync)');
  if (!f.known) return;
  const via = f.known.get(f.via);
  if (!via) return error(at, `unknown sync ${JSON.stringify(f.via)}`, didYouMean(f.via, [...f.known.keys()], (c) => `"${c}"`) ?? 'apply the sync that links the referenced records first');
  for (const side of ['left', 'right'] as const) {
    const plan = f.sides[side];
    if (!plan) continue;
    if (via[side].connection !== plan.connection) {
      error(at, `sync ${JSON.stringify(f.via)} has ${via[side].connection} on the ${side}, this sync ${plan.connection}: its links cannot pair this field's ids`);
      continue;
    }
    const target = referenceTargets[plan.connector]?.[f.paths[side][0] ?? ''];
    if (target !== undefined && target !== via[side].object) {
      error([...f.path, side], `${f.paths[side][0]} holds ${target} ids, but sync ${JSON.stringify(f.via)} links ${via[side].object} records on the ${side}`);
    }
  }
}

/**
 * `onDuplicate: "merge"`: duplicates are found on the side records are matched into (the side
 * changes flow to), so each such side's vendor must be able to merge its object.
 */
function mergePolicy(sides: Record<SyncSideName, SyncSidePlan>, direction: SyncDirection, error: (path: PathSegment[], message: string, suggestion?: string) => void): void {
  const matchedInto: SyncSideName[] = direction === 'leftToRight' ? ['right'] : direction === 'rightToLeft' ? ['left'] : ['left', 'right'];
  for (const name of matchedInto) {
    const side = sides[name];
    const why = whyNoMerge(side);
    if (why === undefined) continue;
    const other = sides[name === 'left' ? 'right' : 'left'];
    const flow = direction === 'both' ? 'direction "both"' : `direction "${direction}"`;
    const oneWay = name === 'left' ? 'leftToRight' : 'rightToLeft';
    error(
      ['onDuplicate'],
      `the ${name} side (${side.connector} ${side.object}) cannot merge duplicates: ${why}, and with ${flow} records are matched into the ${name} side, where duplicates are found`,
      direction === 'both' && canMerge(other) ? `use "onDuplicate": "report", or "direction": "${oneWay}" so records are only matched into ${other.connector} ${other.object}` : 'use "onDuplicate": "report"',
    );
  }
}

function arityMessage(transform: string, side: string, want: number, got: number): string {
  return `transform "${transform}" takes ${want} ${side} field${want === 1 ? '' : 's'}, got ${got}${want > 1 ? ` (e.g. ["FirstName", "LastName"])` : ''}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
