import { z } from 'zod';
import { dedupeIdFor } from '../sdk/idempotency';
import { textToAdf } from './adf';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

/**
 * The label that carries the step key. A label rather than an issue property: JQL searches
 * properties only where an installed app indexes them, labels always.
 */
function stepLabel(idempotencyKey: string): string {
  return `switchyard-${dedupeIdFor(idempotencyKey)}`;
}

interface CreatedIssue {
  id: string;
  key: string;
  self: string;
}

/** The output for an issue Jira answered with, and the link a person opens. */
function issueOutput(issue: CreatedIssue, siteUrl: string) {
  return { id: issue.id, key: issue.key, url: new URL(`/browse/${issue.key}`, siteUrl).href, self: issue.self };
}

/**
 * POST /rest/api/3/issue. Jira has no idempotency key: the issue carries the step's label, and
 * after an attempt whose answer was lost, `reconcile` finds that issue with JQL instead of creating
 * a second one.
 */
export const createIssue = defineAction({
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
  effect: {
    kind: 'reconcile',
    marker: 'a label switchyard-<step key hash>, found with JQL',
    async reconcile(ctx, i) {
      const jql = `project = "${i.project.replace(/["\\]/g, '')}" AND labels = "${stepLabel(ctx.idempotencyKey)}"`;
      const res = await ctx.http.request<{ issues?: CreatedIssue[] }>({ method: 'POST', path: '/rest/api/3/search/jql', json: { jql, maxResults: 1 } });
      const issue = res.body.issues?.[0];
      return issue && issueOutput(issue, ctx.credentials.siteUrl);
    },
  },
  sample: { id: '10001', key: 'SUP-1', url: 'https://example.atlassian.net/browse/SUP-1', self: 'https://example.atlassian.net/rest/api/3/issue/10001' },
  request(i, ctx) {
    const fields: Record<string, unknown> = {
      project: { key: i.project },
      issuetype: { name: i.issueType },
      summary: i.summary,
    };
    if (i.description) fields.description = textToAdf(i.description);
    fields.labels = [...(i.labels ?? []), stepLabel(ctx.idempotencyKey)];
    if (i.priority) fields.priority = { name: i.priority };
    return { method: 'POST', path: '/rest/api/3/issue', json: { fields } };
  },
  respond: (res: HttpResponse<CreatedIssue>, _i, ctx) => issueOutput(res.body, ctx.credentials.siteUrl),
});
