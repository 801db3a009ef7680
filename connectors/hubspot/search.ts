import { z } from 'zod';
import { defineAction } from './auth';
import { crmRecord, lastModifiedProperty, objectType, sampleContact, type CrmRecord } from './objects';
import { decodeCursor, encodeCursor, readModifiedSince, searchOnce } from './search-pages';
import { filterGroups, sorts } from './search-query';

/**
 * POST /crm/v3/objects/{type}/search, following `after` up to `maxRecords`. Sorted by the
 * modification time ascending, it reads past the 10,000-result ceiling (re-querying from the last
 * time seen) and `next` is this connector's cursor; otherwise `next` is HubSpot's `after`, which
 * ends at 10,000.
 */
export const search = defineAction({
  title: 'Search records',
  description: 'Finds HubSpot contacts, companies or deals by filters (groups ORed, filters ANDed), sorted, paged up to maxRecords.',
  input: z.object({
    objectType,
    filterGroups,
    sorts,
    /** Properties to return (HubSpot returns a default few otherwise). */
    properties: z.array(z.string().min(1)).optional(),
    /** Free-text search over the default searchable properties. */
    query: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(200).default(100),
    maxRecords: z.number().int().min(1).max(2_000).default(100),
    /** `next` from a previous call, to continue. */
    after: z.string().min(1).optional(),
  }),
  output: z.object({ total: z.number().int(), results: z.array(crmRecord), next: z.string().optional() }),
  effect: { kind: 'none' },
  sample: { total: 1, results: [sampleContact] },
  async run(ctx, i) {
    const [sort] = i.sorts;
    if (sort && sort.propertyName === lastModifiedProperty[i.objectType] && sort.direction === 'ASCENDING' && !i.query) {
      const from = i.after ? decodeCursor(i.after, 'after') : { t: 0, ids: [] };
      const read = await readModifiedSince(ctx, { type: i.objectType, filterGroups: i.filterGroups, properties: i.properties, pageSize: i.limit, maxRecords: i.maxRecords, from });
      return { total: read.total, results: read.records, ...(read.more ? { next: encodeCursor(read.cursor) } : {}) };
    }
    const results: CrmRecord[] = [];
    let after = i.after;
    let total: number;
    do {
      const page = await searchOnce(ctx, i.objectType, { filterGroups: i.filterGroups, sorts: i.sorts, properties: i.properties, query: i.query, limit: Math.min(i.limit, i.maxRecords - results.length), ...(after ? { after } : {}) });
      total = page.total;
      results.push(...page.results);
      after = page.paging?.next?.after;
    } while (after && results.length < i.maxRecords);
    return { total, results, ...(after ? { next: after } : {}) };
  },
});
