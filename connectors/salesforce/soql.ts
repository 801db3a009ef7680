import { z } from 'zod';
import { ConnectorError } from '../sdk/errors';
import type { ActionContext } from '../sdk/types';
import { sobjectRecord } from './records';

/** A SOQL literal: strings quoted with `\` and `'` escaped (SOQL's rules), so a value can never end the string early. */
export function soqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw new ConnectorError('invalid_input', `a SOQL parameter must be a string, number, boolean or null, not ${typeof value}`, { field: 'params' });
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

/** Replaces `:name` placeholders outside string literals with the escaped parameter. */
export function bindSoql(soql: string, params: Record<string, unknown>): string {
  return soql.replace(/'(?:\\.|[^'\\])*'|:([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string | undefined) => {
    if (name === undefined) return whole;
    if (!(name in params)) throw new ConnectorError('invalid_input', `the query uses :${name} but params has no "${name}"`, { field: `params.${name}` });
    return soqlLiteral(params[name]);
  });
}

const queryPage = z.object({ totalSize: z.number(), done: z.boolean(), nextRecordsUrl: z.string().optional(), records: z.array(sobjectRecord) });

export interface QueryOptions {
  /** Stop after this many records (pages are not fetched beyond it). */
  maxRecords: number;
  /** `Sforce-Query-Options: batchSize` (200–2000): records per page. */
  batchSize?: number;
}

/**
 * GET /query?q=…, then every `nextRecordsUrl` until `done` or `maxRecords`. The locator URL is
 * absolute on the instance (`/services/data/vNN.0/query/01g…-2000`); it is sent relative to the
 * connection's base URL so a proxy or fake base keeps working.
 */
export async function runQuery(ctx: ActionContext<unknown>, soql: string, opts: QueryOptions): Promise<{ totalSize: number; records: z.output<typeof sobjectRecord>[]; truncated: boolean }> {
  const headers = opts.batchSize ? { 'sforce-query-options': `batchSize=${opts.batchSize}` } : undefined;
  let res = await ctx.http.request({ method: 'GET', path: '/query', query: { q: soql }, headers });
  let page = queryPage.parse(res.body);
  const records = [...page.records];
  for (let n = 1; !page.done && page.nextRecordsUrl && records.length < opts.maxRecords; n++) {
    res = await ctx.http.request({ method: 'GET', path: page.nextRecordsUrl.replace(/^\/services\/data\/v[\d.]+/, ''), headers });
    page = queryPage.parse(res.body);
    records.push(...page.records);
    ctx.heartbeat({ page: n });
  }
  const truncated = records.length > opts.maxRecords || !page.done;
  return { totalSize: page.totalSize, records: records.slice(0, opts.maxRecords), truncated };
}
