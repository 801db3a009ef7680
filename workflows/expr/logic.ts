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

/**
 * What one evaluation may spend. The iterating operators and `merge` stay (conditions over tag lists
 * need them), so a few bytes of recipe can describe exponential work — e.g. a `reduce` that merges
 * its accumulator with itself. Every sub-expression costs a step, and what `merge`, `map`, `filter`
 * and `cat` build is capped, so such a condition fails fast instead of taking the process down.
 */
export const logicBudget = { steps: 250_000, arrayLength: 10_000, stringLength: 100_000 } as const;

/** A condition that spent more than `logicBudget` allows. */
export class LogicBudgetError extends Error {
  override name = 'LogicBudgetError';
}

/** Operators whose result can be larger than their inputs; what they build is measured. */
const buildingOperators = new Set(['merge', 'map', 'filter', 'cat']);

// The operator table is module-global: configure it once, at import.
jsonLogic.rm_operation('log');
jsonLogic.add_operation('var', safeVar);

// json-logic-js evaluates every sub-expression through `jsonLogic.apply`: wrapping it meters them all.
// Evaluation is synchronous, so one module-level meter serves every caller (and workflow) in turn.
let stepsLeft = Infinity;
const applyUnmetered = jsonLogic.apply.bind(jsonLogic);
jsonLogic.apply = (logic, data) => {
  if (--stepsLeft < 0) throw new LogicBudgetError(`the condition needs more than ${logicBudget.steps} evaluation steps`);
  const value: unknown = applyUnmetered(logic, data);
  if (logic !== null && typeof logic === 'object' && !Array.isArray(logic)) {
    const op = Object.keys(logic)[0];
    if (op !== undefined && buildingOperators.has(op)) assertWithinSize(op, value);
  }
  return value;
};

function assertWithinSize(op: string, value: unknown): void {
  if (Array.isArray(value) && value.length > logicBudget.arrayLength) {
    throw new LogicBudgetError(`"${op}" built an array of ${value.length} elements; conditions may build at most ${logicBudget.arrayLength}`);
  }
  if (typeof value === 'string' && value.length > logicBudget.stringLength) {
    throw new LogicBudgetError(`"${op}" built a string of ${value.length} characters; conditions may build at most ${logicBudget.stringLength}`);
  }
}

/** Evaluates a checked json-logic expression against a scope, within `logicBudget` (else throws LogicBudgetError). */
export function evaluateLogic(logic: unknown, data: unknown): unknown {
  stepsLeft = logicBudget.steps;
  try {
    return jsonLogic.apply(logic as jsonLogic.RulesLogic, data);
  } finally {
    stepsLeft = Infinity;
  }
}

/** json-logic truthiness (empty arrays are false, "0" is true). */
export function isTruthy(value: unknown): boolean {
  return jsonLogic.truthy(value);
}
