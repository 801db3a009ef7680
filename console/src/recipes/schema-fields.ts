import recipeSchema from '../../../schemas/recipe.schema.json';
import syncSchema from '../../../schemas/sync.schema.json';
import type { Segment } from './json-text';

/** A JSON Schema node as far as completion reads it. */
interface SchemaNode {
  $ref?: string;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  description?: string;
  const?: unknown;
  enum?: unknown[];
}

export interface FieldHint {
  name: string;
  description?: string;
  required: boolean;
  /** What to insert as the value: the `const`/first `enum` value, else an empty value of its type. */
  example: unknown;
}

/** The schema that describes a document: a sync definition (`"kind": "sync"`) or a recipe. */
function rootFor(doc: unknown): { root: SchemaNode; defs: Record<string, SchemaNode> } {
  const schema = (doc as { kind?: unknown } | null)?.kind === 'sync' ? syncSchema : recipeSchema;
  return { root: schema as SchemaNode, defs: (schema as { $defs?: Record<string, SchemaNode> }).$defs ?? {} };
}

function variants(node: SchemaNode | undefined, defs: Record<string, SchemaNode>, depth = 0): SchemaNode[] {
  if (!node || depth > 12) return [];
  if (node.$ref) return variants(defs[node.$ref.replace('#/$defs/', '')], defs, depth + 1);
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) return alternatives.flatMap((n) => variants(n, defs, depth + 1));
  if (node.allOf) return node.allOf.flatMap((n) => variants(n, defs, depth + 1));
  return [node];
}

/** The object variants that fit a value: `const` fields must match, and the value's fields should be declared. */
function fitting(nodes: SchemaNode[], value: Record<string, unknown> | undefined): SchemaNode[] {
  const objects = nodes.filter((n) => n.properties);
  if (!value) return objects;
  const consts = objects.filter((n) => Object.entries(n.properties!).every(([k, p]) => p.const === undefined || !(k in value) || value[k] === p.const));
  const keys = Object.keys(value);
  const declaring = consts.filter((n) => keys.length > 0 && keys.every((k) => k in n.properties!));
  if (declaring.length) return declaring;
  const requiredPresent = consts.filter((n) => (n.required ?? []).some((r) => r !== 'id' && r in value));
  return requiredPresent.length ? requiredPresent : consts;
}

const exampleOf = (node: SchemaNode | undefined, defs: Record<string, SchemaNode>): unknown => {
  const first = variants(node, defs)[0];
  if (!first) return '';
  if (first.const !== undefined) return first.const;
  if (first.enum?.length) return first.enum[0];
  const type = Array.isArray(first.type) ? first.type[0] : first.type;
  return type === 'object' ? {} : type === 'array' ? [] : type === 'boolean' ? true : type === 'number' || type === 'integer' ? 0 : '';
};

/** The object at a path of a document; undefined where there is none. */
export function objectAt(doc: unknown, path: readonly Segment[]): Record<string, unknown> | undefined {
  let value = doc;
  for (const s of path) value = (value as Record<string | number, unknown> | undefined)?.[s];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The schema nodes at a path of a document (through $ref, anyOf/oneOf, items and properties). */
function nodesAt(doc: unknown, path: readonly Segment[]): { nodes: SchemaNode[]; defs: Record<string, SchemaNode> } {
  const { root, defs } = rootFor(doc);
  let nodes = variants(root, defs);
  let value: unknown = doc;
  for (const segment of path) {
    const obj = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    const next: SchemaNode[] = [];
    for (const n of typeof segment === 'string' ? fitting(nodes, obj) : nodes) {
      if (typeof segment === 'number' && n.items) next.push(...variants(n.items, defs));
      else if (typeof segment === 'string') {
        const prop = n.properties?.[segment] ?? (typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined);
        next.push(...variants(prop, defs));
      }
    }
    nodes = next;
    value = (value as Record<string | number, unknown> | undefined)?.[segment];
  }
  return { nodes, defs };
}

/**
 * The fields the schema allows in the object at `path` of `doc` (narrowed by its `type` and the
 * fields it has), for completion; empty where the schema says nothing (e.g. inside `input`).
 */
export function fieldsAt(doc: unknown, path: readonly Segment[]): FieldHint[] {
  const { nodes, defs } = nodesAt(doc, path);
  const obj = objectAt(doc, path);
  const out = new Map<string, FieldHint>();
  for (const n of fitting(nodes, obj)) {
    for (const [name, prop] of Object.entries(n.properties ?? {})) {
      if (name === '$schema' || out.has(name)) continue;
      out.set(name, { name, description: prop.description ?? variants(prop, defs).find((v) => v.description)?.description, required: (n.required ?? []).includes(name), example: exampleOf(prop, defs) });
    }
  }
  return [...out.values()];
}

/** Whether the schema declares a field `name` in the object at `path` (false where it declares none). */
export function declaresField(doc: unknown, path: readonly Segment[], name: string): boolean {
  return fieldsAt(doc, path).some((f) => f.name === name);
}

/**
 * The values the schema names for the field at `path` (its `const`s across the variants its
 * object may be, its `enum`, or true/false): `trigger.type` lists every trigger kind, whichever the
 * recipe has now. Empty where the schema names none (free text, patterns).
 */
export function schemaValuesAt(doc: unknown, path: readonly Segment[]): unknown[] {
  const name = path.at(-1);
  if (typeof name !== 'string') return [];
  const parentPath = path.slice(0, -1);
  const { nodes, defs } = nodesAt(doc, parentPath);
  const { [name]: _current, ...others } = objectAt(doc, parentPath) ?? {};
  const values: unknown[] = [];
  // Every variant its other fields allow (not only those declaring them): a `type` lists each kind.
  const consistent = nodes.filter((n) => n.properties && Object.entries(n.properties).every(([k, p]) => k === name || p.const === undefined || !(k in others) || others[k] === p.const));
  for (const n of consistent) {
    const prop = n.properties?.[name];
    for (const v of variants(prop, defs)) {
      const types = Array.isArray(v.type) ? v.type : [v.type];
      values.push(...(v.const !== undefined ? [v.const] : (v.enum ?? (types.includes('boolean') ? [true, false] : []))));
    }
  }
  return [...new Set(values)];
}
