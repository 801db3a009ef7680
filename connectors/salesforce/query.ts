import { z } from 'zod';
import { defineAction } from './auth';
import { sobjectRecord } from './records';
import { bindSoql, runQuery } from './soql';

/**
 * GET /query with a SOQL statement, following `nextRecordsUrl` up to `maxRecords`. Values go in
 * `params` and are referenced as `:name`: they are escaped, so an email with a quote cannot
 * change the query.
 */
export const query = defineAction({
  title: 'Query (SOQL)',
  description: 'Runs a SOQL query (with :name parameters) and returns its records, following pages up to a bound.',
  input: z.object({
    soql: z.string().min(1).max(100_000),
    params: z.record(z.string(), z.unknown()).default({}),
    maxRecords: z.number().int().min(1).max(50_000).default(2000),
    batchSize: z.number().int().min(200).max(2000).optional(),
  }),
  output: z.object({ totalSize: z.number(), records: z.array(sobjectRecord), truncated: z.boolean() }),
  effect: { kind: 'none' },
  sample: { totalSize: 1, records: [{ attributes: { type: 'Contact' }, Id: '003gK00000Abc12QAB', Email: 'ada@example.com' }], truncated: false },
  async run(ctx, i) {
    return runQuery(ctx, bindSoql(i.soql, i.params), { maxRecords: i.maxRecords, batchSize: i.batchSize });
  },
});
