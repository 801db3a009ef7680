import { existsSync } from 'node:fs';
import path from 'node:path';
import { actionCatalog } from '../../connectors/registry';
import { expandRecipePaths, loadDefinitions } from './recipe-files';
import { compileSyncForApply, type SideSchemaSource } from '../sync/side-schemas';
import { formatDiagnostic } from '../recipe/diagnostics';
import { knownSyncs } from '../recipe/sync-compile';
import type { SyncPlan } from '../../workflows/sync-plan';
import type { Store } from '../store/store';

export interface LoadReport {
  loaded: { id: string; change: string }[];
  /** One line per recipe not loaded: its first error as `file:path: message`. */
  skipped: string[];
  /** Definitions that name connections not made yet (an app not installed): not loaded, and not an error. */
  waiting: { file: string; connections: string[] }[];
}

/** The connection ids a definition names (`trigger.connection`, `steps[…].connection`, a sync's sides), wherever they nest. */
function namedConnections(source: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(source)) for (const item of source) namedConnections(item, found);
  else if (source && typeof source === 'object') {
    for (const [key, value] of Object.entries(source)) {
      if (key === 'connection' && typeof value === 'string') found.add(value);
      else namedConnections(value, found);
    }
  }
  return found;
}

/**
 * Loads `<dir>/*.json` at start, compiled against the registry and the existing connections,
 * stored as a new version when changed. A recipe that names a connection not made yet waits for it;
 * one that does not compile otherwise is reported and skipped; neither stops the engine. A sync definition (`"kind": "sync"`) is checked against both sides'
 * live field schemas through `schemas`, as `recipe apply` does; without them it is skipped.
 */
export async function loadRecipeDirectory(store: Store, dir: string, schemas?: SideSchemaSource): Promise<LoadReport> {
  const report: LoadReport = { loaded: [], skipped: [], waiting: [] };
  if (!existsSync(dir)) return report;
  const connections = new Map((await store.connections.list()).map((c) => [c.id, c.connector]));
  const definitions = loadDefinitions(expandRecipePaths([dir]), actionCatalog, connections);
  // A "linked" field may name a sync stored before or one defined beside it in the directory.
  const syncs = knownSyncs(await store.syncs.list<SyncPlan>(), definitions.filter((d) => d.kind === 'sync').map((d) => d.source));
  for (const loaded of definitions) {
    const shown = path.relative(process.cwd(), loaded.file) || loaded.file;
    const result = loaded.kind === 'sync' && loaded.result.ok ? (schemas ? await compileSyncForApply(loaded.source, connections, schemas, syncs) : unchecked) : loaded.result;
    if (!result.ok) {
      const missing = [...namedConnections(loaded.source)].filter((id) => !connections.has(id));
      if (missing.length > 0) {
        report.waiting.push({ file: shown, connections: missing });
        continue;
      }
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      const more = errors.length > 1 ? ` (+${errors.length - 1} more: switchyard recipe check ${shown})` : '';
      report.skipped.push(`${formatDiagnostic(shown, errors[0]!)}${more}`);
      continue;
    }
    const [id, change] = 'syncId' in result.plan ? [result.plan.syncId, await store.syncs.apply(loaded.source, result.plan)] : [result.plan.recipeId, await store.recipes.apply(loaded.source, result.plan)];
    report.loaded.push({ id, change: change.change });
  }
  return report;
}

const unchecked = { ok: false, diagnostics: [{ path: 'kind', message: 'a sync is stored only after its fields are checked against both sides (switchyard recipe apply)', severity: 'error' }] } as const;
