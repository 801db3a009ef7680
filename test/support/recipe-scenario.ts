import { expect } from 'vitest';
import { FakeServer } from '../../sandbox/fake-server';
import { startTestEngine, type TestEngine } from './engine';
import { applyExampleRecipe } from './example-recipes';
import { seedVendorConnections, type VendorConnections } from './vendor-connections';
import { runResult } from './temporal';

/** The fakes among the vendors (a fake itself, or `{ fake }`); a webhook-only vendor has none. */
function fakesOf(vendors: VendorConnections): FakeServer[] {
  return Object.values(vendors).flatMap((v: unknown) => {
    if (v instanceof FakeServer) return [v];
    const fake = (v as { fake?: unknown } | undefined)?.fake;
    return fake instanceof FakeServer ? [fake] : [];
  });
}

/**
 * What every end-to-end recipe test sets up: starts the vendors' fakes, then a test engine (dev
 * server, worker, API) whose store holds each vendor's `<vendor>-main` connection and the example
 * recipes named (`recipes/<name>.json`), compiled against them. Its `stop` closes the fakes too.
 */
export async function startRecipeScenario(name: string, vendors: VendorConnections, recipes: readonly string[]): Promise<TestEngine> {
  const fakes = fakesOf(vendors);
  await Promise.all(fakes.map((f) => f.start()));
  try {
    const engine = await startTestEngine(name, {}, async (store) => {
      await seedVendorConnections(store, vendors);
      for (const recipe of recipes) await applyExampleRecipe(store, recipe);
    });
    return {
      ...engine,
      async stop() {
        await engine.stop();
        await Promise.all(fakes.map((f) => f.close()));
      },
    };
  } catch (err) {
    await Promise.all(fakes.map((f) => f.close()));
    throw err;
  }
}

/** The summary of the one run a delivery started (the ingress answered 202 naming exactly one run), once it started and ended. */
export async function resultOfOnlyRun(engine: TestEngine, res: Response): Promise<{ status: string }> {
  expect(res.status).toBe(202);
  const { runs } = (await res.json()) as { runs: { runId: string }[] };
  expect(runs).toHaveLength(1);
  return runResult<{ status: string }>(engine.client, runs[0]!.runId);
}
