import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { Plan } from './plan';

// The engine's custom search attributes (src/temporal/search-attributes.ts re-exports them and registers them).
export const RecipeId = defineSearchAttributeKey('RecipeId', SearchAttributeType.KEYWORD);
export const RecipeVersion = defineSearchAttributeKey('RecipeVersion', SearchAttributeType.KEYWORD);
export const TriggerEvent = defineSearchAttributeKey('TriggerEvent', SearchAttributeType.KEYWORD);
export const ConnectionIds = defineSearchAttributeKey('ConnectionIds', SearchAttributeType.KEYWORD_LIST);
export const RunStatus = defineSearchAttributeKey('RunStatus', SearchAttributeType.KEYWORD);

/** The listing attributes a run starts with; set by its starter, they cost the run no upsert. */
export function runStartAttributes(plan: Pick<Plan, 'recipeId' | 'version' | 'connections'>, topic: string): SearchAttributePair[] {
  return [
    { key: RecipeId, value: plan.recipeId },
    { key: RecipeVersion, value: plan.version },
    { key: TriggerEvent, value: topic },
    { key: ConnectionIds, value: plan.connections },
    { key: RunStatus, value: 'running' },
  ];
}
