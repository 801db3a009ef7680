import { connector } from '../sdk/connector';
import { mailchimpAuth, mailchimpBaseUrl } from './auth';
import { upsertMember } from './upsert-member';

interface Problem {
  title?: string;
  detail?: string;
  errors?: { field?: string; message?: string }[];
}

export const mailchimp = connector({
  id: 'mailchimp',
  name: 'Mailchimp',
  category: 'Marketing',
  description: 'Keep Mailchimp audiences in sync: add or update list members with merge fields and tags.',
  auth: mailchimpAuth,
  baseUrl: mailchimpBaseUrl,
  vendor: {
    vendor: 'Mailchimp',
    // Mailchimp may throttle with a bare 403 under very high volume; it is treated as fatal unless
    // the body says otherwise, because 403 is also "forbidden for this key".
    errorDetails(body) {
      const p = body as Problem | undefined;
      if (!p || typeof p !== 'object') return {};
      const first = p.errors?.[0];
      return { message: [p.title, p.detail, first?.field && `${first.field}: ${first.message}`].filter(Boolean).join(': ') || undefined, field: first?.field, code: p.title };
    },
  },
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/ping' });
  },
}).action(upsertMember);
