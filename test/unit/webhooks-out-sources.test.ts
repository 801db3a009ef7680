import { describe, expect, it } from 'vitest';
import { createEngineEvents } from '../../src/engine/engine-events';
import { messageIdFor } from '../../src/webhooks-out/publish';
import { publishEngineEvents } from '../../src/engine/publish-engine-events';
import { inboundItem, publishInboundEvent, type Publish } from '../../src/webhooks-out/sources';

function recorder() {
  const calls: { topic: string; item: unknown; key?: string }[] = [];
  const publish: Publish = async (topic, item, opts) => {
    calls.push({ topic, item, key: opts?.idempotencyKey });
    return { messageId: messageIdFor(opts?.idempotencyKey), deliveries: 1 };
  };
  return { calls, publish };
}

describe('what is published', () => {
  it('engine events go out by topic, keyed by the event id', async () => {
    const events = createEngineEvents();
    const { calls, publish } = recorder();
    const stop = publishEngineEvents(events, publish);
    const event = await events.publish('connection.disconnected', { connectionId: 'jira-main', connector: 'jira', reason: '401 from Jira' });
    expect(calls).toEqual([
      { topic: 'connection.disconnected', key: `engine/${event.id}`, item: { type: 'engine_event', id: event.id, occurred_at: event.occurredAt, connectionId: 'jira-main', connector: 'jira', reason: '401 from Jira' } },
    ]);
    stop();
    await events.publish('run.failed', {});
    expect(calls).toHaveLength(1);
  });

  it('inbound Intercom notifications are unwrapped to data.item; other payloads pass through; the key is stable', async () => {
    const { calls, publish } = recorder();
    const notification = { type: 'notification_event', topic: 'conversation.user.created', data: { type: 'notification_event_data', item: { type: 'conversation', id: '1' } } };
    const a = await publishInboundEvent(publish, { source: 'intercom-main', eventHash: 'h1', topic: 'conversation.user.created', payload: notification });
    const b = await publishInboundEvent(publish, { source: 'intercom-main', eventHash: 'h1', topic: 'conversation.user.created', payload: notification });
    expect(a.messageId).toBe(b.messageId);
    expect(calls[0]!.item).toEqual({ type: 'conversation', id: '1' });
    expect(inboundItem({ action: 'opened' })).toEqual({ action: 'opened' });
  });
});
