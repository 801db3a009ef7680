import { createHmac, randomUUID } from 'node:crypto';

/** Intercom's `X-Hub-Signature`: `sha1=` + hex HMAC-SHA1 of the raw body, keyed with the app's client secret. */
export function signIntercom(body: string | Buffer, clientSecret: string): string {
  return `sha1=${createHmac('sha1', clientSecret).update(body).digest('hex')}`;
}

/** An Intercom `notification_event` for `topic`, carrying `item` as its data. */
export function intercomNotification(topic: string, item: Record<string, unknown>, id = `notif_${randomUUID()}`): string {
  return JSON.stringify({ type: 'notification_event', id, topic, app_id: 'a86dr8yl', created_at: 1764230400, data: { type: 'notification_event_data', item } });
}

/** Posts `body` to the engine's `/hooks/<connectionId>`, signed with `clientSecret` as Intercom would. */
export function postIntercomWebhook(apiUrl: string, connectionId: string, body: string, clientSecret: string): Promise<Response> {
  return fetch(`${apiUrl}/hooks/${connectionId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, clientSecret) },
    body,
  });
}
