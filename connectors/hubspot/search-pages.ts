import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import type { ActionContext } from '../sdk/types';
import type { OAuth2Credentials } from '../sdk/auth';
import { crmRecord, lastModifiedProperty, type CrmRecord, type ObjectType } from './objects';
import type { FilterGroup } from './search-query';

/** HubSpot's search answers at most this many results per query; asking for an `after` past it is a 400. */
const searchCeiling = 10_000;

const searchPage = z.object({
  total: z.number().int(),
  results: z.array(crmRecord),
  paging: z.object({ next: z.object({ after: z.string() }).optional() }).optional(),
});
export type SearchPage = z.output<typeof searchPage>;

export interface SearchBody {
  filterGroups: FilterGroup[];
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  properties?: string[];
  query?: string;
  limit: number;
  after?: string;
}

/** POST /crm/v3/objects/{type}/search, one page. */
export async function searchOnce(ctx: ActionContext<OAuth2Credentials>, type: ObjectType, body: SearchBody): Promise<SearchPage> {
  const res = await ctx.http.request({ method: 'POST', path: `/crm/v3/objects/${type}/search`, json: body });
  return searchPage.parse(res.body);
}

/** Where a modified-since read stands: everything modified before `t` (ms) is read, and at `t` the records `ids`. */
const modifiedCursor = z.object({ t: z.number().int().nonnegative(), ids: z.array(z.string()) });
export type ModifiedCursor = z.output<typeof modifiedCursor>;

function withFloor(groups: readonly FilterGroup[], property: string, t: number): FilterGroup[] {
  const floor = { propertyName: property, operator: 'GTE' as const, value: String(t) };
  return groups.length === 0 ? [{ filters: [floor] }] : groups.map((g) => ({ filters: [...g.filters, floor] }));
}

export interface ModifiedSince {
  type: ObjectType;
  filterGroups: readonly FilterGroup[];
  properties?: string[];
  pageSize: number;
  maxRecords: number;
  from: ModifiedCursor;
}

/**
 * Records modified since a cursor, oldest first. One query is sorted by the modification time with
 * that time as a floor (GTE), paged with `after`; before `after` would pass the 10,000 ceiling, the
 * query starts again from the last time seen. Records at that time already read are skipped by id,
 * so ties are neither missed nor repeated. `more` is true when `maxRecords` stopped the read;
 * `total` is what HubSpot counted for the first query (records modified at or after the cursor time).
 */
export async function readModifiedSince(ctx: ActionContext<OAuth2Credentials>, q: ModifiedSince): Promise<{ records: CrmRecord[]; cursor: ModifiedCursor; more: boolean; total: number }> {
  const property = lastModifiedProperty[q.type];
  const records: CrmRecord[] = [];
  let latest = q.from.t;
  let atLatest = new Set(q.from.ids);
  let total: number | undefined;
  const done = (more: boolean) => ({ records, cursor: { t: latest, ids: [...atLatest] }, more, total: total ?? records.length });
  for (;;) {
    const floor = latest;
    let after: string | undefined;
    let progressed = false;
    for (;;) {
      const page = await searchOnce(ctx, q.type, {
        filterGroups: withFloor(q.filterGroups, property, floor),
        sorts: [{ propertyName: property, direction: 'ASCENDING' }],
        properties: q.properties,
        limit: q.pageSize,
        ...(after ? { after } : {}),
      });
      total ??= page.total;
      for (const r of page.results) {
        const t = Date.parse(r.updatedAt);
        if (t < latest || (t === latest && atLatest.has(r.id))) continue;
        if (t > latest) [latest, atLatest] = [t, new Set()];
        atLatest.add(r.id);
        records.push(r);
        progressed = true;
        if (records.length >= q.maxRecords) return done(true);
      }
      ctx.heartbeat({ records: records.length, t: latest });
      const reached = Number(after ?? 0) + page.results.length;
      const next = page.paging?.next?.after;
      if (next && Number(next) < searchCeiling) {
        after = next;
        continue;
      }
      if (!next && page.total <= reached) return done(false);
      break; // the ceiling: query again from the last modification time seen
    }
    if (!progressed) {
      throw new ConnectorError('fatal', `more than ${searchCeiling} HubSpot ${q.type} share the modification time ${new Date(latest).toISOString()}; search cannot page past them`, { code: 'search_ceiling' });
    }
  }
}

export const encodeCursor = (c: ModifiedCursor): string => JSON.stringify(c);

export function decodeCursor(s: string, field: string): ModifiedCursor {
  try {
    return modifiedCursor.parse(JSON.parse(s));
  } catch {
    throw new ConnectorError('invalid_input', `${field} is not a cursor this connector returned`, { field });
  }
}
