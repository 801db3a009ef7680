import { z } from 'zod';
import { DeliveredRecords, deliveredEntry } from '../sdk/delivered-records';
import { definePollingTrigger } from './auth';
import { pipedriveObject, pipedriveObjects, pipedriveRecord } from './objects';

const listPage = z.object({
  success: z.literal(true),
  data: z.array(pipedriveRecord.extend({ update_time: z.string() })),
  additional_data: z.object({ next_cursor: z.string().nullish() }).nullish(),
});

/**
 * Where the last poll stopped. `since` is the newest `update_time` emitted and `seen` the records
 * emitted at exactly that time (as [id, unix second, fingerprint]; bare ids from older cursors):
 * `updated_since` is inclusive and times have one-second resolution, so the next poll sees those
 * records again and skips them unless their content changed within that second, while a record that
 * shares the second but was not listed yet still comes. `sweep` is set when a poll stopped at
 * `maxPages`: the next poll resumes the same listing with Pipedrive's cursor, so a second with
 * more changes than one poll lists cannot stall the trigger.
 */
const state = z.object({
  since: z.string(),
  seen: z.array(z.union([z.number().int(), deliveredEntry])),
  sweep: z.object({ from: z.string(), cursor: z.string() }).optional(),
});
type State = z.output<typeof state>;

const toSeconds = (t: string) => Math.floor(Date.parse(t) / 1000);
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Persons, organizations or deals changed since the last poll: GET /api/v2/<objects> with
 * `updated_since`, `sort_by=update_time`, `sort_direction=asc` and cursor paging. The first poll
 * starts at `since` when given, else now (history is not replayed).
 */
export const changedRecords = definePollingTrigger({
  key: 'changedRecords',
  title: 'Changed persons, organizations or deals',
  description: 'Fires for each Pipedrive person, organization or deal created or changed since the last poll.',
  input: z.object({
    object: pipedriveObject,
    /** RFC 3339 start for the first poll (e.g. a sync's backfill); default now. */
    since: z.iso.datetime({ offset: true }).optional(),
    limit: z.number().int().min(1).max(500).default(500),
    maxPages: z.number().int().min(1).max(50).default(10),
  }),
  output: pipedriveRecord,
  sample: { id: 42, title: 'Analytical Engines renewal', status: 'won', add_time: '2026-11-20T09:00:00Z', update_time: '2026-11-27T12:00:00Z' },
  defaultInterval: '5m',
  async poll(ctx, i, cursor) {
    const at: State = cursor === null ? { since: i.since ?? rfc3339(Date.now()), seen: [] } : state.parse(JSON.parse(cursor));
    if (cursor === null && !i.since) return { items: [], cursor: JSON.stringify(at) };
    const from = at.sweep?.from ?? at.since;
    const start = toSeconds(at.since);
    const delivered = new DeliveredRecords(at.seen.map((e) => (typeof e === 'number' ? [String(e), start] : e)));
    const items: { dedupeKey: string; item: z.input<typeof pipedriveRecord> }[] = [];
    let newest = { seconds: start, since: at.since };
    let next: string | null | undefined = at.sweep?.cursor;
    for (let page = 0; page < i.maxPages; page++) {
      const res = await ctx.http.request({
        method: 'GET',
        path: `/api/v2/${pipedriveObjects[i.object]}`,
        query: { updated_since: from, sort_by: 'update_time', sort_direction: 'asc', limit: i.limit, cursor: next ?? undefined },
      });
      const body = listPage.parse(res.body);
      for (const record of body.data) {
        const seconds = toSeconds(record.update_time);
        const repeat = seconds < start ? undefined : delivered.offer(String(record.id), seconds, record);
        if (repeat === undefined) continue;
        items.push({ dedupeKey: `${i.object}:${record.id}:${record.update_time}${repeat}`, item: record });
        if (seconds > newest.seconds) newest = { seconds, since: record.update_time };
      }
      next = body.additional_data?.next_cursor;
      ctx.heartbeat({ page });
      if (!next) break;
    }
    const after: State = { since: newest.since, seen: delivered.since(newest.seconds), ...(next ? { sweep: { from, cursor: next } } : {}) };
    return { items, cursor: JSON.stringify(after) };
  },
});
