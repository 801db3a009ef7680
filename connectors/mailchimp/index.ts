import { connector } from '../sdk/connector';
import { mailchimpAuth, mailchimpBaseUrl } from './auth';
import { upsertMember } from './upsert-member';
import { mailchimpVendor } from './vendor';

export const mailchimp = connector({
  id: 'mailchimp',
  name: 'Mailchimp',
  category: 'Marketing',
  description: 'Keep Mailchimp audiences in sync: add or update list members with merge fields and tags.',
  auth: mailchimpAuth,
  baseUrl: mailchimpBaseUrl,
  vendor: mailchimpVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/ping' });
  },
}).actions({ upsertMember });
