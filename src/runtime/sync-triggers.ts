import type { Client } from '@temporalio/client';
import type { Plan } from '../../workflows/plan';
import type { RunStartSettings } from '../engine/start-runs';
import { syncRecipeTrigger } from '../engine/trigger-sync';
import type { Store } from '../store/store';

/**
 * Brings Temporal Schedules (schedule recipes) and pollers (poll recipes) in step with the stored
 * recipes, and removes those of recipes that no longer exist in `removedIds`.
 */
export async function syncAllRecipeTriggers(store: Store, client: Client, taskQueue: string, removedIds: string[] = [], settings: RunStartSettings = {}): Promise<void> {
  for (const recipe of await store.recipes.list<Plan>()) {
    await syncRecipeTrigger(client, taskQueue, recipe.id, recipe.plan, settings);
  }
  for (const id of removedIds) await syncRecipeTrigger(client, taskQueue, id, undefined);
}
