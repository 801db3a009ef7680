import { z } from 'zod';
import { definePollingTrigger } from './auth';

const input = z.object({
  /** JQL filter, e.g. `project = SUP`; the trigger adds the id cursor and ordering. */
  jql: z.string().min(1),
  maxResults: z.number().int().min(1).max(100).default(50),
  maxPages: z.number().int().min(1).max(20).default(5),
});

const issue = z.looseObject({ id: z.string(), key: z.string(), fields: z.record(z.string(), z.unknown()).optional() });
const page = z.object({ issues: z.array(issue), nextPageToken: z.string().optional(), isLast: z.boolean().optional() });

/**
 * New issues via POST /rest/api/3/search/jql (cursor pagination; the legacy /search is gone).
 * The cursor is the highest issue id seen; the first poll only records it, without replaying history.
 */
export const newIssues = definePollingTrigger({
  key: 'newIssues',
  title: 'New issues',
  description: 'Fires for each issue created (matching a JQL filter) since the last poll.',
  input,
  output: issue,
  sample: { id: '10001', key: 'SUP-1', fields: { summary: 'Urgent: Where is my order?', created: '2026-11-27T12:00:00.000+0000' } },
  defaultInterval: '5m',
  async poll(ctx, i, cursor) {
    const fields = ['summary', 'status', 'created', 'reporter', 'labels'];
    if (cursor === null) {
      const res = await ctx.http.request({ method: 'POST', path: '/rest/api/3/search/jql', json: { jql: `(${i.jql}) ORDER BY id DESC`, maxResults: 1, fields: ['created'] } });
      const newest = page.parse(res.body).issues[0];
      return { items: [], cursor: newest ? newest.id : '0' };
    }
    const items: { dedupeKey: string; item: z.input<typeof issue> }[] = [];
    let highest = Number(cursor);
    let token: string | undefined;
    for (let p = 0; p < i.maxPages; p++) {
      const res = await ctx.http.request({
        method: 'POST',
        path: '/rest/api/3/search/jql',
        json: { jql: `(${i.jql}) AND id > ${Number(cursor)} ORDER BY id ASC`, maxResults: i.maxResults, fields, ...(token ? { nextPageToken: token } : {}) },
      });
      const body = page.parse(res.body);
      for (const it of body.issues) {
        items.push({ dedupeKey: it.id, item: it });
        highest = Math.max(highest, Number(it.id));
      }
      ctx.heartbeat({ page: p });
      token = body.nextPageToken;
      if (body.isLast !== false || !token) break;
    }
    return { items, cursor: String(highest) };
  },
});
