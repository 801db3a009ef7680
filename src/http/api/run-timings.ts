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
  /** Attempts of the last activity of this step, from its started event (a local activity's marker). */
  attempts?: number;
}

/** The marker the SDK records for each local activity (its result, and this data about it). */
const localActivityMarker = 'core_local_activity';

/** What the SDK's core writes (JSON) into a local activity's marker, the fields read here. */
interface LocalActivityMarkerData {
  attempt?: number;
  complete_time?: unknown;
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
  // A local activity's marker holds when it completed, not when it was scheduled: no earlier than the
  // workflow task that ran it started, or than the local activity before it completed.
  let localFloor: string | undefined;
  for (const event of history.events ?? []) {
    const at = iso(event.eventTime);
    if (!at) continue;
    if (event.workflowTaskStartedEventAttributes) localFloor = later(localFloor, at);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const input = await decodeFromPayloadsAtIndex<{ stepId?: unknown }>(client.options.loadedDataConverter, 0, scheduled.input?.payloads).catch(() => undefined);
      if (typeof input?.stepId !== 'string') continue;
      const stepId = input.stepId.replace(/\[\d+\]$/, '');
      stepOf.set(String(event.eventId), stepId);
      timings[stepId] ??= { scheduledAt: at };
      continue;
    }
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === localActivityMarker) {
      // The step key rides in the local activity's summary (workflows/temporal-runtime.ts); markers without one are older runs.
      const summary = event.userMetadata?.summary;
      const stepKey = summary ? await decodeFromPayloadsAtIndex<unknown>(client.options.loadedDataConverter, 0, [summary]).catch(() => undefined) : undefined;
      const data = markerData(marker.details?.data?.payloads?.[0]);
      const closedAt = isoOf(data?.complete_time) ?? at;
      // (Its `original_schedule_time` is written when the marker is, after the completion: not a schedule time.)
      const scheduledAt = earlier(localFloor ?? closedAt, closedAt);
      localFloor = later(localFloor, closedAt);
      if (typeof stepKey === 'string') foldLocalActivity(timings, stepKey.replace(/\[\d+\]$/, ''), { scheduledAt, closedAt, attempt: data?.attempt });
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

/**
 * One local activity (all its attempts are one marker). Its marker records no start: the last
 * attempt's start is the schedule for a first attempt and is left out after retries.
 */
function foldLocalActivity(timings: Record<string, StepTiming>, stepId: string, local: { scheduledAt: string; closedAt: string; attempt?: number }): void {
  const timing = (timings[stepId] ??= { scheduledAt: local.scheduledAt });
  const attempt = typeof local.attempt === 'number' && local.attempt > 0 ? local.attempt : undefined;
  if (attempt === 1) timing.startedAt = local.scheduledAt;
  else delete timing.startedAt;
  if (attempt !== undefined) timing.attempts = attempt;
  timing.closedAt = local.closedAt;
  timing.durationMs = Date.parse(local.closedAt) - Date.parse(timing.scheduledAt);
}

const later = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);
const earlier = (a: string, b: string): string => (Date.parse(b) < Date.parse(a) ? b : a);

/** The marker's `data` payload: plain JSON written by the SDK's core (never through the payload codec). */
function markerData(payload: temporal.api.common.v1.IPayload | undefined): LocalActivityMarkerData | undefined {
  if (!payload?.data) return undefined;
  try {
    const value = JSON.parse(Buffer.from(payload.data).toString('utf8')) as unknown;
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A protobuf timestamp as the core's JSON writes it: an RFC 3339 string or { seconds, nanos }. */
function isoOf(value: unknown): string | undefined {
  if (typeof value === 'string') return Number.isNaN(Date.parse(value)) ? undefined : new Date(value).toISOString();
  if (value && typeof value === 'object' && 'seconds' in value) return iso(value as Timestamp);
  return undefined;
}
