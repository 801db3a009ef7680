/**
 * The compiled form of a recipe: plain JSON, passed as workflow input and written into history.
 * Produced by `src/recipe/compile.ts`; interpreted by `runRecipe`. Only ever extend with optional
 * fields: running workflows replay with the plan they started with.
 */

/** A json-logic expression (already checked by the compiler: known operators, safe `var` paths). */
type JsonLogic = unknown;

/**
 * A JSON tree whose strings may contain `{{ … }}` templates (liquid output tags, no `{% %}` tags).
 * A string that is exactly one `{{ … }}` keeps the referenced value's type.
 */
type TemplateTree = unknown;

export type PlanTrigger =
  | { type: 'webhook'; connection: string; event: string }
  | { type: 'event'; event: string }
  | { type: 'schedule'; cron: string; timezone: string }
  | { type: 'poll'; connection: string; trigger: string; everyMs: number; /** The trigger's configuration (e.g. a JQL filter). */ input?: Record<string, unknown> };

/** Temporal retry policy, in the JSON shape `proxyActivities` accepts (durations in ms). */
export interface PlanRetryPolicy {
  maximumAttempts: number;
  initialInterval: number;
  backoffCoefficient: number;
  maximumInterval: number;
  /** Always includes `nonRetryableFailureTypes` from `activity-contract.ts`. */
  nonRetryableErrorTypes: string[];
}

type OnError = 'fail' | 'continue';

interface StepBase {
  id: string;
  /** Per-step condition; the step is `skipped` when it is false. */
  when?: JsonLogic;
  onError: OnError;
}

export interface ActionPlanStep extends StepBase {
  kind: 'action';
  /** Activity type, "<connector>.<action>". */
  activityType: string;
  connector: string;
  /** Connection id (never credentials); null for connectors without auth. */
  connection: string | null;
  input: TemplateTree;
  /** Milliseconds. */
  startToCloseTimeout: number;
  scheduleToCloseTimeout?: number;
  retry: PlanRetryPolicy;
  /**
   * `local`: a local activity, run by the worker that runs the workflow task and recorded as a
   * marker (no activity task round trip through the server); `regular` (or absent, as in plans
   * compiled before the field existed, which keep replaying as they started): an activity task.
   */
  execution?: ActionExecution;
}

type ActionExecution = 'local' | 'regular';

export interface DelayPlanStep extends StepBase {
  kind: 'delay';
  /** Fixed delay in ms, or a template rendering to a timestamp (ISO string, unix seconds or ms). */
  durationMs?: number;
  until?: string;
}

export interface BranchPlanStep extends StepBase {
  kind: 'branch';
  cases: { when: JsonLogic; steps: PlanStep[] }[];
  else?: PlanStep[];
}

export interface ForEachPlanStep extends StepBase {
  kind: 'forEach';
  /** A template (usually exactly one `{{ … }}`) that must render to an array. */
  items: string;
  /** Name under which the current element is visible (also always as `item`). */
  as: string;
  concurrency: number;
  steps: PlanStep[];
}

export interface WaitForPlanStep extends StepBase {
  kind: 'waitFor';
  /** Either a named signal or an approval. */
  signal?: string;
  approval?: boolean;
  timeoutMs: number;
}

export type PlanStep = ActionPlanStep | DelayPlanStep | BranchPlanStep | ForEachPlanStep | WaitForPlanStep;

export interface Plan {
  planFormat: 1;
  recipeId: string;
  /** Content hash of the recipe source (hex). */
  version: string;
  name: string;
  enabled: boolean;
  trigger: PlanTrigger;
  when?: JsonLogic;
  steps: PlanStep[];
  /** Every connection the plan uses (for ConnectionIds and "waiting on connection" reporting). */
  connections: string[];
}

/** The event a run starts from. `payload` is the event exactly as the sender sent it. */
export interface RunEvent {
  id: string;
  topic: string;
  /** Connection id for webhooks, "api" for posted events, "schedule"/"poll" for those triggers. */
  source: string;
  receivedAt: string;
  payload: unknown;
}

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'waiting';

export interface StepError {
  /** FailureType (Retryable, RateLimited, AuthLost, InvalidInput, Fatal, ConnectionUnavailable) or Timeout, Rejected, Template, Condition, Cancelled. */
  kind: string;
  message: string;
}

export interface StepState {
  status: StepStatus;
  /** Condition result when the step had a `when`. */
  condition?: boolean;
  attempts?: number;
  error?: StepError;
  /** Rendered input (action steps). */
  input?: unknown;
  output?: unknown;
  /** What a waiting step waits for (delay until, signal name, approval, connection). */
  waitingFor?: string;
  /** forEach progress. */
  progress?: { total: number; done: number; failed: number };
}

export type RunStatusValue = 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';

/** The run workflow's type name, written into every history and visibility query: a public contract. */
export const runRecipeWorkflowType = 'runRecipe';

/**
 * What every run started now carries in its input besides the plan and the event (runs started
 * before keep replaying as their input says): `closingStatus: 'execution'`, see RunRecipeInput.
 */
export const newRunInput = { closingStatus: 'execution' } as const;

/** Failure type of a run that ended because a step failed (details[0] is the RunSummary). */
export const recipeRunFailedType = 'RecipeRunFailed';

export interface RunSummary {
  recipeId: string;
  version: string;
  status: RunStatusValue;
  /** Set when the recipe's top-level `when` was false at run start (the ingress normally filters first). */
  skipped?: boolean;
  steps: Record<string, StepState>;
  error?: StepError & { stepId: string };
  /** Workflow id of the failed run this one retries. */
  retryOf?: string;
}

/**
 * Where a retried run picks up (workflow input, set by `retryRun`): the top-level steps before
 * `fromStepId` are not run again; they keep the states (and outputs) they had in run `retryOf`.
 */
export interface RunResume {
  retryOf: string;
  /** Top-level step id the retry starts at. */
  fromStepId: string;
  /** States of the steps before it (top-level and nested), as the failed run ended. */
  steps: Record<string, StepState>;
  /**
   * The run whose step keys this one keeps (set for a retry from the failed step: the first run of
   * the chain), so the failed step's retry finds the effect of its earlier attempt in the
   * side-effect ledger. Absent (a retry from the start): the run's own id, and every effect repeats.
   */
  effectsOf?: string;
}
