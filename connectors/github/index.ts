import { connector } from '../sdk/connector';
import { addComment } from './add-comment';
import { addLabels } from './add-labels';
import { githubAuth } from './auth';
import { createIssue } from './create-issue';
import { githubVendor } from './vendor';
import { githubWebhookSource } from './webhook-source';

export const github = connector({
  id: 'github',
  name: 'GitHub',
  category: 'Support',
  description: 'GitHub issues: open, comment, label; signed webhooks for issues, comments and pull requests.',
  auth: githubAuth,
  baseUrl: 'https://api.github.com',
  vendor: githubVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/user' });
  },
})
  .webhookSource(githubWebhookSource)
  .actions({ createIssue, addComment, addLabels });
