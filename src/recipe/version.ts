import { createHash } from 'node:crypto';

/** Canonical JSON: object keys sorted, so formatting and key order do not change the version. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && k !== '$schema')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Content hash of a recipe source: the plan's `version` (16 hex chars of sha256). */
export function recipeVersion(recipe: unknown): string {
  return createHash('sha256').update(canonicalJson(recipe)).digest('hex').slice(0, 16);
}
