import type { ZodType } from 'zod';

/**
 * The connectors as the recipe compiler sees them (src/recipe compiles against this; connectors/registry.ts
 * builds it from the registry). It lives in the SDK so the connectors never import the engine.
 */

/**
 * The startToClose timeout of an action that declares none (`ActionDefinition.timeout`) and whose
 * step sets none: one vendor call with its retries inside the HTTP client's 30 s per-request limit.
 * Actions that wait on slow vendor jobs or move files declare their own.
 */
export const defaultActionTimeoutMs = 30_000;

/** What the compiler needs to know about one action. */
export interface CatalogAction {
  connector: string;
  key: string;
  input: ZodType;
  output: ZodType;
  /** Sample output, used by the dry run. */
  sample: unknown;
  idempotent: boolean;
  /** `ActionDefinition.effect.kind`: how a repeat of the step is kept to one effect (absent in older catalogs: `idempotent` decides). */
  effect?: 'none' | 'idempotencyKey' | 'reconcile' | 'atLeastOnce';
  /** Default startToClose timeout, e.g. "2m" (else `defaultActionTimeoutMs`). */
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

/** What a connector's webhook source publishes, for checking a webhook trigger's `event`. */
export interface CatalogWebhookSource {
  connector: string;
  topics: readonly string[];
  /** Documented alternative names → the real topic. */
  aliases: Readonly<Record<string, string>>;
  /** The sender names its own topics (the generic webhook): any topic is allowed. */
  open: boolean;
}

export interface ActionCatalog {
  /** By activity type "<connector>.<action>". */
  getAction(type: string): CatalogAction | undefined;
  actionTypes(): string[];
  getPollingTrigger?(type: string): CatalogPollingTrigger | undefined;
  pollingTriggerTypes?(): string[];
  /** By connector id; undefined when the connector receives no webhooks. */
  getWebhookSource?(connector: string): CatalogWebhookSource | undefined;
  /** Connectors that receive webhooks. */
  webhookConnectors?(): string[];
}

/**
 * A catalog over plain lists: the connector registry's adapter (connectors/registry.ts) and tests
 * build theirs with it. Without `webhookSources` the catalog does not know them, and webhook
 * trigger topics are not checked.
 */
export function catalogFromList(actions: CatalogAction[], triggers: CatalogPollingTrigger[] = [], webhookSources?: CatalogWebhookSource[]): ActionCatalog {
  const byType = new Map(actions.map((a) => [`${a.connector}.${a.key}`, a]));
  const triggerByType = new Map(triggers.map((t) => [`${t.connector}.${t.key}`, t]));
  const catalog: ActionCatalog = {
    getAction: (type) => byType.get(type),
    actionTypes: () => [...byType.keys()],
    getPollingTrigger: (type) => triggerByType.get(type),
    pollingTriggerTypes: () => [...triggerByType.keys()],
  };
  if (!webhookSources) return catalog;
  const sourceByConnector = new Map(webhookSources.map((s) => [s.connector, s]));
  return { ...catalog, getWebhookSource: (connector) => sourceByConnector.get(connector), webhookConnectors: () => [...sourceByConnector.keys()] };
}
