import { connector } from '../sdk/connector';
import { addComment } from './add-comment';
import { jiraAuth } from './auth';
import { createIssue } from './create-issue';
import { newIssues } from './new-issues';
import { jiraVendor } from './vendor';

export const jira = connector({
  id: 'jira',
  name: 'Jira',
  category: 'Support',
  description: 'Create Jira Cloud issues and comments; poll for new issues with JQL.',
  auth: jiraAuth,
  baseUrl: (c) => c.siteUrl,
  vendor: jiraVendor,
  async validate(ctx) {
    await ctx.http.request({ method: 'GET', path: '/rest/api/3/myself' });
  },
})
  .actions({ createIssue, addComment })
  .pollingTrigger(newIssues);
