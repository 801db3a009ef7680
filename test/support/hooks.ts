import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import type { Store } from '../../src/store/store';
import type { Plan } from '../../workflows/plan';

/** Runs `work` over `items` with at most `limit` in flight (bounded load on a shared 2-core machine). */
export async function boundedAll<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Compiles and stores a recipe, failing loudly on diagnostics. */
export async function applyRecipe(store: Store, recipe: Record<string, unknown>, connections: Record<string, string>): Promise<Plan> {
  const compiled = compileRecipe(recipe, { actions: actionCatalog, connections: new Map(Object.entries(connections)) });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  await store.recipes.apply(recipe, compiled.plan);
  return compiled.plan;
}

/**
 * Stores a recipe on `connection`'s webhook `event` whose one step never runs (its condition is
 * false): each run is cheap, and the runs themselves are what the test counts.
 */
export function applyWebhookRecipe(store: Store, recipe: { id: string; name: string; connection: string; connector: string; event: string }): Promise<Plan> {
  const never = { id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } };
  const trigger = { type: 'webhook', connection: recipe.connection, event: recipe.event };
  return applyRecipe(store, { id: recipe.id, name: recipe.name, trigger, steps: [never] }, { [recipe.connection]: recipe.connector });
}
