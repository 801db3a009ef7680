import type { z } from 'zod';

/** Intercom App Store categories. */
export const connectorCategories = ['CRM', 'Communication', 'Analytics', 'Support', 'Productivity', 'Automation'] as const;
export type ConnectorCategory = (typeof connectorCategories)[number];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The small, fakeable context every action receives. */
export interface ActionContext<Credentials = unknown> {
  connectionId: string;
  credentials: Credentials;
  /** Pre-authenticated, SSRF-guarded client bound to the connection's base URL. */
  http: import('./http-types').HttpClient;
  signal: AbortSignal;
  /** Stable across retries: workflow id + step id. */
  idempotencyKey: string;
  attempt: number;
  logger: Logger;
  heartbeat(details?: unknown): void;
}

export interface ActionDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, C = unknown> {
  key: string;
  title: string;
  description: string;
  input: I;
  output: O;
  idempotent: boolean;
  timeout?: string;
  retry?: { maxAttempts?: number; initialInterval?: string; backoff?: number; maxInterval?: string };
  sample: z.output<O>;
  run(ctx: ActionContext<C>, input: z.output<I>): Promise<z.input<O>>;
}

/** One event extracted from an inbound delivery. */
export interface InboundEvent {
  /** Sender's id for dedupe (delivery or notification id). */
  id: string;
  topic: string;
  /** The event exactly as the sender sent it. */
  payload: unknown;
}

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** Path segments after /hooks/<connection id>, e.g. the generic source's token. */
  pathToken?: string;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export interface WebhookSourceDefinition<C = unknown> {
  /** Verifies the signature over the raw bytes, in constant time, before anything is parsed. */
  verify(request: WebhookRequest, credentials: C, now: Date): VerifyResult;
  /** Extracts events from a verified delivery (one delivery may carry several). */
  extract(request: WebhookRequest, body: unknown): InboundEvent[];
  /** Topic catalog, and documented aliases (alias → canonical topic). */
  topics: readonly string[];
  topicAliases?: Readonly<Record<string, string>>;
  /** Deliveries answered 2xx without starting runs (e.g. Intercom's `ping`). */
  ignoredTopics?: readonly string[];
}
