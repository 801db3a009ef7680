import { createHmac, randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store';
import { retryScheduleMs } from '../../workflows/webhook-contract';
import { deliveryWorkflowId } from '../../workflows/webhook-contract';
import { storeBackends, openTestStore } from '../support/stores';
import { connectToDevServer, createTimeSkippingEnv, waitFor } from '../support/temporal';
import { deliveryWorker, loopbackEgress, startReceiver, webhooksOut } from '../support/webhooks-out-harness';

let env: TestWorkflowEnvironment;
const stores: Store[] = [];

// A fresh time-skipping server per test: workflows left sleeping by one test must not move another's clock.
beforeEach(async () => {
  env = await createTimeSkippingEnv();
});

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await env?.teardown();
});

/** A fresh store (SQLite file), task queue and worker per test. */
async function setup(workerOpts: Parameters<typeof deliveryWorker>[4] = {}) {
  const store = await openTestStore(storeBackends[0].url());
  stores.push(store);
  const taskQueue = `test-${randomUUID()}`;
  const egress = loopbackEgress();
  const worker = await deliveryWorker(env, store, taskQueue, egress, workerOpts);
  // Messages are stamped with the (skipped) server time, like the delivery log.
  let clock = new Date(await env.currentTimeMs());
  const wo = webhooksOut(env, store, taskQueue, egress, () => clock);
  const tick = async () => {
    clock = new Date(await env.currentTimeMs());
  };
  return { taskQueue, worker, wo, tick, store, egress };
}

const ms = (iso: string) => Date.parse(iso);

describe('outgoing webhook delivery (time-skipping server)', () => {
  it('an always-500 receiver gets 8 attempts at 0, 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 10 h (±20 %), then the message is failed', async () => {
    const { worker, wo } = await setup();
    const receiver = await startReceiver(() => ({ status: 500, body: 'e'.repeat(5000) }));
    try {
      const { subscription, secret } = await wo.create({ url: receiver.url, topics: ['conversation.*'], description: 'always down' });
      const { messageId, deliveries } = await wo.publish('conversation.user.created', { type: 'conversation', id: 'c-1' });
      expect(deliveries).toBe(1);
      const handle = env.client.workflow.getHandle(deliveryWorkflowId(subscription.id, messageId));
      const result = await worker.runUntil(handle.result());
      expect(result).toEqual({ status: 'failed', attempts: 8 });

      const delivery = await wo.delivery(subscription.id, messageId);
      expect(delivery.status).toBe('failed');
      expect(delivery.attempts).toBe(8);
      const log = delivery.attempts_log;
      expect(log.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const gaps = log.slice(1).map((a, i) => ms(a.attemptedAt) - ms(log[i]!.attemptedAt));
      gaps.forEach((gap, i) => {
        expect(gap).toBeGreaterThanOrEqual(retryScheduleMs[i]! * 0.8);
        expect(gap).toBeLessThanOrEqual(retryScheduleMs[i]! * 1.2 + 2_000);
        // The log's "next attempt" is when the next attempt happened.
        expect(Math.abs(ms(log[i]!.nextAttemptAt!) - ms(log[i + 1]!.attemptedAt))).toBeLessThan(2_000);
      });
      expect(log[7]!.nextAttemptAt).toBeNull();
      expect(log.every((a) => a.statusCode === 500 && a.responseSnippet!.length === 1024)).toBe(true);

      // The schedule is visible in history as timers.
      const history = await handle.fetchHistory();
      const timers = (history.events ?? [])
        .filter((e) => e.timerStartedEventAttributes)
        .map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds) * 1000 + Math.round((e.timerStartedEventAttributes!.startToFireTimeout!.nanos ?? 0) / 1e6));
      expect(timers).toHaveLength(7);
      timers.forEach((t, i) => expect(Math.abs(t - gaps[i]!)).toBeLessThan(2_000));
      // Neither the payload nor the secret is in history.
      const historyText = JSON.stringify(history);
      expect(historyText).not.toContain('c-1');
      expect(historyText).not.toContain(secret.slice(6, 20));

      // What the receiver saw: one webhook-id, fresh signature per attempt, attempts counted in the body.
      expect(receiver.received).toHaveLength(8);
      const verifier = new Webhook(secret);
      receiver.received.forEach((r, i) => {
        expect(r.headers['webhook-id']).toBe(messageId);
        expect(() => verifier.verify(r.body, r.headers as Record<string, string>)).not.toThrow();
        expect(r.headers['x-hub-signature']).toBe('sha1=' + createHmac('sha1', secret).update(r.body).digest('hex'));
        expect(r.json).toMatchObject({ type: 'notification_event', id: messageId, topic: 'conversation.user.created', delivery_attempts: i + 1, data: { item: { id: 'c-1' } } });
        expect(r.json.first_sent_at).toBe(receiver.received[0]!.json.first_sent_at);
      });
    } finally {
      await receiver.close();
    }
  });

  it('a 3xx is a failed attempt and is not followed; the retry 5 s later succeeds', async () => {
    const { worker, wo } = await setup();
    const canary = await startReceiver();
    const receiver = await startReceiver((_r, i) => (i === 0 ? { status: 302, headers: { location: canary.url } } : { status: 204 }));
    try {
      const { subscription } = await wo.create({ url: receiver.url, topics: ['run.failed'] });
      const { messageId } = await wo.publish('run.failed', { runId: 'r-1' });
      const result = await worker.runUntil(env.client.workflow.getHandle(deliveryWorkflowId(subscription.id, messageId)).result());
      expect(result).toEqual({ status: 'delivered', attempts: 2 });
      expect(canary.received).toHaveLength(0);
      const { attempts_log: log, status } = await wo.delivery(subscription.id, messageId);
      expect(status).toBe('delivered');
      expect(log[0]).toMatchObject({ outcome: 'failed', statusCode: 302 });
      expect(log[0]!.error).toMatch(/redirect 302 not followed/);
      expect(log[1]).toMatchObject({ outcome: 'delivered', statusCode: 204, nextAttemptAt: null });
      const gap = ms(log[1]!.attemptedAt) - ms(log[0]!.attemptedAt);
      expect(gap).toBeGreaterThanOrEqual(4_000);
      expect(gap).toBeLessThan(8_000);
    } finally {
      await receiver.close();
      await canary.close();
    }
  });

  it('410 disables the subscription after one attempt and publishes webhook.disabled; nothing more is sent to it', async () => {
    const { worker, wo } = await setup();
    const gone = await startReceiver(() => ({ status: 410 }));
    const watcher = await startReceiver();
    try {
      const { subscription } = await wo.create({ url: gone.url, topics: ['conversation.*'] });
      await wo.create({ url: watcher.url, topics: ['webhook.disabled'] });
      const { messageId } = await wo.publish('conversation.admin.closed', { id: 'c-2' });
      await worker.runUntil(async () => {
        const result = await env.client.workflow.getHandle(deliveryWorkflowId(subscription.id, messageId)).result();
        expect(result).toEqual({ status: 'disabled', attempts: 1 });
        await waitFor(async () => watcher.received.length === 1, 'webhook.disabled at the watcher');
      });
      const after = await wo.get(subscription.id);
      expect(after.status).toBe('disabled');
      expect(after.disabledReason).toMatch(/410/);
      expect(watcher.received[0]!.json).toMatchObject({ topic: 'webhook.disabled', data: { item: { id: subscription.id, status: 'disabled' } } });
      expect((await wo.delivery(subscription.id, messageId)).status).toBe('failed');
      expect((await wo.publish('conversation.admin.closed', { id: 'c-3' })).deliveries).toBe(0);
      expect(gone.received).toHaveLength(1);
    } finally {
      await gone.close();
      await watcher.close();
    }
  });

  it('429 and 503 honour Retry-After (seconds) instead of the schedule', async () => {
    const { worker, wo } = await setup();
    const receiver = await startReceiver((_r, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '120' } } : i === 1 ? { status: 503, headers: { 'retry-after': '3600' } } : { status: 200 },
    );
    try {
      const { subscription } = await wo.create({ url: receiver.url, topics: ['*'] });
      const { messageId } = await wo.publish('contact.created', { id: 'u-1' });
      const result = await worker.runUntil(env.client.workflow.getHandle(deliveryWorkflowId(subscription.id, messageId)).result());
      expect(result).toEqual({ status: 'delivered', attempts: 3 });
      const log = (await wo.delivery(subscription.id, messageId)).attempts_log;
      const gaps = log.slice(1).map((a, i) => ms(a.attemptedAt) - ms(log[i]!.attemptedAt));
      expect(gaps[0]).toBeGreaterThanOrEqual(120_000);
      expect(gaps[0]).toBeLessThan(122_000);
      expect(gaps[1]).toBeGreaterThanOrEqual(3_600_000);
      expect(gaps[1]).toBeLessThan(3_602_000);
    } finally {
      await receiver.close();
    }
  });

  it('a subscription whose deliveries all fail for 5 days is disabled, webhook.disabled is published, and nothing more is sent', async () => {
    const { worker, wo, tick } = await setup();
    const receiver = await startReceiver(() => ({ status: 500 }));
    const watcher = await startReceiver();
    try {
      const { subscription } = await wo.create({ url: receiver.url, topics: ['conversation.*'] });
      await wo.create({ url: watcher.url, topics: ['webhook.disabled'] });
      const start = await env.currentTimeMs();
      let disabledAfterDays: number | undefined;
      let sentBeforeDisable = -1;
      await worker.runUntil(async () => {
        for (let day = 0; day < 8 && disabledAfterDays === undefined; day++) {
          await tick();
          await wo.publish('conversation.user.replied', { id: `c-day-${day}` });
          await env.sleep(24 * 3600 * 1000);
          if ((await wo.get(subscription.id)).status === 'disabled') disabledAfterDays = (await env.currentTimeMs() - start) / 86_400_000;
        }
        await waitFor(async () => watcher.received.length === 1, 'webhook.disabled at the watcher');
        sentBeforeDisable = receiver.received.length;
        // Three more days: in-flight deliveries wake up, see the subscription disabled, and send nothing.
        await env.sleep(3 * 24 * 3600 * 1000);
      });
      const disabled = await wo.get(subscription.id);
      expect(disabled.status).toBe('disabled');
      expect(disabled.disabledReason).toBe('every delivery failed for 5 days');
      expect(disabledAfterDays).toBeGreaterThanOrEqual(5);
      expect(disabledAfterDays).toBeLessThanOrEqual(6.01);
      // Disabled by the first failed attempt at least 5 days after the run of failures began.
      const failingFor = ms(disabled.updatedAt) - ms(disabled.failingSince!);
      expect(failingFor).toBeGreaterThanOrEqual(5 * 86_400_000);
      expect(failingFor).toBeLessThan(5 * 86_400_000 + 3_600_000);
      expect(receiver.received.length).toBe(sentBeforeDisable);
      const deliveries = await wo.deliveries(subscription.id, {});
      expect(deliveries.length).toBeGreaterThanOrEqual(6);
      expect(deliveries.filter((d) => d.status !== 'failed')).toEqual([]);
      expect(watcher.received[0]!.json).toMatchObject({ topic: 'webhook.disabled', data: { item: { id: subscription.id, reason: 'every delivery failed for 5 days' } } });
    } finally {
      await receiver.close();
      await watcher.close();
    }
  });

  it('one success resets the 5-day clock', async () => {
    const { worker, wo, tick } = await setup();
    let healthy = false;
    const receiver = await startReceiver(() => ({ status: healthy ? 200 : 500 }));
    try {
      const { subscription } = await wo.create({ url: receiver.url, topics: ['conversation.*'] });
      await worker.runUntil(async () => {
        for (let day = 0; day < 8; day++) {
          await tick();
          healthy = day === 4;
          await wo.publish('conversation.user.replied', { id: `c-day-${day}` });
          // Let day 4's first attempt land while the receiver is healthy.
          await env.sleep(day === 4 ? 1_000 : 24 * 3600 * 1000);
          if (day === 4) {
            healthy = false;
            await env.sleep(24 * 3600 * 1000 - 1_000);
          }
        }
      });
      const after = await wo.get(subscription.id);
      expect(after.status).toBe('enabled');
      expect(after.failingSince).not.toBeNull();
    } finally {
      await receiver.close();
    }
  });

  it('a hanging subscriber does not delay a healthy one', async () => {
    const { worker, wo } = await setup();
    const hanging = await startReceiver(() => 'hang');
    const healthy = await startReceiver();
    try {
      const slow = await wo.create({ url: hanging.url, topics: ['conversation.*'] });
      const { subscription } = await wo.create({ url: healthy.url, topics: ['conversation.*'] });
      let messageId = '';
      await worker.runUntil(async () => {
        const published = Date.now();
        messageId = (await wo.publish('conversation.user.created', { id: 'c-hol' })).messageId;
        await waitFor(async () => hanging.received.length === 1 && (await wo.delivery(subscription.id, messageId)).status === 'delivered', 'healthy delivery while the other hangs', 10_000);
        expect(Date.now() - published).toBeLessThan(5_000);
        // No answer within 15 s is a failed attempt, retried on the schedule.
        await waitFor(async () => (await wo.delivery(slow.subscription.id, messageId)).attempts_log.length === 1, 'the hanging attempt to time out', 25_000);
      });
      const [timedOut] = (await wo.delivery(slow.subscription.id, messageId)).attempts_log;
      expect(timedOut).toMatchObject({ outcome: 'failed', statusCode: null });
      expect(timedOut!.error).toMatch(/^timeout: no response within 15s/);
      expect(timedOut!.latencyMs).toBeGreaterThanOrEqual(15_000);
      expect(timedOut!.latencyMs).toBeLessThan(17_000);
      expect(timedOut!.nextAttemptAt).not.toBeNull();
    } finally {
      await hanging.close();
      await healthy.close();
    }
  });

  /** A dead subscriber with a backlog, and a healthy one, on a worker with 4 activity slots. */
  async function backlogThenHealthy(maxInFlightPerSubscription: number) {
    const { worker, wo } = await setup({ maxConcurrentActivities: 4, maxInFlightPerSubscription });
    const hanging = await startReceiver(() => 'hang');
    const healthy = await startReceiver();
    try {
      await wo.create({ url: hanging.url, topics: ['backlog.*'] });
      const { subscription } = await wo.create({ url: healthy.url, topics: ['fresh.*'] });
      return await worker.runUntil(async () => {
        for (let i = 0; i < 6; i++) await wo.publish('backlog.item', { i });
        await waitFor(async () => hanging.received.length >= Math.min(4, maxInFlightPerSubscription), 'the dead subscriber to hold its slots');
        const published = Date.now();
        const { messageId } = await wo.publish('fresh.item', { ok: true });
        await waitFor(async () => (await wo.delivery(subscription.id, messageId)).status === 'delivered', 'the healthy delivery', 40_000);
        return { healthyLatencyMs: Date.now() - published, hangingInFlight: hanging.received.length };
      });
    } finally {
      await hanging.close();
      await healthy.close();
    }
  }

  it('a dead subscriber holds at most its share of activity slots: the healthy one is delivered at once (control: without the cap it waits for the 15 s timeout)', async () => {
    const capped = await backlogThenHealthy(2);
    expect(capped.hangingInFlight).toBe(2);
    expect(capped.healthyLatencyMs).toBeLessThan(5_000);
    const uncapped = await backlogThenHealthy(100);
    expect(uncapped.healthyLatencyMs).toBeGreaterThanOrEqual(10_000);
  }, 120_000);
});

// The time-skipping server keeps a task on a dead worker's sticky queue; the real dev server moves it on.
describe('outgoing webhook delivery (real dev server)', () => {
  it('a delivery survives a worker restart between attempts', async () => {
    const dev = await connectToDevServer();
    const store = await openTestStore(storeBackends[0].url());
    const taskQueue = `test-${randomUUID()}`;
    const egress = loopbackEgress();
    const wo = webhooksOut(dev, store, taskQueue, egress);
    const receiver = await startReceiver((_r, i) => ({ status: i === 0 ? 500 : 200 }));
    try {
      const { subscription } = await wo.create({ url: receiver.url, topics: ['restart.*'] });
      const { messageId } = await wo.publish('restart.check', { n: 1 });
      const first = await deliveryWorker(dev, store, taskQueue, egress);
      await first.runUntil(waitFor(async () => receiver.received.length === 1, 'the first attempt'));
      // The first worker is gone while the 5 s timer runs; a new one finishes the delivery.
      const second = await deliveryWorker(dev, store, taskQueue, egress);
      const result = await second.runUntil(dev.client.workflow.getHandle(deliveryWorkflowId(subscription.id, messageId)).result());
      expect(result).toEqual({ status: 'delivered', attempts: 2 });
      expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([messageId, messageId]);
      expect(receiver.received.map((r) => r.json.delivery_attempts)).toEqual([1, 2]);
    } finally {
      await receiver.close();
      await store.close();
      await dev.teardown();
    }
  });
});
