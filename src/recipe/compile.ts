import { z, type ZodType } from 'zod';
import { nonRetryableFailureTypes } from '../../workflows/activity-contract';
import type { ActionPlanStep, Plan, PlanRetryPolicy, PlanStep, PlanTrigger } from '../../workflows/plan';
import { defaultActionTimeoutMs, type ActionCatalog, type CatalogAction } from '../../connectors/sdk/action-catalog';
import { checkCron, isTimeZone } from './cron';
import { dedupeDiagnostics, didYouMean, formatPath, type Diagnostic, type PathSegment } from './diagnostics';
import { parseDuration } from '../../workflows/duration';
import { approvalOutput, branchOutput, checkLogic, checkTemplates, checkTemplateString, forEachOutput, RefScope, type StepInfo, type StepLocation } from './references';
import { actionTypePattern, recipeSchema, stepKinds, stepSchemas, triggerSchemas, triggerTypes, type StepKind } from './schema';
import { recipeVersion } from './version';
import { checkWebhookTopic, connectorByConvention } from './webhook-topic';
import { zodIssues } from './zod-issues';

export type { Diagnostic } from './diagnostics';

export interface CompileContext {
  actions: ActionCatalog;
  /** Known connections (id → connector id); when given, unknown or mismatched connections are errors. */
  connections?: Map<string, string>;
}

export type CompileResult = { ok: true; plan: Plan; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** Steps may nest (branch, forEach) this deep; deeper recipes are hard to read and to replay. */
const maxNestingDepth = 4;

const shallowSteps = stepSchemas(z.unknown());
const shallowRecipe = recipeSchema(z.unknown(), z.unknown());

/** Retry presets by idempotency (DESIGN/anchors 5.3); a recipe's `retry` overrides them. */
const presets = {
  idempotent: { maximumAttempts: 10, initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 300_000 },
  nonIdempotent: { maximumAttempts: 3, initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 300_000 },
};
const signalOutput = z.unknown();
/**
 * A step whose timeout is at most this runs as a local activity when a repeat of a finished
 * attempt is harmless (`repeatIsHarmless`): one short vendor call, no activity task round trip
 * through Temporal. Longer steps (slow vendor jobs, uploads, exports that heartbeat to resume) stay
 * regular activities, which heartbeat and can move to another worker; a long retry backoff of a
 * local step is a server timer (workflows/temporal-runtime.ts).
 */
const localActionLimitMs = defaultActionTimeoutMs;

/**
 * Recipe JSON + action catalog (+ known connections) → plan, or every diagnostic at once.
 * Pure: no I/O, the same input always gives the same plan and version.
 */
export function compileRecipe(recipe: unknown, ctx: CompileContext): CompileResult {
  return new Compiler(ctx).compile(recipe);
}

type Raw = Record<string, unknown>;
type StepBase = { id: string; onError: 'fail' | 'continue'; when?: unknown };

class Compiler {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly locations = new Map<string, StepLocation>();
  private readonly connectionsUsed = new Set<string>();

  constructor(private readonly ctx: CompileContext) {}

  compile(recipe: unknown): CompileResult {
    if (!isObject(recipe)) {
      this.error([], `a recipe must be a JSON object, got ${Array.isArray(recipe) ? 'an array' : typeof recipe}`);
      return { ok: false, diagnostics: this.diagnostics };
    }
    this.validate(shallowRecipe, recipe, []);
    const trigger = this.compileTrigger(recipe.trigger);
    const rawSteps = Array.isArray(recipe.steps) ? recipe.steps : [];
    this.collectLocations(rawSteps, ['steps'], []);
    const all = this.locations;
    const rootScope = new RefScope(new Map(), all, [], [], undefined);
    if (recipe.when !== undefined) checkLogic(recipe.when, ['when'], new RefScope(new Map(), all, [], [], undefined, true), this.diagnostics);
    const steps = this.compileSteps(rawSteps, ['steps'], rootScope, 1);
    const last = rawSteps.length - 1;
    if (last >= 0 && isObject(rawSteps[last]) && rawSteps[last].delay !== undefined) {
      this.diagnostics.push({ path: formatPath(['steps', last]), message: 'the recipe ends with a delay, which only makes the run last longer', severity: 'warning' });
    }

    const errors = this.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0 || !trigger) return { ok: false, diagnostics: dedupeDiagnostics(this.diagnostics) };
    const plan: Plan = {
      planFormat: 1,
      recipeId: String(recipe.id),
      version: recipeVersion(recipe),
      name: String(recipe.name),
      enabled: recipe.enabled !== false,
      trigger,
      ...(recipe.when !== undefined ? { when: recipe.when } : {}),
      steps,
      connections: [...this.connectionsUsed].sort(),
    };
    return { ok: true, plan, diagnostics: dedupeDiagnostics(this.diagnostics) };
  }

  // ---- trigger -------------------------------------------------------------------------------

  private compileTrigger(raw: unknown): PlanTrigger | undefined {
    if (raw === undefined) return undefined; // reported by the recipe schema
    if (!isObject(raw)) {
      this.error(['trigger'], `expected a trigger object, got ${describe(raw)}`);
      return undefined;
    }
    const type = raw.type;
    if (typeof type !== 'string' || !(triggerTypes as string[]).includes(type)) {
      this.error(
        ['trigger', 'type'],
        type === undefined ? `missing trigger type (one of ${triggerTypes.join(', ')})` : `unknown trigger type ${JSON.stringify(type)} (one of ${triggerTypes.join(', ')})`,
        typeof type === 'string' ? didYouMean(type, triggerTypes, (c) => `"${c}"`) : undefined,
      );
      return undefined;
    }
    const t = type as keyof typeof triggerSchemas;
    if (!this.validate(triggerSchemas[t], raw, ['trigger'])) return undefined;
    switch (t) {
      case 'webhook':
        this.checkConnection(['trigger', 'connection'], String(raw.connection), undefined, 'trigger');
        return { type: 'webhook', connection: String(raw.connection), event: this.webhookTopic(String(raw.connection), String(raw.event)) };
      case 'event':
        return { type: 'event', event: String(raw.event) };
      case 'schedule': {
        const cronProblem = checkCron(String(raw.cron));
        if (cronProblem) this.error(['trigger', 'cron'], cronProblem);
        const timezone = raw.timezone === undefined ? 'UTC' : String(raw.timezone);
        if (!isTimeZone(timezone)) this.error(['trigger', 'timezone'], `unknown time zone ${JSON.stringify(timezone)}: use an IANA name such as "Europe/Zurich"`);
        return { type: 'schedule', cron: String(raw.cron), timezone };
      }
      case 'poll': {
        const key = String(raw.trigger);
        const found = this.ctx.actions.getPollingTrigger?.(key);
        if (!found) {
          this.error(['trigger', 'trigger'], `unknown polling trigger ${JSON.stringify(key)}`, didYouMean(key, this.ctx.actions.pollingTriggerTypes?.() ?? [], (c) => `"${c}"`));
        }
        this.checkConnection(['trigger', 'connection'], String(raw.connection), found?.connector, `polling trigger ${key}`);
        const everyMs = parseDuration(String(raw.every)) ?? 0;
        if (everyMs > 0 && everyMs < 60_000) this.error(['trigger', 'every'], `poll interval ${String(raw.every)} is too short: the minimum is 1m`);
        const input = isObject(raw.input) ? raw.input : undefined;
        if (found?.input) {
          const parsed = found.input.safeParse(input ?? {}, { reportInput: true });
          if (!parsed.success) for (const d of zodIssues(parsed.error.issues, ['trigger', 'input'], found.input)) this.diagnostics.push(d.diagnostic);
        }
        return { type: 'poll', connection: String(raw.connection), trigger: key, everyMs, ...(input ? { input } : {}) };
      }
    }
  }

  // ---- steps ---------------------------------------------------------------------------------

  /** First pass: every step id with its location, so references can say "later step" and duplicates are caught. */
  private collectLocations(raw: unknown[], path: PathSegment[], forEach: string[]): void {
    raw.forEach((step, i) => {
      if (!isObject(step)) return;
      const at = [...path, i];
      if (typeof step.id === 'string') {
        const first = this.locations.get(step.id);
        if (first) this.error([...at, 'id'], `duplicate step id "${step.id}" (first used at ${first.path})`);
        else this.locations.set(step.id, { path: formatPath(at), order: this.locations.size, forEach });
      }
      if (Array.isArray(step.branch)) {
        step.branch.forEach((c, j) => isObject(c) && Array.isArray(c.steps) && this.collectLocations(c.steps, [...at, 'branch', j, 'steps'], forEach));
      }
      if (Array.isArray(step.else)) this.collectLocations(step.else, [...at, 'else'], forEach);
      if (step.forEach !== undefined && Array.isArray(step.steps)) {
        this.collectLocations(step.steps, [...at, 'steps'], typeof step.id === 'string' ? [...forEach, step.id] : forEach);
      }
    });
  }

  private compileSteps(raw: unknown[], path: PathSegment[], scope: RefScope, depth: number): PlanStep[] {
    const out: PlanStep[] = [];
    raw.forEach((step, i) => {
      const compiled = this.compileStep(step, [...path, i], scope, depth);
      if (compiled) out.push(compiled);
    });
    return out;
  }

  private compileStep(raw: unknown, path: PathSegment[], scope: RefScope, depth: number): PlanStep | undefined {
    if (!isObject(raw)) {
      this.error(path, `expected a step object, got ${describe(raw)}`);
      return undefined;
    }
    const kinds = stepKinds.filter((k) => raw[k] !== undefined);
    if (kinds.length !== 1) {
      this.error(
        path,
        kinds.length === 0
          ? `a step needs exactly one of ${stepKinds.join(', ')}`
          : `a step can be only one kind, but has ${kinds.join(' and ')}`,
        kinds.length === 0 ? guessKind(raw) : undefined,
      );
      return undefined;
    }
    const kind = kinds[0] as StepKind;
    const valid = this.validate(shallowSteps[kind], raw, path);
    const id = typeof raw.id === 'string' ? raw.id : `#${formatPath(path)}`;
    const stepScope = scope.with({ currentStep: id });
    if (raw.when !== undefined) checkLogic(raw.when, [...path, 'when'], stepScope, this.diagnostics);
    const onError = raw.onError === 'continue' ? 'continue' : 'fail';
    const base: StepBase = { id, onError, ...(raw.when !== undefined ? { when: raw.when } : {}) };

    if (kind === 'waitFor' && scope.forEachStack.length > 0) {
      this.error([...path, 'waitFor'], `waitFor is not allowed inside forEach ${scope.forEachStack.at(-1)}: a signal could not tell which item it resumes`);
    }

    let compiled: PlanStep | undefined;
    switch (kind) {
      case 'action':
        compiled = this.compileAction(raw, path, stepScope, base, valid);
        break;
      case 'delay': {
        const delay = raw.delay;
        if (typeof delay === 'string') {
          const ms = parseDuration(delay);
          if (ms !== undefined && ms > 366 * 86_400_000) this.error([...path, 'delay'], `delay ${delay} is longer than a year`);
          compiled = { kind: 'delay', ...base, durationMs: ms ?? 0 };
        } else if (isObject(delay) && typeof delay.until === 'string') {
          checkTemplateString(delay.until, [...path, 'delay', 'until'], stepScope, this.diagnostics);
          compiled = { kind: 'delay', ...base, until: delay.until };
        }
        break;
      }
      case 'waitFor': {
        const w = raw.waitFor;
        if (isObject(w)) {
          if (typeof w.signal === 'string') {
            compiled = { kind: 'waitFor', ...base, signal: w.signal, timeoutMs: parseDuration(String(w.timeout)) ?? 0 };
          } else if (isObject(w.approval)) {
            compiled = { kind: 'waitFor', ...base, approval: true, timeoutMs: parseDuration(String(w.approval.timeout)) ?? 0 };
          }
        }
        break;
      }
      case 'branch':
        compiled = this.compileBranch(raw, path, scope, stepScope, base, depth);
        break;
      case 'forEach':
        compiled = this.compileForEach(raw, path, scope, stepScope, base, depth);
        break;
    }
    this.makeVisible(raw, kind, scope, false);
    return compiled;
  }

  private compileAction(raw: Raw, path: PathSegment[], scope: RefScope, base: StepBase, valid: boolean): ActionPlanStep | undefined {
    const type = typeof raw.action === 'string' && actionTypePattern.test(raw.action) ? raw.action : '';
    const action = type === '' ? undefined : this.ctx.actions.getAction(type);
    if (!action && type !== '') {
      this.error([...path, 'action'], `unknown action ${JSON.stringify(type)}`, didYouMean(type, this.ctx.actions.actionTypes(), (c) => `"${c}"`));
    }
    const connection = typeof raw.connection === 'string' ? raw.connection : null;
    if (action) {
      if (connection === null && action.needsConnection !== false) {
        this.error([...path], `action ${type} needs a connection: add "connection": "<id of a ${action.connector} connection>"`);
      } else if (connection !== null) {
        this.checkConnection([...path, 'connection'], connection, action.connector, `action ${type}`);
      }
    } else if (connection !== null) {
      this.checkConnection([...path, 'connection'], connection, undefined, `action ${type}`);
    }
    const input = isObject(raw.input) ? raw.input : {};
    checkTemplates(input, [...path, 'input'], scope, this.diagnostics);
    if (action) this.checkStaticInput(action, input, [...path, 'input']);
    if (!action || !valid) return undefined;
    const retry = isObject(raw.retry) ? raw.retry : {};
    const preset = action.idempotent ? presets.idempotent : presets.nonIdempotent;
    const fromAction = action.retry ?? {};
    const policy: PlanRetryPolicy = {
      maximumAttempts: num(retry.maxAttempts) ?? fromAction.maxAttempts ?? preset.maximumAttempts,
      initialInterval: dur(retry.initialInterval) ?? dur(fromAction.initialInterval) ?? preset.initialInterval,
      backoffCoefficient: num(retry.backoff) ?? fromAction.backoff ?? preset.backoffCoefficient,
      maximumInterval: dur(retry.maxInterval) ?? dur(fromAction.maxInterval) ?? preset.maximumInterval,
      nonRetryableErrorTypes: [...nonRetryableFailureTypes],
    };
    if (policy.maximumInterval < policy.initialInterval) {
      this.error([...path, 'retry', 'maxInterval'], 'maxInterval must not be shorter than initialInterval');
    }
    const startToCloseTimeout = dur(raw.timeout) ?? dur(action.timeout) ?? defaultActionTimeoutMs;
    return {
      kind: 'action',
      ...base,
      activityType: type,
      connector: action.connector,
      connection,
      input,
      startToCloseTimeout,
      retry: policy,
      execution: startToCloseTimeout <= localActionLimitMs && repeatIsHarmless(action) ? 'local' : 'regular',
    };
  }

  private compileBranch(raw: Raw, path: PathSegment[], scope: RefScope, stepScope: RefScope, base: StepBase, depth: number): PlanStep | undefined {
    if (depth >= maxNestingDepth) {
      this.error([...path, 'branch'], `steps are nested deeper than ${maxNestingDepth} levels; split the recipe`);
      return undefined;
    }
    const cases: { when: unknown; steps: PlanStep[] }[] = [];
    (Array.isArray(raw.branch) ? raw.branch : []).forEach((c, i) => {
      if (!isObject(c)) return;
      if (c.when !== undefined) checkLogic(c.when, [...path, 'branch', i, 'when'], stepScope, this.diagnostics);
      const steps = Array.isArray(c.steps) ? this.compileSteps(c.steps, [...path, 'branch', i, 'steps'], scope.with({ visible: new Map(scope.visible) }), depth + 1) : [];
      cases.push({ when: c.when, steps });
    });
    const elseSteps = Array.isArray(raw.else) ? this.compileSteps(raw.else, [...path, 'else'], scope.with({ visible: new Map(scope.visible) }), depth + 1) : undefined;
    return { kind: 'branch', ...base, cases, ...(elseSteps ? { else: elseSteps } : {}) };
  }

  private compileForEach(raw: Raw, path: PathSegment[], scope: RefScope, stepScope: RefScope, base: StepBase, depth: number): PlanStep | undefined {
    if (depth >= maxNestingDepth) {
      this.error([...path, 'forEach'], `steps are nested deeper than ${maxNestingDepth} levels; split the recipe`);
      return undefined;
    }
    const items = typeof raw.forEach === 'string' ? raw.forEach : '';
    if (items !== '' && !items.includes('{{')) this.error([...path, 'forEach'], 'forEach needs a template that renders to an array, e.g. "{{ trigger.data.item.tags.tags }}"');
    checkTemplateString(items, [...path, 'forEach'], stepScope, this.diagnostics);
    const as = typeof raw.as === 'string' ? raw.as : 'item';
    if (['trigger', 'steps', 'run', 'index'].includes(as)) this.error([...path, 'as'], `"${as}" is a reserved name; pick another loop variable name`);
    const id = base.id;
    const loopNames = [...new Set([...scope.loopNames, 'item', 'index', as])];
    const body = Array.isArray(raw.steps)
      ? this.compileSteps(raw.steps, [...path, 'steps'], scope.with({ visible: new Map(scope.visible), loopNames, forEachStack: [...scope.forEachStack, id] }), depth + 1)
      : [];
    return {
      kind: 'forEach',
      ...base,
      items,
      as,
      concurrency: typeof raw.concurrency === 'number' ? raw.concurrency : 1,
      steps: body,
    };
  }

  /** After a step: it (and the steps of its branch cases) become readable by later steps. */
  private makeVisible(raw: Raw, kind: StepKind, scope: RefScope, conditional: boolean): void {
    if (typeof raw.id !== 'string' || scope.visible.has(raw.id)) return;
    scope.visible.set(raw.id, { id: raw.id, kind, conditional, ...this.outputOf(raw, kind) });
    if (kind === 'branch') {
      const nested: unknown[] = [...(Array.isArray(raw.branch) ? (raw.branch as unknown[]).flatMap((c) => (isObject(c) && Array.isArray(c.steps) ? (c.steps as unknown[]) : [])) : []), ...(Array.isArray(raw.else) ? (raw.else as unknown[]) : [])];
      for (const s of nested) {
        if (!isObject(s)) continue;
        const k = stepKinds.find((x) => s[x] !== undefined);
        if (k) this.makeVisible(s, k, scope, true);
      }
    }
  }

  private outputOf(raw: Raw, kind: StepKind): Pick<StepInfo, 'output' | 'outputName'> {
    switch (kind) {
      case 'action': {
        const action = this.ctx.actions.getAction(String(raw.action));
        return { output: action?.output ?? z.unknown(), outputName: `${String(raw.action)} output` };
      }
      case 'delay':
        return { output: undefined, outputName: 'delay' };
      case 'branch':
        return { output: branchOutput, outputName: 'branch output' };
      case 'forEach':
        return { output: forEachOutput, outputName: 'forEach output' };
      case 'waitFor':
        return isObject(raw.waitFor) && raw.waitFor.approval !== undefined
          ? { output: approvalOutput, outputName: 'approval output' }
          : { output: signalOutput, outputName: 'signal payload' };
    }
  }

  // ---- checks --------------------------------------------------------------------------------

  private checkConnection(path: PathSegment[], id: string, connector: string | undefined, what: string): void {
    this.connectionsUsed.add(id);
    const known = this.ctx.connections;
    if (!known) return;
    const actual = known.get(id);
    if (actual === undefined) {
      this.error(path, `unknown connection ${JSON.stringify(id)}`, didYouMean(id, [...known.keys()].filter((k) => !connector || known.get(k) === connector), (c) => `"${c}"`));
    } else if (connector && actual !== connector) {
      this.error(path, `connection ${JSON.stringify(id)} is a ${actual} connection, but ${what} needs a ${connector} connection`);
    }
  }

  /** The trigger's topic as the connection's connector publishes it (an alias becomes the real topic); an unknown topic is an error. */
  private webhookTopic(connection: string, event: string): string {
    const known = this.ctx.connections;
    const connector = known ? known.get(connection) : connectorByConvention(connection, this.ctx.actions.webhookConnectors?.() ?? []);
    const catalog = this.ctx.actions;
    const source = connector === undefined ? undefined : catalog.getWebhookSource?.(connector);
    if (!source) {
      if (known && connector !== undefined && catalog.getWebhookSource) this.error(['trigger', 'connection'], `connection ${JSON.stringify(connection)} is a ${connector} connection, which receives no webhooks`);
      return event;
    }
    const checked = checkWebhookTopic(event, source);
    if (checked.ok) return checked.event;
    this.error(['trigger', 'event'], checked.message, checked.suggestion);
    return event;
  }

  /** Validates the parts of the input that hold no template against the action's input schema. */
  private checkStaticInput(action: CatalogAction, input: Raw, path: PathSegment[]): void {
    const result = action.input.safeParse(input, { reportInput: true });
    if (result.success) return;
    for (const d of zodIssues(result.error.issues, path, action.input)) {
      const relative = d.segments.slice(path.length);
      if (touchesTemplate(input, relative)) continue;
      this.diagnostics.push(d.diagnostic);
    }
  }

  private validate(schema: ZodType, value: unknown, path: PathSegment[]): boolean {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return true;
    for (const d of zodIssues(result.error.issues, path, schema)) this.diagnostics.push(d.diagnostic);
    return false;
  }

  private error(path: PathSegment[], message: string, suggestion?: string): void {
    this.diagnostics.push({ path: formatPath(path), message, severity: 'error', ...(suggestion ? { suggestion } : {}) });
  }
}

/** True when the value at `path` (or any value on the way, or any value below) is a template string. */
function touchesTemplate(root: unknown, path: PathSegment[]): boolean {
  let current: unknown = root;
  for (const segment of path) {
    if (isTemplate(current)) return true;
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return containsTemplate(current);
}

function containsTemplate(value: unknown): boolean {
  if (isTemplate(value)) return true;
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (isObject(value)) return Object.values(value).some(containsTemplate);
  return false;
}

function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

function guessKind(raw: Raw): string | undefined {
  for (const key of Object.keys(raw)) {
    const s = didYouMean(key, stepKinds, (c) => `"${c}"`);
    if (s && !['id', 'when', 'onError', 'input', 'connection', 'steps', 'as'].includes(key)) return s;
  }
  return undefined;
}

function isObject(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function dur(value: unknown): number | undefined {
  return typeof value === 'string' ? parseDuration(value) : undefined;
}

/**
 * A local activity's result is durable only when its workflow task completes: a worker that dies
 * after the vendor answered but before then (the task is still running the next local step) leaves
 * no marker, and the next worker runs the step again. That repeat is harmless when the action only
 * reads (`none`), when the vendor dedupes it by the step's key (`idempotencyKey`), or when the
 * activity answers it from the side-effect ledger (`reconcile`, `atLeastOnce`):
 * activities/effect-ledger.ts confirms the output there before the attempt returns, so the repeat
 * finds it and does not call the vendor. A regular activity has the same window between the
 * vendor's answer and the ledger's confirmation, no smaller. A catalog without effects falls back
 * to the action's `idempotent` flag.
 */
function repeatIsHarmless(action: CatalogAction): boolean {
  return action.effect !== undefined || action.idempotent;
}
