import { z } from 'zod';
import { dedupeIdFor } from '../sdk/idempotency';
import { defineAction } from './auth';
import type { HttpResponse } from '../sdk/http-types';

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The marker cell written after the row's values: the step key, hashed. */
function stepMarker(idempotencyKey: string): string {
  return `switchyard:${dedupeIdFor(idempotencyKey)}`;
}

/** The sheet a range names (`Closed!A:F` → `Closed`, `'Q1 2026'!A1` → `'Q1 2026'`). */
function sheetOf(range: string): string {
  return range.split('!')[0]!;
}

/**
 * spreadsheets.values.append. Sheets has no idempotency key: the row ends in one more cell, the
 * step's marker (the marker column), and after an attempt whose answer was lost `reconcile` reads
 * the sheet for a row carrying it instead of appending the row twice.
 */
export const appendRow = defineAction({
  description: 'Appends one row to a sheet; returns the range that was written.',
  input: z.object({
    spreadsheetId: z.string().regex(/^[A-Za-z0-9_-]+$/),
    /** Sheet name or A1 range, e.g. `Closed` or `Closed!A:F`. */
    range: z.string().min(1),
    values: z.array(cell).min(1),
    valueInputOption: z.enum(['USER_ENTERED', 'RAW']).default('USER_ENTERED'),
    insertDataOption: z.enum(['INSERT_ROWS', 'OVERWRITE']).default('INSERT_ROWS'),
  }),
  output: z.object({ updatedRange: z.string(), updatedRows: z.number(), tableRange: z.string().optional() }),
  effect: {
    kind: 'reconcile',
    marker: 'a marker cell after the row (the step key, hashed), found by reading the sheet',
    async reconcile(ctx, i) {
      const sheet = sheetOf(i.range);
      const res = await ctx.http.request<{ values?: unknown[][] }>({ method: 'GET', path: `/spreadsheets/${i.spreadsheetId}/values/${encodeURIComponent(sheet)}`, query: { majorDimension: 'ROWS' } });
      const marker = stepMarker(ctx.idempotencyKey);
      const index = (res.body.values ?? []).findIndex((row) => row.includes(marker));
      if (index < 0) return undefined;
      const row = index + 1;
      return { updatedRange: `${sheet}!A${row}:${columnName(i.values.length + 1)}${row}`, updatedRows: 1 };
    },
  },
  sample: { updatedRange: 'Closed!A2:F2', updatedRows: 1, tableRange: 'Closed!A1:F1' },
  request: (i, ctx) => ({
    method: 'POST',
    path: `/spreadsheets/${i.spreadsheetId}/values/${encodeURIComponent(i.range)}:append`,
    query: { valueInputOption: i.valueInputOption, insertDataOption: i.insertDataOption },
    json: { majorDimension: 'ROWS', values: [[...i.values, stepMarker(ctx.idempotencyKey)]] },
  }),
  respond: (res: HttpResponse<{ tableRange?: string; updates: { updatedRange: string; updatedRows: number } }>) => ({ updatedRange: res.body.updates.updatedRange, updatedRows: res.body.updates.updatedRows, tableRange: res.body.tableRange }),
});

/** 1 → A, 27 → AA. */
function columnName(n: number): string {
  let name = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) name = String.fromCharCode(65 + ((k - 1) % 26)) + name;
  return name;
}
