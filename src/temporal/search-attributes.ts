import type { SearchAttributeType } from '@temporalio/common';
import { ConnectionIds, RecipeId, RecipeVersion, RunStatus, TriggerEvent } from '../../workflows/search-attributes';

/**
 * Custom search attributes the engine writes on every run (defined beside the workflows, which may
 * not import src/). This list is the one the embedded server registers, `switchyard setup` creates
 * and `switchyard api`/`worker` check for at start.
 */
export { ConnectionIds, RecipeId, RecipeVersion, RunStatus, TriggerEvent };

/** A search attribute key as defined with defineSearchAttributeKey (the SDK does not export the type). */
export interface EngineSearchAttribute {
  readonly name: string;
  readonly type: SearchAttributeType;
}

export const engineSearchAttributes: readonly EngineSearchAttribute[] = [RecipeId, RecipeVersion, TriggerEvent, ConnectionIds, RunStatus];

/** The type names the Temporal CLI and tcld use (`Keyword`, `KeywordList`, …). */
const cliTypeNames: Record<SearchAttributeType, string> = {
  KEYWORD: 'Keyword',
  KEYWORD_LIST: 'KeywordList',
  TEXT: 'Text',
  INT: 'Int',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  DOUBLE: 'Double',
};

export function cliTypeName(key: EngineSearchAttribute): string {
  return cliTypeNames[key.type];
}

/** `name=Type` pairs for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  return engineSearchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=${cliTypeName(key)}`]);
}

/** What someone with the rights runs to create the given attributes: the Temporal CLI for a self-hosted cluster, tcld for Temporal Cloud. */
export function searchAttributeCommands(namespace: string, keys: readonly EngineSearchAttribute[]): { cli: string[]; cloud: string[] } {
  return {
    cli: keys.map((key) => `temporal operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${cliTypeName(key)}`),
    cloud: keys.map((key) => `tcld namespace search-attributes add --namespace ${namespace}.<account id> --search-attribute "${key.name}=${cliTypeName(key)}"`),
  };
}
