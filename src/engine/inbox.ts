import type { Plan, RunEvent } from '../../workflows/plan';
import type { Logger } from '../logging';
import { counter, gauge } from '../metrics/registry';
import { API_EVENT_SOURCE } from '../recipe/match';
import type { InboxRow } from '../store/event-inbox';
import { GroupCommit } from '../store/group-commit';
import type { Store } from '../store/store';
import { signalSyncChanges, type SyncChange } from '../sync/control';
import type { Publish } from '../webhooks-out/sources';
import type { PlanCache } from './plan-cache';
import { startEventRuns, type EventStartDeps } from './start-event-runs';

/** SWITCHYARD_INBOX_*: the backlog above which the ingress answers 503, how often the dispatcher sweeps, how many starts it has in flight. */
interface InboxLimits {
  maxRows: number;
  maxAgeMs: number;
  sweepMs: number;
  /** Run starts in flight at once (default STARTS_IN_FLIGHT). */
  startsInFlight?: number;
  /** Committed rows kept in memory for the dispatcher (default QUEUED_MAX); the rest wait for the sweep. */
  queuedMax?: number;
}

export interface InboxOptions extends Omit<EventStartDeps, 'publish'> {
  store: Pick<Store, 'inbox'>;
  plans: PlanCache;
  logger: Pick<Logger, 'warn' | 'info'>;
  limits: InboxLimits;
  /** Fans inbound events out to outgoing-webhook subscribers: one publish per dispatch batch (it reads the subscriptions once for the batch). */
  publisher?: () => Publish;
  /** Throws while Temporal would fail every run (a namespace without the engine's search attributes): the ingress then refuses. */
  gate?: () => Promise<void>;
}

/** What the dispatcher knows now; /readyz and /metrics show it. */
interface InboxStatus {
  depth: number;
  oldestAgeMs: number;
  /** Why the last dispatch failed (Temporal unreachable…), while rows wait for it; undefined when dispatching. */
  dispatchDelayed?: string;
}

/** The inbox is over its bound (rows or age): the sender retries later; nothing was accepted. */
export class InboxFullError extends Error {
  readonly retryAfterSeconds = 5;
}

/** Temporal answers but would fail every run (its namespace lacks what the engine needs): accepting would only fill the inbox. */
export class TemporalMisconfiguredError extends Error {}

/** The accepting side of the inbox, as the ingress sees it. */
export interface Inbox {
  /** Throws InboxFullError when the backlog is over its bound, TemporalMisconfiguredError while the gate is closed. */
  admit(now: Date): Promise<void>;
  /**
   * Appends the event (with the recipes it matched) and its dedupe row in one group commit;
   * resolves once that commit is durable: true, or false for a duplicate of an accepted delivery.
   */
  append(event: RunEvent, eventHash: string, recipes: string[], syncs?: SyncChange[]): Promise<boolean>;
  status(): InboxStatus;
  stop(): Promise<void>;
}

/** What an inbox row's sealed body holds. */
interface InboxBody {
  event: RunEvent;
  recipes: string[];
  /** The realtime syncs it feeds and the records it names (absent in rows written before syncs were fed). */
  syncs?: SyncChange[];
}

type Waiting = { id: string; eventHash: string; body: InboxBody };

const runsStarted = counter('switchyard_runs_started_total', 'Recipe runs accepted by Temporal, by trigger type', ['trigger']);
const dispatched = counter('switchyard_inbox_dispatched_total', 'Inbox events whose runs Temporal accepted (they left the inbox)', []);

const BATCH = 200;

/**
 * Run starts in flight per process. One start at a time paces the starts by Temporal's own answer
 * time: while Temporal is busy running the runs it has, starts slow down with it. Several at once
 * started runs faster than the workers took them (8: ~96 starts/s against ~40 completions/s on 2
 * cores), and every run beyond what a waiting worker poller takes becomes a task-queue backlog
 * task, which Temporal writes to its database and reads back: with 8, 11 000 acknowledged events
 * of a burst left ~6 600 runs waiting in Temporal and Temporal spent 15.6 CPU ms per run; with one,
 * 13.9 ms and the runs completed at 64/s instead of 43–52 (bench/RESULTS.md, issue #13). The
 * dispatcher also shares the API's event loop with the acknowledgements, and yields it between
 * starts. SWITCHYARD_INBOX_STARTS_IN_FLIGHT raises it where a start waits on a distant Temporal.
 */
const STARTS_IN_FLIGHT = 1;

/**
 * Committed rows kept in memory for the dispatcher to start at once. Past this backlog the rest wait
 * in the store for the sweep, which claims every row older than one sweep interval: a burst or a slow
 * Temporal grows the table, not the API's heap (`npm run bench -- e2e`, ~12 000 rows of backlog: the
 * API peaked at 170–179 MB holding them all, 160 MB holding at most 1 000).
 */
const QUEUED_MAX = 1_000;

const yieldToAcks = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The durable inbox and its dispatcher. The ingress appends (group commit) and acknowledges once
 * its row is durable; the dispatcher starts the runs (and signals the realtime syncs it feeds) right after each commit, and a sweep every
 * `sweepMs` retries whatever is left (a failed dispatch, a process killed after the commit, a
 * Temporal outage). Workflow ids derive from the dedupe key, so a repeated start is a duplicate,
 * never a second run; a row is removed only once Temporal has every run.
 */
export function startInbox(opts: InboxOptions): Inbox {
  const { store, limits, logger } = opts;
  const queuedMax = limits.queuedMax ?? QUEUED_MAX;
  const startsInFlight = limits.startsInFlight ?? STARTS_IN_FLIGHT;
  let depth = 0;
  let oldest: number | undefined;
  let delayed: string | undefined;
  let stopped = false;
  let queue: Waiting[] = [];

  const commits = new GroupCommit(async (items: { row: Waiting; receivedAt: string; source: string }[]) => {
    const ids = await store.inbox.append(items.map((i) => ({ source: i.source, eventHash: i.row.eventHash, receivedAt: i.receivedAt, body: JSON.stringify(i.row.body) })));
    const fresh = items.flatMap((item, n) => {
      const id = ids[n];
      return id === undefined ? [] : [{ ...item, row: { ...item.row, id } }];
    });
    depth += fresh.length;
    if (fresh.length > 0 && oldest === undefined) oldest = Date.parse(fresh[0]!.receivedAt);
    if (!delayed) queue.push(...fresh.slice(0, Math.max(0, queuedMax - queue.length)).map((i) => i.row));
    kick();
    return ids.map((id) => id !== undefined);
  });

  /** Starts each row's runs; answers the ids Temporal now has (those may leave the inbox). */
  const dispatch = async (rows: Waiting[]): Promise<string[]> => {
    const plans = new Map((await opts.plans.enabledPlans()).map((p) => [p.recipeId, p]));
    const deps: EventStartDeps = { ...opts, publish: opts.publisher?.() };
    const now = new Date();
    const done: string[] = [];
    let failed: { reason: unknown } | undefined;
    let next = 0;
    const start = async (row: Waiting) => {
      // A recipe disabled or deleted since the event was accepted starts nothing.
      const matching = row.body.recipes.map((id) => plans.get(id)).filter((p): p is Plan => p !== undefined);
      const runs = await startEventRuns(deps, row.body.event, row.eventHash, matching, now);
      if (row.body.syncs?.length) await signalSyncChanges(opts.client, row.body.syncs);
      runsStarted.inc({ trigger: row.body.event.source === API_EVENT_SOURCE ? 'event' : 'webhook' }, runs.filter((r) => r.status === 'started').length);
      done.push(row.id);
    };
    // A few lanes; after a failure (Temporal unreachable…) none takes another row: the rest wait in the inbox for the sweep.
    const lane = async () => {
      while (!failed && next < rows.length) {
        await start(rows[next++]!).catch((reason: unknown) => void (failed ??= { reason }));
        await yieldToAcks();
      }
    };
    await Promise.all(Array.from({ length: Math.min(startsInFlight, rows.length) }, lane));
    if (failed) {
      const reason = (failed.reason as Error)?.message ?? String(failed.reason);
      if (!delayed) logger.warn({ err: reason, waiting: depth }, 'could not start the runs of inbox events; they wait in the inbox and are retried');
      delayed = reason;
      queue = [];
    } else if (delayed) {
      logger.info({ waiting: depth }, 'inbox dispatch resumed');
      delayed = undefined;
    }
    dispatched.inc(done.length);
    return done;
  };

  const removed = (n: number) => {
    depth = Math.max(0, depth - n);
    if (depth === 0) oldest = undefined;
  };

  /** Rows committed by this process, dispatched at once (claimed, so another process's sweep skips them). */
  const dispatchCommitted = async () => {
    while (queue.length > 0 && !stopped) {
      const batch = new Map(queue.splice(0, BATCH).map((w) => [w.id, w]));
      removed(await store.inbox.claimIds([...batch.keys()], (ids) => dispatch(ids.map((id) => batch.get(id)!))));
    }
  };

  /** Everything older than one sweep interval, oldest first; while dispatch is delayed, one row probes. */
  const sweep = async () => {
    const stats = await store.inbox.stats();
    depth = stats.depth;
    oldest = stats.oldestReceivedAt ? Date.parse(stats.oldestReceivedAt) : undefined;
    const before = new Date(Date.now() - limits.sweepMs).toISOString();
    while (!stopped) {
      let claimed = 0;
      const n = await store.inbox.claimOldest(delayed ? 1 : BATCH, before, (rows: InboxRow[]) => {
        claimed = rows.length;
        return dispatch(rows.map((r) => ({ id: r.id, eventHash: r.eventHash, body: JSON.parse(r.body) as InboxBody })));
      });
      removed(n);
      if (claimed === 0 || delayed) return;
    }
  };

  // One loop per process: the committed rows first, then a sweep when one is due.
  let running: Promise<void> | undefined;
  let again = false;
  let sweepDue = true;
  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await dispatchCommitted();
          if (sweepDue) {
            sweepDue = false;
            await sweep();
          }
        } catch (err) {
          logger.warn({ err: (err as Error).message }, 'inbox dispatch failed; retrying at the next sweep');
        }
      } while (again && !stopped);
    })().finally(() => (running = undefined));
  };
  const timer = setInterval(() => {
    sweepDue = true;
    kick();
  }, limits.sweepMs);
  timer.unref();
  kick();

  const status = (): InboxStatus => ({ depth, oldestAgeMs: oldest === undefined ? 0 : Math.max(0, Date.now() - oldest), dispatchDelayed: delayed });
  inboxGauges.track(status);

  const withinBound = (now: Date) => {
    if (depth >= limits.maxRows) throw new InboxFullError(`the inbox holds ${depth} events (limit ${limits.maxRows}, SWITCHYARD_INBOX_MAX_ROWS); retry later`);
    if (oldest !== undefined && now.getTime() - oldest > limits.maxAgeMs) {
      throw new InboxFullError(`the oldest inbox event has waited ${Math.round((now.getTime() - oldest) / 1000)} s (limit SWITCHYARD_INBOX_MAX_AGE); retry later`);
    }
  };

  return {
    async admit(now) {
      withinBound(now);
      if (opts.gate) {
        await opts.gate().catch((err: unknown) => {
          throw new TemporalMisconfiguredError(err instanceof Error ? err.message : String(err));
        });
      }
    },
    append(event, eventHash, recipes, syncs) {
      return commits.append({ row: { id: '', eventHash, body: { event, recipes, ...(syncs?.length ? { syncs } : {}) } }, receivedAt: event.receivedAt, source: event.source });
    },
    status,
    async stop() {
      stopped = true;
      clearInterval(timer);
      inboxGauges.untrack(status);
      // Let a dispatch in progress finish, but never wait long for an unreachable Temporal.
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    },
  };
}

/** Inbox depth and oldest age, summed over the inboxes of this process (one outside tests). */
const inboxGauges = (() => {
  const sources = new Set<() => InboxStatus>();
  const all = () => [...sources].map((s) => s());
  gauge('switchyard_inbox_depth', 'Accepted events waiting in the inbox for their runs to start', () => all().reduce((n, s) => n + s.depth, 0));
  gauge('switchyard_inbox_oldest_age_seconds', 'How long the oldest inbox event has waited', () => Math.max(0, ...all().map((s) => s.oldestAgeMs)) / 1000);
  return { track: (s: () => InboxStatus) => sources.add(s), untrack: (s: () => InboxStatus) => sources.delete(s) };
})();
