import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { AesGcmPayloadCodec, deriveCodecKeys } from '../../src/security/payload-codec';
import { loadKeyRing } from '../../src/security/key-ring';
import { runRecipe } from '../../workflows';
import { startTestEngine, type TestEngine } from '../support/engine';
import { eventOf, planOf, recipeWith } from '../support/recipes';
import { startSink, type Sink } from '../support/sink';
import { waitFor } from '../support/temporal';

let engine: TestEngine;
let sink: Sink;
let bare: Client;

beforeAll(async () => {
  engine = await startTestEngine('codec-enforced');
  sink = await startSink();
  bare = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
}, 120_000);
afterAll(async () => {
  await bare?.connection.close();
  await engine?.stop();
  await sink?.close();
});

const engineCodec = () => new AesGcmPayloadCodec(deriveCodecKeys(loadKeyRing(engine.config)));
const postTo = (path: string) => planOf(recipeWith([{ id: 'post', action: 'webhook.post', input: { url: `${sink.url}${path}`, body: { hello: 'world' } } }]));

it('a run started with a bare Temporal client (no key) never executes; the same plan through the engine does', { timeout: 120_000 }, async () => {
  const taskQueue = engine.config.TEMPORAL_TASK_QUEUE;
  const forged = await bare.workflow.start(runRecipe, { taskQueue, workflowId: `run/forged/${randomUUID()}`, args: [{ plan: postTo('/forged'), event: eventOf({}) }] });
  const failedTask = await waitFor(
    async () => {
      const history = await forged.fetchHistory();
      return history.events?.find((e) => e.workflowTaskFailedEventAttributes) ?? false;
    },
    'the worker to refuse the forged start',
    60_000,
  );
  // Failure messages are encoded too: read it with the engine's key.
  const encoded = failedTask.workflowTaskFailedEventAttributes!.failure!.encodedAttributes!;
  const [plain] = await engineCodec().decode([encoded]);
  expect(defaultPayloadConverter.fromPayload<{ message: string }>(plain!).message).toContain("refused a payload not encrypted by Switchyard's codec (encoding json/plain)");

  const genuine = await engine.client.workflow.start(runRecipe, { taskQueue, workflowId: `run/genuine/${randomUUID()}`, args: [{ plan: postTo('/genuine'), event: eventOf({}) }] });
  expect((await genuine.result()).status).toBe('succeeded');
  // The genuine run finished after the forged one was refused: had the forged plan run, its request would be here.
  expect(sink.requests.map((r) => r.url)).toEqual(['/genuine']);
  await forged.terminate('test over');
});
