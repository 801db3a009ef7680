import { readFileSync } from 'node:fs';
import path from 'node:path';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import type { Store } from '../../src/store/store';

export const recipesDir = path.resolve(__dirname, '../../recipes');

/** Compiles `recipes/<name>.json` against the registry and the store's connections, and applies it; throws its diagnostics. */
export async function applyExampleRecipe(store: Store, name: string): Promise<void> {
  const recipe = JSON.parse(readFileSync(path.join(recipesDir, `${name}.json`), 'utf8')) as Record<string, unknown>;
  delete recipe.$schema;
  const connections = new Map((await store.connections.list()).map((c) => [c.id, c.connector]));
  const compiled = compileRecipe(recipe, { actions: actionCatalog, connections });
  if (!compiled.ok) throw new Error(`recipes/${name}.json: ${JSON.stringify(compiled.diagnostics)}`);
  await store.recipes.apply(recipe, compiled.plan);
}
