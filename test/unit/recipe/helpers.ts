import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { engineSearchAttributes } from '../../../src/temporal/search-attributes';
import { compileRecipe } from '../../../src/recipe/compile';
import type { Plan, RunEvent } from '../../../workflows/plan';
import { testCatalog, testConnections } from './test-catalog';

/** Compiles a recipe with the test catalog or throws with every diagnostic. */
export function planOf(recipe: unknown): Plan {
  const result = compileRecipe(recipe, { actions: testCatalog, connections: testConnections });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.path}: ${d.message}`).join('\n'));
  return result.plan;
}

/** A recipe with a webhook trigger around the given steps. */
export function recipeWith(steps: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'test-recipe',
    name: 'Test recipe',
    trigger: { type: 'webhook', connection: 'intercom-main', event: 'conversation.user.created' },
    steps,
    ...extra,
  };
}

export function eventOf(payload: unknown, id = 'notif_1'): RunEvent {
  return { id, topic: 'conversation.user.created', source: 'intercom-main', receivedAt: '2026-01-01T00:00:00.000Z', payload };
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundles workflows/ once per test file (CPU is scarce). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../../../workflows/index.ts'), logger: quietLogger });
  return bundle;
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };

/** The time-skipping server starts without the engine's search attributes; runRecipe upserts them. */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const types: Record<string, temporal.api.enums.v1.IndexedValueType> = {
    KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  };
  const searchAttributes = Object.fromEntries(engineSearchAttributes.map((k) => [k.name, types[k.type]!]));
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default', searchAttributes });
}
