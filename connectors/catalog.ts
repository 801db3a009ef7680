import { z } from 'zod';
import { effectGuarantee } from './catalog-table';
import { defaultActionTimeoutMs } from './sdk/action-catalog';
import { connectionRequirement, type AnyConnector, type ConnectorRegistry } from './sdk/registry';
import { signatureSchemeHeaders, type SignatureSchemeId } from './sdk/signatures/schemes';
import type { ConnectorCategory } from './sdk/types';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

export interface ConnectorSummary {
  id: string;
  name: string;
  category: ConnectorCategory;
  description: string;
  authKind: string;
  actions: CatalogEntry[];
  pollingTriggers: CatalogEntry[];
  webhookTopics: number;
  /** How inbound deliveries are verified: each scheme the webhook source accepts and the headers it reads ([] without a webhook source). */
  webhookSchemes: { scheme: SignatureSchemeId; headers: string[]; description: string }[];
}

/** An action or polling trigger in the summary: its recipe type (`<connector>.<key>`) and its words. */
interface CatalogEntry {
  type: string;
  key: string;
  title: string;
  description: string;
}

function summarize(c: AnyConnector): ConnectorSummary {
  const entries = (items: Record<string, Omit<CatalogEntry, 'type'>>): CatalogEntry[] =>
    Object.values(items).map(({ key, title, description }) => ({ type: `${c.id}.${key}`, key, title, description }));
  const { id, name, category, description } = c;
  return {
    id,
    name,
    category,
    description,
    authKind: c.auth.kind,
    actions: entries(c.actions),
    pollingTriggers: entries(c.pollingTriggers),
    webhookTopics: c.webhookSource?.topics.length ?? 0,
    webhookSchemes: (c.webhookSource?.schemes ?? []).map((scheme) => ({ scheme, headers: [...signatureSchemeHeaders[scheme].headers], description: signatureSchemeHeaders[scheme].description })),
  };
}

/** Everything about one connector, with JSON Schemas (zod 4 `z.toJSONSchema`) of credentials, inputs and outputs. */
export function describeConnector(c: AnyConnector) {
  return {
    ...summarize(c),
    auth: { kind: c.auth.kind, credentials: jsonSchema(c.auth.credentials, 'input'), oauth2: c.auth.oauth2 ?? null, canTest: c.validate !== undefined },
    defaultBaseUrl: typeof c.baseUrl === 'string' ? c.baseUrl : null,
    actions: Object.values(c.actions).map((a) => ({
      type: `${c.id}.${a.key}`,
      key: a.key,
      title: a.title,
      description: a.description,
      idempotent: a.idempotent,
      effect: { kind: a.effect.kind, ...effectGuarantee(a.effect) },
      connection: connectionRequirement(c, a),
      timeout: a.timeout ?? `${defaultActionTimeoutMs / 1000}s`,
      retry: a.retry ?? null,
      input: jsonSchema(a.input, 'input'),
      output: jsonSchema(a.output, 'output'),
      sample: a.sample,
    })),
    pollingTriggers: Object.values(c.pollingTriggers).map((t) => ({
      type: `${c.id}.${t.key}`,
      key: t.key,
      title: t.title,
      description: t.description,
      defaultInterval: t.defaultInterval ?? null,
      input: jsonSchema(t.input, 'input'),
      output: jsonSchema(t.output, 'output'),
      sample: t.sample,
    })),
    webhook: c.webhookSource
      ? { topics: [...c.webhookSource.topics], topicAliases: { ...c.webhookSource.topicAliases }, ignoredTopics: [...(c.webhookSource.ignoredTopics ?? [])] }
      : null,
  };
}

/** Search by name, id, category, description, action and trigger keys/titles (case-insensitive); filter by category. */
export function searchConnectors(registry: ConnectorRegistry, opts: { category?: string; q?: string } = {}): ConnectorSummary[] {
  const q = opts.q?.trim().toLowerCase();
  return registry
    .listConnectors()
    .filter((c) => !opts.category || c.category.toLowerCase() === opts.category.toLowerCase())
    .map(summarize)
    .filter((s) => {
      if (!q) return true;
      const haystack = [s.id, s.name, s.category, s.description, ...s.actions.flatMap((a) => [a.type, a.title]), ...s.pollingTriggers.flatMap((t) => [t.type, t.title])];
      return haystack.some((h) => h.toLowerCase().includes(q));
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
