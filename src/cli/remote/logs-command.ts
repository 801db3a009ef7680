import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { LogAnswers } from '../../http/api/logs-routes';
import { alreadyPrinted, apiCommand, defaultApiContext, type ApiCommandContext } from './api-command';
import { tableLines } from './output';

type Options = Record<string, string | undefined> & { export?: string; out?: string };

/** One log: its path, the filters it takes (flag → query parameter) and the table columns. */
interface LogView {
  name: 'inbound' | 'outgoing' | 'vendor-calls';
  path: string;
  description: string;
  filters: [flag: string, description: string][];
  columns: string[];
  rows(entries: unknown[]): object[];
}

const views: LogView[] = [
  {
    name: 'inbound',
    path: '/api/v1/logs/inbound',
    description: 'inbound webhook deliveries: outcome (accepted, duplicate, unmatched, rejected), reason, runs started',
    filters: [
      ['outcome', 'accepted, duplicate, unmatched or rejected'],
      ['topic', 'only deliveries carrying this topic'],
      ['since', 'received at or after this ISO time'],
      ['until', 'received before this ISO time'],
    ],
    columns: ['receivedAt', 'connectionId', 'outcome', 'reason', 'status', 'topic', 'runs', 'id'],
    rows: (entries) => (entries as LogAnswers['inbound'][]).map((e) => ({ ...e, runs: e.runs.map((r) => r.runId) })),
  },
  {
    name: 'outgoing',
    path: '/api/v1/logs/outgoing',
    description: 'outgoing webhook deliveries across subscriptions, with the last attempt',
    filters: [
      ['subscription', 'only this webhook subscription'],
      ['status', 'pending, delivered or failed'],
      ['topic', 'only this topic'],
      ['since', 'messages created at or after this ISO time'],
      ['until', 'messages created before this ISO time'],
    ],
    columns: ['createdAt', 'subscriptionId', 'topic', 'status', 'attempts', 'lastStatusCode', 'connectionId', 'messageId'],
    rows: (entries) => entries as LogAnswers['outgoing'][],
  },
  {
    name: 'vendor-calls',
    path: '/api/v1/logs/vendor-calls',
    description: 'vendor calls made by runs (derived from the runs): step status, attempts, error',
    filters: [
      ['since', 'runs started at or after this ISO time'],
      ['runs', 'runs read per page (default 20)'],
    ],
    columns: ['startedAt', 'connectionId', 'action', 'status', 'attempts', 'error', 'runId'],
    rows: (entries) => (entries as LogAnswers['vendorCall'][]).map((e) => ({ ...e, error: e.error ? `${e.error.kind}: ${e.error.message}` : null })),
  },
];

/** `switchyard logs inbound|outgoing|vendor-calls [--connection id] [filters] [--export csv|ndjson]` over the management API. */
export function registerLogsCommand(program: Command, ctx: ApiCommandContext = defaultApiContext): void {
  const logs = program.command('logs').description('integration logs, over the API: inbound deliveries, outgoing webhook deliveries, vendor calls');
  for (const view of views) {
    const command = logs.command(view.name).description(view.description).option('--connection <id>', 'only this connection');
    for (const [flag, description] of view.filters) command.option(`--${flag} <value>`, description);
    command
      .option('--limit <n>', 'page size (with --export: at most this many rows)')
      .option('--cursor <cursor>', 'the next page (printed after a full page)')
      .option('--export <format>', 'stream every matching entry as csv or ndjson')
      .option('-o, --out <file>', 'with --export: write to a file instead of stdout');
    apiCommand<Options, { entries: unknown[]; nextCursor: string | null } | typeof alreadyPrinted>(
      command,
      ctx,
      async ({ client, opts, print }) => {
        const params = new URLSearchParams();
        for (const key of ['connection', 'limit', 'cursor', ...view.filters.map(([flag]) => flag)]) if (opts[key] !== undefined) params.set(key, opts[key]);
        if (!opts.export) return client.request('GET', `${view.path}?${params}`);
        params.set('format', opts.export);
        const text = await client.requestText('GET', `${view.path}/export?${params}`);
        if (opts.out) writeFileSync(opts.out, text);
        else if (text) print(text.replace(/\n$/, ''));
        return alreadyPrinted;
      },
      (page) => [...tableLines(view.rows(page.entries), view.columns, 'no entries'), ...(page.nextCursor ? [`more: repeat with --cursor ${page.nextCursor}`] : [])],
    );
  }
}
