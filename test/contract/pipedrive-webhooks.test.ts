import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipedriveFake } from '../../sandbox/pipedrive-fake';
import { startTestEngine, type TestEngine } from '../support/engine';
import { applyWebhookRecipe } from '../support/hooks';

/** Pipedrive webhooks v2 through the real `/hooks/<connection>` route: HTTP Basic, topic from meta, dedupe by meta.id. */
describe('pipedrive webhooks through /hooks', () => {
  const user = 'switchyard';
  const password = randomBytes(16).toString('hex');
  let engine: TestEngine;
  let fake: PipedriveFake;

  beforeAll(async () => {
    fake = await new PipedriveFake().start();
    engine = await startTestEngine('pipedrive-hooks', {}, async (store) => {
      await store.connections.create({ id: 'pd-hooks', connector: 'pipedrive', name: 'Pipedrive', credentials: { webhookUser: user, webhookPassword: password } });
      await applyWebhookRecipe(store, { id: 'pipedrive-deal-changes', name: 'Pipedrive deal changes', connection: 'pd-hooks', connector: 'pipedrive', event: 'deal.change' });
    });
    fake.webhookTarget = { url: `${engine.api.url}/hooks/pd-hooks`, user, password };
  });
  afterAll(async () => {
    await engine?.stop();
    await fake?.close();
  });

  const post = (body: string, authorization?: string) =>
    fetch(`${engine.api.url}/hooks/pd-hooks`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body });
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

  it('a deal won in the app: deal.change with the Basic credentials starts one run; a redelivery of the same meta.id starts none', async () => {
    const deal = fake.seed('deal', { title: 'Engines renewal' });
    await fake.edit('deal', deal.id, { status: 'won' });
    const [delivery] = fake.deliveries.splice(0);
    expect(delivery).toMatchObject({ topic: 'deal.change', status: 202 });
    expect(JSON.parse(delivery!.answer!)).toMatchObject({ runs: [expect.anything()] });
    const sent = JSON.parse(delivery!.body) as { meta: Record<string, unknown>; data: Record<string, unknown>; previous: Record<string, unknown> };
    expect(sent).toMatchObject({ meta: { action: 'change', entity: 'deal', version: '2.0', attempt: 1 }, data: { id: deal.id, status: 'won' }, previous: { status: 'open' } });

    const again = await post(JSON.stringify({ ...sent, meta: { ...sent.meta, attempt: 2 } }), basic(user, password));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ duplicate: true });
  });

  it('another topic (person.change) is accepted and matches no recipe', async () => {
    const person = fake.seed('person', { name: 'Ada' });
    await fake.edit('person', person.id, { name: 'Ada Lovelace' });
    const [delivery] = fake.deliveries.splice(0);
    expect(delivery).toMatchObject({ topic: 'person.change', status: 200 });
    expect(JSON.parse(delivery!.answer!)).toEqual({ matched: 0 });
  });

  it('wrong password, wrong user, no credentials, a Bearer header: 401 naming Authorization, nothing started', async () => {
    const body = JSON.stringify({ meta: { action: 'change', entity: 'deal', id: 'f6f1b0a4-0000-4000-8000-000000000001', version: '2.0' }, data: { id: 1, status: 'won' }, previous: { status: 'open' } });
    for (const authorization of [basic(user, 'guess'), basic('admin', password), undefined, `Bearer ${password}`]) {
      const res = await post(body, authorization);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } });
    }
  });

  it('a webhooks v1 payload (meta.object) is a 400 asking for version 2.0', async () => {
    const body = JSON.stringify({ v: 1, meta: { v: 1, action: 'updated', object: 'deal', id: 1 }, current: { id: 1 }, previous: {} });
    const res = await post(body, basic(user, password));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_delivery', message: expect.stringContaining('version "2.0"') } });
  });
});
