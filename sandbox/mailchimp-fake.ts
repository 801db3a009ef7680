import { createHash, randomUUID } from 'node:crypto';
import { basicCredentials, FakeServer, type FakeRequest, type FakeResponse } from './fake-server';

const problem = (status: number, title: string, detail: string, errors?: { field: string; message: string }[]): FakeResponse => ({
  status,
  headers: { 'content-type': 'application/problem+json; charset=utf-8' },
  json: { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: randomUUID(), ...(errors ? { errors } : {}) },
});

const statuses = new Set(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional']);

/** Mailchimp Marketing API 3.0 (vendor-apis.md §14): Basic anystring:key, md5 subscriber hash, problem+json. */
export class MailchimpFake extends FakeServer {
  readonly keys = new Set(['0123456789abcdef0123456789abcdef-us6']);
  readonly lists = new Set(['a1b2c3d4e5']);
  readonly members = new Map<string, { id: string; email_address: string; status: string; list_id: string; merge_fields: Record<string, unknown>; tags: string[] }>();

  constructor() {
    super({
      failures: {
        serverError: () => problem(500, 'Internal Server Error', 'An unexpected internal error has occurred.'),
        // Mailchimp sends no rate-limit headers: 429 is about concurrent connections.
        rateLimited: () => problem(429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.'),
        unauthorized: () => problem(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter."),
      },
    });
    this.route('PUT', '/3.0/lists/:list/members/:hash', (req) => {
      if (!this.lists.has(req.params.list!)) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
      const b = (req.body ?? {}) as { email_address?: unknown; status_if_new?: unknown; status?: unknown; merge_fields?: unknown; tags?: unknown };
      if (typeof b.email_address !== 'string' || !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(b.email_address)) {
        return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'email_address', message: 'Please provide a valid email address.' }]);
      }
      if (/@example\.(com|org)$/i.test(b.email_address) && b.email_address.startsWith('fake')) {
        return problem(400, 'Invalid Resource', `${b.email_address} looks fake or invalid, please enter a real email address.`);
      }
      const hash = createHash('md5').update(b.email_address.toLowerCase()).digest('hex');
      if (hash !== req.params.hash) return problem(400, 'Invalid Resource', 'The subscriber hash does not match the email address.', [{ field: 'subscriber_hash', message: 'mismatch' }]);
      const key = `${req.params.list}/${hash}`;
      const existing = this.members.get(key);
      if (!existing && (typeof b.status_if_new !== 'string' || !statuses.has(b.status_if_new))) {
        return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'status_if_new', message: 'Required for new members.' }]);
      }
      const m = existing ?? { id: hash, email_address: b.email_address, status: b.status_if_new as string, list_id: req.params.list!, merge_fields: {}, tags: [] };
      if (typeof b.status === 'string') m.status = b.status;
      if (b.merge_fields && typeof b.merge_fields === 'object') Object.assign(m.merge_fields, b.merge_fields);
      if (Array.isArray(b.tags)) m.tags = [...new Set([...m.tags, ...(b.tags as string[])])];
      this.members.set(key, m);
      return { status: 200, json: { ...m, unique_email_id: hash.slice(0, 10), contact_id: hash, last_changed: new Date().toISOString() } };
    });
    this.route('GET', '/3.0/ping', () => ({ status: 200, json: { health_status: "Everything's Chimpy!" } }));
  }

  protected override authenticate(req: FakeRequest): FakeResponse | undefined {
    const c = basicCredentials(req);
    if (!c) return problem(401, 'API Key Missing', 'Your request did not include an API key.');
    if (!this.keys.has(c.password)) return problem(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
    return undefined;
  }
}
