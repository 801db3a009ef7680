import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { arrivalsOf } from './delivery';
import { runLoad } from './load';
import type { BenchSink } from './sink';
import type { Row } from './results';
import { mean, round, summarize, type Summary } from './stats';

interface Segments {
  /** Sent → Temporal recorded the run's start: for Switchyard the ack path, the inbox commit and the dispatcher's start; for the floor the client's start. */
  toStarted: number;
  /** → a worker took the first workflow task (matching, the poll). */
  toTaskTaken: number;
  /** → the call arrived at the sink (the worker: activation, interpreter, local activity, HTTP call). */
  toCall: number;
}

/** Each segment's own percentiles, and its mean over the slowest 5 % of runs (what makes the tail). */
export interface FirstCallPath {
  runs: number;
  segmentsMs: Record<keyof Segments, Summary>;
  slowestFivePercentMeanMs: Segments & { total: number };
}

/**
 * Where "sent → first call" goes, per run, from the run's history and the sink's arrival (one host,
 * one clock).
 */
export async function firstCallPath(client: Client, sink: BenchSink): Promise<FirstCallPath> {
  const arrivals = arrivalsOf(sink, '/first').filter((a) => a.sentAt !== undefined && a.key.endsWith('/first'));
  const runs: Segments[] = [];
  await runLoad({ concurrency: 20, count: arrivals.length }, async (i) => {
    const a = arrivals[i]!;
    const history = await client.workflow.getHandle(a.key.slice(0, -'/first'.length)).fetchHistory();
    const events = history.events ?? [];
    const started = events.find((e) => e.workflowExecutionStartedEventAttributes)?.eventTime;
    const taken = events.find((e) => e.workflowTaskStartedEventAttributes)?.eventTime;
    if (!started || !taken) return { ok: false, kind: 'history without a started workflow task' };
    runs.push({ toStarted: tsToMs(started) - a.sentAt!, toTaskTaken: tsToMs(taken) - tsToMs(started), toCall: a.arrivedAt - tsToMs(taken) });
    return { ok: true };
  });
  const total = (s: Segments) => s.toStarted + s.toTaskTaken + s.toCall;
  const slowest = [...runs].sort((a, b) => total(b) - total(a)).slice(0, Math.max(1, Math.ceil(runs.length / 20)));
  const meanOf = (f: (s: Segments) => number) => round(mean(slowest.map(f)));
  return {
    runs: runs.length,
    segmentsMs: {
      toStarted: summarize(runs.map((s) => s.toStarted)),
      toTaskTaken: summarize(runs.map((s) => s.toTaskTaken)),
      toCall: summarize(runs.map((s) => s.toCall)),
    },
    slowestFivePercentMeanMs: { total: meanOf(total), toStarted: meanOf((s) => s.toStarted), toTaskTaken: meanOf((s) => s.toTaskTaken), toCall: meanOf((s) => s.toCall) },
  };
}

/** A table row: the slowest 5 %'s mean segments, which tell what makes the tail. */
export function pathRow(who: 'webhook' | 'floor', path: FirstCallPath): Row {
  const s = path.slowestFivePercentMeanMs;
  return {
    metric: `${who}: slowest 5 % mean ms, total = to start + to task taken + to call (p50s ${path.segmentsMs.toStarted.p50} / ${path.segmentsMs.toTaskTaken.p50} / ${path.segmentsMs.toCall.p50})`,
    value: `${s.total} = ${s.toStarted} + ${s.toTaskTaken} + ${s.toCall}`,
  };
}
