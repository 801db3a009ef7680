import { signIntercom } from '../../sandbox/intercom-events';

/** Signing and sample bodies are the sandbox Intercom's (the dev command sends the same deliveries). */
export { intercomNotification, signIntercom } from '../../sandbox/intercom-events';

/** Posts `body` to the engine's `/hooks/<connectionId>`, signed with `clientSecret` as Intercom would. */
export function postIntercomWebhook(apiUrl: string, connectionId: string, body: string, clientSecret: string): Promise<Response> {
  return fetch(`${apiUrl}/hooks/${connectionId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercom(body, clientSecret) },
    body,
  });
}
