import { existsSync } from 'node:fs';
import path from 'node:path';
import { actionCatalog } from '../../connectors/registry';
import { expandRecipePaths, loadRecipes } from './recipe-files';
import { formatDiagnostic } from '../recipe/diagnostics';
import type { Store } from '../store/store';

export interface LoadReport {
  loaded: { id: string; change: string }[];
  /** One line per recipe not loaded: its first error as `file:path: message`. */
  skipped: string[];
}

/**
 * Loads `<dir>/*.json` at start, compiled against the registry and the existing connections,
 * stored as a new version when changed. A recipe that does not compile is reported and skipped;
 * it never stops the engine.
 */
export async function loadRecipeDirectory(store: Store, dir: string): Promise<LoadReport> {
  const report: LoadReport = { loaded: [], skipped: [] };
  if (!existsSync(dir)) return report;
  const connections = new Map((await store.connections.list()).map((c) => [c.id, c.connector]));
  for (const { file, source, result } of loadRecipes(expandRecipePaths([dir]), actionCatalog, connections)) {
    const shown = path.relative(process.cwd(), file) || file;
    if (!result.ok) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      const more = errors.length > 1 ? ` (+${errors.length - 1} more: switchyard recipe check ${shown})` : '';
      report.skipped.push(`${formatDiagnostic(shown, errors[0]!)}${more}`);
      continue;
    }
    const change = await store.recipes.apply(source, result.plan);
    report.loaded.push({ id: result.plan.recipeId, change: change.change });
  }
  return report;
}
