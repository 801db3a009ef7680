import { WebhooksOutError } from './errors';

/** http(s) only, absolute, no credentials in the URL (a classic host-confusion trick), ≤ 2048 chars. */
export function validateSubscriptionUrl(value: string): URL {
  if (value.length > 2048) throw new WebhooksOutError('invalid_url', 'url: longer than 2048 characters', { field: 'url' });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WebhooksOutError('invalid_url', `url: not an absolute URL: ${JSON.stringify(value)}`, { field: 'url' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhooksOutError('blocked_destination', `url: scheme ${url.protocol.replace(':', '')} is not allowed; use https (or http)`, { field: 'url' });
  }
  if (url.username || url.password) {
    throw new WebhooksOutError('blocked_destination', 'url: credentials in the URL are not allowed', { field: 'url' });
  }
  if (value.includes('\\')) throw new WebhooksOutError('blocked_destination', 'url: backslashes are not allowed', { field: 'url' });
  return url;
}
