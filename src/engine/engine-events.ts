import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging';

/** Engine events about connections; outgoing webhooks subscribe to these topics. */
export const connectionEventTopics = ['connection.disconnected', 'connection.restored', 'connection.paused', 'connection.resumed'] as const;
export type ConnectionEventTopic = (typeof connectionEventTopics)[number];

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

export type ConnectionEvent = EngineEvent<ConnectionEventTopic, ConnectionEventData>;

export type EngineEventHandler = (event: EngineEvent) => void | Promise<void>;

export interface EngineEvents {
  /** Delivers to every subscriber; a failing subscriber is logged and does not stop the others. */
  publish<T extends string, D>(topic: T, data: D, now?: Date): Promise<EngineEvent<T, D>>;
  /** Returns the unsubscribe function. */
  subscribe(handler: EngineEventHandler): () => void;
}

/** In-process fan-out: each event is logged and handed to every subscriber. */
export function createEngineEvents(logger?: Pick<Logger, 'info' | 'error'>): EngineEvents {
  const handlers = new Set<EngineEventHandler>();
  return {
    async publish(topic, data, now = new Date()) {
      const event = { id: `evt_${randomUUID()}`, topic, occurredAt: now.toISOString(), data };
      logger?.info({ event: { id: event.id, topic } }, `engine event ${topic}`);
      await Promise.all(
        [...handlers].map(async (handler) => {
          try {
            await handler(event);
          } catch (err) {
            logger?.error({ err, event: { id: event.id, topic } }, 'engine event subscriber failed');
          }
        }),
      );
      return event;
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
