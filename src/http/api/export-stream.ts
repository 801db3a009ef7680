import { once } from 'node:events';
import type { Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../../logging';
import { csvLine } from './csv';

export const exportFormat = z.enum(['ndjson', 'csv'], { message: 'expected ndjson or csv' }).default('ndjson').describe('ndjson (default) or csv');
type ExportFormat = z.output<typeof exportFormat>;

/** One page of rows and the cursor of the next (null: the last page). */
export interface RowPage<T> {
  rows: T[];
  nextCursor: string | null;
}

export interface ExportOptions<T> {
  /** The attachment's file name without extension ("runs", "inbound-log"). */
  name: string;
  format: ExportFormat;
  /** The CSV header; `cells` gives one row's values in the same order. */
  columns: readonly string[];
  cells(row: T): unknown[];
  /** Reads `size` rows from `cursor` (undefined: the first page). */
  page(size: number, cursor: string | undefined): Promise<RowPage<T>>;
  cursor?: string;
  /** At most this many rows in all (default: every row). */
  cap?: number;
  logger?: Pick<Logger, 'warn'>;
}

/**
 * Streams an export as its pages arrive: NDJSON (one JSON row a line) or CSV (a header, then
 * `csvLine`s). The first page is read before anything is written, so a bad filter or cursor is
 * still a proper error answer; a failure after that cuts the stream short (the only honest signal
 * left once headers are out). Writes wait for the socket to drain.
 */
export async function streamExport<T>(res: Response, opts: ExportOptions<T>): Promise<void> {
  const cap = opts.cap ?? Infinity;
  let page = await opts.page(Math.min(500, cap), opts.cursor);
  res.status(200);
  res.type(opts.format === 'csv' ? 'text/csv' : 'application/x-ndjson');
  res.setHeader('Content-Disposition', `attachment; filename="${opts.name}.${opts.format}"`);
  const write = async (line: string) => {
    if (!res.write(line + '\n')) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  };
  if (opts.format === 'csv') await write(csvLine([...opts.columns]));
  let written = 0;
  try {
    for (;;) {
      for (const row of page.rows) {
        if (written >= cap || res.destroyed) break;
        await write(opts.format === 'csv' ? csvLine(opts.cells(row)) : JSON.stringify(row));
        written++;
      }
      if (!page.nextCursor || written >= cap || res.destroyed) break;
      page = await opts.page(Math.min(500, cap - written), page.nextCursor);
    }
    res.end();
  } catch (err) {
    opts.logger?.warn({ err: (err as Error).message, written, export: opts.name }, 'export cut short');
    res.destroy();
  }
}
