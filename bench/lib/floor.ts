import type { Client } from '@temporalio/client';
import { handwrittenWorkerEntry, startHandwrittenRun, type HandwrittenWorkflow } from './direct-starts';
import { arrivalsOf } from './delivery';
import { firstCallPath, type FirstCallPath } from './first-call-path';
import { countRuns } from './histories';
import { runLoad, until, type LoadOptions } from './load';
import type { BenchOptions } from './options';
import { cpuMsPer } from './processes';
import type { Stack } from './stack';
import { round, summarize, type Summary } from './stats';

/** Temporal's own floor: hand-written workflows doing what a recipe does, on the same server. */
export const floorShapes = {
  empty: 'empty',
  '1 call': 'onePost',
  '1 call, local': 'onePostLocal',
  '2 calls': 'twoPosts',
  '2 calls, local': 'twoPostsLocal',
} as const satisfies Record<string, HandwrittenWorkflow>;

export type FloorShape = keyof typeof floorShapes;

export interface FloorFigure {
  shape: FloorShape;
  runs: number;
  runsPerSec: number;
  /** CPU ms per run of each process (temporal, the hand-written worker, the harness) and in total. */
  cpuMsPerRun: Record<string, number>;
  completed: boolean;
}

const warmupRuns = 30;

/**
 * Runs `o.runs` hand-written workflows of each shape with `o.startConcurrency` concurrent starts
 * and measures runs/s from the first start to the last close (visibility's close time, the same
 * clock for every shape, calls or none). One worker process with the engine's worker settings.
 */
export async function measureFloor(stack: Stack, o: BenchOptions, shapes: readonly FloorShape[]): Promise<FloorFigure[]> {
  const taskQueue = `floor-${Date.now()}`;
  const worker = await stack.startWorker({ name: 'floor-worker', taskQueue, entry: handwrittenWorkerEntry });
  const figures: FloorFigure[] = [];
  try {
    for (const shape of shapes) {
      const start = (phase: string, count: number) => {
        const label = `floor/${taskQueue}/${shape}/${phase}`;
        return runLoad({ concurrency: o.startConcurrency, count }, async (i) => {
          await startHandwrittenRun(stack.client, taskQueue, floorShapes[shape], stack.sink.url, `${label}/${i}`, label);
          return { ok: true };
        }).then(() => label);
      };
      await waitCompleted(stack.client, await start('warm', warmupRuns), warmupRuns);
      const cpuBefore = stack.cpu([worker]);
      const t0 = Date.now();
      const label = await start('measured', o.runs);
      const completed = await waitCompleted(stack.client, label, o.runs, Math.max(120_000, o.runs * 200));
      const cpuMsPerRun = cpuMsPer(cpuBefore, stack.cpu([worker]), o.runs);
      const lastClose = await lastCloseTime(stack.client, label);
      figures.push({ shape, runs: o.runs, runsPerSec: round(o.runs / ((lastClose - t0) / 1000)), cpuMsPerRun, completed });
    }
  } finally {
    await worker.stop();
  }
  return figures;
}

export interface FloorLatency {
  shape: FloorShape;
  ratePerSec: number;
  starts: number;
  /** From just before `client.workflow.start` to the first call's arrival at the sink. */
  firstCallMs: Summary;
  path: FirstCallPath;
  completed: boolean;
}

/**
 * What the hardware allows "webhook → first vendor call": hand-written runs of `shape` started at
 * `ratePerSec` for `durationMs`, each carrying its start time to the sink, as the e2e's webhooks
 * carry their send time. No ingress, no inbox, no interpreter: only the client's start, the
 * server, the worker and the call.
 */
export async function measureFloorLatency(stack: Stack, shape: FloorShape, ratePerSec: number, durationMs: number): Promise<FloorLatency> {
  const taskQueue = `floor-latency-${Date.now()}`;
  const worker = await stack.startWorker({ name: 'floor-worker', taskQueue, entry: handwrittenWorkerEntry });
  try {
    const start = async (phase: string, load: LoadOptions) => {
      const label = `floor/${taskQueue}/${shape}/${phase}`;
      const sent = await runLoad(load, async (i) => {
        await startHandwrittenRun(stack.client, taskQueue, floorShapes[shape], stack.sink.url, `${label}/${i}`, label);
        return { ok: true };
      });
      return { label, sent };
    };
    const warm = await start('warm', { concurrency: 10, count: warmupRuns });
    await waitCompleted(stack.client, warm.label, warmupRuns);
    stack.sink.reset();
    const { label, sent } = await start('measured', { concurrency: 50, durationMs, ratePerSec });
    const completed = await waitCompleted(stack.client, label, sent.ok);
    const firstCallMs = summarize(arrivalsOf(stack.sink, '/first').flatMap((a) => (a.sentAt === undefined ? [] : [a.arrivedAt - a.sentAt])));
    return { shape, ratePerSec, starts: sent.ok, firstCallMs, path: await firstCallPath(stack.client, stack.sink), completed: completed && sent.errors === 0 };
  } finally {
    await worker.stop();
  }
}

const completedQuery = (label: string) => `RecipeId = '${label}' AND ExecutionStatus = 'Completed'`;

function waitCompleted(client: Client, label: string, count: number, timeoutMs = 120_000): Promise<boolean> {
  return until(async () => (await countRuns(client, completedQuery(label))) >= count, timeoutMs, 100);
}

async function lastCloseTime(client: Client, label: string): Promise<number> {
  let last = 0;
  for await (const run of client.workflow.list({ query: completedQuery(label), pageSize: 1000 })) last = Math.max(last, run.closeTime?.getTime() ?? 0);
  return last;
}

/** Switchyard's figure over the floor's, for the tables of the other scenarios. */
export function ratioTo(floor: FloorFigure[], shape: FloorShape, value: number): number {
  const f = floor.find((x) => x.shape === shape);
  return f ? round(value / f.runsPerSec, 2) : Number.NaN;
}
