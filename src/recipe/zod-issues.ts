import type { ZodType, core } from 'zod';
import { didYouMean, formatPath, type Diagnostic, type PathSegment } from './diagnostics';
import { typeOf } from './schema';

type Issue = core.$ZodIssue;

/** zod issues → diagnostics with full JSON paths, one per unknown field, with "did you mean". */
export function zodIssues(issues: readonly Issue[], base: PathSegment[], schema: ZodType): { segments: PathSegment[]; diagnostic: Diagnostic }[] {
  const out: { segments: PathSegment[]; diagnostic: Diagnostic }[] = [];
  const push = (segments: PathSegment[], message: string, suggestion?: string) =>
    out.push({ segments, diagnostic: { path: formatPath(segments), message, severity: 'error', ...(suggestion ? { suggestion } : {}) } });
  for (const issue of issues) {
    const rel = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const segments = [...base, ...rel];
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && issue.input === undefined && typeof segments.at(-1) === 'string') {
      push(segments, `missing required field "${String(segments.at(-1))}"`);
      continue;
    }
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = objectKeysAt(schema, rel);
        for (const key of issue.keys) push([...segments, key], `unknown field "${key}"`, didYouMean(key, known, (c) => `"${c}"`));
        break;
      }
      case 'invalid_type':
        if (issue.input === undefined) {
          const last = segments.at(-1);
          push(segments, typeof last === 'string' ? `missing required field "${last}"` : 'missing value');
        } else if (isDefaultMessage(issue.message)) {
          push(segments, `expected ${issue.expected}, got ${typeOf(issue.input)}`);
        } else push(segments, issue.message);
        break;
      case 'invalid_value':
        push(segments, `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${typeOf(issue.input)}`,
          typeof issue.input === 'string' ? didYouMean(issue.input, issue.values.map(String), (c) => `"${c}"`) : undefined);
        break;
      case 'too_small':
      case 'too_big':
        push(segments, isDefaultMessage(issue.message) ? boundMessage(issue) : issue.message);
        break;
      default:
        push(segments, issue.message);
    }
  }
  return out;
}

function isDefaultMessage(message: string): boolean {
  return /^(Invalid input|Too small|Too big|Invalid)/.test(message);
}

function boundMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      return small ? (bound === '1' ? 'must not be empty' : `must be at least ${bound} characters`) : `must be at most ${bound} characters`;
    case 'array':
      return small ? `must have at least ${bound} item${bound === '1' ? '' : 's'}` : `must have at most ${bound} items`;
    default:
      return `must be ${small ? (inclusive ? 'at least' : 'more than') : inclusive ? 'at most' : 'less than'} ${bound}`;
  }
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** Field names of the object schema at a relative path (through optional/array/union), for suggestions. */
function objectKeysAt(schema: unknown, path: PathSegment[]): string[] {
  let candidates: unknown[] = [schema];
  for (const segment of [...path, undefined]) {
    const next: unknown[] = [];
    const keys: string[] = [];
    for (const c of candidates) {
      for (const def of expand(c)) {
        if (def.type === 'object') {
          const shape = def.shape as Record<string, unknown>;
          if (segment === undefined) keys.push(...Object.keys(shape));
          else if (typeof segment === 'string' && shape[segment]) next.push(shape[segment]);
        } else if (def.type === 'array' && typeof segment === 'number') next.push(def.element);
        else if (def.type === 'record' && segment !== undefined) next.push(def.valueType);
      }
    }
    if (segment === undefined) return [...new Set(keys)];
    candidates = next;
  }
  return [];
}

function expand(schema: unknown, depth = 0): Def[] {
  const def = defOf(schema);
  if (!def || depth > 10) return [];
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return expand(def.innerType, depth + 1);
    case 'lazy':
      return expand((def.getter as () => unknown)(), depth + 1);
    case 'pipe':
      return expand(def.in, depth + 1);
    case 'union':
      return (def.options as unknown[]).flatMap((o) => expand(o, depth + 1));
    default:
      return [def];
  }
}
