import { z } from 'zod';
import { DeliveredRecords, deliveredEntry } from '../sdk/delivered-records';
import { ConnectorError } from '../sdk/errors';

/**
 * Where a change feed over Intercom search stands: the newest `updated_at` delivered (`since`, unix
 * seconds) and, as [id, updated_at, fingerprint], the records delivered with `updated_at` in the last `lag`
 * seconds before it — a second can hold many records, and Intercom's index shows a change minutes
 * late, so a record may turn up with an `updated_at` the feed has already passed. `resume` continues
 * a scan that stopped at its page limit: the same query, from Intercom's page cursor.
 */
const changeCursor = z.object({
  since: z.number().int(),
  recent: z.array(deliveredEntry),
  resume: z.object({ from: z.number().int(), after: z.string().min(1) }).optional(),
});
export type ChangeCursor = z.output<typeof changeCursor>;

export function readChangeCursor(raw: string): ChangeCursor {
  if (/^\d+$/.test(raw)) return { since: Number(raw), recent: [] };
  try {
    return changeCursor.parse(JSON.parse(raw));
  } catch {
    throw new ConnectorError('fatal', `not an Intercom change cursor: ${raw.slice(0, 80)}`, { code: 'bad_cursor' });
  }
}

/**
 * Folds the records a scan finds into the cursor, keeping the ones not delivered before: anything
 * updated within `lag` seconds before the cursor is compared with what was delivered, anything older
 * was delivered (or passed) already.
 */
export class ChangeFeed<T extends { id: string; updated_at: number }> {
  private since: number;
  private readonly delivered: DeliveredRecords;
  private readonly emitted = new Set<string>();
  readonly items: { dedupeKey: string; item: T }[] = [];

  constructor(
    private readonly start: ChangeCursor,
    private readonly lag: number,
  ) {
    this.since = start.since;
    this.delivered = new DeliveredRecords(start.recent);
  }

  /** The oldest `updated_at` this feed still looks at. */
  get threshold(): number {
    return this.start.since - this.lag;
  }

  add(record: T): void {
    if (record.updated_at < this.threshold) return;
    const repeat = this.delivered.offer(record.id, record.updated_at, record);
    if (repeat === undefined) return;
    const dedupeKey = `${record.id}:${record.updated_at}${repeat}`;
    if (this.emitted.has(dedupeKey)) return;
    this.emitted.add(dedupeKey);
    this.items.push({ dedupeKey, item: record });
    this.since = Math.max(this.since, record.updated_at);
  }

  cursor(resume?: ChangeCursor['resume']): string {
    return JSON.stringify({ since: this.since, recent: this.delivered.since(this.since - this.lag), ...(resume ? { resume } : {}) });
  }
}
