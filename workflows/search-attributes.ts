import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Same keys as src/temporal/search-attributes.ts (workflows/ may not import src/).
export const RecipeId = defineSearchAttributeKey('RecipeId', SearchAttributeType.KEYWORD);
export const RecipeVersion = defineSearchAttributeKey('RecipeVersion', SearchAttributeType.KEYWORD);
export const TriggerEvent = defineSearchAttributeKey('TriggerEvent', SearchAttributeType.KEYWORD);
export const ConnectionIds = defineSearchAttributeKey('ConnectionIds', SearchAttributeType.KEYWORD_LIST);
export const RunStatus = defineSearchAttributeKey('RunStatus', SearchAttributeType.KEYWORD);
