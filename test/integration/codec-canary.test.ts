import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection, WorkflowFailedError, type Client as TemporalClient } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import { parseConfig } from '../../src/config/config';
import { failureConverterPath } from '../../src/security/payload-codec';
import { connectClient, connectWorkerConnection, temporalTarget } from '../../src/temporal/connection';
import { createEngineWorker } from '../../src/temporal/worker';

const run = promisify(execFile);

/** The canary as plaintext and in each base64 alignment (the CLI shows unencrypted payload bytes as base64). */
function needles(canary: string): string[] {
  const forms = [canary];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.from('x'.repeat(shift) + canary).toString('base64');
    // Drop the characters that depend on the neighbouring bytes.
    forms.push(b64.slice(Math.ceil((shift * 4) / 3) + 1, -4));
  }
  return forms;
}

async function rawHistory(workflowId: string): Promise<string> {
  const { stdout } = await run(inject('temporalCliPath'), ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', inject('temporalAddress')], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Every payload object (metadata + data) anywhere in the history JSON. */
function payloadsIn(node: unknown, out: { metadata: Record<string, string> }[] = []): { metadata: Record<string, string> }[] {
  if (Array.isArray(node)) node.forEach((n) => payloadsIn(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && 'encoding' in (o.metadata)) out.push(o as { metadata: Record<string, string> });
    else Object.values(o).forEach((v) => payloadsIn(v, out));
  }
  return out;
}

describe('history encryption: canary scan of raw Temporal history', () => {
  const taskQueue = `codec-${randomUUID()}`;
  const config = parseConfig({ TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: taskQueue, SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64') });
  const target = temporalTarget(config);
  let client: TemporalClient;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    client = await connectClient(target);
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'codec-canary.workflows.ts'), failureConverterPath, logger: quiet });
    worker = await createEngineWorker({
      connection: await connectWorkerConnection(target),
      target,
      workflowBundle,
      identity: 'codec-canary-test',
      activities: {
        echo: async (value: string) => `echo:${value}`,
        explode: async (value: string) => {
          throw ApplicationFailure.nonRetryable(`vendor rejected ${value}`, 'Fatal');
        },
      },
    });
    running = worker.run();
  }, 120_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await client?.connection.close();
  });

  it('finds zero plaintext canaries in inputs, outputs, signals, memos and failures, and every payload is encrypted', async () => {
    const canaries = Array.from({ length: 4 }, () => `CANARY${randomBytes(16).toString('hex')}`);
    const [inputCanary, signalCanary, memoCanary, failCanary] = canaries as [string, string, string, string];

    const ok = await client.workflow.start('canaryRun', { taskQueue, workflowId: `codec-ok-${randomUUID()}`, args: [{ canary: inputCanary }], memo: { note: memoCanary } });
    await ok.signal('canary', signalCanary);
    // The client decodes what the worker encoded: the codec round-trips end to end.
    expect(await ok.result()).toEqual({ echoed: `echo:${inputCanary}`, signalled: signalCanary });

    const failing = await client.workflow.start('canaryFail', { taskQueue, workflowId: `codec-fail-${randomUUID()}`, args: [{ canary: failCanary }] });
    const failure = await failing.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(((failure as WorkflowFailedError).cause as Error).message).toBe(`workflow failed while holding ${failCanary}`);

    const histories = [await rawHistory(ok.workflowId), await rawHistory(failing.workflowId)];
    const all = histories.join('\n');
    expect(all).toContain('EVENT_TYPE_ACTIVITY_TASK_FAILED');
    for (const canary of canaries) for (const needle of needles(canary)) expect(all.includes(needle), `history contains ${needle}`).toBe(false);

    const payloads = histories.flatMap((h) => payloadsIn(JSON.parse(h)));
    expect(payloads.length).toBeGreaterThanOrEqual(8);
    const encodings = new Set(payloads.map((p) => Buffer.from(p.metadata.encoding!, 'base64').toString('utf8')));
    expect([...encodings]).toEqual(['binary/encrypted']);
  });

  it('the scan does see a canary when no codec is configured (control)', async () => {
    const canary = `CANARY${randomBytes(16).toString('hex')}`;
    const plain = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
    const handle = await plain.workflow.start('canaryRun', { taskQueue: `no-worker-${randomUUID()}`, workflowId: `codec-control-${randomUUID()}`, args: [{ canary }] });
    const history = await rawHistory(handle.workflowId);
    await handle.terminate();
    await plain.connection.close();
    expect(needles(canary).some((n) => history.includes(n))).toBe(true);
  });
});

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
