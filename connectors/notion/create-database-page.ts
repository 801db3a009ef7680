import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import { defineAction } from './auth';
import { paragraphs, plainValue, toNotionProperties } from './properties';

const database = z.object({ object: z.literal('database'), properties: z.record(z.string(), z.object({ id: z.string(), type: z.string() }).loose()) });

/**
 * Reads the database's property schema (GET /databases/{id}), converts each plain value to the
 * property's Notion type, then POST /pages. Notion has no idempotency key: at-least-once.
 */
export const createDatabasePage = defineAction({
  description: 'Adds a page (row) to a Notion database: properties by name, typed from the database schema (title, text, select, multi-select, date, number, URL, email).',
  input: z.object({
    databaseId: z.string().min(32),
    /** Property name → plain value (`"Name": "Refund request"`, `"Tags": ["billing"]`, `"Due": "2026-12-01"`). */
    properties: z.record(z.string().min(1), plainValue).refine((p) => Object.keys(p).length > 0, 'give at least one property'),
    /** Optional page body: one paragraph per entry. */
    content: z.array(z.string()).max(100).optional(),
  }),
  output: z.object({ id: z.string(), url: z.string() }),
  effect: { kind: 'atLeastOnce', why: 'Notion page creation takes no idempotency key' },
  sample: { id: '59833787-2cf9-4fdf-8782-e53db20768a5', url: 'https://www.notion.so/Refund-request-598337872cf94fdf8782e53db20768a5' },
  async run(ctx, i) {
    const res = await ctx.http.request({ method: 'GET', path: `/v1/databases/${encodeURIComponent(i.databaseId)}` });
    const parsed = database.safeParse(res.body);
    if (!parsed.success) throw new ConnectorError('fatal', 'Notion answered without a database object', { code: 'unexpected_response' });
    const properties = toNotionProperties(i.properties, parsed.data.properties);
    const json: Record<string, unknown> = { parent: { database_id: i.databaseId }, properties };
    if (i.content?.length) json.children = paragraphs(i.content);
    const page = await ctx.http.request<{ id: string; url: string }>({ method: 'POST', path: '/v1/pages', json });
    return { id: page.body.id, url: page.body.url };
  },
});
