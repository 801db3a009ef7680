import { createHmac, randomUUID } from 'node:crypto';

/** Intercom's `X-Hub-Signature`: `sha1=` + hex HMAC-SHA1 of the raw body, keyed with the app's client secret. */
export function signIntercom(body: string | Buffer, clientSecret: string): string {
  return `sha1=${createHmac('sha1', clientSecret).update(body).digest('hex')}`;
}

/** An Intercom `notification_event` for `topic`, carrying `item` as its data. */
export function intercomNotification(topic: string, item: Record<string, unknown>, id = `notif_${randomUUID()}`): string {
  return JSON.stringify({ type: 'notification_event', id, topic, app_id: 'a86dr8yl', created_at: 1764230400, data: { type: 'notification_event_data', item } });
}

const grace = { type: 'user', id: '5310d8e7598c9a0b24000003', name: 'Grace Hopper', email: 'grace@example.com' };

/**
 * What the sandbox Intercom sends for each topic the example automations listen to, shaped like
 * Intercom's own deliveries (the items of recipes/fixtures). No single quote anywhere, so a body
 * pastes into a shell between single quotes.
 */
const sampleItems: Record<string, () => Record<string, unknown>> = {
  'conversation_part.tag.created': () => ({
    type: 'conversation',
    id: '148',
    state: 'open',
    source: { type: 'conversation', subject: 'Checkout fails for all EU customers', body: '<p>Every EU card payment fails with error 502 since 09:10.</p>', author: grace },
    tags: { type: 'tag.list', tags: [{ type: 'tag', id: '17', name: 'urgent' }] },
    tags_added: { type: 'tag.list', tags: [{ type: 'tag', id: '17', name: 'urgent' }] },
  }),
  'conversation.user.created': () => ({
    type: 'conversation',
    id: '147',
    state: 'open',
    source: { type: 'conversation', subject: '', body: '<p>Hi, I cannot log in since this morning. The reset link gives an error.</p>', author: { ...grace, name: 'Ada Lovelace', email: 'ada@example.com' } },
  }),
  'contact.user.created': () => ({
    type: 'contact',
    id: '6762f0b61bb69f9f2193bb7f',
    role: 'user',
    email: 'Katherine.Johnson@Example.com',
    name: 'Katherine Johnson',
    created_at: 1767232790,
  }),
  'conversation.admin.closed': () => ({
    type: 'conversation',
    id: '147',
    state: 'closed',
    source: { type: 'conversation', subject: 'Cannot log in', body: '<p>The reset link gives an error.</p>', author: { ...grace, name: 'Ada Lovelace', email: 'ada@example.com' } },
    tags: { type: 'tag.list', tags: [{ type: 'tag', id: '31', name: 'login' }] },
    statistics: { type: 'conversation_statistics', count_conversation_parts: 6 },
  }),
};

/** The topics the sandbox Intercom can send, the urgent tag first (the one the printed curl sends). */
export const sandboxIntercomTopics = Object.keys(sampleItems);

/** A sample delivery for `topic` (a fresh notification id each time, so it is never taken for a redelivery). */
export function sandboxIntercomEvent(topic: string, id?: string): string | undefined {
  const item = sampleItems[topic];
  return item ? intercomNotification(topic, item(), id) : undefined;
}

/**
 * A copy-pasteable shell snippet that sends the sandbox Intercom's `topic` delivery to `hookUrl`,
 * signed like Intercom (X-Hub-Signature: sha1=HMAC of the body with the client secret); each paste
 * is a new delivery (its id carries the time).
 */
export function signedCurl(hookUrl: string, clientSecret: string, topic = sandboxIntercomTopics[0]!): string {
  const marker = 'SANDBOX-ID';
  const body = sandboxIntercomEvent(topic, marker)!;
  const [before, after] = body.split(marker) as [string, string];
  return [
    `SECRET='${clientSecret}'`,
    `BODY='${before}notif_'$(date +%s%N)'${after}'`,
    `curl -sS -X POST ${hookUrl} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H "X-Hub-Signature: sha1=$(printf '%s' "$BODY" | openssl dgst -sha1 -hmac "$SECRET" | sed 's/^.* //')" \\`,
    `  --data-binary "$BODY"`,
  ].join('\n');
}
