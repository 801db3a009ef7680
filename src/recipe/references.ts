import { z, type ZodType } from 'zod';
import { allowedOperators, evaluateLogic, forbiddenPathSegments, isForbiddenPath, iteratingOperators, LogicBudgetError } from '../../workflows/expr/logic';
import { hasTags, templateVariables } from '../../workflows/expr/template';
import { didYouMean, formatPath, type Diagnostic, type PathSegment } from './diagnostics';
import { schemaHasPath } from './zod-paths';

/** What a reference may read about one step. */
export interface StepInfo {
  id: string;
  kind: string;
  /** Output schema; undefined = the step has no output (delay). */
  output: ZodType | undefined;
  /** Description of the output for messages, e.g. "jira.createIssue output". */
  outputName: string;
  /** Inside a branch case: may be undefined at run time. */
  conditional?: boolean;
}

/** Where a step sits in the recipe, for "later step" and "inside forEach" messages. */
export interface StepLocation {
  path: string;
  order: number;
  /** Ids of the forEach steps around it, outermost first. */
  forEach: string[];
}

const runFields = ['id', 'recipeId', 'version', 'startedAt', 'eventId'] as const;

export const approvalOutput = z.object({ approved: z.boolean(), by: z.string().optional(), comment: z.string().optional(), at: z.string(), timedOut: z.boolean().optional() });
export const branchOutput = z.object({ case: z.union([z.number(), z.literal('else'), z.null()]) });
export const forEachOutput = z.object({ count: z.number(), succeeded: z.number(), failed: z.number() });

export class RefScope {
  constructor(
    readonly visible: Map<string, StepInfo>,
    readonly all: Map<string, StepLocation>,
    /** forEach context: the loop variable names in scope (item, index and each `as`). */
    readonly loopNames: string[],
    readonly forEachStack: string[],
    readonly currentStep: string | undefined,
    /** The top-level `when` runs before any step. */
    readonly beforeSteps = false,
  ) {}

  roots(): string[] {
    return ['trigger', 'steps', 'run', ...this.loopNames];
  }

  with(changes: { currentStep?: string; loopNames?: string[]; forEachStack?: string[]; visible?: Map<string, StepInfo> }): RefScope {
    return new RefScope(
      changes.visible ?? this.visible,
      this.all,
      changes.loopNames ?? this.loopNames,
      changes.forEachStack ?? this.forEachStack,
      changes.currentStep ?? this.currentStep,
      this.beforeSteps,
    );
  }
}

type Report = (d: Omit<Diagnostic, 'path' | 'severity'> & { severity?: Diagnostic['severity'] }) => void;

/** Checks one root-anchored reference such as ['steps', 'ticket', 'key']. */
function checkReference(segments: readonly (string | number)[], scope: RefScope, report: Report): void {
  const [root, ...rest] = segments;
  if (root === undefined) return;
  const text = segments.join('.');
  const bad = segments.find((s) => (forbiddenPathSegments as readonly string[]).includes(String(s)));
  if (bad !== undefined) return report({ message: `reference ${text} goes through "${bad}", which is not allowed` });
  if (typeof root !== 'string' || !scope.roots().includes(root)) {
    const inLoopOnly = ['item', 'index'].includes(String(root)) && scope.loopNames.length === 0;
    return report({
      message: inLoopOnly ? `${String(root)} is only available inside a forEach` : `unknown reference ${text}`,
      suggestion: inLoopOnly ? undefined : didYouMean(String(root), scope.roots()),
    });
  }
  if (root === 'run') {
    const field = rest[0];
    if (field !== undefined && !(runFields as readonly string[]).includes(String(field))) {
      report({ message: `unknown reference ${text}: run has ${runFields.join(', ')}`, suggestion: didYouMean(String(field), runFields, (c) => `run.${c}`) });
    }
    return;
  }
  if (root !== 'steps') return;
  const [id, ...fields] = rest;
  if (id === undefined) return report({ message: 'steps needs a step id, e.g. steps.ticket.key' });
  const stepId = String(id);
  if (scope.beforeSteps) return report({ message: `the top-level when runs before any step; steps.${stepId} is not available` });
  if (stepId === scope.currentStep) return report({ message: `step ${stepId} cannot read its own output` });
  const info = scope.visible.get(stepId);
  if (!info) {
    const location = scope.all.get(stepId);
    if (!location) {
      return report({ message: `unknown reference steps.${stepId}`, suggestion: didYouMean(stepId, scope.visible.keys(), (c) => `steps.${c}`) });
    }
    const loop = location.forEach.find((f) => !scope.forEachStack.includes(f));
    if (loop) return report({ message: `steps.${stepId} is inside forEach ${loop} and is only visible within it` });
    return report({ message: `steps.${stepId} refers to a later step (${location.path}); a step can only read steps before it` });
  }
  if (!info.output) return report({ message: `steps.${stepId} is a ${info.kind} step and has no output` });
  if (fields.length > 0) {
    const check = schemaHasPath(info.output, fields);
    if (!check.ok) {
      const at = ['steps', stepId, ...check.at].join('.');
      report({
        message: `unknown reference ${text}: ${info.outputName} has no field "${check.missing}"${check.at.length ? ` in ${at}` : ''}`,
        suggestion: didYouMean(check.missing, check.known, (c) => `${at}.${c}`),
      });
    }
  }
}

/** Checks every template string in a JSON tree (syntax, filters, tags, references). */
export function checkTemplates(tree: unknown, path: PathSegment[], scope: RefScope, diagnostics: Diagnostic[]): void {
  if (typeof tree === 'string') return checkTemplateString(tree, path, scope, diagnostics);
  if (Array.isArray(tree)) return tree.forEach((v, i) => checkTemplates(v, [...path, i], scope, diagnostics));
  if (tree !== null && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree)) checkTemplates(v, [...path, k], scope, diagnostics);
  }
}

export function checkTemplateString(value: string, path: PathSegment[], scope: RefScope, diagnostics: Diagnostic[]): void {
  if (!value.includes('{{') && !value.includes('{%')) return;
  const report: Report = (d) => diagnostics.push({ path: formatPath(path), severity: 'error', ...d });
  if (hasTags(value)) return report({ message: '{% %} tags are not supported in templates; use a branch step or a filter' });
  let variables: (string | number)[][];
  try {
    variables = templateVariables(value);
  } catch (err) {
    return report({ message: `template error: ${liquidMessage(err)}` });
  }
  for (const segments of variables) checkReference(segments, scope, report);
}

/**
 * Checks a json-logic condition: known operators, safe var paths, references — and, when those hold,
 * evaluates it once without data, so a condition that exceeds the evaluation budget whatever the
 * event (a `reduce` doubling a literal array) is rejected with the recipe instead of failing runs.
 */
export function checkLogic(logic: unknown, path: PathSegment[], scope: RefScope, diagnostics: Diagnostic[]): void {
  const before = diagnostics.length;
  checkLogicNode(logic, path, scope, diagnostics, false);
  if (diagnostics.length > before) return;
  try {
    evaluateLogic(logic, {});
  } catch (err) {
    if (err instanceof LogicBudgetError) diagnostics.push({ path: formatPath(path), severity: 'error', message: `this condition is too expensive to evaluate: ${err.message}` });
    // Any other error depends on the data the condition will see; runs report it.
  }
}

function checkLogicNode(logic: unknown, path: PathSegment[], scope: RefScope, diagnostics: Diagnostic[], inIterator = false): void {
  const report = (at: PathSegment[], d: Omit<Diagnostic, 'path' | 'severity'>): void => void diagnostics.push({ path: formatPath(at), severity: 'error', ...d });
  if (Array.isArray(logic)) return logic.forEach((v, i) => checkLogicNode(v, [...path, i], scope, diagnostics, inIterator));
  if (logic === null || typeof logic !== 'object') return;
  const keys = Object.keys(logic);
  if (keys.length !== 1) return;
  const op = keys[0]!;
  const args = (logic as Record<string, unknown>)[op];
  const at = [...path, op];
  if (op === 'log') return report(path, { message: 'the json-logic operator "log" is not allowed in conditions' });
  if (!(allowedOperators as readonly string[]).includes(op)) {
    return report(path, { message: `unknown json-logic operator "${op}"`, suggestion: didYouMean(op, allowedOperators, (c) => `"${c}"`) });
  }
  if (op === 'var') {
    const varPath: unknown = Array.isArray(args) ? (args as unknown[])[0] : args;
    if (typeof varPath === 'string' || typeof varPath === 'number') {
      const text = String(varPath);
      if (isForbiddenPath(text)) {
        const bad = text.split('.').find((s) => (forbiddenPathSegments as readonly string[]).includes(s));
        return report(at, { message: `var path "${text}" goes through "${bad}", which is not allowed` });
      }
      if (!inIterator && text !== '') {
        checkReference(text.split('.'), scope, (d) => void diagnostics.push({ path: formatPath(at), severity: 'error', ...d }));
      }
      return;
    }
    return checkLogicNode(varPath, Array.isArray(args) ? [...at, 0] : at, scope, diagnostics, inIterator);
  }
  const list = Array.isArray(args) ? args : [args];
  const iterating = (iteratingOperators as readonly string[]).includes(op);
  list.forEach((arg, i) => checkLogicNode(arg, Array.isArray(args) ? [...at, i] : at, scope, diagnostics, inIterator || (iterating && i > 0)));
}

function liquidMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/, line:\d+, col:\d+$/, '');
}
