import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';

/**
 * Where a change feed over Intercom search stands: everything up to `since` (unix seconds) is
 * delivered, and of the records updated exactly at `since`, the ones in `ids` (a second can hold
 * many). `resume` continues a scan that stopped at its page limit: the same query, from Intercom's cursor.
 */
const changeCursor = z.object({
  since: z.number().int(),
  ids: z.array(z.string()),
  resume: z.object({ from: z.number().int(), after: z.string().min(1) }).optional(),
});
export type ChangeCursor = z.output<typeof changeCursor>;

export function readChangeCursor(raw: string): ChangeCursor {
  if (/^\d+$/.test(raw)) return { since: Number(raw), ids: [] };
  try {
    return changeCursor.parse(JSON.parse(raw));
  } catch {
    throw new ConnectorError('fatal', `not an Intercom change cursor: ${raw.slice(0, 80)}`, { code: 'bad_cursor' });
  }
}

/** Folds records (ascending by updated_at) into the cursor, returning the ones not delivered before. */
export class ChangeFeed<T extends { id: string; updated_at: number }> {
  private since: number;
  private ids: Set<string>;
  private readonly emitted = new Set<string>();
  readonly items: { dedupeKey: string; item: T }[] = [];

  constructor(private readonly start: ChangeCursor) {
    this.since = start.since;
    this.ids = new Set(start.ids);
  }

  add(record: T): void {
    if (record.updated_at < this.start.since) return;
    if (record.updated_at === this.start.since && this.start.ids.includes(record.id)) return;
    const dedupeKey = `${record.id}:${record.updated_at}`;
    if (this.emitted.has(dedupeKey)) return;
    this.emitted.add(dedupeKey);
    this.items.push({ dedupeKey, item: record });
    if (record.updated_at > this.since) {
      this.since = record.updated_at;
      this.ids = new Set([record.id]);
    } else if (record.updated_at === this.since) {
      this.ids.add(record.id);
    }
  }

  cursor(resume?: ChangeCursor['resume']): string {
    return JSON.stringify({ since: this.since, ids: [...this.ids], ...(resume ? { resume } : {}) });
  }
}
