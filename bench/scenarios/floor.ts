import { floorShapes, measureFloor, type FloorShape } from '../lib/floor';
import type { BenchOptions } from '../lib/options';
import type { Row, ScenarioResult } from '../lib/results';
import type { Stack } from '../lib/stack';

/**
 * Temporal's floor on this server: hand-written workflows (empty, one call, two calls; as regular
 * and as local activities) with the engine's worker settings. What Switchyard's figures compare to.
 */
export async function floor(stack: Stack, o: BenchOptions): Promise<ScenarioResult> {
  const figures = await measureFloor(stack, o, Object.keys(floorShapes) as FloorShape[]);
  const rows: Row[] = figures.map((f) => ({
    metric: `${f.shape}: runs/s; CPU ms per run temporal / worker / all`,
    value: `${f.runsPerSec}; ${f.cpuMsPerRun.temporal} / ${f.cpuMsPerRun['floor-worker']} / ${f.cpuMsPerRun.total}`,
    met: f.completed,
  }));
  return {
    scenario: 'floor',
    correct: figures.every((f) => f.completed),
    parameters: { runsPerShape: o.runs, startConcurrency: o.startConcurrency, warmupRuns: 30, sqliteSync: o.sqliteSync, temporalDb: o.temporalDb },
    figures: { shapes: figures },
    rows,
    notes: [
      'runs are started directly with the client; throughput = runs / (first start → last close time in visibility)',
      'the calls are the engine\'s own webhook.post activity against the bench sink, as in the overhead scenario',
    ],
  };
}
