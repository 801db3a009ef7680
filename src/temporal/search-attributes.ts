import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Custom search attributes the engine writes on every run; registered on the embedded server. */
export const RecipeId = defineSearchAttributeKey('RecipeId', SearchAttributeType.KEYWORD);
export const RecipeVersion = defineSearchAttributeKey('RecipeVersion', SearchAttributeType.KEYWORD);
export const TriggerEvent = defineSearchAttributeKey('TriggerEvent', SearchAttributeType.KEYWORD);
export const ConnectionIds = defineSearchAttributeKey('ConnectionIds', SearchAttributeType.KEYWORD_LIST);
export const RunStatus = defineSearchAttributeKey('RunStatus', SearchAttributeType.KEYWORD);

export const engineSearchAttributes = [RecipeId, RecipeVersion, TriggerEvent, ConnectionIds, RunStatus] as const;

/** `name=Type` pairs for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text', INT: 'Int', BOOL: 'Bool', DATETIME: 'Datetime', DOUBLE: 'Double' };
  return engineSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type]}`]);
}
