import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../recipe/compile';
import type { Store } from '../store/store';

export interface LoadReport {
  loaded: { id: string; change: string }[];
  /** One line per recipe not loaded: `file: path: message`. */
  skipped: string[];
}

/**
 * Loads `<dir>/*.json` at start: each recipe is compiled against the registry and the existing
 * connections and stored as a new version when it changed. A recipe that does not compile is
 * reported and skipped; it never stops the engine.
 */
export async function loadRecipeDirectory(store: Store, dir: string): Promise<LoadReport> {
  const report: LoadReport = { loaded: [], skipped: [] };
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return report;
  }
  const connections = new Map((await store.connections.list()).map((c) => [c.id, c.connector]));
  for (const file of files) {
    const shown = path.join(path.basename(dir), file);
    let source: unknown;
    try {
      source = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    } catch (err) {
      report.skipped.push(`${shown}: not valid JSON: ${(err as Error).message}`);
      continue;
    }
    const result = compileRecipe(source, { actions: actionCatalog, connections });
    if (!result.ok) {
      const first = result.diagnostics.find((d) => d.severity === 'error') ?? result.diagnostics[0];
      const more = result.diagnostics.length > 1 ? ` (+${result.diagnostics.length - 1} more)` : '';
      report.skipped.push(`${shown}: ${first?.path ?? ''}: ${first?.message ?? 'does not compile'}${more}`);
      continue;
    }
    const change = await store.recipes.apply(source, result.plan);
    report.loaded.push({ id: result.plan.recipeId, change: change.change });
  }
  return report;
}
