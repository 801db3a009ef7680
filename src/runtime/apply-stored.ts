import type { Client } from '@temporalio/client';
import type { Plan } from '../../workflows/plan';
import type { SyncPlan } from '../../workflows/sync-plan';
import type { RunStartSettings } from '../engine/start-runs';
import { applyRecipeTrigger } from '../engine/recipe-triggers';
import type { Store } from '../store/store';
import { applySync, type SyncApplyOutcome } from '../sync/control';

/**
 * Brings Temporal in step with the stored recipes and syncs: Schedules (schedule recipes), pollers
 * (poll recipes) and each sync's workflow (started or told its current definition when enabled,
 * cancelled when disabled); removes those of recipes and syncs that no longer exist in `removedIds`.
 * Answers what became of each sync's workflow.
 */
export async function applyStoredRecipesAndSyncs(store: Store, client: Client, taskQueue: string, removedIds: string[] = [], settings: RunStartSettings = {}): Promise<Map<string, SyncApplyOutcome>> {
  for (const recipe of await store.recipes.list<Plan>()) {
    await applyRecipeTrigger(client, taskQueue, recipe.id, recipe.plan, settings);
  }
  const syncs = new Map<string, SyncApplyOutcome>();
  for (const sync of await store.syncs.list<SyncPlan>()) syncs.set(sync.id, await applySync(client, taskQueue, sync.id, sync));
  for (const id of removedIds) {
    await applyRecipeTrigger(client, taskQueue, id, undefined);
    const outcome = await applySync(client, taskQueue, id, undefined);
    if (outcome !== 'none') syncs.set(id, outcome);
  }
  return syncs;
}
