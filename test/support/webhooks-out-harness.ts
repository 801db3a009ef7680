import path from 'node:path';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createWebhookDeliveryActivities } from '../../activities/webhook-delivery';
import { createSecretBox } from '../../src/security/secret-box';
import type { Store } from '../../src/store/store';
import type { WebhookEgress } from '../../src/webhooks-out/egress';
import { guardedWebhookEgress } from '../../src/webhooks-out/guarded-egress';
import { WebhooksOut } from '../../src/webhooks-out/webhooks-out';
import { testSecretKey } from './stores';
import { createTestWorker } from './temporal';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json: any;
  at: number;
}

export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** A local subscriber: records every request and answers what `respond` says. */
export async function startReceiver(respond: (req: Received, index: number) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        json = undefined;
      }
      const r: Received = { path: req.url ?? '', headers: req.headers, body, json, at: Date.now() };
      received.push(r);
      const answer = respond(r, received.length - 1);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const secrets = createSecretBox([testSecretKey]);

/** Loopback is allow-listed so the local receivers are reachable (as in dev mode). */
export function loopbackEgress(): WebhookEgress {
  return guardedWebhookEgress({ egressAllow: ['127.0.0.1/32'] });
}

/** Only the delivery workflows (the bundler also proves they import nothing forbidden). */
const deliveryWorkflows = path.resolve(__dirname, '..', '..', 'workflows', 'webhook-delivery.ts');

export async function deliveryWorker(
  env: TestWorkflowEnvironment,
  store: Store,
  taskQueue: string,
  egress: WebhookEgress,
  opts: { maxConcurrentActivities?: number; maxInFlightPerSubscription?: number } = {},
) {
  return createTestWorker(env, {
    taskQueue,
    workflowsPath: deliveryWorkflows,
    activities: createWebhookDeliveryActivities({ db: store.db, secrets, egress, maxInFlightPerSubscription: opts.maxInFlightPerSubscription }),
    ...(opts.maxConcurrentActivities ? { maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivities } : {}),
  });
}

export function webhooksOut(env: TestWorkflowEnvironment, store: Store, taskQueue: string, egress: WebhookEgress, now?: () => Date, client: Client = env.client) {
  return new WebhooksOut({ db: store.db, secrets, client, taskQueue, egress, now });
}
