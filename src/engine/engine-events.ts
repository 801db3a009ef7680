import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging';

/** Engine events about runs, published by the API process from Temporal visibility (src/engine/run-events.ts). */
export type RunEventTopic = 'run.succeeded' | 'run.failed';

export interface RunEventData {
  /** The run's workflow id (what the runs API calls its id) and Temporal's run id. */
  runId: string;
  temporalRunId: string;
  recipeId: string | null;
  recipeVersion: string | null;
  triggerEvent: string | null;
  status: 'succeeded' | 'failed' | 'timed_out' | 'terminated';
  startedAt: string;
  closedAt: string | null;
  /** For failed runs: the failure message (which step, what kind, the vendor's message). */
  error: string | null;
}

/** Engine events about connections; outgoing webhooks subscribe to these topics. */
export type ConnectionEventTopic = 'connection.disconnected' | 'connection.restored' | 'connection.paused' | 'connection.resumed';

export interface ConnectionEventData {
  connectionId: string;
  connector: string;
  /** Why: the vendor's status and message for a disconnect, who paused, what restored it. */
  reason: string | null;
}

export interface EngineEvent<T extends string = string, D = unknown> {
  /** Unique per event: subscribers dedupe on it. */
  id: string;
  topic: T;
  occurredAt: string;
  data: D;
}

export type EngineEventHandler = (event: EngineEvent) => void | Promise<void>;

interface PublishEventOptions {
  /** A stable id (e.g. from an outbox row or a run), so publishing the same event again maps onto the same outgoing message. */
  id?: string;
  /** Reject when any subscriber failed (after all ran), so a durable caller keeps the event and retries. */
  strict?: boolean;
}

export interface EngineEvents {
  /** Delivers to every subscriber; a failing subscriber is logged and does not stop the others. */
  publish<T extends string, D>(topic: T, data: D, now?: Date, opts?: PublishEventOptions): Promise<EngineEvent<T, D>>;
  /** Returns the unsubscribe function. */
  subscribe(handler: EngineEventHandler): () => void;
}

/** In-process fan-out: each event is logged and handed to every subscriber. */
export function createEngineEvents(logger?: Pick<Logger, 'info' | 'error'>): EngineEvents {
  const handlers = new Set<EngineEventHandler>();
  return {
    async publish(topic, data, now = new Date(), opts = {}) {
      const event = { id: opts.id ?? `evt_${randomUUID()}`, topic, occurredAt: now.toISOString(), data };
      logger?.info({ event: { id: event.id, topic } }, `engine event ${topic}`);
      let failed: Error | undefined;
      await Promise.all(
        [...handlers].map(async (handler) => {
          try {
            await handler(event);
          } catch (err) {
            failed = err instanceof Error ? err : new Error(String(err));
            logger?.error({ err, event: { id: event.id, topic } }, 'engine event subscriber failed');
          }
        }),
      );
      if (opts.strict && failed !== undefined) throw failed;
      return event;
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
