import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config';
import { openConfiguredStore } from '../../src/runtime/services';
import { webhookActivitiesFromConfig, webhooksOutFromConfig } from '../../src/runtime/webhooks-out-wiring';
import { connectToDevServer } from '../support/temporal';
import { startReceiver } from '../support/webhooks-out-harness';

describe('wiring from config', () => {
  it('the API side seals the secret with the configured key and the worker side signs with it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-wiring-'));
    const config = parseConfig({ SWITCHYARD_DATA_DIR: dir, SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'), SWITCHYARD_EGRESS_ALLOW: '127.0.0.1/32' });
    const store = await openConfiguredStore(config);
    const env = await connectToDevServer();
    const receiver = await startReceiver();
    try {
      const webhooks = webhooksOutFromConfig({ config, store, client: env.client });
      const { subscription, secret } = await webhooks.create({ url: receiver.url, topics: ['wiring.check'] });
      const message = { id: 'msg_wiring1', topic: 'wiring.check', item: { ok: true }, createdAt: new Date().toISOString() };
      await webhooks.log.addMessage(message);
      await webhooks.log.addDelivery(subscription.id, message, new Date());
      const activities = webhookActivitiesFromConfig({ config, store });
      const result = await activities['webhooksOut.deliverAttempt']({ subscriptionId: subscription.id, messageId: message.id, nowMs: Date.now(), plannedDelayMs: 5000 });
      expect(result).toMatchObject({ outcome: 'delivered', attempt: 1, statusCode: 200 });
      expect(() => new Webhook(secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers as Record<string, string>)).not.toThrow();
      // Blocked unless allow-listed: the config's SWITCHYARD_EGRESS_ALLOW is what opened loopback.
      await expect(webhooksOutFromConfig({ config: { ...config, SWITCHYARD_EGRESS_ALLOW: [] }, store, client: env.client }).test(subscription.id)).rejects.toMatchObject({ code: 'blocked_destination' });
    } finally {
      await receiver.close();
      await store.close();
      await env.teardown();
    }
  });
});
