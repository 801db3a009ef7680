import type { ZodType } from 'zod';

type Def = { type: string; [k: string]: unknown };

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

const wrappers = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch', 'lazy']);

function unwrap(schema: unknown): Def | undefined {
  let def = defOf(schema);
  for (let i = 0; def && i < 20; i++) {
    if (wrappers.has(def.type)) def = def.type === 'lazy' ? defOf((def.getter as () => unknown)()) : defOf(def.innerType);
    else if (def.type === 'pipe') def = defOf(def.out);
    else break;
  }
  return def;
}

export type PathCheck = { ok: true } | { ok: false; missing: string; at: (string | number)[]; known: string[] };

/**
 * Whether an output schema can have a value at `path`. Only a definite "no" fails: a field absent
 * from an object schema that drops or rejects unknown keys. Records, unions, any/unknown pass.
 */
export function schemaHasPath(schema: ZodType, path: readonly (string | number)[]): PathCheck {
  let current: unknown = schema;
  for (const [i, segment] of path.entries()) {
    const def = unwrap(current);
    if (!def) return { ok: true };
    switch (def.type) {
      case 'object': {
        const shape = def.shape as Record<string, unknown>;
        if (Object.prototype.hasOwnProperty.call(shape, String(segment))) {
          current = shape[String(segment)];
          break;
        }
        const catchall = defOf(def.catchall);
        if (catchall && catchall.type !== 'never') {
          current = def.catchall;
          break;
        }
        return { ok: false, missing: String(segment), at: path.slice(0, i), known: Object.keys(shape) };
      }
      case 'array':
        if (typeof segment === 'number' || /^[0-9]+$/.test(String(segment)) || segment === 'first' || segment === 'last') {
          current = def.element;
          break;
        }
        if (segment === 'size') return { ok: true };
        return { ok: false, missing: String(segment), at: path.slice(0, i), known: ['<index>', 'first', 'last', 'size'] };
      case 'record':
        current = def.valueType;
        break;
      default:
        return { ok: true };
    }
  }
  return { ok: true };
}
