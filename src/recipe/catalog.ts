import type { ZodType } from 'zod';

/** What the compiler needs to know about one action (an adapter over connectors/registry provides it). */
export interface CatalogAction {
  connector: string;
  key: string;
  input: ZodType;
  output: ZodType;
  /** Sample output, used by the dry run. */
  sample: unknown;
  idempotent: boolean;
  /** Default startToClose timeout, e.g. "30s". */
  timeout?: string;
  retry?: { maxAttempts?: number; initialInterval?: string; backoff?: number; maxInterval?: string };
  /** False for connectors with auth kind "none" (the step may omit `connection`). Default true. */
  needsConnection?: boolean;
}

export interface CatalogPollingTrigger {
  connector: string;
  key: string;
  /** The trigger's configuration schema (the recipe's `trigger.input`). */
  input?: ZodType;
  output?: ZodType;
  sample?: unknown;
}

export interface ActionCatalog {
  /** By activity type "<connector>.<action>". */
  getAction(type: string): CatalogAction | undefined;
  actionTypes(): string[];
  getPollingTrigger?(type: string): CatalogPollingTrigger | undefined;
  pollingTriggerTypes?(): string[];
}

/** A catalog over a plain list: the connector registry's adapter (connectors/registry.ts) and tests build theirs with it. */
export function catalogFromList(actions: CatalogAction[], triggers: CatalogPollingTrigger[] = []): ActionCatalog {
  const byType = new Map(actions.map((a) => [`${a.connector}.${a.key}`, a]));
  const triggerByType = new Map(triggers.map((t) => [`${t.connector}.${t.key}`, t]));
  return {
    getAction: (type) => byType.get(type),
    actionTypes: () => [...byType.keys()],
    getPollingTrigger: (type) => triggerByType.get(type),
    pollingTriggerTypes: () => [...triggerByType.keys()],
  };
}
