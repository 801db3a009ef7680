import { z } from 'zod';
import { definePollingTrigger } from './auth';
import { crmRecord, lastModifiedProperty, objectType, sampleContact } from './objects';
import { decodeCursor, encodeCursor, readModifiedSince, searchOnce, type ModifiedCursor } from './search-pages';
import { filterGroups } from './search-query';

/**
 * Records changed since the cursor, through the search API sorted by modification time (ties by
 * id, across the 10,000-result ceiling: see readModifiedSince). The cursor is that time and the ids
 * read at it. A first poll without `since` starts after the newest record, replaying no history.
 * Each change fires once: the dedupe key is the id with its modification time.
 */
export const changedRecords = definePollingTrigger({
  key: 'changedRecords',
  title: 'Changed records',
  description: 'Fires for each HubSpot contact, company or deal created or changed since the last poll (optionally filtered).',
  input: z.object({
    objectType,
    /** Extra filters ANDed with the modification-time cursor. */
    filterGroups,
    properties: z.array(z.string().min(1)).optional(),
    pageSize: z.number().int().min(1).max(200).default(100),
    maxPages: z.number().int().min(1).max(100).default(10),
    /** Where a first poll starts (ISO time); by default after the newest record. */
    since: z.iso.datetime({ offset: true }).optional(),
  }),
  output: crmRecord,
  sample: sampleContact,
  defaultInterval: '5m',
  async poll(ctx, i, cursor) {
    let from: ModifiedCursor;
    if (cursor) from = decodeCursor(cursor, 'cursor');
    else if (i.since) from = { t: Date.parse(i.since), ids: [] };
    else {
      const property = lastModifiedProperty[i.objectType];
      const newest = await searchOnce(ctx, i.objectType, { filterGroups: i.filterGroups, sorts: [{ propertyName: property, direction: 'DESCENDING' }], properties: [property], limit: 1 });
      const top = newest.results[0];
      return { items: [], cursor: encodeCursor(top ? { t: Date.parse(top.updatedAt), ids: newest.results.map((r) => r.id) } : { t: 0, ids: [] }) };
    }
    const read = await readModifiedSince(ctx, { type: i.objectType, filterGroups: i.filterGroups, properties: i.properties, pageSize: i.pageSize, maxRecords: i.pageSize * i.maxPages, from });
    return { items: read.records.map((r) => ({ dedupeKey: `${r.id}:${r.updatedAt}`, item: r })), cursor: encodeCursor(read.cursor) };
  },
});
