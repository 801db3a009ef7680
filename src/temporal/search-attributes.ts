import { ConnectionIds, RecipeId, RecipeVersion, RunStatus, TriggerEvent } from '../../workflows/search-attributes';

/** Custom search attributes the engine writes on every run (defined beside the workflows, which may not import src/); registered on the embedded server. */
export { ConnectionIds, RecipeId, RecipeVersion, RunStatus, TriggerEvent };

export const engineSearchAttributes = [RecipeId, RecipeVersion, TriggerEvent, ConnectionIds, RunStatus] as const;

/** `name=Type` pairs for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  const cliType: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text', INT: 'Int', BOOL: 'Bool', DATETIME: 'Datetime', DOUBLE: 'Double' };
  return engineSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliType[key.type]}`]);
}
