import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { runRecipe } from '../../workflows';
import { startSink, type Sink } from '../support/sink';
import { connectToDevServer, waitFor } from '../support/temporal';
import { actionCatalog } from '../../connectors/registry';
import { compileRecipe } from '../../src/recipe/compile';
import { eventOf, recipeWith } from '../support/recipes';
import { testConnections } from '../support/test-catalog';

const root = path.resolve(__dirname, '..', '..');
let env: TestWorkflowEnvironment;
let sink: Sink;
const children: ChildProcess[] = [];
// The side-effect ledger both worker processes share, as the workers of one deployment share the store.
const storeUrl = `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'switchyard-crash-')), 'store.db')}`;
const secretKey = randomBytes(32).toString('hex');

beforeAll(async () => {
  env = await connectToDevServer();
  sink = await startSink();
});
afterAll(async () => {
  for (const c of children) killGroup(c);
  await sink?.close();
  await env?.teardown();
});

function killGroup(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The worker as its own process group (tsx runs node underneath), ready once it prints WORKER READY. NO_LEDGER=1 in the test's env runs it without the ledger. */
async function startWorker(taskQueue: string): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'test/support/interpreter-worker.ts')], {
    cwd: root,
    env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TASK_QUEUE: taskQueue, STORE_URL: storeUrl, SECRET_KEY: secretKey },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  await waitFor(async () => output.includes('WORKER READY') || child.exitCode !== null, 'the worker process to start', 90_000);
  if (!output.includes('WORKER READY')) throw new Error(`worker exited: ${output}`);
  return { child, exited };
}

// The steps are local activities (webhook.post is short; its repeat is answered by the ledger): step 1's
// marker is recorded only when the workflow task completes, and the worker dies while that task still
// runs step 2, so the next worker runs step 1 again — and the ledger answers it without a second POST.
it('kill -9 of the worker while step 2 of 3 runs: the run completes, steps 1 and 3 reached the sink exactly once', { timeout: 240_000 }, async () => {
  const taskQueue = `test-${randomUUID()}`;
  const post = (id: string, extra: Record<string, unknown> = {}) => ({ id, action: 'webhook.post', input: { url: `${sink.url}/${id}`, body: { step: id, n: '{{ trigger.n }}' } }, ...extra });
  // Step 2's 3 s start-to-close timeout ends the dead worker's attempt should it be a regular activity.
  // The registry's catalogue, as the engine compiles it (the test catalogue declares no effects).
  const compiled = compileRecipe(recipeWith([post('step1'), post('step2', { timeout: '3s' }), post('step3')]), { actions: actionCatalog, connections: testConnections });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  const plan = compiled.plan;
  expect(plan.steps.map((s) => (s.kind === 'action' ? s.execution : s.kind))).toEqual(['local', 'local', 'local']);
  const first = await startWorker(taskQueue);
  sink.hold();
  const handle = await env.client.workflow.start(runRecipe, { taskQueue, workflowId: `run/test-recipe/crash-${randomUUID()}`, args: [{ plan, event: eventOf({ n: 7 }) }] });
  await waitFor(async () => sink.requests.some((r) => r.url === '/step1'), 'step 1 to reach the sink', 60_000);
  sink.release();
  sink.hold();
  await waitFor(async () => sink.requests.some((r) => r.url === '/step2'), 'step 2 in flight', 60_000);

  killGroup(first.child);
  await first.exited;
  sink.release();

  await startWorker(taskQueue);
  const result = await handle.result();
  const count = (url: string) => sink.requests.filter((r) => r.url === url).length;
  expect(result.status).toBe('succeeded');
  expect(count('/step1')).toBe(1);
  expect(count('/step2')).toBeGreaterThanOrEqual(2);
  expect(count('/step3')).toBe(1);
  expect(JSON.parse(sink.requests.find((r) => r.url === '/step3')!.body)).toEqual({ step: 'step3', n: 7 });
  // Step 2's repeat carried the same idempotency key, for a receiver that dedupes by it.
  expect(new Set(sink.requests.filter((r) => r.url === '/step2').map((r) => r.headers['idempotency-key'])).size).toBe(1);
});
