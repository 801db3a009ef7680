import type { Client } from '@temporalio/client';
import type { Logger } from '../logging';
import type { Store } from '../store/store';
import type { EngineEvents } from './engine-events';
import { publishClosedRuns } from './run-events';

export interface EventPumpOptions {
  client: Client;
  store: Pick<Store, 'outbox' | 'deliveries' | 'payloads' | 'effects' | 'exclusive'>;
  events: EngineEvents;
  logger: Pick<Logger, 'warn' | 'info'>;
  taskQueue: string;
  intervalMs: number;
  runEventsLagMs: number;
  pruneEveryMs?: number;
  /** The outgoing-webhook delivery log and how long its finished messages are kept. */
  webhookLog?: PrunedLog;
  /** The inbound delivery log and how long its entries are kept (0: nothing is recorded, nothing to prune). */
  inboundLog?: PrunedLog;
}

/** A log pruned in batches of entries older than its retention. */
interface PrunedLog {
  log: { prune(before: Date, limit?: number): Promise<number> };
  retentionMs: number;
}

/** Batches of a log pruned per tick at most (1,000 entries each); the rest waits for the next prune. */
const MAX_LOG_PRUNE_BATCHES = 100;

async function pruneLog(pruned: PrunedLog | undefined): Promise<number> {
  if (!pruned || pruned.retentionMs <= 0) return 0;
  const { log, retentionMs } = pruned;
  const before = new Date(Date.now() - retentionMs);
  let total = 0;
  for (let batch = 0; batch < MAX_LOG_PRUNE_BATCHES; batch++) {
    const n = await log.prune(before, 1000);
    total += n;
    if (n < 1000) break;
  }
  return total;
}

/** Publishes what the outbox holds (oldest first); a row is removed only after its subscribers succeeded. */
async function drainOutbox(store: Pick<Store, 'outbox'>, events: EngineEvents): Promise<number> {
  let published = 0;
  for (;;) {
    const batch = await store.outbox.pending(100);
    if (batch.length === 0) return published;
    for (const event of batch) {
      await events.publish(event.topic, event.data, new Date(event.createdAt), { id: event.id, strict: true });
      await store.outbox.remove(event.id);
      published++;
    }
  }
}

/** Of several API processes on one store, only the one holding this lock runs a tick (each event is published once). */
const EVENT_PUMP_LOCK = 'switchyard:engine-event-pump';

/**
 * The API process's background loop: drain the engine-event outbox, publish closed runs, and
 * prune delivery dedupe rows, stored payloads, the outgoing-webhook log and the inbound log past their retention. One tick at a time,
 * and in one API process at a time (a tick finding another process's tick running skips);
 * a failed tick is logged and retried on the next.
 */
export function startEventPump(opts: EventPumpOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = 0;
  let current: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      await opts.store.exclusive(EVENT_PUMP_LOCK, pumpOnce);
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message }, 'engine event pump tick failed; retrying next tick');
    }
  };
  const pumpOnce = async () => {
    await drainOutbox(opts.store, opts.events);
    // Bounded, so an unreachable Temporal cannot hold a tick (or shutdown) for the client's whole retry budget.
    await opts.client.connection.withDeadline(Date.now() + 30_000, () =>
      publishClosedRuns({ client: opts.client, taskQueue: opts.taskQueue, outbox: opts.store.outbox, events: opts.events, lagMs: opts.runEventsLagMs }),
    );
    if (Date.now() - lastPrune > (opts.pruneEveryMs ?? 3_600_000)) {
      lastPrune = Date.now();
      const deliveries = await opts.store.deliveries.prune();
      const payloads = await opts.store.payloads.prune();
      const effects = await opts.store.effects.prune();
      const webhookMessages = await pruneLog(opts.webhookLog);
      const inboundLog = await pruneLog(opts.inboundLog);
      if (deliveries + payloads + webhookMessages + effects + inboundLog > 0) {
        opts.logger.info({ deliveries, payloads, webhookMessages, effects, inboundLog }, 'pruned inbound dedupe rows, stored payloads, outgoing webhook messages, side-effect ledger rows and inbound log entries past retention');
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = tick().finally(schedule);
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // Let a tick in progress finish its write, but never wait long for an unreachable Temporal.
      await Promise.race([current, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    },
  };
}
