import { z } from 'zod';
import { catalogFromList, type CatalogAction } from '../../connectors/sdk/action-catalog';

/** A small stand-in for the connector registry, with the action keys of issue 4. */
const testActions: CatalogAction[] = [
  {
    connector: 'slack',
    key: 'postMessage',
    input: z.object({ channel: z.string().min(1), text: z.string().min(1), threadTs: z.string().optional() }),
    output: z.object({ ok: z.boolean(), channel: z.string(), ts: z.string() }),
    sample: { ok: true, channel: 'C0123', ts: '1700000000.000100' },
    idempotent: false,
    timeout: '30s',
  },
  {
    connector: 'jira',
    key: 'createIssue',
    input: z.object({
      project: z.string().min(1),
      summary: z.string().min(1).max(255),
      description: z.string().optional(),
      issueType: z.string().default('Task'),
      labels: z.array(z.string()).optional(),
      priority: z.enum(['Highest', 'High', 'Medium', 'Low', 'Lowest']).optional(),
    }),
    output: z.object({ id: z.string(), key: z.string(), self: z.string() }),
    sample: { id: '10001', key: 'SUP-1', self: 'https://example.atlassian.net/rest/api/3/issue/10001' },
    idempotent: false,
  },
  {
    connector: 'jira',
    key: 'addComment',
    input: z.object({ issue: z.string().min(1), body: z.string().min(1) }),
    output: z.object({ id: z.string() }),
    sample: { id: '20001' },
    idempotent: false,
  },
  {
    connector: 'mailchimp',
    key: 'upsertMember',
    input: z.object({
      listId: z.string().min(1),
      email: z.string().min(3),
      status: z.enum(['subscribed', 'pending', 'unsubscribed']).default('subscribed'),
      mergeFields: z.record(z.string(), z.unknown()).optional(),
      tags: z.array(z.string()).optional(),
    }),
    output: z.object({ id: z.string(), status: z.string(), email: z.string() }),
    sample: { id: 'b1946ac92492d2347c6235b4d2611184', status: 'subscribed', email: 'ada@example.com' },
    idempotent: true,
  },
  {
    connector: 'google-sheets',
    key: 'appendRow',
    input: z.object({ spreadsheetId: z.string().min(1), range: z.string().min(1), values: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1) }),
    output: z.object({ updatedRange: z.string(), updatedRows: z.number() }),
    sample: { updatedRange: 'Closed!A2:F2', updatedRows: 1 },
    idempotent: false,
  },
  {
    connector: 'webhook',
    key: 'post',
    input: z.object({ url: z.url(), body: z.unknown(), headers: z.record(z.string(), z.string()).optional() }),
    output: z.object({ status: z.number() }),
    sample: { status: 200 },
    idempotent: false,
    needsConnection: false,
  },
  {
    connector: 'http',
    key: 'request',
    input: z.object({ method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']), url: z.url(), headers: z.record(z.string(), z.string()).optional(), body: z.unknown().optional() }),
    output: z.object({ status: z.number(), headers: z.record(z.string(), z.string()), body: z.unknown() }),
    sample: { status: 200, headers: {}, body: {} },
    idempotent: false,
    needsConnection: false,
  },
];

export const testCatalog = catalogFromList(testActions, [
  { connector: 'jira', key: 'newIssues', input: z.object({ jql: z.string().min(1) }), output: z.looseObject({ id: z.string(), key: z.string() }), sample: { id: '10001', key: 'SUP-1' } },
]);

export const testConnections = new Map([
  ['intercom-main', 'intercom'],
  ['slack-main', 'slack'],
  ['jira-main', 'jira'],
  ['mailchimp-main', 'mailchimp'],
  ['sheets-main', 'google-sheets'],
  ['linear-main', 'linear'],
  ['github-main', 'github'],
  ['notion-main', 'notion'],
  ['amplitude-main', 'amplitude'],
  ['mixpanel-main', 'mixpanel'],
  ['ga4-main', 'google-analytics'],
  ['zoom-main', 'zoom'],
  ['drive-main', 'google-drive'],
  ['salesforce-main', 'salesforce'],
  ['hubspot-main', 'hubspot'],
  ['pipedrive-main', 'pipedrive'],
]);

/**
 * Jira issues as the `jira.newIssues` poll trigger answers them: issue n is SUP-n (id "n", deduped
 * by its key), then the cursor for the next poll. Seeds what a stubbed pollTrigger returns.
 */
export function jiraIssuesPage(numbers: readonly number[], cursor: string) {
  return { items: numbers.map((n) => ({ dedupeKey: `SUP-${n}`, item: { id: String(n), key: `SUP-${n}` } })), cursor };
}
