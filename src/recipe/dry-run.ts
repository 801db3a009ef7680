import { FailureType } from '../../workflows/activity-contract';
import { evaluateLogic, isTruthy } from '../../workflows/expr/logic';
import { Interpreter, StepFailure, type Runtime, type Scope, type TraceEntry } from '../../workflows/interpreter';
import type { Plan, RunEvent, RunSummary } from '../../workflows/plan';
import type { ActionCatalog } from '../../connectors/sdk/action-catalog';

export interface DryRunOptions {
  catalog: ActionCatalog;
  /** Outputs by step id; steps without one answer with their action's sample output. */
  outputs?: Record<string, unknown>;
  /** waitFor answers by step id (approval decision or signal payload); default: approved by "dry-run". */
  waits?: Record<string, unknown>;
}

export interface DryRunResult {
  /** Result of the top-level `when` (true when there is none). */
  when: boolean;
  summary: RunSummary;
  trace: TraceEntry[];
}

/**
 * Runs a plan with the workflow's own interpreter and no side effects: actions answer with
 * sample outputs (after validating the rendered input like the activity would), delays and
 * waits return at once.
 */
export async function dryRun(plan: Plan, event: RunEvent, opts: DryRunOptions): Promise<DryRunResult> {
  const trace: TraceEntry[] = [];
  const startedAt = Date.parse(event.receivedAt) || 0;
  let clock = startedAt;
  const runtime: Runtime = {
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    isCancellation: () => false,
    async callAction({ step, input }) {
      const action = opts.catalog.getAction(step.activityType);
      if (!action) throw new StepFailure(FailureType.fatal, `no action ${step.activityType} in the catalog`);
      const parsed = action.input.safeParse(input);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        throw new StepFailure(FailureType.invalidInput, `input.${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`);
      }
      return opts.outputs && step.id in opts.outputs ? opts.outputs[step.id] : action.sample;
    },
    async waitFor(step) {
      const given = opts.waits?.[step.id];
      if (given !== undefined) return { timedOut: false, payload: given };
      return { timedOut: false, payload: step.approval ? { approved: true, by: 'dry-run', at: new Date(clock).toISOString() } : {} };
    },
  };
  const interpreter = new Interpreter({ runtime, trace: (entry) => trace.push(entry) });
  interpreter.initialise(plan.steps);
  const scope: Scope = {
    trigger: event.payload,
    steps: {},
    run: { id: 'dry-run', recipeId: plan.recipeId, version: plan.version, startedAt: new Date(startedAt).toISOString(), eventId: event.id },
  };
  const summary: RunSummary = { recipeId: plan.recipeId, version: plan.version, status: 'running', steps: interpreter.states };
  const when = plan.when === undefined ? true : isTruthy(evaluateLogic(plan.when, scope));
  if (!when) {
    for (const id of Object.keys(summary.steps)) summary.steps[id] = { status: 'skipped' };
    return { when, summary: { ...summary, status: 'succeeded', skipped: true }, trace };
  }
  const ok = await interpreter.run(plan.steps, scope);
  return {
    when,
    summary: { ...summary, status: ok ? 'succeeded' : 'failed', ...(interpreter.failure ? { error: interpreter.failure } : {}) },
    trace,
  };
}

/** Human-readable lines: each step with its condition result and rendered input/output. */
export function formatDryRun(plan: Plan, result: DryRunResult): string[] {
  const lines = [`recipe ${plan.recipeId} (version ${plan.version})`, `when: ${result.when}`];
  const final = new Map<string, TraceEntry>();
  for (const entry of result.trace) {
    if (entry.status === 'running' && entry.input === undefined) continue;
    final.set(`${entry.stepId}|${entry.iteration ?? ''}`, entry);
  }
  for (const entry of final.values()) {
    const name = entry.iteration === undefined ? entry.stepId : `${entry.stepId}[${entry.iteration}]`;
    const mark = { succeeded: '✓', failed: '✗', skipped: '-', waiting: '…', running: '…', pending: ' ' }[entry.status];
    const cond = entry.condition === undefined ? '' : ` when=${entry.condition}`;
    lines.push(`${mark} ${name} (${entry.kind}) ${entry.status}${cond}`);
    if (entry.input !== undefined) lines.push(`    input:  ${JSON.stringify(entry.input)}`);
    if (entry.output !== undefined) lines.push(`    output: ${JSON.stringify(entry.output)}`);
    if (entry.error) lines.push(`    error:  ${entry.error.kind}: ${entry.error.message}`);
  }
  lines.push(`result: ${result.summary.status}`);
  return lines;
}
