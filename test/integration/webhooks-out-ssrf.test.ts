import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store';
import { deliverAttempt } from '../../activities/webhook-attempt';
import { WebhooksOutError } from '../../src/webhooks-out/errors';
import { webhookAttempts } from '../../src/webhooks-out/metrics';
import { guardedWebhookEgress } from '../../src/webhooks-out/guarded-egress';
import { openTestStore, storeBackends } from '../support/stores';
import { createTimeSkippingEnv, waitFor } from '../support/temporal';
import { deliveryWorker, webhooksOut } from '../support/webhooks-out-harness';

/** Listens on every local address (dual-stack) and counts connections: any hit is an SSRF. */
async function startCanary() {
  let hits = 0;
  const server = http.createServer((_req, res) => res.end('internal secret'));
  server.on('connection', () => hits++);
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
  const { port } = server.address() as AddressInfo;
  return { port, hits: () => hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** reliability.md §8 E1, aimed at the canary's port. */
function corpus(port: number): string[] {
  const hosts = [
    '127.0.0.1', '127.1', '0', '0.0.0.0', '2130706433', '017700000001', '0x7f.0.0.1', '0177.0.0.1', '012.0.0.1',
    '10.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.100.100.200', '100.64.0.1', '224.0.0.1', '255.255.255.255',
    '[::1]', '[::]', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[::ffff:169.254.169.254]', '[64:ff9b::a9fe:a9fe]',
    '[2002:a9fe:a9fe::]', '[2001:0:4136:e378:8000:63bf:3fff:fdd2]', '[fe80::1]', '[fd00:ec2::254]', '[fc00::1]', '[::ffff:0:7f00:1]', '[::5efe:a00:1]',
    'localhost', 'x.localhost', 'metadata.google.internal', 'localhost.',
  ];
  return [
    ...hosts.map((h) => `http://${h}:${port}/hook`),
    ...hosts.slice(0, 3).map((h) => `https://${h}:${port}/hook`),
    `http://evil.example@127.0.0.1:${port}/`,
    `http://127.0.0.1:${port}\\@evil.example/`,
    `file:///etc/passwd`,
    `gopher://127.0.0.1:${port}/_GET`,
    `ftp://127.0.0.1:${port}/`,
    `data:text/plain,hello`,
  ];
}

let env: TestWorkflowEnvironment;
let store: Store;
let canary: Awaited<ReturnType<typeof startCanary>>;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  store = await openTestStore(storeBackends[0].url());
  canary = await startCanary();
});

afterAll(async () => {
  await canary?.close();
  await store?.close();
  await env?.teardown();
});

describe('SSRF guard on subscription URLs (nothing allow-listed)', () => {
  const egress = guardedWebhookEgress({ egressAllow: [] });

  it('at create and update: every corpus target is refused with blocked_destination; 0 canary hits', async () => {
    const wo = webhooksOut(env, store, 'unused', egress);
    const targets = corpus(canary.port);
    expect(targets.length).toBeGreaterThanOrEqual(40);
    const codes: Record<string, string> = {};
    for (const url of targets) {
      try {
        await wo.create({ url, topics: ['*'] });
        codes[url] = 'accepted';
      } catch (err) {
        codes[url] = err instanceof WebhooksOutError ? err.code : `untyped: ${String(err)}`;
      }
    }
    expect(Object.entries(codes).filter(([, code]) => code !== 'blocked_destination')).toEqual([]);
    // Update is guarded too.
    const ok = await wo.subscriptions.create({ url: 'https://example.com/hook', topics: ['*'] });
    await expect(wo.update(ok.subscription.id, { url: `http://169.254.169.254:${canary.port}/` })).rejects.toMatchObject({ code: 'blocked_destination' });
    expect((await wo.get(ok.subscription.id)).url).toBe('https://example.com/hook');
    expect(canary.hits()).toBe(0);
  });

  it('at send time (URL stored before the guard could see it, e.g. DNS changed): every attempt and every test ping is blocked; 0 canary hits, no body returned', async () => {
    const wo = webhooksOut(env, store, 'unused', egress);
    const blockedCount = async () => (await webhookAttempts.get()).values.find((v) => v.labels.kind === 'blocked')?.value ?? 0;
    const blockedBefore = await blockedCount();
    const results: Record<string, { error: string | null; snippet: string | null }> = {};
    for (const url of corpus(canary.port)) {
      const { subscription } = await wo.subscriptions.create({ url, topics: ['*'] });
      const message = { id: `msg_${randomUUID().replace(/-/g, '')}`, topic: 'ssrf.probe', item: { url }, createdAt: new Date().toISOString() };
      await wo.log.addMessage(message);
      await wo.log.addDelivery(subscription.id, message, new Date());
      const result = await deliverAttempt({ subscriptions: wo.subscriptions, log: wo.log, egress }, { subscriptionId: subscription.id, messageId: message.id, nowMs: Date.now(), plannedDelayMs: 5000 });
      expect(result.outcome).toBe('failed');
      expect(result.statusCode).toBeUndefined();
      const [attempt] = (await wo.delivery(subscription.id, message.id)).attempts_log;
      results[url] = { error: attempt!.error, snippet: attempt!.responseSnippet };
      await expect(wo.test(subscription.id)).rejects.toMatchObject({ code: 'blocked_destination' });
    }
    const notBlocked = Object.entries(results).filter(([, r]) => !r.error?.startsWith('blocked_destination') || r.snippet !== null);
    expect(notBlocked).toEqual([]);
    expect((await blockedCount()) - blockedBefore).toBe(Object.keys(results).length);
    expect(canary.hits()).toBe(0);
  });

  it('through the delivery workflow: blocked attempts are logged, retried on the schedule, and never connect', async () => {
    const taskQueue = `test-${randomUUID()}`;
    const own = await openTestStore(storeBackends[0].url());
    const wo = webhooksOut(env, own, taskQueue, egress);
    const worker = await deliveryWorker(env, own, taskQueue, egress);
    const urls = [`http://127.0.0.1:${canary.port}/`, `http://localhost:${canary.port}/`, `http://[::ffff:7f00:1]:${canary.port}/`];
    const subs = await Promise.all(urls.map((url) => wo.subscriptions.create({ url, topics: ['ssrf.workflow'] })));
    await worker.runUntil(async () => {
      const { messageId, deliveries } = await wo.publish('ssrf.workflow', { n: 1 });
      expect(deliveries).toBe(3);
      for (const { subscription } of subs) {
        const attempts = await waitFor(async () => {
          const d = await wo.delivery(subscription.id, messageId);
          return d.attempts_log.length >= 1 && d.attempts_log;
        }, 'a logged attempt');
        expect(attempts[0]!.error).toMatch(/^blocked_destination/);
        expect(attempts[0]!.nextAttemptAt).not.toBeNull();
      }
    });
    expect(canary.hits()).toBe(0);
    await own.close();
  });

  it('control: with loopback allow-listed (SWITCHYARD_EGRESS_ALLOW) the same send reaches the canary, so the counter can see a hit', async () => {
    const allowed = guardedWebhookEgress({ egressAllow: ['127.0.0.0/8'] });
    const wo = webhooksOut(env, store, 'unused', allowed);
    const before = canary.hits();
    const { subscription } = await wo.create({ url: `http://127.0.0.1:${canary.port}/hook`, topics: ['control'] });
    const result = await wo.test(subscription.id);
    expect(result.status).toBe(200);
    expect(result.body).toBe('internal secret');
    expect(canary.hits()).toBe(before + 1);
  });
});
