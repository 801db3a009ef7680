import type { SyncPlan, SyncSideName } from '../../workflows/sync-plan';
import { transforms, type ValueKind } from '../sync/transforms';
import { didYouMean, formatPath, type Diagnostic, type PathSegment } from './diagnostics';

/** What a field holds, reduced from the vendor's type ("double", "enumeration", "float"…). */
export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'other';

export interface SideField {
  name: string;
  kind: FieldKind;
  /** The vendor's own type name, for messages ("picklist", "double"). */
  vendorType: string;
  createable: boolean;
  updateable: boolean;
  /** Allowed values of a picklist / enumeration. */
  picklist?: readonly string[];
}

/** One side's object schema as its connector describes it (Salesforce describe, Intercom data attributes). */
export interface SideSchema {
  /** "Salesforce Contact", for messages. */
  label: string;
  fields: ReadonlyMap<string, SideField>;
}

/** Relations a record lists rather than fields its schema describes (Intercom: a contact's companies): read for "linked" fields, checked by the compiler. */
const relationPaths = new Set(['companies.data.0.id']);

/**
 * The mapping checked against each side's schema, before anything runs: unknown fields (with a
 * suggestion), targets the sync would write that the vendor does not let it write, and value
 * kinds the transform cannot put there (number ↔ double/int, picklist ↔ select, date ↔ date).
 * Each error names the field and its path in the definition.
 */
export function checkSyncFields(plan: SyncPlan, schemas: Partial<Record<SyncSideName, SideSchema>>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const error = (path: PathSegment[], message: string, suggestion?: string) => out.push({ path: formatPath(path), message, severity: 'error', ...(suggestion ? { suggestion } : {}) });
  const lookup = (side: SyncSideName, name: string, path: PathSegment[]): SideField | undefined => {
    const schema = schemas[side];
    if (!schema || relationPaths.has(name)) return undefined;
    const found = schema.fields.get(name);
    if (!found) error(path, `${schema.label} has no field ${JSON.stringify(name)}`, didYouMean(name, schema.fields.keys(), (c) => `"${c}"`));
    return found;
  };

  plan.match.forEach((m, i) => {
    const l = lookup('left', m.left, ['match', i, 'left']);
    const r = lookup('right', m.right, ['match', i, 'right']);
    if (l && r && !compatible(l.kind, r.kind)) error(['match', i], `cannot compare ${describeField(schemas.left!, l)} with ${describeField(schemas.right!, r)}`);
  });

  plan.fields.forEach((f, i) => {
    const t = transforms[f.transform as keyof typeof transforms];
    const base: PathSegment[] = ['fields', i];
    const resolved: Partial<Record<SyncSideName, (SideField | undefined)[]>> = {};
    for (const side of ['left', 'right'] as const) {
      const paths = f[side];
      const schema = schemas[side];
      const writes = side === 'right' ? f.direction !== 'rightToLeft' : f.direction !== 'leftToRight';
      resolved[side] = paths.map((p, j) => {
        const at = [...base, side, ...(paths.length > 1 ? [j] : [])];
        const field = lookup(side, p, at);
        if (!field || !schema) return field;
        if (writes && !field.updateable && !(plan.create[side] && field.createable)) {
          error(at, `${describeField(schema, field)} is read-only: the sync cannot write it`, `make this mapping ${side === 'right' ? 'rightToLeft' : 'leftToRight'}`);
        }
        const want = t?.kinds[side] ?? 'any';
        if (!accepts(want, field.kind)) error(at, `${describeField(schema, field)} cannot hold the ${want} that transform "${f.transform}" gives it`, suggestTransform(field.kind));
        if (f.transform === 'map' && side === 'right' && field.picklist && f.params.values) {
          for (const [from, to] of Object.entries(f.params.values)) {
            if (!field.picklist.includes(to)) error([...base, 'values', from], `${JSON.stringify(to)} is not a value of ${describeField(schema, field)}`, didYouMean(to, field.picklist, (c) => `"${c}"`) ?? `its values: ${field.picklist.map((v) => JSON.stringify(v)).join(', ')}`);
          }
        }
        return field;
      });
    }
    // A plain copy needs the same kind on both sides; a picklist target needs a map (or free text on the left).
    const [l] = resolved.left ?? [];
    const [r] = resolved.right ?? [];
    if (f.transform === 'copy' && l && r && schemas.left && schemas.right && !compatible(l.kind, r.kind)) {
      error(base, `type mismatch: ${describeField(schemas.left, l)} and ${describeField(schemas.right, r)}`, suggestTransform(r.kind));
    }
  });
  return out;
}

function describeField(schema: SideSchema, f: SideField): string {
  return `${schema.label} field ${f.name} (${f.vendorType})`;
}

function compatible(a: FieldKind, b: FieldKind): boolean {
  if (a === 'other' || b === 'other') return true;
  return a === b;
}

function accepts(want: ValueKind, kind: FieldKind): boolean {
  if (want === 'any' || kind === 'other') return true;
  return want === kind;
}

function suggestTransform(kind: FieldKind): string | undefined {
  switch (kind) {
    case 'number':
      return 'use "transform": "number"';
    case 'string':
      return 'use "transform": "string"';
    case 'boolean':
      return 'use "transform": "boolean"';
    case 'date':
      return 'use "transform": "date"';
    case 'datetime':
      return 'use "transform": "datetime"';
    default:
      return undefined;
  }
}

/** Salesforce describe types → kinds (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm). */
export function salesforceKind(type: string): FieldKind {
  if (['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'id', 'reference', 'encryptedstring'].includes(type)) return 'string';
  if (['double', 'currency', 'percent', 'int', 'long'].includes(type)) return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'date') return 'date';
  if (type === 'datetime') return 'datetime';
  return 'other';
}

/** Intercom data attribute types → kinds; Intercom keeps dates as unix seconds (numbers). */
export function intercomKind(dataType: string): FieldKind {
  if (dataType === 'string') return 'string';
  if (['integer', 'float', 'date'].includes(dataType)) return 'number';
  if (dataType === 'boolean') return 'boolean';
  return 'other';
}

/** HubSpot property types → kinds (https://developers.hubspot.com/docs/api/crm/properties); a checkbox enumeration holds "true"/"false". */
export function hubspotKind(type: string, fieldType: string): FieldKind {
  if (type === 'bool' || fieldType === 'booleancheckbox') return 'boolean';
  if (['string', 'phone_number', 'enumeration'].includes(type)) return 'string';
  if (type === 'number') return 'number';
  if (type === 'date') return 'date';
  if (type === 'datetime') return 'datetime';
  return 'other';
}

/** Pipedrive field types → kinds (https://pipedrive.readme.io/docs/core-api-concepts-custom-fields); user, org and people fields hold ids. */
export function pipedriveKind(fieldType: string): FieldKind {
  if (['varchar', 'varchar_auto', 'varchar_options', 'text', 'phone', 'address', 'enum', 'status'].includes(fieldType)) return 'string';
  if (['double', 'monetary', 'int', 'user', 'org', 'people', 'visible_to'].includes(fieldType)) return 'number';
  if (fieldType === 'date') return 'date';
  return 'other';
}
