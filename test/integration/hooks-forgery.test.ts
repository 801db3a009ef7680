import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyRecipe, boundedAll } from '../support/hooks';
import { waitFor, runStarted } from '../support/temporal';
import { signIntercom } from '../support/intercom-webhooks';

/**
 * Forgery corpus: ten kinds of forged Intercom deliveries, 100 of each, are all 401 with one JSON
 * body and start nothing; 1,000 valid ones are all accepted with their runs.
 */
describe('inbound forgery corpus', () => {
  const secret = randomBytes(16).toString('hex');
  const recipeId = `forgery-${randomUUID().slice(0, 8)}`;
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine('forgery', {}, async (store) => {
      await store.connections.create({ id: 'intercom-forgery', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
      // The step is skipped, so each run is a couple of workflow tasks and no activity: cheap at 1,000 runs.
      await applyRecipe(
        store,
        {
          id: recipeId,
          name: 'Forgery corpus',
          trigger: { type: 'webhook', connection: 'intercom-forgery', event: 'conversation.user.created' },
          steps: [{ id: 'never', action: 'webhook.post', when: { '==': [1, 2] }, input: { url: 'http://127.0.0.1:9/x', body: {} } }],
        },
        { 'intercom-forgery': 'intercom' },
      );
    });
  });
  afterAll(() => engine?.stop());

  const notification = (id: string) =>
    JSON.stringify({ type: 'notification_event', id, topic: 'conversation.user.created', created_at: 1764230400, data: { item: { type: 'conversation', id: 'c1', source: { subject: 'Refund please' } } } });
  const sha1Hex = (body: string) => signIntercom(body, secret).slice('sha1='.length);
  const post = (body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${engine.api.url}/hooks/intercom-forgery`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const runCount = () => engine.client.workflow.count(`WorkflowType = 'runRecipe' AND RecipeId = '${recipeId}'`).then((r) => r.count);

  type Forgery = { body: string | Buffer; headers: Record<string, string> };
  const forgeries: Record<string, (body: string) => Forgery> = {
    'random signature': (body) => ({ body, headers: { 'x-hub-signature': `sha1=${randomBytes(20).toString('hex')}` } }),
    'one flipped body byte': (body) => {
      const bytes = Buffer.from(body);
      bytes[Math.floor(Math.random() * bytes.length)]! ^= 1 << Math.floor(Math.random() * 8);
      return { body: bytes, headers: { 'x-hub-signature': signIntercom(body, secret) } };
    },
    'wrong secret': (body) => ({ body, headers: { 'x-hub-signature': signIntercom(body, randomBytes(16).toString('hex')) } }),
    'sha256 instead of sha1': (body) => ({ body, headers: { 'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` } }),
    'missing header': (body) => ({ body, headers: {} }),
    'empty sha1=': (body) => ({ body, headers: { 'x-hub-signature': 'sha1=' } }),
    truncated: (body) => ({ body, headers: { 'x-hub-signature': `sha1=${sha1Hex(body).slice(0, 1 + Math.floor(Math.random() * 39))}` } }),
    'over-long': (body) => ({ body, headers: { 'x-hub-signature': `${signIntercom(body, secret)}${randomBytes(1 + Math.floor(Math.random() * 8)).toString('hex')}` } }),
    'non-hex': (body) => {
      const sig = sha1Hex(body).split('');
      sig[Math.floor(Math.random() * sig.length)] = 'g';
      return { body, headers: { 'x-hub-signature': `sha1=${sig.join('')}` } };
    },
    // The sender signed a re-serialisation (pretty-printed) of what it sent: bytes differ, so it is not ours.
    'signature over re-serialised JSON': (body) => ({ body, headers: { 'x-hub-signature': signIntercom(JSON.stringify(JSON.parse(body), null, 2), secret) } }),
  };

  it('answers 1,000 forged deliveries 401 with one body, none 5xx, and starts no run', { timeout: 120_000 }, async () => {
    const corpus = Object.entries(forgeries).flatMap(([kind, forge]) => Array.from({ length: 100 }, () => ({ kind, ...forge(notification(`forged_${randomUUID()}`)) })));
    expect(corpus).toHaveLength(1000);
    const answers = await boundedAll(corpus, 20, async (f) => {
      const res = await post(f.body, f.headers);
      return { kind: f.kind, status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as { error?: { code: string; message: string; details?: { header?: string } } } };
    });
    const wrong = answers.filter((a) => a.status !== 401);
    expect(wrong.map((a) => `${a.kind}: ${a.status}`)).toEqual([]);
    expect(answers.filter((a) => a.status >= 500)).toHaveLength(0);
    for (const a of answers) {
      expect(a.type, a.kind).toMatch(/^application\/json/);
      // One answer for every forgery, naming no header: it must not tell this connection from an unknown one.
      expect(a.body.error, a.kind).toEqual(answers[0]!.body.error);
      expect(a.body.error, a.kind).toMatchObject({ code: 'invalid_signature' });
    }
    expect(await runCount()).toBe(0);
  });

  it('accepts 1,000 valid deliveries, each with its run', { timeout: 180_000 }, async () => {
    const ids = Array.from({ length: 1000 }, () => `valid_${randomUUID()}`);
    const answers = await boundedAll(ids, 20, async (id) => {
      const body = notification(id);
      const res = await post(body, { 'x-hub-signature': signIntercom(body, secret) });
      return { status: res.status, body: (await res.json()) as { matched?: number; runs?: { runId: string; duplicate: boolean }[] } };
    });
    expect(answers.filter((a) => a.status !== 202)).toEqual([]);
    const runIds = new Set(answers.flatMap((a) => a.body.runs ?? []).filter((r) => !r.duplicate).map((r) => r.runId));
    expect(runIds.size).toBe(1000);
    // Every acknowledged run exists in Temporal (visibility catches up), and no forged one does.
    await waitFor(async () => (await runCount()) === 1000, '1,000 runs visible', 60_000);
    const sample = [...runIds].slice(0, 20);
    for (const runId of sample) expect((await runStarted(engine.client, runId)).type).toBe('runRecipe');
  });
});
