import { compileRecipe } from '../../src/recipe/compile';
import type { Plan, RunEvent } from '../../workflows/plan';
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

/** A run's event as the ingress hands it to runRecipe. */
export function eventOf(payload: unknown, id = 'notif_1'): RunEvent {
  return { id, topic: 'conversation.user.created', source: 'intercom-main', receivedAt: '2026-01-01T00:00:00.000Z', payload };
}
