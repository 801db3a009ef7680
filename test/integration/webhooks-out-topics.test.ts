import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/api-harness';
import { startTestEngine, type TestEngine } from '../support/engine';
import { intercomNotification, postIntercomWebhook } from '../support/intercom-webhooks';
import { waitFor } from '../support/temporal';
import { startReceiver } from '../support/webhooks-out-harness';

/**
 * Outgoing subscriptions speak the same topic names as recipes, on the whole engine: an alias is
 * stored as its real topic (and so matches what Intercom sends), an unknown topic is a 422.
 */
describe('outgoing webhook subscription topics', () => {
  const token = `sy_admin_${randomBytes(24).toString('hex')}`;
  const secret = randomBytes(16).toString('hex');
  let engine: TestEngine;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    engine = await startTestEngine('webhook-topics', { SWITCHYARD_ADMIN_TOKEN: token }, async (store) => {
      await store.connections.create({ id: 'intercom-main', connector: 'intercom', name: 'Intercom', credentials: { clientSecret: secret } });
    });
  });
  afterAll(async () => {
    await engine?.stop();
    await receiver?.close();
  });

  it("a subscription to Intercom's guide name conversation.created receives conversation.user.created", async () => {
    const created = await call(engine.api.url, 'POST', '/api/v1/webhooks', { token, body: { url: receiver.url, topics: ['conversation.created', 'run.failed'] } });
    expect(created.status).toBe(201);
    expect(created.body.topics).toEqual(['conversation.user.created', 'run.failed']);

    const res = await postIntercomWebhook(engine.api.url, 'intercom-main', intercomNotification('conversation.user.created', { type: 'conversation', id: '215' }), secret);
    expect(res.status).toBeLessThan(300);
    await waitFor(async () => receiver.received.length === 1, 'the delivery of conversation.user.created');
    expect(receiver.received[0]!.json).toMatchObject({ topic: 'conversation.user.created', data: { item: { type: 'conversation', id: '215' } } });
  });

  it('an unknown topic in a published namespace is a 422 naming the field, with the closest topic; custom topics pass', async () => {
    const typo = await call(engine.api.url, 'POST', '/api/v1/webhooks', { token, body: { url: receiver.url, topics: ['run.failed', 'conversation.user.creatd'] } });
    expect(typo.status).toBe(422);
    expect(typo.body.error).toEqual({
      code: 'invalid_topic',
      message: 'topics[1]: no topic "conversation.user.creatd" is published (did you mean "conversation.user.created"?)',
      details: { field: 'topics[1]', suggestion: 'did you mean "conversation.user.created"?' },
    });
    const glob = await call(engine.api.url, 'POST', '/api/v1/webhooks', { token, body: { url: receiver.url, topics: ['run.x*'] } });
    expect(glob).toMatchObject({ status: 422, body: { error: { code: 'invalid_topic', details: { field: 'topics[0]' } } } });
    const custom = await call(engine.api.url, 'POST', '/api/v1/webhooks', { token, body: { url: receiver.url, topics: ['order.paid', 'conversation.*', '*'] } });
    expect(custom).toMatchObject({ status: 201, body: { topics: ['order.paid', 'conversation.*', '*'] } });

    const id: string = custom.body.id;
    const patched = await call(engine.api.url, 'PATCH', `/api/v1/webhooks/${id}`, { token, body: { topics: ['connection.disconected'] } });
    expect(patched).toMatchObject({ status: 422, body: { error: { details: { field: 'topics[0]', suggestion: 'did you mean "connection.disconnected"?' } } } });
    expect((await call(engine.api.url, 'GET', `/api/v1/webhooks/${id}`, { token })).body.topics).toEqual(['order.paid', 'conversation.*', '*']);
  });
});
