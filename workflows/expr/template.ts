import { Liquid, type Template } from 'liquidjs';

/**
 * Templates are liquid output tags (`{{ path | filter: arg }}`), rendered by liquidjs: it bundles
 * into the workflow sandbox (browser build, no I/O), is pure, and lists a template's variables
 * for the compiler. `{% %}` tags are rejected by the compiler: control flow belongs in steps.
 */
/** Characters the filters of one render may allocate. */
export const templateMemoryLimit = 4_000_000;

const engine = new Liquid({
  strictFilters: true,
  ownPropertyOnly: true,
  // The date filter must not depend on the worker's local time zone.
  timezoneOffset: 0,
  // Filters such as `replace` or `join` can square a payload's size (`{{ t | replace: "a", t }}`);
  // liquidjs counts the characters filters allocate per render and throws past this many.
  // (Its `renderLimit` is wall-clock time, which a workflow sandbox must not depend on.)
  memoryLimit: templateMemoryLimit,
});
engine.registerFilter('upper', (v: unknown) => String(v ?? '').toUpperCase());
engine.registerFilter('lower', (v: unknown) => String(v ?? '').toLowerCase());

const wholeExpression = /^\{\{-?\s*([\s\S]*?)\s*-?\}\}$/;
const parsed = new Map<string, Template[]>();

export function hasTemplate(value: string): boolean {
  return value.includes('{{') || value.includes('{%');
}

/** The expression inside a string that is exactly one `{{ … }}`, else undefined. */
function wholeTemplateExpression(value: string): string | undefined {
  const m = wholeExpression.exec(value.trim() === value ? value : '');
  if (!m || m[1] === undefined) return undefined;
  return m[1].includes('{{') || m[1].includes('}}') ? undefined : m[1];
}

function parse(value: string): Template[] {
  let templates = parsed.get(value);
  if (!templates) {
    templates = engine.parse(value);
    if (parsed.size > 1000) parsed.clear();
    parsed.set(value, templates);
  }
  return templates;
}

/** Parses a template and returns the root-anchored variable paths it reads (throws on syntax errors). */
export function templateVariables(value: string): (string | number)[][] {
  const templates = parse(value);
  return engine.globalVariableSegmentsSync(templates).map((segments) => {
    const out: (string | number)[] = [];
    for (const s of segments) {
      if (typeof s === 'string' || typeof s === 'number') out.push(s);
      else break; // a computed index: the rest is only known at run time
    }
    return out;
  });
}

/** True when the template uses `{% … %}` tags. */
export function hasTags(value: string): boolean {
  return value.includes('{%');
}

/** Renders one string: exactly one `{{ … }}` keeps the value's type, anything else renders to text. */
export function renderString(value: string, scope: Record<string, unknown>): unknown {
  if (!hasTemplate(value)) return value;
  const expression = wholeTemplateExpression(value);
  if (expression !== undefined) {
    return engine.evalValueSync(expression, scope) as unknown;
  }
  return engine.renderSync(parse(value), scope);
}

/** Renders every string in a JSON tree; keys are left as they are. */
export function renderTree(tree: unknown, scope: Record<string, unknown>): unknown {
  if (typeof tree === 'string') return renderString(tree, scope);
  if (Array.isArray(tree)) return tree.map((v) => renderTree(v, scope));
  if (tree !== null && typeof tree === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) {
      const rendered = renderTree(v, scope);
      if (rendered !== undefined) out[k] = rendered;
    }
    return out;
  }
  return tree;
}
