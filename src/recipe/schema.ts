import { z } from 'zod';
import { durationPattern } from '../../workflows/duration';

/**
 * The recipe language v1 as zod schemas. Objects are strict: an unknown field is an error
 * (catches typos). The compiler validates level by level (shallow schemas, nested steps as
 * `unknown`) so every error gets its own precise path; the full schema feeds the JSON Schema.
 */

export const recipeIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const stepIdPattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
export const actionTypePattern = /^[a-z0-9][a-z0-9-]*\.[A-Za-z][A-Za-z0-9_]*$/;
export const stepKinds = ['action', 'delay', 'branch', 'forEach', 'waitFor'] as const;
export type StepKind = (typeof stepKinds)[number];

const duration = z
  .string({ error: (iss) => `expected a duration string like "10m", got ${typeOf(iss.input)}` })
  .regex(durationPattern, {
    error: (iss) => `bad duration ${JSON.stringify(iss.input)}: use a whole number and a unit (ms, s, m, h, d, w), e.g. "10m"`,
  })
  .meta({ description: 'A duration: a whole number and a unit (ms, s, m, h, d, w), e.g. "30s", "10m", "24h".' });

const logic = z
  .union([z.boolean(), z.record(z.string(), z.unknown())], { error: (iss) => `expected a json-logic expression (an object), got ${typeOf(iss.input)}` })
  .meta({ description: 'A json-logic condition over { trigger, steps, item, run }.' });

const onError = z.enum(['fail', 'continue']).meta({ description: 'What a failure of this step does to the run (default fail).' });

const stepId = z
  .string()
  .regex(stepIdPattern, { error: (iss) => `bad step id ${JSON.stringify(iss.input)}: use letters, digits and _ (it is read as steps.<id>)` })
  .meta({ description: 'Unique step id; later steps read its output as steps.<id>.' });

function stepBase() {
  return { id: stepId, when: logic.optional(), onError: onError.optional() };
}

const retry = z.strictObject({
  maxAttempts: z.int().min(1).max(100).optional(),
  initialInterval: duration.optional(),
  backoff: z.number().min(1).max(10).optional(),
  maxInterval: duration.optional(),
});

/** The five step schemas, with `nested` as the element schema of nested step lists. */
export function stepSchemas(nested: z.ZodType) {
  const steps = z.array(nested).min(1, { error: 'must contain at least one step' });
  return {
    action: z.strictObject({
      ...stepBase(),
      action: z
        .string()
        .regex(actionTypePattern, { error: (iss) => `bad action ${JSON.stringify(iss.input)}: expected "<connector>.<action>"` })
        .meta({ description: 'The action, "<connector>.<action>", e.g. "slack.postMessage".' }),
      connection: z.string().min(1).optional().meta({ description: 'Id of the connection (installed app) the action uses.' }),
      input: z.record(z.string(), z.unknown()).optional().meta({ description: 'The action input; any string may contain {{ path | filter }} templates.' }),
      retry: retry.optional(),
      timeout: duration.optional(),
    }).meta({ description: 'Calls one connector action.' }),
    delay: z.strictObject({
      ...stepBase(),
      delay: z.union([duration, z.strictObject({ until: z.string().min(1) })], {
        error: (iss) => `expected a duration like "10m" or { "until": "<timestamp template>" }, got ${typeOf(iss.input)}`,
      }),
    }),
    branch: z.strictObject({
      ...stepBase(),
      branch: z.array(z.strictObject({ when: logic, steps })).min(1, { error: 'must contain at least one case' }),
      else: steps.optional(),
    }),
    forEach: z.strictObject({
      ...stepBase(),
      forEach: z.string().min(1).meta({ description: 'A template that renders to an array, e.g. "{{ trigger.data.item.tags.tags }}".' }),
      as: z.string().regex(stepIdPattern, { error: (iss) => `bad name ${JSON.stringify(iss.input)}: use letters, digits and _` }).optional(),
      concurrency: z.int().min(1).max(50).optional(),
      steps,
    }),
    waitFor: z.strictObject({
      ...stepBase(),
      waitFor: z.union(
        [
          z.strictObject({ signal: z.string().regex(stepIdPattern), timeout: duration }),
          z.strictObject({ approval: z.strictObject({ timeout: duration }) }),
        ],
        { error: () => 'expected { "signal": "<name>", "timeout": "24h" } or { "approval": { "timeout": "24h" } }' },
      ),
    }),
  } as const;
}

export const triggerSchemas = {
  webhook: z.strictObject({ type: z.literal('webhook'), connection: z.string().min(1), event: z.string().min(1) }),
  event: z.strictObject({ type: z.literal('event'), event: z.string().min(1) }),
  schedule: z.strictObject({ type: z.literal('schedule'), cron: z.string().min(1), timezone: z.string().min(1).optional() }),
  poll: z.strictObject({
    type: z.literal('poll'),
    connection: z.string().min(1),
    trigger: z.string().regex(actionTypePattern),
    every: duration,
    input: z.record(z.string(), z.unknown()).optional().meta({ description: "The polling trigger's configuration, e.g. a JQL filter." }),
  }),
} as const;
export const triggerTypes = Object.keys(triggerSchemas) as (keyof typeof triggerSchemas)[];

/** The recipe's own fields; `trigger` and `steps` are given by the caller (shallow or full). */
export function recipeSchema(trigger: z.ZodType, step: z.ZodType) {
  return z.strictObject({
    $schema: z.string().optional(),
    id: z
      .string()
      .regex(recipeIdPattern, { error: (iss) => `bad recipe id ${JSON.stringify(iss.input)}: use lowercase letters, digits and -` })
      .meta({ description: 'Recipe id (slug), unique per installation.' }),
    name: z.string().min(1).meta({ description: 'Human-readable name.' }),
    description: z.string().optional(),
    enabled: z.boolean().optional().meta({ description: 'Disabled recipes start no runs (default true).' }),
    trigger,
    when: logic.optional(),
    steps: z.array(step).min(1, { error: 'a recipe needs at least one step' }),
  });
}

const fullStep: z.ZodType = z.lazy(() => z.union(Object.values(stepSchemas(fullStep)))).meta({ id: 'step', description: 'One step: action, delay, branch, forEach or waitFor.' });
/** The complete recipe schema (for JSON Schema generation and editors). */
export const fullRecipeSchema = recipeSchema(z.discriminatedUnion('type', [triggerSchemas.webhook, triggerSchemas.event, triggerSchemas.schedule, triggerSchemas.poll]), fullStep);

export function typeOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
