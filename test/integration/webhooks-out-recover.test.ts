import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store';
import { deliveryWorkflowId, recoverWorkflowId } from '../../workflows/webhook-contract';
import { openTestStore, storeBackends } from '../support/stores';
import { createTimeSkippingEnv, waitFor } from '../support/temporal';
import { deliveryWorker, loopbackEgress, startReceiver, webhooksOut } from '../support/webhooks-out-harness';

let env: TestWorkflowEnvironment;
let store: Store;
/**
 * A plain client: awaiting a result does not unlock time skipping, so time moves only through
 * env.sleep (an idle time-skipping server otherwise leaps to its far-future deadlines).
 */
let client: Client;

// A fresh time-skipping server and store per test: workflows left sleeping by one test must not move another's clock.
beforeEach(async () => {
  env = await createTimeSkippingEnv();
  client = new Client({ connection: env.client.connection });
  store = await openTestStore(storeBackends[0].url());
});

afterEach(async () => {
  await store?.close();
  await env?.teardown();
});

const HOUR = 3_600_000;
/** The whole schedule is about 27.6 h; with +20 % jitter at most 33.1 h. */
const WHOLE_SCHEDULE = 34 * HOUR;

describe('recover and redeliver (time-skipping server)', () => {
  it('recover(since) re-sends exactly the failed messages since then, oldest first, each once, with their original webhook-id', async () => {
    const taskQueue = `test-${randomUUID()}`;
    const egress = loopbackEgress();
    const worker = await deliveryWorker(env, store, taskQueue, egress);
    let clock = new Date(await env.currentTimeMs());
    const wo = webhooksOut(env, store, taskQueue, egress, () => clock, client);
    let outage = true;
    const receiver = await startReceiver((r) => ({ status: outage && r.json?.data?.item?.fail ? 500 : 200 }));
    try {
      const { subscription } = await wo.create({ url: receiver.url, topics: ['conversation.*'] });
      const sub = subscription.id;
      const ids: Record<string, string> = {};
      let since = clock;
      const statuses = async () => Object.fromEntries(await Promise.all(Object.entries(ids).map(async ([n, id]) => [n, (await wo.delivery(sub, id)).status])));
      await worker.runUntil(async () => {
        const plan = [
          ['m0', true],
          ['m1', true],
          ['m2', false],
          ['m3', true],
          ['m4', true],
          ['m5', false],
        ] as const;
        for (const [name, fail] of plan) {
          clock = new Date(await env.currentTimeMs());
          if (name === 'm1') since = clock;
          ids[name] = (await wo.publish('conversation.user.replied', { name, fail })).messageId;
          await env.sleep(60_000);
        }
        await env.sleep(WHOLE_SCHEDULE);
        await waitFor(async () => Object.values(await statuses()).every((s) => s !== 'pending'), 'every message to finish its schedule');
        expect(await statuses()).toEqual({ m0: 'failed', m1: 'failed', m2: 'delivered', m3: 'failed', m4: 'failed', m5: 'delivered' });

        outage = false;
        const before = receiver.received.length;
        clock = new Date(await env.currentTimeMs());
        const { recoveryId } = await wo.recover(sub, since);
        expect(await client.workflow.getHandle(recoverWorkflowId(sub, recoveryId)).result()).toEqual({ resent: 3 });

        const resent = receiver.received.slice(before);
        expect(resent.map((r) => r.json.data.item.name)).toEqual(['m1', 'm3', 'm4']);
        expect(resent.map((r) => r.headers['webhook-id'])).toEqual([ids.m1, ids.m3, ids.m4]);
        expect(resent.every((r) => r.json.delivery_attempts === 9)).toBe(true);
        expect(await statuses()).toEqual({ m0: 'failed', m1: 'delivered', m2: 'delivered', m3: 'delivered', m4: 'delivered', m5: 'delivered' });
        expect(await wo.recovery(sub, recoveryId)).toMatchObject({ status: 'completed', result: { resent: 3 } });

        // Nothing failed is left since then: a second recovery sends nothing.
        const again = await wo.recover(sub, since);
        expect(await client.workflow.getHandle(recoverWorkflowId(sub, again.recoveryId)).result()).toEqual({ resent: 0 });
        expect(receiver.received.length).toBe(before + 3);

        // Redeliver one message by hand: same webhook-id, a fresh schedule.
        await wo.redeliver(sub, ids.m0!);
        expect(await client.workflow.getHandle(deliveryWorkflowId(sub, ids.m0!)).result()).toEqual({ status: 'delivered', attempts: 9 });
        expect(receiver.received.at(-1)!.headers['webhook-id']).toBe(ids.m0);
        expect((await wo.delivery(sub, ids.m0!)).status).toBe('delivered');
      });
    } finally {
      await receiver.close();
    }
  });

  it('a recovered message that fails again continues on the schedule in its own delivery workflow', async () => {
    const taskQueue = `test-${randomUUID()}`;
    const egress = loopbackEgress();
    let clock = new Date(await env.currentTimeMs());
    const wo = webhooksOut(env, store, taskQueue, egress, () => clock, client);
    let calls = 0;
    // Fails for the whole first schedule and the recovery's first attempt, then accepts.
    const receiver = await startReceiver(() => ({ status: ++calls <= 9 ? 502 : 200 }));
    try {
      const { subscription } = await wo.create({ url: receiver.url, topics: ['run.failed'] });
      const { messageId } = await wo.publish('run.failed', { runId: 'r-9' });
      const worker = await deliveryWorker(env, store, taskQueue, egress);
      await worker.runUntil(async () => {
        await env.sleep(WHOLE_SCHEDULE);
        await waitFor(async () => (await wo.delivery(subscription.id, messageId)).status === 'failed', 'the first schedule to fail');
        clock = new Date(await env.currentTimeMs());
        const { recoveryId } = await wo.recover(subscription.id, new Date(0));
        await waitFor(async () => calls === 9, 'the recovery attempt');
        expect(await client.workflow.getHandle(recoverWorkflowId(subscription.id, recoveryId)).result()).toEqual({ resent: 1 });
        await env.sleep(10_000);
        await waitFor(async () => (await wo.delivery(subscription.id, messageId)).status === 'delivered', 'the handed-over delivery');
        expect(await client.workflow.getHandle(deliveryWorkflowId(subscription.id, messageId)).result()).toEqual({ status: 'delivered', attempts: 10 });
      });
      const log = (await wo.delivery(subscription.id, messageId)).attempts_log;
      expect(log.map((a) => a.outcome)).toEqual([...Array(9).fill('failed'), 'delivered']);
      const gap = Date.parse(log[9]!.attemptedAt) - Date.parse(log[8]!.attemptedAt);
      expect(gap).toBeGreaterThanOrEqual(4_000);
      expect(gap).toBeLessThan(8_000);
    } finally {
      await receiver.close();
    }
  });

  it('two recoveries asked for at once send each failed message once', async () => {
    const taskQueue = `test-${randomUUID()}`;
    const egress = loopbackEgress();
    let clock = new Date(await env.currentTimeMs());
    const wo = webhooksOut(env, store, taskQueue, egress, () => clock, client);
    let outage = true;
    const receiver = await startReceiver(() => ({ status: outage ? 503 : 200 }));
    try {
      const { subscription } = await wo.create({ url: receiver.url, topics: ['twin.*'] });
      const worker = await deliveryWorker(env, store, taskQueue, egress);
      await worker.runUntil(async () => {
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) ids.push((await wo.publish('twin.event', { i })).messageId);
        await env.sleep(WHOLE_SCHEDULE);
        await waitFor(async () => (await wo.deliveries(subscription.id, { status: 'failed' })).length === 4, 'four failed messages');
        outage = false;
        const before = receiver.received.length;
        clock = new Date(await env.currentTimeMs());
        const [a, b] = await Promise.all([wo.recover(subscription.id, new Date(0)), wo.recover(subscription.id, new Date(0))]);
        const results = await Promise.all([a, b].map((r) => client.workflow.getHandle(recoverWorkflowId(subscription.id, r.recoveryId)).result()));
        expect(results[0]!.resent + results[1]!.resent).toBe(4);
        const resentIds = receiver.received.slice(before).map((r) => r.headers['webhook-id']);
        expect([...resentIds].sort()).toEqual([...ids].sort());
      });
    } finally {
      await receiver.close();
    }
  });
});
