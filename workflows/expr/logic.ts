import jsonLogic from 'json-logic-js';

/** Path segments `var` may never walk through: they reach prototypes, not data. */
export const forbiddenPathSegments = ['__proto__', 'constructor', 'prototype'] as const;

/** The operators conditions may use (json-logic-js 2.x minus `log`; `method` no longer exists). */
export const allowedOperators = [
  '==', '===', '!=', '!==', '>', '>=', '<', '<=', '!!', '!', '%', 'max', 'min', '+', '*', '-', '/',
  'cat', 'substr', 'merge', 'in', 'var', 'missing', 'missing_some', 'if', '?:', 'and', 'or',
  'filter', 'map', 'reduce', 'all', 'none', 'some',
] as const;

/** Operators whose later arguments are evaluated against each element, not the run scope. */
export const iteratingOperators = ['filter', 'map', 'reduce', 'all', 'none', 'some'] as const;

export function isForbiddenPath(path: string): boolean {
  return String(path)
    .split('.')
    .some((segment) => (forbiddenPathSegments as readonly string[]).includes(segment));
}

/** `var` that refuses prototype paths and reads own properties only. */
function safeVar(this: unknown, path?: unknown, fallback?: unknown): unknown {
  return readOwnPath(this, path, fallback);
}

function readOwnPath(scope: unknown, path: unknown, fallback: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  if (path === undefined || path === null || path === '') return scope;
  if (isForbiddenPath(String(path))) throw new Error(`var path "${String(path)}" is not allowed`);
  let data = scope;
  for (const segment of String(path).split('.')) {
    if (data === null || data === undefined || typeof data !== 'object') return notFound;
    if (!Object.prototype.hasOwnProperty.call(data, segment)) return notFound;
    data = (data as Record<string, unknown>)[segment];
    if (data === undefined) return notFound;
  }
  return data;
}

// The operator table is module-global: configure it once, at import.
jsonLogic.rm_operation('log');
jsonLogic.add_operation('var', safeVar);

/** Evaluates a checked json-logic expression against a scope. */
export function evaluateLogic(logic: unknown, data: unknown): unknown {
  return jsonLogic.apply(logic as jsonLogic.RulesLogic, data);
}

/** json-logic truthiness (empty arrays are false, "0" is true). */
export function isTruthy(value: unknown): boolean {
  return jsonLogic.truthy(value);
}
