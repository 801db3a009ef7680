import { evaluateLogic, isTruthy } from './expr/logic';
import { renderString, renderTree } from './expr/template';
import { formatDuration } from './duration';
import type {
  ActionPlanStep,
  BranchPlanStep,
  DelayPlanStep,
  ForEachPlanStep,
  PlanStep,
  StepError,
  StepState,
  WaitForPlanStep,
} from './plan';

/**
 * The recipe interpreter, free of Temporal APIs so the same code drives the workflow and the
 * dry run. Everything with an effect (activities, timers, signals) goes through `Runtime`.
 */

/** What `evaluate` answers when the expression threw and the step failed. */
const failed = Symbol('failed');

/** A step failure as the interpreter sees it; runtimes throw it from `callAction`/`waitFor`. */
export class StepFailure extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly attempts?: number,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** Thrown to unwind the remaining steps when a step fails with `onError: "fail"`. */
class RunAborted extends Error {
  constructor(
    readonly stepId: string,
    readonly error: StepError,
  ) {
    super(`step ${stepId} failed: ${error.message}`);
  }
}

export interface ActionCall {
  step: ActionPlanStep;
  /** The step id as the activity sees it: `<id>` or `<id>[<iteration>]` inside a forEach. */
  stepKey: string;
  input: unknown;
}

interface WaitOutcome {
  timedOut: boolean;
  payload?: unknown;
}

export interface ForEachChunkResult {
  done: number;
  failed: number;
  firstError?: StepError & { stepId: string };
}

/** What a runtime reports while an action step runs. */
interface ActionProgress {
  /**
   * Waiting for something (a connection) or, with undefined, running again; `attempts`: the vendor
   * calls the step spent so far, when the runtime knows them (a local activity leaves no task to count).
   */
  waiting(what: string | undefined, attempts?: number): void;
  /** Attempts the step took, when the runtime knows them (set before the output resolves). */
  attempts(count: number): void;
}

export interface Runtime {
  callAction(call: ActionCall, progress: ActionProgress): Promise<unknown>;
  sleep(ms: number): Promise<void>;
  now(): number;
  waitFor(step: WaitForPlanStep): Promise<WaitOutcome>;
  /** Cancellation must never be swallowed by a step's error handling. */
  isCancellation(err: unknown): boolean;
  /** Runs a slice of a long forEach elsewhere (a child workflow); absent → everything inline. */
  runForEachChunk?(step: ForEachPlanStep, items: unknown[], offset: number, scope: Scope): Promise<ForEachChunkResult>;
  /** Items above which a forEach is split into chunks handed to `runForEachChunk`. */
  forEachChunkSize?: number;
  /** Called after every state change (the workflow upserts RunStatus on waiting transitions). */
  onStateChange?(): void;
}

export interface Scope {
  trigger: unknown;
  steps: Record<string, unknown>;
  run: Record<string, unknown>;
  item?: unknown;
  [name: string]: unknown;
}

export interface TraceEntry {
  stepId: string;
  /** forEach iteration path, e.g. "2" or "2.0". */
  iteration?: string;
  kind: PlanStep['kind'];
  status: StepState['status'];
  condition?: boolean;
  input?: unknown;
  output?: unknown;
  error?: StepError;
  detail?: string;
}

interface Frame {
  scope: Scope;
  /** Set inside forEach iterations: state is then not recorded per step. */
  iteration?: string;
}

export interface InterpreterOptions {
  runtime: Runtime;
  trace?: (entry: TraceEntry) => void;
}

export class Interpreter {
  readonly states: Record<string, StepState> = {};
  failure: (StepError & { stepId: string }) | undefined;

  constructor(private readonly opts: InterpreterOptions) {}

  /** Marks every step that is tracked in the state (everything outside forEach bodies) pending. */
  initialise(steps: PlanStep[]): void {
    for (const step of steps) {
      this.states[step.id] = { status: 'pending' };
      if (step.kind === 'branch') {
        for (const c of step.cases) this.initialise(c.steps);
        if (step.else) this.initialise(step.else);
      }
    }
  }

  /** Runs steps in order; resolves true when all finished (or were allowed to fail), false when the run failed. */
  async run(steps: PlanStep[], scope: Scope): Promise<boolean> {
    try {
      await this.runSteps(steps, { scope });
      return true;
    } catch (err) {
      if (err instanceof RunAborted) {
        this.failure = { stepId: err.stepId, ...err.error };
        this.markUnfinishedSkipped();
        return false;
      }
      throw err;
    }
  }

  /** Runs a forEach body for a slice of items (used inline and by the chunk child workflow). */
  async runForEachSlice(step: ForEachPlanStep, items: unknown[], offset: number, scope: Scope, parentIteration?: string): Promise<ForEachChunkResult> {
    const result: ForEachChunkResult = { done: 0, failed: 0 };
    let stop = false;
    let next = 0;
    const worker = async () => {
      while (!stop && next < items.length) {
        const index = next++;
        const item = items[index];
        const iteration = parentIteration === undefined ? String(offset + index) : `${parentIteration}.${offset + index}`;
        const iterScope: Scope = { ...scope, steps: { ...scope.steps }, item, [step.as]: item, index: offset + index };
        try {
          await this.runSteps(step.steps, { scope: iterScope, iteration });
          result.done++;
        } catch (err) {
          if (!(err instanceof RunAborted)) throw err;
          result.done++;
          result.failed++;
          result.firstError ??= { stepId: err.stepId, ...err.error };
          if (step.onError === 'fail') stop = true;
        }
      }
    };
    const workers = Array.from({ length: Math.max(1, Math.min(step.concurrency, items.length)) }, () => worker());
    await Promise.all(workers);
    return result;
  }

  private async runSteps(steps: PlanStep[], frame: Frame): Promise<void> {
    for (const step of steps) await this.runStep(step, frame);
  }

  private async runStep(step: PlanStep, frame: Frame): Promise<void> {
    let condition: boolean | undefined;
    if (step.when !== undefined) {
      const when = step.when;
      const value = this.evaluate(step, frame, undefined, 'Condition', 'when', () => isTruthy(evaluateLogic(when, frame.scope)));
      if (value === failed) return;
      condition = value;
      if (!condition) {
        this.setState(step, frame, { status: 'skipped', condition });
        this.skipNested(step);
        return;
      }
    }
    this.setState(step, frame, { status: 'running', condition });
    try {
      switch (step.kind) {
        case 'action':
          return await this.runAction(step, frame, condition);
        case 'delay':
          return await this.runDelay(step, frame, condition);
        case 'branch':
          return await this.runBranch(step, frame, condition);
        case 'forEach':
          return await this.runForEach(step, frame, condition);
        case 'waitFor':
          return await this.runWaitFor(step, frame, condition);
      }
    } catch (err) {
      if (err instanceof RunAborted || this.opts.runtime.isCancellation(err)) throw err;
      const error: StepError =
        err instanceof StepFailure ? { kind: err.kind, message: err.message } : { kind: 'Internal', message: errorMessage(err) };
      return this.fail(step, frame, error, condition, err instanceof StepFailure ? err.attempts : undefined);
    }
  }

  private async runAction(step: ActionPlanStep, frame: Frame, condition: boolean | undefined): Promise<void> {
    const input = this.evaluate(step, frame, condition, 'Template', 'input', () => renderTree(step.input, frame.scope));
    if (input === failed) return;
    this.setState(step, frame, { status: 'running', condition, input });
    const stepKey = frame.iteration === undefined ? step.id : `${step.id}[${frame.iteration}]`;
    let attempts: number | undefined;
    const output = await this.opts.runtime.callAction(
      { step, stepKey, input },
      {
        waiting: (what, spent) => this.setState(step, frame, { status: what ? 'waiting' : 'running', condition, input, waitingFor: what, ...(spent ? { attempts: spent } : {}) }),
        attempts: (count) => void (attempts = count),
      },
    );
    frame.scope.steps[step.id] = output;
    this.setState(step, frame, { status: 'succeeded', condition, attempts, input, output });
  }

  private async runDelay(step: DelayPlanStep, frame: Frame, condition: boolean | undefined): Promise<void> {
    let ms = step.durationMs ?? 0;
    let waitingFor = `${ms} ms`;
    if (step.until !== undefined) {
      const until = step.until;
      const at = this.evaluate(step, frame, condition, 'Template', 'until', () => toEpochMs(renderString(until, frame.scope)));
      if (at === failed) return;
      ms = Math.max(0, at - this.opts.runtime.now());
      waitingFor = new Date(at).toISOString();
    }
    this.setState(step, frame, { status: 'waiting', condition, waitingFor: `delay until ${waitingFor}` });
    await this.opts.runtime.sleep(ms);
    this.setState(step, frame, { status: 'succeeded', condition });
  }

  private async runBranch(step: BranchPlanStep, frame: Frame, condition: boolean | undefined): Promise<void> {
    let chosen: number | 'else' | null = null;
    for (const [i, c] of step.cases.entries()) {
      const hit = this.evaluate(step, frame, condition, 'Condition', `cases[${i}].when`, () => isTruthy(evaluateLogic(c.when, frame.scope)));
      if (hit === failed) return;
      if (hit) {
        chosen = i;
        break;
      }
    }
    if (chosen === null && step.else) chosen = 'else';
    const output = { case: chosen };
    frame.scope.steps[step.id] = output;
    this.setState(step, frame, { status: 'succeeded', condition, output });
    step.cases.forEach((c, i) => i !== chosen && this.skipAll(c.steps));
    if (step.else && chosen !== 'else') this.skipAll(step.else);
    const body = chosen === null ? [] : chosen === 'else' ? (step.else ?? []) : (step.cases[chosen]?.steps ?? []);
    await this.runSteps(body, frame);
  }

  private async runForEach(step: ForEachPlanStep, frame: Frame, condition: boolean | undefined): Promise<void> {
    let items = this.evaluate(step, frame, condition, 'Template', 'items', () => renderString(step.items, frame.scope));
    if (items === failed) return;
    if (items === undefined || items === null) items = [];
    if (!Array.isArray(items)) {
      return this.fail(step, frame, { kind: 'Template', message: `items rendered to ${typeof items}, expected an array` }, condition);
    }
    const list: unknown[] = items;
    const progress = { total: list.length, done: 0, failed: 0 };
    this.setState(step, frame, { status: 'running', condition, progress: { ...progress } });
    const { runtime } = this.opts;
    const chunkSize = runtime.forEachChunkSize ?? Infinity;
    let firstError: (StepError & { stepId: string }) | undefined;
    if (runtime.runForEachChunk && frame.iteration === undefined && list.length > chunkSize) {
      const chunkScope = withoutList(frame.scope, step.items);
      for (let offset = 0; offset < list.length; offset += chunkSize) {
        const r = await runtime.runForEachChunk(step, list.slice(offset, offset + chunkSize), offset, chunkScope);
        progress.done += r.done;
        progress.failed += r.failed;
        firstError ??= r.firstError;
        this.setState(step, frame, { status: 'running', condition, progress: { ...progress } });
        if (r.failed > 0 && step.onError === 'fail') break;
      }
    } else {
      const r = await this.runForEachSlice(step, list, 0, frame.scope, frame.iteration);
      progress.done = r.done;
      progress.failed = r.failed;
      firstError = r.firstError;
    }
    const output = { count: list.length, succeeded: progress.done - progress.failed, failed: progress.failed };
    frame.scope.steps[step.id] = output;
    if (progress.failed > 0 && step.onError === 'fail' && firstError) {
      const error = { kind: firstError.kind, message: `item failed at step ${firstError.stepId}: ${firstError.message}` };
      this.setState(step, frame, { status: 'failed', condition, output, progress, error });
      throw new RunAborted(step.id, error);
    }
    this.setState(step, frame, { status: 'succeeded', condition, output, progress });
  }

  private async runWaitFor(step: WaitForPlanStep, frame: Frame, condition: boolean | undefined): Promise<void> {
    const what = step.approval ? 'approval' : `signal ${step.signal ?? ''}`;
    this.setState(step, frame, { status: 'waiting', condition, waitingFor: what });
    const outcome = await this.opts.runtime.waitFor(step);
    if (outcome.timedOut) {
      const output = { timedOut: true };
      frame.scope.steps[step.id] = output;
      return this.fail(step, frame, { kind: 'Timeout', message: `no ${what} within ${formatDuration(step.timeoutMs)}` }, condition, undefined, output);
    }
    const output = outcome.payload;
    frame.scope.steps[step.id] = output;
    if (step.approval && !(output as { approved?: unknown } | undefined)?.approved) {
      const by = (output as { by?: unknown } | undefined)?.by;
      return this.fail(step, frame, { kind: 'Rejected', message: `approval rejected${typeof by === 'string' ? ` by ${by}` : ''}` }, condition, undefined, output);
    }
    this.setState(step, frame, { status: 'succeeded', condition, output });
  }

  /**
   * A step's template or condition, evaluated; when it throws, the step fails with `kind` and the
   * field named (`failed` is answered when the step continues on error).
   */
  private evaluate<T>(step: PlanStep, frame: Frame, condition: boolean | undefined, kind: 'Template' | 'Condition', field: string, compute: () => T): T | typeof failed {
    try {
      return compute();
    } catch (err) {
      this.fail(step, frame, { kind, message: `${field}: ${errorMessage(err)}` }, condition);
      return failed;
    }
  }

  private fail(step: PlanStep, frame: Frame, error: StepError, condition?: boolean, attempts?: number, output?: unknown): void {
    this.setState(step, frame, { status: 'failed', condition, error, attempts, output });
    this.skipNested(step);
    if (step.onError === 'continue') return;
    throw new RunAborted(step.id, error);
  }

  private setState(step: PlanStep, frame: Frame, state: StepState): void {
    const clean = Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)) as unknown as StepState;
    this.opts.trace?.({ stepId: step.id, iteration: frame.iteration, kind: step.kind, ...clean });
    if (frame.iteration !== undefined) return;
    this.states[step.id] = clean;
    this.opts.runtime.onStateChange?.();
  }

  private skipNested(step: PlanStep): void {
    if (step.kind !== 'branch') return;
    for (const c of step.cases) this.skipAll(c.steps);
    if (step.else) this.skipAll(step.else);
  }

  private skipAll(steps: PlanStep[]): void {
    for (const s of steps) {
      const st = this.states[s.id];
      if (st && st.status === 'pending') this.states[s.id] = { status: 'skipped' };
      this.skipNested(s);
    }
  }

  private markUnfinishedSkipped(): void {
    for (const [id, st] of Object.entries(this.states)) if (st.status === 'pending') this.states[id] = { status: 'skipped' };
  }
}

/**
 * The scope handed to forEach chunk workflows, minus the list being iterated (when `items` is a
 * plain path): each chunk gets its own slice, and repeating the whole list in every child's
 * input would grow the parent's history by list size × chunk count.
 */
function withoutList(scope: Scope, items: string): Scope {
  const m = /^\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+)\s*-?\}\}$/.exec(items);
  if (!m) return scope;
  const path = m[1]!.split('.');
  const prune = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const key = path[depth]!;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return value;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (depth === path.length - 1) delete copy[key];
    else copy[key] = prune(copy[key], depth + 1);
    return copy;
  };
  return prune(scope, 0) as Scope;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** ISO string, unix seconds (Intercom's timestamps) or unix milliseconds → epoch ms. */
function toEpochMs(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return toEpochMs(Number(value));
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return t;
  }
  throw new Error(`expected a timestamp, got ${JSON.stringify(value)}`);
}
