import { connector } from '../sdk/connector';
import { addComment } from './add-comment';
import { linearAuth } from './auth';
import { createIssue } from './create-issue';
import { updateIssue } from './update-issue';
import { linearVendor } from './vendor';
import { linearWebhookSource } from './webhook-source';

export const linear = connector({
  id: 'linear',
  name: 'Linear',
  category: 'Support',
  description: 'Linear issues over GraphQL: create (idempotent by client id), comment, update; signed webhooks for issues and comments.',
  auth: linearAuth,
  baseUrl: 'https://api.linear.app',
  vendor: linearVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'POST', path: '/graphql', json: { query: '{ viewer { id } }' } });
  },
})
  .webhookSource(linearWebhookSource)
  .actions({ createIssue, addComment, updateIssue });
