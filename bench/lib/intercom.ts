import { createHmac, randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import type { Outcome } from './load';

export const intercomConnectionId = 'intercom-bench';
export const benchTopic = 'conversation.user.created';

/** An Intercom notification; `sentAt` (ms) rides in the conversation so recipes can pass it on. */
export function notification(id: string, sentAt: number): string {
  return JSON.stringify({
    type: 'notification_event',
    id,
    topic: benchTopic,
    created_at: Math.floor(sentAt / 1000),
    data: { item: { type: 'conversation', id: `c-${id}`, priority: 'priority', sent_at: sentAt, source: { subject: 'Where is my order?', author: { email: 'ada@example.com' } } } },
  });
}

/** Intercom's scheme, as the tests sign: `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>`. */
function sign(body: string, secret: string): string {
  return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

/** Sends signed notifications over a keep-alive pool; records which runs each 2xx acknowledged. */
export class WebhookSender {
  readonly acked = new Set<string>();
  private readonly pool: Pool;
  private readonly prefix = randomBytes(4).toString('hex');
  private seq = 0;

  constructor(
    apiUrl: string,
    private readonly secret: string,
    connections: number,
  ) {
    this.pool = new Pool(apiUrl, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  async send(): Promise<Outcome> {
    const id = `notif_${this.prefix}_${this.seq++}`;
    const body = notification(id, Date.now());
    const res = await this.pool.request({
      path: `/hooks/${intercomConnectionId}`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': sign(body, this.secret) },
      body,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode > 299) return { ok: false, kind: String(res.statusCode) };
    const ack = JSON.parse(text) as { runs?: { runId: string; duplicate: boolean }[] };
    for (const run of ack.runs ?? []) this.acked.add(run.runId);
    return { ok: true };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
