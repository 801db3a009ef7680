import { z } from 'zod';
import { textToAdf } from './adf';
import { defineAction } from './auth';

/** POST /rest/api/3/issue. Jira has no idempotency key, so a retry after a lost response can duplicate. */
export const createIssue = defineAction({
  key: 'createIssue',
  title: 'Create issue',
  description: 'Creates a Jira issue; a plain-text description is converted to Atlassian Document Format.',
  input: z.object({
    project: z.string().min(1),
    summary: z.string().min(1).max(255),
    /** Plain text; converted to ADF (REST v3 rejects plain strings). */
    description: z.string().optional(),
    issueType: z.string().min(1).default('Task'),
    labels: z.array(z.string().regex(/^\S+$/, 'labels cannot contain spaces')).optional(),
    priority: z.string().min(1).optional(),
  }),
  output: z.object({ id: z.string(), key: z.string(), url: z.string(), self: z.string() }),
  idempotent: false,
  sample: { id: '10001', key: 'SUP-1', url: 'https://example.atlassian.net/browse/SUP-1', self: 'https://example.atlassian.net/rest/api/3/issue/10001' },
  async run(ctx, i) {
    const fields: Record<string, unknown> = {
      project: { key: i.project },
      issuetype: { name: i.issueType },
      summary: i.summary,
    };
    if (i.description) fields.description = textToAdf(i.description);
    if (i.labels) fields.labels = i.labels;
    if (i.priority) fields.priority = { name: i.priority };
    const res = await ctx.http.request<{ id: string; key: string; self: string }>({ method: 'POST', path: '/rest/api/3/issue', json: { fields } });
    const browse = new URL(`/browse/${res.body.key}`, ctx.credentials.siteUrl).href;
    return { id: res.body.id, key: res.body.key, url: browse, self: res.body.self };
  },
});
