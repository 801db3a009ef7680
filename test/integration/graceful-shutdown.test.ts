import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/runtime/worker';
import { temporalTarget } from '../../src/temporal/connection';
import { runRecipe } from '../../workflows';
import { startTestEngine } from '../support/engine';
import { eventOf, planOf, recipeWith } from '../support/recipes';
import { startSink, type Sink } from '../support/sink';
import { waitFor } from '../support/temporal';

const admin = randomBytes(32).toString('base64url');
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** A request whose body arrives in two halves, so it is in flight for as long as the test wants. */
function slowRequest(url: string, path: string, body: string, headers: Record<string, string>) {
  const req = http.request(`${url}${path}`, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: false });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 10));
  return { answer, finish: () => req.end(body.slice(10)) };
}

describe('clean shutdowns', () => {
  it('the API answers a request in flight when it is told to close, and takes no new connection', { timeout: 120_000 }, async () => {
    const engine = await startTestEngine('drain-api', { SWITCHYARD_ADMIN_TOKEN: admin });
    cleanups.push(() => engine.stop());
    const arrived = new Promise((resolve) => engine.api.server.once('request', resolve));
    const inFlight = slowRequest(engine.api.url, '/api/v1/events', JSON.stringify({ topic: 'order.created', id: `evt-${randomUUID()}`, data: { total: 5 } }), {
      authorization: `Bearer ${admin}`,
      'content-type': 'application/json',
    });
    await arrived;

    const closed = engine.api.close();
    inFlight.finish();
    const answer = await inFlight.answer;
    expect(answer.status, answer.body).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ matched: 0 });
    await closed;
    const late = await fetch(`${engine.api.url}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(late).toBe('refused');
  });

  it('the worker finishes an activity in flight when it is told to stop: the vendor sees the call once', { timeout: 240_000 }, async () => {
    const sink: Sink = await startSink();
    cleanups.push(() => sink.close());
    const engine = await startTestEngine('drain-worker');
    cleanups.push(() => engine.stop());
    const plan = planOf(recipeWith([{ id: 'post', action: 'webhook.post', input: { url: `${sink.url}/once`, body: { n: 1 } } }]));

    sink.hold();
    const handle = await engine.client.workflow.start(runRecipe, { taskQueue: engine.config.TEMPORAL_TASK_QUEUE, workflowId: `run/drain/${randomUUID()}`, args: [{ plan, event: eventOf({}) }] });
    await waitFor(async () => sink.requests.length > 0, 'the step to reach the vendor', 60_000);

    const stopped = engine.worker.shutdown();
    await waitFor(async () => engine.worker.worker.getState() !== 'RUNNING', 'the worker to begin shutting down', 10_000);
    sink.release();
    await stopped;

    // A fresh worker finishes the run from the recorded result: it does not call the vendor again.
    const next = await startWorker({ config: engine.config, logger: engine.logger, store: engine.store, target: temporalTarget(engine.config) });
    cleanups.push(() => next.shutdown());
    const result = await handle.result();
    expect(result.status).toBe('succeeded');
    expect(sink.requests.map((r) => r.url)).toEqual(['/once']);
  });
});
