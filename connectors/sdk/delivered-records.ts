import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * [id, modified at, fingerprint of the content delivered]. Entries without a fingerprint come from
 * cursors written before the feeds kept one: their record counts as delivered at that time.
 */
export const deliveredEntry = z.union([z.tuple([z.string(), z.number().int()]), z.tuple([z.string(), z.number().int(), z.string()])]);
export type DeliveredEntry = z.output<typeof deliveredEntry>;

const fingerprint = (record: unknown): string => createHash('sha256').update(JSON.stringify(record)).digest('base64url').slice(0, 16);

/**
 * What a change feed delivered near its cursor. Vendors stamp changes to the second, so two changes
 * to one record within a second carry the same time: a record is new when its time is later than the
 * one delivered, or the same with other content (a person's edit in the second the sync wrote).
 */
export class DeliveredRecords {
  private readonly byId: Map<string, { at: number; fingerprint?: string }>;

  constructor(entries: readonly DeliveredEntry[] = []) {
    this.byId = new Map(entries.map(([id, at, fp]) => [id, { at, ...(fp ? { fingerprint: fp } : {}) }]));
  }

  /**
   * Undefined when this content was delivered already; else what to append to the record's dedupe
   * key: nothing the first time at this time, the fingerprint for another change at the same time
   * (a key of its own, or a recipe's dedupe would drop it).
   */
  offer(id: string, at: number, record: unknown): string | undefined {
    const before = this.byId.get(id);
    const fp = fingerprint(record);
    if (before && (before.at > at || (before.at === at && (before.fingerprint === undefined || before.fingerprint === fp)))) return undefined;
    this.byId.set(id, { at, fingerprint: fp });
    return before?.at === at ? `:${fp}` : '';
  }

  /** The entries to keep in the cursor: those modified at `since` or later. */
  since(since: number): DeliveredEntry[] {
    return [...this.byId].filter(([, d]) => d.at >= since).map(([id, d]) => (d.fingerprint ? [id, d.at, d.fingerprint] : [id, d.at]));
  }
}
