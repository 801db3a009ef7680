import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import { definePollingTrigger } from './auth';
import { fieldName, sobjectRecord, sobjectType } from './records';
import { runQuery, soqlLiteral } from './soql';

const changed = sobjectRecord.extend({ Id: z.string(), SystemModstamp: z.string() });

/** `<SOQL datetime>|<Id>`: the last record returned; the next poll starts strictly after it. */
function parseCursor(cursor: string): { at: string; id: string } {
  const [at, id = ''] = cursor.split('|');
  if (!at || Number.isNaN(Date.parse(at)) || !/^[A-Za-z0-9]*$/.test(id)) throw new ConnectorError('fatal', `not a Salesforce changedRecords cursor: ${cursor}`, { code: 'bad_cursor' });
  return { at: soqlDateTime(at), id };
}

/** SOQL datetime literals have no milliseconds: `2026-11-29T14:00:00Z` (Salesforce keeps seconds). */
const soqlDateTime = (iso: string) => new Date(Date.parse(iso.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'))).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Records of one type changed since the cursor, oldest first. Many records share a
 * SystemModstamp (a bulk update stamps them all in one second), so the order is (SystemModstamp,
 * Id) and the cursor is both: `SystemModstamp > t OR (SystemModstamp = t AND Id > id)` resumes
 * exactly after the last record, even inside a tie and across the `maxRecords` bound.
 * SystemModstamp (not LastModifiedDate) also moves on system changes, and is indexed.
 */
export const changedRecords = definePollingTrigger({
  key: 'changedRecords',
  title: 'Changed records',
  description: 'Fires for each record of a type (optionally filtered) created or changed since the last poll, in modification order.',
  input: z.object({
    type: sobjectType,
    /** Fields to return besides Id and SystemModstamp. */
    fields: z.array(fieldName).default([]),
    /** Extra SOQL condition, e.g. `Email != null`. */
    where: z.string().min(1).optional(),
    /**
     * The first poll starts here; without it, the first poll only records "now" (to the second, so
     * a change in that same second may be delivered: at least once, never missed).
     */
    since: z.iso.datetime({ offset: true }).optional(),
    maxRecords: z.number().int().min(1).max(10_000).default(2000),
    batchSize: z.number().int().min(200).max(2000).optional(),
  }),
  output: changed,
  sample: { attributes: { type: 'Contact' }, Id: '003gK00000Abc12QAB', SystemModstamp: '2026-11-29T14:00:00.000+0000', Email: 'ada@example.com' },
  defaultInterval: '5m',
  async poll(ctx, i, cursor) {
    if (cursor === null && !i.since) return { items: [], cursor: `${soqlDateTime(new Date().toISOString())}|` };
    const { at, id } = parseCursor(cursor ?? `${i.since}|`);
    const fields = [...new Set(['Id', 'SystemModstamp', ...i.fields])].join(', ');
    const after = `(SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > ${soqlLiteral(id)}))`;
    const where = i.where ? `(${i.where}) AND ${after}` : after;
    const soql = `SELECT ${fields} FROM ${i.type} WHERE ${where} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${i.maxRecords}`;
    const { records } = await runQuery(ctx, soql, { maxRecords: i.maxRecords, batchSize: i.batchSize });
    const items = records.map((r) => changed.parse(r)).map((r) => ({ dedupeKey: `${r.Id}:${r.SystemModstamp}`, item: r }));
    const last = items.at(-1)?.item;
    return { items, cursor: last ? `${soqlDateTime(last.SystemModstamp)}|${last.Id}` : `${at}|${id}` };
  },
});
