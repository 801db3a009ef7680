import { z } from 'zod';
import { defineAction } from './auth';

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** spreadsheets.values.append. Not idempotent: a retry after a lost response appends the row twice. */
export const appendRow = defineAction({
  key: 'appendRow',
  title: 'Append row',
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
  idempotent: false,
  effect: { kind: 'atLeastOnce', why: 'Sheets appends take no idempotency key' },
  sample: { updatedRange: 'Closed!A2:F2', updatedRows: 1, tableRange: 'Closed!A1:F1' },
  async run(ctx, i) {
    const res = await ctx.http.request<{ tableRange?: string; updates: { updatedRange: string; updatedRows: number } }>({
      method: 'POST',
      path: `/spreadsheets/${i.spreadsheetId}/values/${encodeURIComponent(i.range)}:append`,
      query: { valueInputOption: i.valueInputOption, insertDataOption: i.insertDataOption },
      json: { majorDimension: 'ROWS', values: [i.values] },
    });
    return { updatedRange: res.body.updates.updatedRange, updatedRows: res.body.updates.updatedRows, tableRange: res.body.tableRange };
  },
});
