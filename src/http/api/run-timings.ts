import type { Client, WorkflowHandle } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';

export interface StepTiming {
  /** When the step's first attempt was scheduled. */
  scheduledAt: string;
  /** When its last attempt started (Temporal records the start of the final attempt). */
  startedAt?: string;
  closedAt?: string;
  durationMs?: number;
  /** Attempts of the last activity of this step, from its started event. */
  attempts?: number;
}

type Timestamp = temporal.api.history.v1.IHistoryEvent['eventTime'];

const iso = (t: Timestamp): string | undefined => (t?.seconds == null ? undefined : new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString());

/**
 * Per-step timings of a run's action steps, from its own history (no second copy): each activity
 * carries its step key in its (encoded) input. forEach iterations fold into their step; iterations
 * run in child workflows are not counted.
 */
export async function stepTimings(client: Client, handle: WorkflowHandle): Promise<Record<string, StepTiming>> {
  const history = await handle.fetchHistory();
  const stepOf = new Map<string, string>();
  const timings: Record<string, StepTiming> = {};
  for (const event of history.events ?? []) {
    const at = iso(event.eventTime);
    if (!at) continue;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const input = await decodeFromPayloadsAtIndex<{ stepId?: unknown }>(client.options.loadedDataConverter, 0, scheduled.input?.payloads).catch(() => undefined);
      if (typeof input?.stepId !== 'string') continue;
      const stepId = input.stepId.replace(/\[\d+\]$/, '');
      stepOf.set(String(event.eventId), stepId);
      timings[stepId] ??= { scheduledAt: at };
      continue;
    }
    const started = event.activityTaskStartedEventAttributes;
    const closed =
      event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes ?? event.activityTaskCanceledEventAttributes;
    const stepId = stepOf.get(String((started ?? closed)?.scheduledEventId ?? ''));
    const timing = stepId ? timings[stepId] : undefined;
    if (!timing) continue;
    if (started) {
      timing.startedAt = at;
      if (started.attempt) timing.attempts = started.attempt;
    }
    if (closed) {
      timing.closedAt = at;
      timing.durationMs = Date.parse(at) - Date.parse(timing.scheduledAt);
    }
  }
  return timings;
}
